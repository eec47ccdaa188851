/**
 * A mark written into the first samples of every 20 ms frame the load generator sends — the frame's due time,
 * epoch milliseconds modulo 2^32 — so that a recording can be checked frame by frame (which frames the file
 * holds, which are missing, when they were sent) and a relayed frame's delay through the server measured. G.711 µ-law decodes
 * each code to one 16-bit value and encoding that value gives the code back (except the two codes for zero),
 * so the marker survives the server's decode to signed linear and its write to a wav file.
 *
 * Layout, in µ-law codes: MAGIC (±full scale, never produced by the −12 dBFS tone that fills the rest of the
 * frame), then the mark as 8 nibbles, each sent as the code 0x10 | nibble, then how late the sender sent the frame
 * (tenths of a millisecond after its due time, 4 nibbles), so that a relayed frame's time through the server can be
 * told from its sender's own lateness.
 */
import { ulawDecodeSample, ulawEncodeSample } from '../../src/media/codecs/g711.js';

const MAGIC = [0x80, 0x00, 0x80, 0x00] as const;
const NIBBLES = 8;
const LAG_NIBBLES = 4;
/** The largest send lag a marker holds, in tenths of a millisecond. */
const MAX_LAG_TENTHS = 0xffff;
/** Consecutive frames of a call are this many milliseconds apart. */
const FRAME_MS = 20;
/** Samples the marker takes at the start of each frame. */
export const MARKER_SAMPLES = MAGIC.length + NIBBLES + LAG_NIBBLES;

/**
 * Writes mark `k` at `out[offset..offset + MARKER_SAMPLES)` (µ-law codes), with the sender's lag behind the frame's
 * due time in milliseconds (clamped to 0..6553.5).
 */
export function writeMarker(out: Buffer, offset: number, k: number, lagMs = 0): void {
  for (let i = 0; i < MAGIC.length; i++) out[offset + i] = MAGIC[i]!;
  for (let i = 0; i < NIBBLES; i++) out[offset + MAGIC.length + i] = 0x10 | ((k >>> (4 * (NIBBLES - 1 - i))) & 0x0f);
  const lag = Math.min(MAX_LAG_TENTHS, Math.max(0, Math.round(lagMs * 10)));
  const at = offset + MAGIC.length + NIBBLES;
  for (let i = 0; i < LAG_NIBBLES; i++) out[at + i] = 0x10 | ((lag >>> (4 * (LAG_NIBBLES - 1 - i))) & 0x0f);
}

/** The sender's lag (ms) in the marker at `buf[offset..]` (read after readMarker found one), or NaN. */
export function readMarkerLagMs(buf: Uint8Array, offset: number): number {
  const at = offset + MAGIC.length + NIBBLES;
  if (buf.length < at + LAG_NIBBLES) return NaN;
  let lag = 0;
  for (let i = 0; i < LAG_NIBBLES; i++) {
    const code = buf[at + i]!;
    if ((code & 0xf0) !== 0x10) return NaN;
    lag = lag * 16 + (code & 0x0f);
  }
  return lag / 10;
}

const MAGIC_LINEAR = MAGIC.map(ulawDecodeSample);

/**
 * The mark at `buf[offset..]` when the bytes are a marker as sent (µ-law codes, e.g. a relayed RTP
 * payload), else -1. No allocation: called per received packet.
 */
export function readMarker(buf: Uint8Array, offset: number): number {
  if (buf.length < offset + MARKER_SAMPLES) return -1;
  for (let i = 0; i < MAGIC.length; i++) if (buf[offset + i] !== MAGIC[i]) return -1;
  let k = 0;
  for (let i = 0; i < NIBBLES; i++) {
    const code = buf[offset + MAGIC.length + i]!;
    if ((code & 0xf0) !== 0x10) return -1;
    k = k * 16 + (code & 0x0f);
  }
  return k;
}

export interface MarkerScan {
  /** Distinct marks found. */
  readonly frames: number;
  /** The first and the last mark in the audio (in the order found): the frames' due times, epoch ms mod 2^32. */
  readonly first: number | null;
  readonly last: number | null;
  /** Frames between the first and the last (20 ms apart) that the audio does not hold. */
  readonly missing: number;
  /** Marks found more than once. */
  readonly repeated: number;
}

/** Finds every marker in 16-bit linear audio (e.g. a recording's samples). */
export function scanMarkers(samples: Int16Array): MarkerScan {
  const seen = new Set<number>();
  let repeated = 0;
  let first: number | null = null;
  let last: number | null = null;
  const end = samples.length - MARKER_SAMPLES;
  for (let i = 0; i <= end; i++) {
    if (samples[i] !== MAGIC_LINEAR[0] || samples[i + 1] !== MAGIC_LINEAR[1]) continue;
    if (samples[i + 2] !== MAGIC_LINEAR[2] || samples[i + 3] !== MAGIC_LINEAR[3]) continue;
    let k = 0;
    let ok = true;
    for (let n = 0; n < NIBBLES; n++) {
      const code = ulawEncodeSample(samples[i + MAGIC.length + n]!);
      if ((code & 0xf0) !== 0x10) ok = false;
      k = k * 16 + (code & 0x0f);
    }
    if (!ok) continue;
    if (seen.has(k)) repeated++;
    seen.add(k);
    first ??= k;
    last = k;
    i += MARKER_SAMPLES - 1;
  }
  // Frame numbers wrap at 2^32: the span is the unsigned difference.
  const span = first === null || last === null ? 0 : Math.round(((last - first) >>> 0) / FRAME_MS) + 1;
  const missing = Math.max(0, span - seen.size);
  return { frames: seen.size, first, last, missing, repeated };
}
