/*
 * The 33-byte frame layout of the reference implementation (libgsm, and so sox's `.gsm` files and RTP
 * payload type 3 per RFC 3551 §4.5.8): a 4-bit signature 0xD, then the 76 parameters of Table 1.1 as one
 * big-endian bit string, most significant bit first — 4 + 260 = 264 bits.
 *
 *   byte 0:  1101 LARc1[5..2]      byte 1: LARc1[1..0] LARc2[5..0]     … LARc8 ends byte 4
 *   bytes 5..11, 12..18, 19..25, 26..32: one sub-frame each — Nc(7) bc(2) Mc(2) xmaxc(6) 13 × xMc(3)
 */

import { PARAM_BITS, PARAM_COUNT, type GsmFrameParams } from './frame-params.js';

export const GSM_FRAME_BYTES = 33;
/** High nibble of byte 0 of every frame. */
export const GSM_SIGNATURE = 0xd;
const SIGNATURE_BITS = 4;

/** Writes the frame for `params` at out[offset..offset+33). */
export function packFrame(params: GsmFrameParams, out: Uint8Array, offset: number): void {
  let acc = GSM_SIGNATURE;
  let bits = SIGNATURE_BITS;
  let pos = offset;
  for (let i = 0; i < PARAM_COUNT; i++) {
    const width = PARAM_BITS[i]!;
    acc = (acc << width) | (params[i]! & ((1 << width) - 1));
    bits += width;
    while (bits >= 8) {
      bits -= 8;
      out[pos++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
}

/** True when frame[offset..] holds a whole frame that starts with the 0xD signature. */
export function isGsmFrame(frame: Uint8Array, offset: number): boolean {
  return (
    Number.isInteger(offset) &&
    offset >= 0 &&
    frame.length - offset >= GSM_FRAME_BYTES &&
    frame[offset]! >> SIGNATURE_BITS === GSM_SIGNATURE
  );
}

/** Reads the 76 parameters of the frame at frame[offset..]; the caller has checked `isGsmFrame`. */
export function unpackFrame(frame: Uint8Array, offset: number, params: GsmFrameParams): void {
  let pos = offset + 1;
  let acc = frame[offset]! & 0x0f;
  let bits = SIGNATURE_BITS;
  for (let i = 0; i < PARAM_COUNT; i++) {
    const width = PARAM_BITS[i]!;
    while (bits < width) {
      acc = (acc << 8) | frame[pos++]!;
      bits += 8;
    }
    bits -= width;
    params[i] = (acc >> bits) & ((1 << width) - 1);
    acc &= (1 << bits) - 1;
  }
}
