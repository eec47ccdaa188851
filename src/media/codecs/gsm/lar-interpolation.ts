/*
 * GSM 06.10 §4.2.8–4.2.9 (used by encoder and decoder alike): decoding of the LARc codes into LAR''
 * values, their interpolation between the previous frame's set and this one over four segments of the
 * frame (Table 3.2), and the conversion of the interpolated LAR' back into reflection coefficients rp.
 */

import { add, multR, sub } from './arith.js';
import { LAR_COUNT } from './frame-params.js';
import { LAR_B, LAR_INVA, LAR_MIC } from './tables.js';

/** Table 3.2: the interpolation segments of a frame, as [first, end) sample indices. */
export const SEGMENT_STARTS: readonly number[] = [0, 13, 27, 40];
export const SEGMENT_ENDS: readonly number[] = [13, 27, 40, 160];
export const SEGMENTS = 4;

/** §4.2.8: LARpp[i] = (LARc[i] + MIC − B) / A, written at larpp[offset + i]. */
export function decodeLars(larc: Int16Array, larpp: Int16Array, offset: number): void {
  for (let i = 0; i < LAR_COUNT; i++) {
    // LARc is sent offset by −MIC; << 10 and 2·B align it with B's scale, and the final doubling undoes
    // the Q15 halving of INVA.
    let t = add(larc[i]!, LAR_MIC[i]!) << 10;
    t = sub(t, LAR_B[i]! << 1);
    t = multR(LAR_INVA[i]!, t);
    larpp[offset + i] = add(t, t);
  }
}

/**
 * §4.2.9.1–4.2.9.2: the reflection coefficients rp for `segment` (0..3) from the previous frame's LARpp
 * (larpp[prev..prev+8)) and this frame's (larpp[cur..cur+8)), written into rp[0..8).
 */
export function segmentRp(larpp: Int16Array, prev: number, cur: number, segment: number, rp: Int16Array): void {
  for (let i = 0; i < LAR_COUNT; i++) {
    const before = larpp[prev + i]!;
    const now = larpp[cur + i]!;
    let larp: number;
    switch (segment) {
      case 0: // 3/4 previous + 1/4 current
        larp = add(add(before >> 2, now >> 2), before >> 1);
        break;
      case 1: // 1/2 previous + 1/2 current
        larp = add(before >> 1, now >> 1);
        break;
      case 2: // 1/4 previous + 3/4 current
        larp = add(add(before >> 2, now >> 2), now >> 1);
        break;
      default: // current frame only
        larp = now;
    }
    rp[i] = larToRp(larp);
  }
}

/** §4.2.9.2: the inverse of the §4.2.6 approximation, applied to |LAR'| with the sign restored. */
function larToRp(larp: number): number {
  const negative = larp < 0;
  const t = negative ? (larp === -32768 ? 32767 : -larp) : larp;
  const r = t < 11059 ? t << 1 : t < 20070 ? t + 11059 : add(t >> 2, 26112);
  return negative ? -r : r;
}
