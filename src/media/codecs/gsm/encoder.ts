/*
 * GSM 06.10 full-rate (RPE-LTP) encoder, §4.2: one 20 ms frame of 160 linear samples at 8 kHz becomes 76
 * parameters (260 bits), sent as the 33-byte frame of `frame-packing.ts`. Bit-exact with the reference
 * implementation (libgsm), so the bytes match sox's `.gsm` output for the same samples.
 */

import { add } from './arith.js';
import {
  BC,
  GSM_FRAME_SAMPLES,
  NC,
  SUBFRAMES,
  SUBFRAME_SAMPLES,
  createFrameParams,
  subframeBase,
} from './frame-params.js';
import { packFrame } from './frame-packing.js';
import { LTP_HISTORY, ltpAnalysisFilter, ltpParameters } from './long-term-predictor.js';
import { lpcAnalysis } from './lpc-analysis.js';
import { Preprocessor } from './preprocess.js';
import { RPE_FILTER_HALF, rpeEncode } from './rpe.js';
import { ShortTermAnalysisFilter } from './short-term-filter.js';

export class GsmEncoder {
  readonly #preprocessor = new Preprocessor();
  readonly #shortTerm = new ShortTermAnalysisFilter();
  /** 120 samples of reconstructed short-term residual history, then this frame's 160. */
  readonly #dp = new Int16Array(LTP_HISTORY + GSM_FRAME_SAMPLES);
  /** This frame's signal: pre-processed, then (in place) its short-term residual d. */
  readonly #s = new Int16Array(GSM_FRAME_SAMPLES);
  /** One sub-frame's long-term residual, with RPE_FILTER_HALF zeros either side for the weighting filter. */
  readonly #e = new Int16Array(SUBFRAME_SAMPLES + 2 * RPE_FILTER_HALF);
  readonly #params = createFrameParams();

  /** Encode 160 signed-linear samples into 33 bytes at out[offset..offset+33). Allocates nothing. */
  encode(pcm: Int16Array, out: Uint8Array, offset = 0): void {
    const s = this.#s;
    const dp = this.#dp;
    const e = this.#e;
    const params = this.#params;

    this.#preprocessor.run(pcm, s);
    lpcAnalysis(s, params); // LARc are params[0..8)
    this.#shortTerm.run(params, s);

    for (let k = 0; k < SUBFRAMES; k++) {
      const base = subframeBase(k);
      const at = k * SUBFRAME_SAMPLES;
      const dpAt = LTP_HISTORY + at;
      ltpParameters(s, at, dp, dpAt, params, base);
      ltpAnalysisFilter(params[base + BC]!, params[base + NC]!, s, at, dp, dpAt, e, RPE_FILTER_HALF);
      rpeEncode(e, params, base);
      // §4.2.18: the reconstructed residual dp' = ep + dpp (dpp was left in dp by the analysis filter).
      for (let i = 0; i < SUBFRAME_SAMPLES; i++) dp[dpAt + i] = add(e[RPE_FILTER_HALF + i]!, dp[dpAt + i]!);
    }
    dp.copyWithin(0, GSM_FRAME_SAMPLES);

    packFrame(params, out, offset);
  }
}
