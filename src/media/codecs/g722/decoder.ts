/*
 * G.722 decoder at 64 kbit/s: each octet is split into its 6-bit lower-band and 2-bit higher-band codes, both
 * bands are decoded and the receive QMF turns the pair of 8 kHz band samples into two 16 kHz samples. Every
 * octet value is a valid code word, so any payload decodes (codes 0–3 of the lower band, which an encoder never
 * sends, decode as the smallest negative step).
 */

import type { BandState } from './band-state.js';
import { createLowerBand, decodeLowerBand } from './lower-band.js';
import { QmfSynthesis } from './qmf.js';
import { createUpperBand, decodeUpperBand } from './upper-band.js';

const LOW_CODE_MASK = 0x3f;
const HIGH_CODE_SHIFT = 6;

export class G722Decoder {
  readonly #qmf = new QmfSynthesis();
  readonly #lower: BandState = createLowerBand();
  readonly #upper: BandState = createUpperBand();

  /**
   * Decodes octets into 16 kHz PCM, two samples per octet, and returns the number of samples written:
   * min(payload.length, ⌊out.length / 2⌋) octets are decoded. State carries over; nothing is allocated.
   */
  decode(payload: Uint8Array, out: Int16Array): number {
    const octets = Math.min(payload.length, out.length >> 1);
    const qmf = this.#qmf;
    const lower = this.#lower;
    const upper = this.#upper;
    for (let i = 0; i < octets; i++) {
      const octet = payload[i]!;
      const low = decodeLowerBand(lower, octet & LOW_CODE_MASK);
      qmf.merge(low, decodeUpperBand(upper, octet >> HIGH_CODE_SHIFT));
      out[2 * i] = qmf.earlier;
      out[2 * i + 1] = qmf.later;
    }
    return 2 * octets;
  }

  /** Back to the reset state of the Recommendation (as at construction). */
  reset(): void {
    this.#qmf.reset();
    this.#lower.reset();
    this.#upper.reset();
  }
}
