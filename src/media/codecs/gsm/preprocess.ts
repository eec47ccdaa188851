/*
 * GSM 06.10 §4.2.1–4.2.3 encoder pre-processing of one 160-sample frame: down-scaling to 13 bits, offset
 * compensation (a first-order high-pass with alpha = 32735/32768, its state kept as a 32-bit value split in
 * a high and a low part), and pre-emphasis (first-order FIR with beta = 28180/32768).
 */

import { add, lAdd, multR, toWord } from './arith.js';
import { GSM_FRAME_SAMPLES } from './frame-params.js';

/** §4.2.2: alpha = 32735 in Q15. */
const OFFSET_ALPHA = 32735;
/** §4.2.3: −beta = −28180 in Q15. */
const PREEMPHASIS_MINUS_BETA = -28180;
/** Rounding constant before taking the high part of L_z2 (½ in Q15). */
const ROUND_Q15 = 16384;

export class Preprocessor {
  /** §4.2.2 state: previous down-scaled sample. */
  #z1 = 0;
  /** §4.2.2 state: previous filter output in Q15 (32-bit). */
  #lz2 = 0;
  /** §4.2.3 state: previous high-passed sample. */
  #mp = 0;

  /** Writes the pre-processed frame into `so` (160 words). Samples past pcm's end count as 0. */
  run(pcm: Int16Array, so: Int16Array): void {
    let z1 = this.#z1;
    let lz2 = this.#lz2;
    let mp = this.#mp;
    const alpha = OFFSET_ALPHA; // locals: see the speed note in arith.ts
    const minusBeta = PREEMPHASIS_MINUS_BETA;
    const round = ROUND_Q15;
    const n = GSM_FRAME_SAMPLES;
    for (let k = 0; k < n; k++) {
      // §4.2.1: keep the 13 most significant bits, scaled by 1/2 (sox feeds 16-bit linear samples).
      const sof = ((pcm[k]! | 0) >> 3) << 2;

      // §4.2.2: s1 = sof − z1; L_z2 = s1·2^15 + alpha·L_z2, with alpha·L_z2 computed from its two halves.
      const s1 = sof - z1;
      z1 = sof;
      const msp = lz2 >> 15;
      const lsp = lz2 - (msp << 15);
      const ls2 = (s1 << 15) + multR(lsp, alpha);
      lz2 = lAdd(Math.imul(msp, alpha), ls2);
      const rounded = lAdd(lz2, round);

      // §4.2.3: so = sof' − beta·sof'(previous). The reference stores L_temp >> 15 in a 16-bit word.
      const emphasis = multR(mp, minusBeta);
      mp = toWord(rounded >> 15);
      so[k] = add(mp, emphasis);
    }
    this.#z1 = z1;
    this.#lz2 = lz2;
    this.#mp = mp;
  }
}
