/*
 * State of one sub-band ADPCM coder and its adaptive predictor — ITU-T G.722 "Block 4", shared by the lower
 * and higher bands of the encoder and decoder: a pole section of order 2 (coefficients a1, a2 over the
 * reconstructed signal r) and a zero section of order 6 (b1…b6 over the quantized differences d), both adapted
 * by sign-sign gradient steps with leakage.
 *
 * Word scales (as in the Recommendation): a1, a2 are Q14; b1…b6 are Q15; r, p, d, s are plain 16-bit samples.
 * The encoder and decoder run this same code on the same inputs, which is what keeps them in step.
 */

import { sat16 } from './fixed-point.js';

const ZERO_ORDER = 6;
/** UPZERO: b leak factor 1 − 2^−8 (Q15) and gradient step 2^−8 (Q15). */
const ZERO_LEAK = 32640;
const ZERO_STEP = 128;
/** UPPOL1: a1 leak factor 1 − 2^−8 (Q15) and gradient step 3 × 2^−8 (Q14). */
const POLE1_LEAK = 32640;
const POLE1_STEP = 192;
/** UPPOL1 stability bound: |a1| ≤ 1 − 2^−4 − a2 (Q14). */
const POLE1_BOUND = 15360;
/** UPPOL2: a2 leak factor 1 − 2^−7 (Q15), gradient step 2^−7 (Q14), and bound |a2| ≤ 0.75 (Q14). */
const POLE2_LEAK = 32512;
const POLE2_STEP = 128;
const POLE2_BOUND = 12288;

export class BandState {
  /** Signal estimate s (PREDIC): what the next band sample is expected to be. */
  s = 0;
  /** Output of the zero section sz (FILTEZ); p = sz + d is the "partially reconstructed" signal. */
  sz = 0;
  /** Log-domain step size ∇ (LOGSCL / LOGSCH). */
  logScale = 0;
  /** Linear step size `det` (SCALEL / SCALEH). */
  det: number;
  a1 = 0;
  a2 = 0;
  /** Zero-section coefficients b1…b6 (index 0 unused). */
  readonly b = new Int32Array(ZERO_ORDER + 1);
  /** Past quantized differences d(n−1)…d(n−6) (index 0 unused). */
  readonly d = new Int32Array(ZERO_ORDER + 1);
  /** Partially reconstructed signal p(n−1), p(n−2). */
  p1 = 0;
  p2 = 0;
  /** Reconstructed signal r(n−1), r(n−2). */
  r1 = 0;
  r2 = 0;

  constructor(private readonly initialDet: number) {
    this.det = initialDet;
  }

  /** The reset state of G.722: all zero, step size at its minimum. */
  reset(): void {
    this.s = this.sz = this.logScale = 0;
    this.det = this.initialDet;
    this.a1 = this.a2 = 0;
    this.b.fill(0);
    this.d.fill(0);
    this.p1 = this.p2 = this.r1 = this.r2 = 0;
  }

  /**
   * Block 4 for one quantized difference `dq` (the INVQAL / INVQAH output): reconstruct, adapt the pole and
   * zero coefficients, shift the delay lines and compute the next estimate `s`.
   */
  adapt(dq: number): void {
    const r0 = sat16(this.s + dq); // RECONS
    const p0 = sat16(this.sz + dq); // PARREC
    const p0Negative = p0 < 0;
    const p1Negative = this.p1 < 0;

    // UPPOL2 first: UPPOL1 bounds a1 with the new a2. The sign of p is that of bit 15, so zero counts as
    // positive. −f(a1) is saturated before the shift (−(−32768) → 32767), which floors differently from
    // negating after it.
    let grad = sat16(this.a1 * 4);
    if (p0Negative === p1Negative) grad = sat16(0 - grad); // 0 − x, not −x: no −0 to push V8 off int32
    let a2 = (grad >> 7) + (p0Negative === this.p2 < 0 ? POLE2_STEP : -POLE2_STEP) + ((this.a2 * POLE2_LEAK) >> 15);
    if (a2 > POLE2_BOUND) a2 = POLE2_BOUND;
    else if (a2 < -POLE2_BOUND) a2 = -POLE2_BOUND;

    // UPPOL1
    let a1 = sat16((p0Negative === p1Negative ? POLE1_STEP : -POLE1_STEP) + ((this.a1 * POLE1_LEAK) >> 15));
    const a1Bound = POLE1_BOUND - a2;
    if (a1 > a1Bound) a1 = a1Bound;
    else if (a1 < -a1Bound) a1 = -a1Bound;

    // FILTEP: the delayed samples are doubled (saturated) because a1, a2 are Q14 and the product is taken Q15.
    const sp = sat16(((a1 * sat16(r0 * 2)) >> 15) + ((a2 * sat16(this.r1 * 2)) >> 15));

    // UPZERO, DELAYA and FILTEZ in one pass over the taps, from 6 down to 1 (the reference's order).
    // UPZERO: each b moves by ±2^−8 towards agreement of sign(dq) with sign(d(n−i)), not at all when dq is
    // exactly zero; the leaked b plus the step stays within 16 bits (−32640 − 128, 32639 + 128), so the
    // reference's saturating add never clips. Branch-free, as the signs of speech are a coin toss:
    // (d ^ dq) >> 31 is −1 when the sign bits differ, and (step ^ −1) + 1 = −step.
    // FILTEZ sums b(i) × 2d(n−i) over the updated b and shifted d, saturating after every tap as the reference
    // does. |d| ≤ 16384 × 20456 >> 15 = 10228 (largest det × largest INVQAL level), so doubling d and the Q15
    // product cannot overflow; only the running sum can.
    const b = this.b;
    const d = this.d;
    const step = dq === 0 ? 0 : ZERO_STEP;
    let sz = 0;
    for (let i = ZERO_ORDER; i > 0; i--) {
      const differ = (d[i]! ^ dq) >> 31;
      const bi = (step ^ differ) - differ + ((b[i]! * ZERO_LEAK) >> 15);
      const di = i === 1 ? dq : d[i - 1]!;
      b[i] = bi;
      d[i] = di;
      sz = sat16(sz + ((bi * di * 2) >> 15));
    }

    // DELAYA for the pole section.
    this.a1 = a1;
    this.a2 = a2;
    this.p2 = this.p1;
    this.p1 = p0;
    this.r2 = this.r1;
    this.r1 = r0;
    this.sz = sz;
    this.s = sat16(sp + sz); // PREDIC
  }
}
