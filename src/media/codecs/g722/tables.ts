/*
 * Constant tables of ITU-T G.722 (SB-ADPCM at 64 kbit/s). Values are the Recommendation's; the layout (what a
 * table is indexed by) is ours.
 */

/**
 * Transmit and receive QMF: the 24 coefficients h0…h23 are symmetric (h[i] = h[23 − i]) and, read in steps
 * of two, the even taps h0, h2, …, h22 are these twelve while the odd taps h1, h3, …, h23 are the same twelve
 * reversed. Each twelve sums to 4096 (2^12): the analysis (>> 14 of both halves) halves a DC input in the low
 * band, which leaves the sub-band signals a bit of headroom, and the synthesis (>> 11 of one half) doubles it
 * back.
 */
export const QMF_EVEN_TAPS: readonly number[] = [3, -11, 12, 32, -210, 951, 3876, -805, 362, -156, 53, -11];

/**
 * QUANTL decision levels of the 6-bit lower-band quantizer, in units of det / 4096: the magnitude of the error
 * falls in interval m (1…30) when level[m − 1] ≤ |el| < level[m] after scaling (the last interval is open).
 */
export const LOW_DECISION_LEVELS = new Int32Array([
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023, 1121, 1219, 1339,
  1458, 1612, 1765, 1980, 2195, 2557, 2919,
]);
/** Number of quantizer intervals on each side of zero (interval index 1…30). */
export const LOW_INTERVALS = 30;

/**
 * INVQBL output levels of the 6-bit inverse quantizer, by interval 1…30 (index 0 unused), in Q15 units of
 * `det`: the reconstructed difference is ±level × det >> 15.
 */
const LOW_OUTPUT_LEVELS_6 = [
  0, 136, 432, 728, 1040, 1360, 1688, 2032, 2400, 2776, 3168, 3576, 4008, 4464, 4944, 5456, 6000, 6576, 7192, 7856,
  8576, 9360, 10232, 11192, 12280, 13512, 14984, 16704, 19008, 21904, 24808,
];

/** Code of interval m (1…30) of a non-negative error: 61 down to 32. */
export function lowCodePositive(interval: number): number {
  return 62 - interval;
}

/** Code of interval m (1…30) of a negative error: 63, 62, then 31 down to 4 (codes 0…3 are never sent). */
export function lowCodeNegative(interval: number): number {
  return interval <= 2 ? 64 - interval : 34 - interval;
}

/** INVQBL at 64 kbit/s: every 6-bit code → signed Q15 multiplier of `det`. Codes 0…3 are decoded as −136. */
export const LOW_INVERSE_6 = buildInverse6();

function buildInverse6(): Int32Array {
  const table = new Int32Array(64).fill(-LOW_OUTPUT_LEVELS_6[1]!);
  for (let m = 1; m <= LOW_INTERVALS; m++) {
    table[lowCodePositive(m)] = LOW_OUTPUT_LEVELS_6[m]!;
    table[lowCodeNegative(m)] = -LOW_OUTPUT_LEVELS_6[m]!;
  }
  return table;
}

/**
 * INVQAL: the 4-bit inverse quantizer that feeds the lower-band predictor and scale adaptation (the two least
 * significant bits of the 6-bit code are dropped, so the decoder at 48 and 56 kbit/s tracks the same state).
 * Indexed by the 4-bit code (6-bit code >> 2).
 */
export const LOW_INVERSE_4 = new Int32Array([
  0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0,
]);

/**
 * LOGSCL: log-domain step-size increment W_L by the 4-bit code. The outer intervals grow the step size, the
 * inner ones shrink it.
 */
export const LOW_LOG_SCALE_STEP = new Int32Array([
  -60, 3042, 1198, 538, 334, 172, 58, -30, 3042, 1198, 538, 334, 172, 58, -30, -60,
]);

/** LOGSCL bounds of the lower-band log step size ∇L (18432 = 9 × 2^11). */
export const LOW_LOG_SCALE_MAX = 18432;
/** LOGSCH bounds of the higher-band log step size ∇H (22528 = 11 × 2^11). */
export const HIGH_LOG_SCALE_MAX = 22528;

/** QUANTH decision level of the 2-bit higher-band quantizer, in units of det / 4096. */
export const HIGH_DECISION_LEVEL = 564;

/** INVQAH: 2-bit code → signed Q15 multiplier of `det` (codes: 0 = −outer, 1 = −inner, 2 = +outer, 3 = +inner). */
export const HIGH_INVERSE_2 = new Int32Array([-7408, -1616, 7408, 1616]);

/** LOGSCH: log-domain step-size increment W_H by the 2-bit code. */
export const HIGH_LOG_SCALE_STEP = new Int32Array([798, -214, 798, -214]);

/**
 * SCALEL/SCALEH antilog: 2^(i/32) × 2048 for i = 0…31, the mantissa of the linear step size. The exponent
 * comes from the integer part of the log step size (its bits above 11).
 */
export const ANTILOG_MANTISSA = new Int32Array([
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025,
  3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
]);
