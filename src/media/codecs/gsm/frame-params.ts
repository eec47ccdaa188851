/*
 * The 76 coded parameters of one GSM 06.10 frame (Table 1.1), held in one Int16Array in the order they are
 * transmitted: LARc[1..8], then for each of the 4 sub-frames Nc, bc, Mc, xmaxc and xMc[0..12]. Encoder and
 * decoder read and write them through the offsets below; the packer walks the array in order.
 */

/** One 20 ms frame at 8 kHz. */
export const GSM_FRAME_SAMPLES = 160;
/** Number of log-area ratio codes per frame. */
export const LAR_COUNT = 8;
/** Sub-frames per 20 ms frame, 40 samples (5 ms) each. */
export const SUBFRAMES = 4;
export const SUBFRAME_SAMPLES = 40;
/** RPE pulses per sub-frame. */
export const RPE_PULSES = 13;

/** Offsets within one sub-frame's block of parameters. */
export const NC = 0;
export const BC = 1;
export const MC = 2;
export const XMAXC = 3;
export const XMC = 4;
const SUBFRAME_PARAMS = XMC + RPE_PULSES; // 17

export const PARAM_COUNT = LAR_COUNT + SUBFRAMES * SUBFRAME_PARAMS; // 76

/** Index of sub-frame `k`'s first parameter (its Nc). */
export function subframeBase(k: number): number {
  return LAR_COUNT + k * SUBFRAME_PARAMS;
}

/** Table 1.1: bits of each parameter, in transmission order (36 for the LARs + 4 × 56 = 260). */
export const PARAM_BITS: Uint8Array = buildParamBits();

function buildParamBits(): Uint8Array {
  const bits = new Uint8Array(PARAM_COUNT);
  bits.set([6, 6, 5, 5, 4, 4, 3, 3], 0);
  for (let k = 0; k < SUBFRAMES; k++) {
    const base = subframeBase(k);
    bits[base + NC] = 7;
    bits[base + BC] = 2;
    bits[base + MC] = 2;
    bits[base + XMAXC] = 6;
    bits.fill(3, base + XMC, base + XMC + RPE_PULSES);
  }
  return bits;
}

/** A frame's coded parameters; LARc at 0..7, sub-frame k from `subframeBase(k)`. */
export type GsmFrameParams = Int16Array;

export function createFrameParams(): GsmFrameParams {
  return new Int16Array(PARAM_COUNT);
}
