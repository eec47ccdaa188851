/*
 * GSM 06.10 §4.2.4–4.2.7 LPC analysis of one pre-processed frame: autocorrelation of the (dynamically
 * scaled) signal, reflection coefficients by the Schur recursion, their conversion to log-area ratios by the
 * piecewise-linear approximation, and quantisation of the LARs into the 8 LARc codes.
 */

import { abs, add, div, mult, multR, norm } from './arith.js';
import { GSM_FRAME_SAMPLES, LAR_COUNT } from './frame-params.js';
import { LAR_A, LAR_B, LAR_MAC, LAR_MIC } from './tables.js';

/** Autocorrelation lags 0..8. */
const ACF_LAGS = LAR_COUNT + 1;

// Scratch shared by all encoders: the analysis runs synchronously and keeps nothing here between frames.
const lAcf = new Int32Array(ACF_LAGS);
const schurP = new Int32Array(ACF_LAGS);
const schurK = new Int32Array(ACF_LAGS);

/**
 * Computes LARc[0..7] (codes offset to be non-negative) into larc. `s` is scaled down and back up in place,
 * as §4.2.4 does: the short-term filter then works on the rounded signal, so this must be kept.
 */
export function lpcAnalysis(s: Int16Array, larc: Int16Array): void {
  autocorrelation(s);
  reflectionCoefficients(larc);
  toLogAreaRatios(larc);
  quantizeLars(larc);
}

/** §4.2.4: scale so the largest magnitude is below 2^11 (no overflow in the 32-bit sums), then sum. */
function autocorrelation(s: Int16Array): void {
  const n = GSM_FRAME_SAMPLES; // locals: see the speed note in arith.ts
  const acf = lAcf;
  let smax = 0;
  for (let k = 0; k < n; k++) {
    const a = abs(s[k]!);
    if (a > smax) smax = a;
  }
  const scalauto = smax === 0 ? 0 : 4 - norm(smax << 16);
  if (scalauto > 0) {
    const factor = 16384 >> (scalauto - 1);
    for (let k = 0; k < n; k++) s[k] = multR(s[k]!, factor);
  }
  for (let lag = 0; lag < acf.length; lag++) {
    let sum = 0;
    for (let i = lag; i < n; i++) sum += Math.imul(s[i]!, s[i - lag]!);
    acf[lag] = sum << 1;
  }
  // Rescale: the Int16Array store keeps the low 16 bits, as the reference's word store does.
  if (scalauto > 0) for (let k = 0; k < n; k++) s[k] = s[k]! << scalauto;
}

/** §4.2.5: Schur recursion on the normalised autocorrelation; r[i] in Q15. */
function reflectionCoefficients(r: Int16Array): void {
  if (lAcf[0] === 0) {
    r.fill(0, 0, LAR_COUNT);
    return;
  }
  const shift = norm(lAcf[0]!);
  for (let i = 0; i < ACF_LAGS; i++) {
    const acf = (lAcf[i]! << shift) >> 16;
    schurP[i] = acf;
    schurK[i] = acf;
  }
  for (let n = 0; n < LAR_COUNT; n++) {
    const magnitude = abs(schurP[1]!);
    if (schurP[0]! < magnitude) {
      r.fill(0, n, LAR_COUNT);
      return;
    }
    let rn = div(magnitude, schurP[0]!);
    if (schurP[1]! > 0) rn = -rn;
    r[n] = rn;
    if (n === LAR_COUNT - 1) return;

    schurP[0] = add(schurP[0]!, multR(schurP[1]!, rn));
    for (let m = 1; m < LAR_COUNT - n; m++) {
      schurP[m] = add(schurP[m + 1]!, multR(schurK[m]!, rn));
      schurK[m] = add(schurK[m]!, multR(schurP[m + 1]!, rn));
    }
  }
}

/** §4.2.6: LAR(i) from r(i) by the three-segment approximation of log((1 + r) / (1 − r)). */
function toLogAreaRatios(r: Int16Array): void {
  for (let i = 0; i < LAR_COUNT; i++) {
    let t = abs(r[i]!);
    if (t < 22118) t >>= 1;
    else if (t < 31130) t -= 11059;
    else t = (t - 26112) << 2;
    r[i] = r[i]! < 0 ? -t : t;
  }
}

/** §4.2.7: LARc(i) = nint(A·LAR + B), clamped to MIC..MAC and sent as LARc − MIC. */
function quantizeLars(lar: Int16Array): void {
  for (let i = 0; i < LAR_COUNT; i++) {
    let t = mult(LAR_A[i]!, lar[i]!);
    t = add(t, LAR_B[i]!);
    t = add(t, 256) >> 9;
    const mic = LAR_MIC[i]!;
    const mac = LAR_MAC[i]!;
    lar[i] = t > mac ? mac - mic : t < mic ? 0 : t - mic;
  }
}
