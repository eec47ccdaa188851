/*
 * GSM 06.10 full-rate (RPE-LTP) decoder, §4.3: RPE decoding and long-term synthesis per sub-frame, then
 * short-term synthesis and post-processing (de-emphasis, truncation to 13 bits, up-scaling) of the frame.
 * Bit-exact with the reference implementation (libgsm), so its output matches sox decoding a `.gsm` file.
 */

import { add, multR } from './arith.js';
import {
  BC,
  GSM_FRAME_SAMPLES,
  NC,
  SUBFRAMES,
  SUBFRAME_SAMPLES,
  createFrameParams,
  subframeBase,
} from './frame-params.js';
import { isGsmFrame, unpackFrame } from './frame-packing.js';
import { LongTermSynthesisFilter } from './long-term-predictor.js';
import { rpeDecode } from './rpe.js';
import { ShortTermSynthesisFilter } from './short-term-filter.js';

/** §4.3.5: de-emphasis coefficient beta = 28180 in Q15. */
const DEEMPHASIS_BETA = 28180;
/** §4.3.5: keep the 13 most significant bits of the doubled sample. */
const TRUNCATE_MASK = ~7;

export class GsmDecoder {
  readonly #longTerm = new LongTermSynthesisFilter();
  readonly #shortTerm = new ShortTermSynthesisFilter();
  readonly #params = createFrameParams();
  readonly #erp = new Int16Array(SUBFRAME_SAMPLES);
  readonly #wt = new Int16Array(GSM_FRAME_SAMPLES);
  /** §4.3.5 de-emphasis state. */
  #msr = 0;

  /**
   * Decode the 33-byte frame at frame[offset..] into out[0..160). Returns false, leaving the decoder's state
   * as it was and writing silence to `out`, for a short buffer (input, or an output under 160 samples) or a
   * frame whose signature nibble is not 0xD. Never throws. Allocates nothing.
   */
  decode(frame: Uint8Array, offset: number, out: Int16Array): boolean {
    if (out.length < GSM_FRAME_SAMPLES || !isGsmFrame(frame, offset)) {
      out.fill(0, 0, GSM_FRAME_SAMPLES);
      return false;
    }
    const params = this.#params;
    const erp = this.#erp;
    const wt = this.#wt;
    unpackFrame(frame, offset, params);
    for (let k = 0; k < SUBFRAMES; k++) {
      const base = subframeBase(k);
      rpeDecode(params, base, erp);
      this.#longTerm.run(params[base + NC]!, params[base + BC]!, erp, wt, k * SUBFRAME_SAMPLES);
    }
    this.#shortTerm.run(params, wt, out);
    this.#postprocess(out);
    return true;
  }

  /** §4.3.5: de-emphasis, then ×2 with the 3 low bits cleared. */
  #postprocess(s: Int16Array): void {
    let msr = this.#msr;
    const beta = DEEMPHASIS_BETA; // locals: see the speed note in arith.ts
    const mask = TRUNCATE_MASK;
    const n = GSM_FRAME_SAMPLES;
    for (let k = 0; k < n; k++) {
      msr = add(s[k]!, multR(msr, beta));
      s[k] = add(msr, msr) & mask;
    }
    this.#msr = msr;
  }
}
