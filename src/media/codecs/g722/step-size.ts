/*
 * SCALEL / SCALEH of ITU-T G.722: the quantizer step size `det` is kept in the log domain (∇, 11 fraction bits,
 * adapted by LOGSCL / LOGSCH) and converted back for each sample. Bits 6–10 of ∇ select the mantissa
 * 2^(i/32), the bits above it the power of two; the result carries two extra fraction bits (× 4).
 */

import { ANTILOG_MANTISSA } from './tables.js';

/** Lower band: det = 4 × 2048 × 2^(∇L / 2048) / 2^8, from 32 (∇L = 0) to 16384 (∇L = 18432). */
export const LOW_SCALE_SHIFT = 8;
/** Higher band: det = 4 × 2048 × 2^(∇H / 2048) / 2^10, from 8 (∇H = 0) to 16384 (∇H = 22528). */
export const HIGH_SCALE_SHIFT = 10;

export function linearStepSize(logScale: number, scaleShift: number): number {
  const mantissa = ANTILOG_MANTISSA[(logScale >> 6) & 31]!;
  const shift = scaleShift - (logScale >> 11);
  return (shift < 0 ? mantissa << -shift : mantissa >> shift) << 2;
}
