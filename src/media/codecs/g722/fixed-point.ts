/*
 * The 16-bit fixed-point operations G.722 is specified with. Every state variable of the SB-ADPCM is a 16-bit
 * two's complement word and the reference arithmetic saturates on overflow instead of wrapping; the places
 * where a saturation can actually bite (sums of the predictor, doubled delay-line values) must saturate here
 * too, or the encoder and decoder drift apart from other implementations after a loud passage.
 */

export const INT16_MAX = 32767;
export const INT16_MIN = -32768;
/** LIMIT: sub-band signals (QMF outputs and decoded band samples) are confined to 15 bits. */
export const SUBBAND_MAX = 16383;
export const SUBBAND_MIN = -16384;

/** Clamps to the 16-bit range, as the reference's saturating `add`/`sub`/`shl` do. */
export function sat16(value: number): number {
  return value > INT16_MAX ? INT16_MAX : value < INT16_MIN ? INT16_MIN : value;
}
