/*
 * GSM 06.10 long-term prediction (LTP), per 40-sample sub-frame:
 * §4.2.11 the encoder's search of the lag Nc (40..120) maximising the cross-correlation of the short-term
 * residual d with the reconstructed residual history dp, and the coding of the gain bc (Table 5.3a);
 * §4.2.12 its analysis filter, e = d − bc'·dp[−Nc]; §4.3.2 the decoder's synthesis filter.
 *
 * The history `dp` holds 120 past samples followed by the current frame (280 in all): the sub-frame at
 * `at` may look back to dp[at − 120].
 */

import { abs, add, mult, multR, norm, sub } from './arith.js';
import { BC, NC, SUBFRAME_SAMPLES, type GsmFrameParams } from './frame-params.js';
import { LTP_DLB, LTP_QLB } from './tables.js';

export const LTP_MIN_LAG = 40;
export const LTP_MAX_LAG = 120;
/** dp history length before the current frame. */
export const LTP_HISTORY = LTP_MAX_LAG;
/** Highest gain code: the gain is 1.0 when the history's power does not exceed the correlation. */
const MAX_BC = 3;

const wt = new Int16Array(SUBFRAME_SAMPLES);
/** The 81 lags' exact correlations of the sub-frame being searched. */
const exact = new Float64Array(LTP_MAX_LAG - LTP_MIN_LAG + 1);
/**
 * Bound on a single-precision sum's relative error against Σ|terms|: each of the 40 products and each of the 40
 * running sums is rounded once, by at most 2^-24 of a value no larger than Σ|terms|.
 */
const FLOAT_SUM_ERROR = 41 * 2 ** -24;

/** Σ w[k]·dp[from + k] as libgsm's single-precision loop computes it. */
function floatCorrelation(w: Int16Array, dp: Int16Array, from: number): number {
  const f = Math.fround;
  let sum = 0;
  for (let k = 0; k < SUBFRAME_SAMPLES; k++) sum = f(sum + f(w[k]! * dp[from + k]!));
  return sum;
}

/**
 * §4.2.11: Nc and bc for the residual d[dAt..dAt+40) against history dp (current sub-frame at dpAt),
 * written at params[base + NC] and params[base + BC].
 */
export function ltpParameters(
  d: Int16Array,
  dAt: number,
  dp: Int16Array,
  dpAt: number,
  params: GsmFrameParams,
  base: number,
): void {
  const n = SUBFRAME_SAMPLES; // locals: see the speed note in arith.ts
  const maxLag = LTP_MAX_LAG;
  const w = wt;
  // Scale d so the 40-term correlation sums fit in 32 bits.
  let dmax = 0;
  for (let k = 0; k < n; k++) {
    const a = abs(d[dAt + k]!);
    if (a > dmax) dmax = a;
  }
  const headroom = dmax === 0 ? 0 : norm(dmax << 16);
  const scal = headroom > 6 ? 0 : 6 - headroom;
  for (let k = 0; k < n; k++) w[k] = d[dAt + k]! >> scal;

  // The first lag with the largest positive correlation wins; none positive leaves Nc = 40. libgsm as
  // distributed (and as sox and Debian build it, USE_FLOAT_MUL) sums these correlations in single precision: each
  // product and each running sum rounded to a float, k = 0..39, so lags within rounding of each other (a periodic
  // signal at two multiples of its period) are decided by that rounding. The exact sums come first (three lags
  // per pass share each w[k]); only the lags that rounding could put first are summed again as floats.
  let best = 0;
  for (let lambda = LTP_MIN_LAG; lambda <= maxLag; lambda += 3) {
    const from = dpAt - lambda;
    let sum0 = 0;
    let sum1 = 0;
    let sum2 = 0;
    for (let k = 0; k < n; k++) {
      const wk = w[k]!;
      const at = from + k;
      sum0 += Math.imul(wk, dp[at]!);
      sum1 += Math.imul(wk, dp[at - 1]!);
      sum2 += Math.imul(wk, dp[at - 2]!);
    }
    const i = lambda - LTP_MIN_LAG;
    exact[i] = sum0;
    exact[i + 1] = sum1;
    exact[i + 2] = sum2;
    best = Math.max(best, sum0, sum1, sum2);
  }
  // A float sum is within FLOAT_SUM_ERROR × Σ|w_k·dp| of the exact one: a lag more than twice that below the best
  // cannot come first, nor can one that is not positive after rounding.
  let weight = 0;
  for (let k = 0; k < n; k++) weight += abs(w[k]!);
  let dpMax = 0;
  for (let k = dpAt - maxLag; k < dpAt; k++) dpMax = Math.max(dpMax, abs(dp[k]!));
  const margin = 2 * FLOAT_SUM_ERROR * weight * dpMax + 1;
  let lMax = 0;
  let nc = LTP_MIN_LAG;
  for (let lambda = LTP_MIN_LAG; lambda <= maxLag; lambda++) {
    const e = exact[lambda - LTP_MIN_LAG]!;
    if (e <= 0 - margin || e < best - margin) continue;
    const sum = floatCorrelation(w, dp, dpAt - lambda);
    if (sum > lMax) {
      nc = lambda;
      lMax = sum;
    }
  }
  params[base + NC] = nc;
  lMax = (lMax << 1) >> (6 - scal);

  let lPower = 0;
  for (let k = 0, from = dpAt - nc; k < n; k++) {
    const t = dp[from + k]! >> 3;
    lPower += Math.imul(t, t);
  }
  lPower <<= 1;

  let bc: number;
  if (lMax <= 0) bc = 0;
  else if (lMax >= lPower) bc = MAX_BC;
  else {
    const shift = norm(lPower);
    const r = (lMax << shift) >> 16;
    const s = (lPower << shift) >> 16;
    for (bc = 0; bc < MAX_BC; bc++) if (r <= mult(s, LTP_DLB[bc]!)) break;
  }
  params[base + BC] = bc;
}

/**
 * §4.2.12: writes the estimate dpp = QLB[bc]·dp[−Nc] over the current sub-frame of dp (dp[dpAt..+40), where
 * the reconstructed residual will later go) and the long-term residual e[eAt..+40) = d − dpp.
 */
export function ltpAnalysisFilter(
  bc: number,
  nc: number,
  d: Int16Array,
  dAt: number,
  dp: Int16Array,
  dpAt: number,
  e: Int16Array,
  eAt: number,
): void {
  const gain = LTP_QLB[bc]!;
  const n = SUBFRAME_SAMPLES;
  for (let k = 0; k < n; k++) {
    const dpp = multR(gain, dp[dpAt + k - nc]!);
    dp[dpAt + k] = dpp;
    e[eAt + k] = sub(d[dAt + k]!, dpp);
  }
}

/** §4.3.2: the decoder's long-term synthesis filter with its own history of reconstructed residual drp. */
export class LongTermSynthesisFilter {
  /** 120 past samples then the current 40. */
  readonly #drp = new Int16Array(LTP_HISTORY + SUBFRAME_SAMPLES);
  /** Last valid lag: a received Nc outside 40..120 reuses it (§4.3.2). */
  #nrp = LTP_MIN_LAG;

  /** Rebuilds 40 samples of residual from the excitation erp into wt[wtAt..wtAt+40). */
  run(nc: number, bc: number, erp: Int16Array, wt: Int16Array, wtAt: number): void {
    const nr = nc < LTP_MIN_LAG || nc > LTP_MAX_LAG ? this.#nrp : nc;
    this.#nrp = nr;
    const gain = LTP_QLB[bc]!;
    const drp = this.#drp;
    const history = LTP_HISTORY;
    const n = SUBFRAME_SAMPLES;
    for (let k = 0; k < n; k++) {
      const sample = add(erp[k]!, multR(gain, drp[history + k - nr]!));
      drp[history + k] = sample;
      wt[wtAt + k] = sample;
    }
    drp.copyWithin(0, n);
  }
}
