/*
 * G.722 encoder at 64 kbit/s: each pair of 16 kHz samples goes through the transmit QMF, the lower band is
 * coded with 6 bits and the higher band with 2, and the multiplexer packs them into one octet — higher-band
 * code in bits 7–6, lower-band code in bits 5–0 (ITU-T G.722). RTP carries the octets in order (RFC 3551 §4.5.2).
 */

import type { BandState } from './band-state.js';
import { createLowerBand, encodeLowerBand } from './lower-band.js';
import { QmfAnalysis } from './qmf.js';
import { createUpperBand, encodeUpperBand } from './upper-band.js';

const HIGH_CODE_SHIFT = 6;

export interface G722EncoderOptions {
  /**
   * Limit the transmit QMF outputs to 15 bits, as the ITU-T G.191 reference tool (funcg722.c) does, to be
   * bit-exact with it on every input. Default false: bit-exact with spandsp — hence Asterisk's codec_g722 —
   * ffmpeg and WebRTC, which keep the extra headroom. Only clipped or full-scale input tells the two apart
   * (speech, music and noise normalised to −0.5 dBFS peak encoded identically in our checks).
   */
  readonly limitQmfOutput?: boolean;
}

export class G722Encoder {
  readonly #qmf: QmfAnalysis;
  readonly #lower: BandState = createLowerBand();
  readonly #upper: BandState = createUpperBand();

  constructor(options: G722EncoderOptions = {}) {
    this.#qmf = new QmfAnalysis(options.limitQmfOutput ?? false);
  }

  /**
   * Encodes 16 kHz PCM into `out`, one octet per two samples (320 samples = 20 ms → 160 octets), and returns
   * the number of octets written. Encodes min(⌊pcm.length / 2⌋, out.length) pairs: an odd last sample is
   * ignored, so callers keep frames even. State carries over to the next call; nothing is allocated.
   */
  encode(pcm16k: Int16Array, out: Uint8Array): number {
    const pairs = Math.min(pcm16k.length >> 1, out.length);
    const qmf = this.#qmf;
    const lower = this.#lower;
    const upper = this.#upper;
    for (let i = 0; i < pairs; i++) {
      qmf.split(pcm16k[2 * i]!, pcm16k[2 * i + 1]!);
      const high = encodeUpperBand(upper, qmf.high);
      out[i] = (high << HIGH_CODE_SHIFT) | encodeLowerBand(lower, qmf.low);
    }
    return pairs;
  }

  /** Back to the reset state of the Recommendation (as at construction). */
  reset(): void {
    this.#qmf.reset();
    this.#lower.reset();
    this.#upper.reset();
  }
}
