/*
 * G.711 µ-law (PCMU, PT 0) and A-law (PCMA, PT 8) — ITU-T G.711, bit-exact with the reference "Sun" g711.c that
 * sox (libsox g711.c) and most telephony stacks use: µ-law encodes the top 14 bits of a 16-bit sample
 * (bias 33 on the 14-bit scale, clip 8159), A-law the top 13 bits with even-bit inversion (XOR 0x55).
 *
 * Decoding is a 256-entry table lookup; encoding is a 16 Ki-entry (µ-law, index = sample >> 2) or
 * 8 Ki-entry (A-law, index = sample >> 3) table built once at load. The block functions write into a
 * caller-supplied output and allocate nothing.
 *
 * µ-law has two codes for zero (0xFF = +0, 0x7F = −0); both decode to 0, which encodes back to 0xFF.
 */

const ULAW_BIAS = 0x84; // 132 on the 16-bit scale, 33 on the 14-bit one
const ULAW_CLIP = 8159; // 14-bit magnitude clip
const ULAW_SEG_END = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff] as const;
const ALAW_SEG_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff] as const;

function segment(value: number, ends: readonly number[]): number {
  for (let i = 0; i < ends.length; i++) if (value <= ends[i]!) return i;
  return ends.length;
}

/** µ-law of a 14-bit two's complement sample (−8192..8191). */
function linear14ToUlaw(pcm: number): number {
  let mask = 0xff;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7f;
  }
  if (pcm > ULAW_CLIP) pcm = ULAW_CLIP;
  pcm += ULAW_BIAS >> 2;
  const seg = segment(pcm, ULAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((pcm >> (seg + 1)) & 0x0f)) ^ mask;
}

/** A-law of a 13-bit two's complement sample (−4096..4095). */
function linear13ToAlaw(pcm: number): number {
  let mask = 0xd5; // sign bit = 1
  if (pcm < 0) {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const seg = segment(pcm, ALAW_SEG_END);
  if (seg >= 8) return 0x7f ^ mask;
  const quant = seg < 2 ? (pcm >> 1) & 0x0f : (pcm >> seg) & 0x0f;
  return ((seg << 4) | quant) ^ mask;
}

function ulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const t = (((u & 0x0f) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4);
  return u & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else if (seg === 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/** µ-law code → 16-bit linear sample. */
export const ULAW_DECODE: Int16Array = new Int16Array(256);
/** A-law code → 16-bit linear sample. */
export const ALAW_DECODE: Int16Array = new Int16Array(256);
// Encode tables, indexed by the sample's top 14 (µ-law) or 13 (A-law) bits as an unsigned number.
const ULAW_ENCODE = new Uint8Array(1 << 14);
const ALAW_ENCODE = new Uint8Array(1 << 13);

for (let c = 0; c < 256; c++) {
  ULAW_DECODE[c] = ulawToLinear(c);
  ALAW_DECODE[c] = alawToLinear(c);
}
for (let i = 0; i < 1 << 14; i++) ULAW_ENCODE[i] = linear14ToUlaw(i >= 1 << 13 ? i - (1 << 14) : i);
for (let i = 0; i < 1 << 13; i++) ALAW_ENCODE[i] = linear13ToAlaw(i >= 1 << 12 ? i - (1 << 13) : i);

/** One 16-bit sample → µ-law code. */
export function ulawEncodeSample(sample: number): number {
  return ULAW_ENCODE[(sample >> 2) & 0x3fff]!;
}

/** One 16-bit sample → A-law code. */
export function alawEncodeSample(sample: number): number {
  return ALAW_ENCODE[(sample >> 3) & 0x1fff]!;
}

/** One µ-law code → 16-bit sample. */
export function ulawDecodeSample(code: number): number {
  return ULAW_DECODE[code & 0xff]!;
}

/** One A-law code → 16-bit sample. */
export function alawDecodeSample(code: number): number {
  return ALAW_DECODE[code & 0xff]!;
}

/** Encodes `count` samples of `src` (from 0) into `dst` (from `dstOffset`). A Buffer is a valid `dst`. */
export function encodeUlaw(src: Int16Array, dst: Uint8Array, count = src.length, dstOffset = 0): void {
  checkRange(count, src.length, dst.length - dstOffset);
  for (let i = 0; i < count; i++) dst[dstOffset + i] = ULAW_ENCODE[(src[i]! >> 2) & 0x3fff]!;
}

/** Encodes `count` samples of `src` (from 0) into `dst` (from `dstOffset`). */
export function encodeAlaw(src: Int16Array, dst: Uint8Array, count = src.length, dstOffset = 0): void {
  checkRange(count, src.length, dst.length - dstOffset);
  for (let i = 0; i < count; i++) dst[dstOffset + i] = ALAW_ENCODE[(src[i]! >> 3) & 0x1fff]!;
}

/** Decodes `count` codes of `src` (e.g. an RTP payload view) into `dst` (from `dstOffset`). */
export function decodeUlaw(src: Uint8Array, dst: Int16Array, count = src.length, dstOffset = 0): void {
  checkRange(count, src.length, dst.length - dstOffset);
  for (let i = 0; i < count; i++) dst[dstOffset + i] = ULAW_DECODE[src[i]!]!;
}

/** Decodes `count` codes of `src` into `dst` (from `dstOffset`). */
export function decodeAlaw(src: Uint8Array, dst: Int16Array, count = src.length, dstOffset = 0): void {
  checkRange(count, src.length, dst.length - dstOffset);
  for (let i = 0; i < count; i++) dst[dstOffset + i] = ALAW_DECODE[src[i]!]!;
}

function checkRange(count: number, srcLength: number, dstRoom: number): void {
  if (count < 0 || count > srcLength || count > dstRoom) {
    throw new RangeError(`G.711: ${count} samples, source ${srcLength}, room ${dstRoom}`);
  }
}

/** The two G.711 laws by the names formats use. */
export type G711Law = 'ulaw' | 'alaw';

export function encodeG711(law: G711Law, src: Int16Array, dst: Uint8Array, count = src.length): void {
  if (law === 'ulaw') encodeUlaw(src, dst, count);
  else encodeAlaw(src, dst, count);
}

export function decodeG711(law: G711Law, src: Uint8Array, dst: Int16Array, count = src.length): void {
  if (law === 'ulaw') decodeUlaw(src, dst, count);
  else decodeAlaw(src, dst, count);
}

// One code of one law to the other, through the linear value: the same result as decoding then encoding, in one
// table lookup per sample (G.711 Appendix tables do the same).
const ULAW_TO_ALAW = new Uint8Array(256).map((_, code) => ALAW_ENCODE[(ULAW_DECODE[code]! >> 3) & 0x1fff]!);
const ALAW_TO_ULAW = new Uint8Array(256).map((_, code) => ULAW_ENCODE[(ALAW_DECODE[code]! >> 2) & 0x3fff]!);

/** Converts `count` codes of `src` in law `from` into `dst` in the other law. */
export function transcodeG711(from: G711Law, src: Uint8Array, dst: Uint8Array, count = src.length): void {
  checkRange(count, src.length, dst.length);
  const table = from === 'ulaw' ? ULAW_TO_ALAW : ALAW_TO_ULAW;
  for (let i = 0; i < count; i++) dst[i] = table[src[i]!]!;
}
