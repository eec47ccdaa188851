/*
 * GSM 06.10 regular pulse excitation (RPE), per 40-sample sub-frame:
 * §4.2.13 weighting filter, §4.2.14 grid selection (one of 4 decimated grids of 13 pulses, the one with the
 * most energy), §4.2.15 APCM quantisation (a 6-bit block maximum xmaxc and 3-bit pulses xMc),
 * §4.2.16 APCM inverse quantisation and §4.2.17 grid positioning — the last two shared with the decoder
 * (§4.3.1).
 */

import { abs, add, asl, asr, multR, mult, sub, saturate, toWord } from './arith.js';
import { MC, RPE_PULSES, SUBFRAME_SAMPLES, XMAXC, XMC, type GsmFrameParams } from './frame-params.js';
import { APCM_FAC, APCM_NRFAC, RPE_H } from './tables.js';

/** Grids: pulse i of grid m sits at sample m + 3i. */
const GRIDS = 4;
const GRID_STEP = 3;
/** The weighting filter's half length (11 taps centred on H[5]). */
export const RPE_FILTER_HALF = 5;
/** Rounding term of the weighting filter (½ in Q13). */
const WEIGHTING_ROUND = 4096;

const x = new Int16Array(SUBFRAME_SAMPLES);
const xM = new Int16Array(RPE_PULSES);
const xMp = new Int16Array(RPE_PULSES);
/** Exponent and mantissa of a decoded xmaxc: [exp, mant]. */
const expMant = new Int32Array(2);

/**
 * Encodes the long-term residual e[5..45) (e has 5 zeros either side) into Mc, xmaxc and xMc of the
 * sub-frame at params[base..], then overwrites e[5..45) with the decoded excitation ep that the decoder
 * will see, which the encoder needs for its own LTP history.
 */
export function rpeEncode(e: Int16Array, params: GsmFrameParams, base: number): void {
  weightingFilter(e);
  const mc = selectGrid();
  params[base + MC] = mc;
  const xmaxc = apcmQuantize(params, base + XMC);
  params[base + XMAXC] = xmaxc;
  apcmInverse(params, base + XMC, expMant[0]!, expMant[1]!);
  positionGrid(mc, e, RPE_FILTER_HALF);
}

/** §4.3.1: the excitation erp[0..40) of the sub-frame at params[base..]. */
export function rpeDecode(params: GsmFrameParams, base: number, erp: Int16Array): void {
  xmaxcToExpMant(params[base + XMAXC]!);
  apcmInverse(params, base + XMC, expMant[0]!, expMant[1]!);
  positionGrid(params[base + MC]!, erp, 0);
}

/** §4.2.13: x[k] = Σ H[i]·e[k + i − 5], in Q13 with rounding, saturated to a word. */
function weightingFilter(e: Int16Array): void {
  const out = x; // locals: see the speed note in arith.ts
  const h = RPE_H;
  const round = WEIGHTING_ROUND;
  for (let k = 0; k < out.length; k++) {
    let sum = round;
    for (let i = 0; i < h.length; i++) sum += Math.imul(e[k + i]!, h[i]!);
    out[k] = saturate(sum >> 13);
  }
}

/** §4.2.14: the grid with the largest energy (first one on ties), copied into xM. */
function selectGrid(): number {
  const signal = x; // locals: see the speed note in arith.ts
  const pulses = xM;
  const step = GRID_STEP;
  let best = 0;
  let bestEnergy = 0;
  for (let m = 0; m < GRIDS; m++) {
    let energy = 0;
    for (let i = 0; i < pulses.length; i++) {
      const t = signal[m + step * i]! >> 2;
      energy += Math.imul(t, t);
    }
    if (energy > bestEnergy) {
      best = m;
      bestEnergy = energy;
    }
  }
  for (let i = 0; i < pulses.length; i++) pulses[i] = signal[best + step * i]!;
  return best;
}

/** §4.2.15: codes the block maximum, then each pulse normalised by it; returns xmaxc, leaves exp/mant set. */
function apcmQuantize(params: GsmFrameParams, xmcAt: number): number {
  let xmax = 0;
  for (let i = 0; i < RPE_PULSES; i++) {
    const a = abs(xM[i]!);
    if (a > xmax) xmax = a;
  }
  // exp = number of significant bits of xmax >> 9, at most 6.
  let exp = 0;
  for (let t = xmax >> 9; t > 0 && exp < 6; t >>= 1) exp++;
  const xmaxc = add(xmax >> (exp + 5), exp << 3);

  xmaxcToExpMant(xmaxc);
  const shift = 6 - expMant[0]!;
  const inverseMant = APCM_NRFAC[expMant[1]!]!;
  for (let i = 0; i < RPE_PULSES; i++) {
    const normalised = mult(toWord(xM[i]! << shift), inverseMant) >> 12;
    params[xmcAt + i] = normalised + 4; // −4..3 sent as 0..7
  }
  return xmaxc;
}

/** §4.2.15: exponent and 3-bit mantissa (with the implied leading one removed) of a coded xmaxc. */
function xmaxcToExpMant(xmaxc: number): void {
  let exp = xmaxc > 15 ? (xmaxc >> 3) - 1 : 0;
  let mant = xmaxc - (exp << 3);
  if (mant === 0) {
    exp = -4;
    mant = 7;
  } else {
    while (mant <= 7) {
      mant = (mant << 1) | 1;
      exp--;
    }
    mant -= 8;
  }
  expMant[0] = exp;
  expMant[1] = mant;
}

/** §4.2.16: xMp[i] = (2·xMc − 7)·FAC[mant] scaled by 2^(exp − 6), with rounding. */
function apcmInverse(params: GsmFrameParams, xmcAt: number, exp: number, mant: number): void {
  const fac = APCM_FAC[mant]!;
  const shift = sub(6, exp);
  const round = asl(1, sub(shift, 1));
  for (let i = 0; i < RPE_PULSES; i++) {
    const pulse = ((params[xmcAt + i]! << 1) - 7) << 12;
    xMp[i] = asr(add(multR(fac, pulse), round), shift);
  }
}

/** §4.2.17: out[at..at+40) = 0 except the 13 pulses of grid mc. */
function positionGrid(mc: number, out: Int16Array, at: number): void {
  out.fill(0, at, at + SUBFRAME_SAMPLES);
  for (let i = 0; i < RPE_PULSES; i++) out[at + mc + GRID_STEP * i] = xMp[i]!;
}
