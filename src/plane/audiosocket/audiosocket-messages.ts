/**
 * AudioSocket messages (res_audiosocket.c; the protocol of CyCore Systems' AudioSocket), the same both ways:
 *
 *    0                   1                   2
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 ...
 *   +---------------+-------------------------------+-----------------
 *   |     kind      |     payload length (u16 BE)   |  payload ...
 *   +---------------+-------------------------------+-----------------
 *
 * Audio payloads are 16-bit signed mono PCM in little-endian byte order (Asterisk sends its host-order slin as
 * is, so "little-endian on x86"; this code writes and reads the bytes explicitly, whatever the platform's order).
 * Note that RTP's L16 is big-endian: the two must not share a coder.
 */

/** Bytes before the payload: kind and length. */
export const HEADER_BYTES = 3;
/** The largest payload a message can carry (its length is 16 bits). */
export const MAX_PAYLOAD_BYTES = 0xffff;

/** Message kinds (res_audiosocket.h `ast_audiosocket_msg_kind`). */
export const Kind = {
  /** App → Asterisk: end the call (any payload; only the header is read). */
  HANGUP: 0x00,
  /** Asterisk → app, once and first: the 16 bytes of the channel's UUID. */
  UUID: 0x01,
  /** Asterisk → app (22.4.0+): one ASCII digit at the digit's end. Beyond Asterisk, also app → channel here. */
  DTMF: 0x03,
  /** Signed linear audio at 8 kHz. */
  AUDIO_SLIN: 0x10,
  /** 0x11..0x18: slin12, slin16, slin24, slin32, slin44, slin48, slin96, slin192 (22.7.0 / 23.1.0+). */
  AUDIO_SLIN12: 0x11,
  AUDIO_SLIN16: 0x12,
  AUDIO_SLIN192: 0x18,
  /** An error with an app-defined code byte; Asterisk never sends one and ends the call when it gets one. */
  ERROR: 0xff,
} as const;

/** The sample rate of each audio kind 0x10..0x18, in kind order. */
const AUDIO_RATES = [8000, 12000, 16000, 24000, 32000, 44100, 48000, 96000, 192000] as const;

/** The sample rate an audio kind carries; undefined for kinds that are not audio. */
export function audioKindRate(kind: number): number | undefined {
  return kind >= Kind.AUDIO_SLIN && kind <= Kind.AUDIO_SLIN192 ? AUDIO_RATES[kind - Kind.AUDIO_SLIN] : undefined;
}

/** The audio kind of a rate the pipeline runs at (8 or 16 kHz). */
export function audioKindFor(rate: number): number {
  return rate === 16000 ? Kind.AUDIO_SLIN16 : Kind.AUDIO_SLIN;
}

/** Write a header for `kind` and `length` payload bytes at `offset` of `out`. */
export function writeHeader(out: Uint8Array, offset: number, kind: number, length: number): void {
  out[offset] = kind;
  out[offset + 1] = (length >> 8) & 0xff;
  out[offset + 2] = length & 0xff;
}

/** The UUID message: kind 0x01, length 16, the UUID's bytes. */
export function uuidMessage(uuid: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + uuid.length);
  writeHeader(out, 0, Kind.UUID, uuid.length);
  out.set(uuid, HEADER_BYTES);
  return out;
}

/** A DTMF message: kind 0x03, length 1, the digit's ASCII code. */
export function dtmfMessage(digit: string): Buffer {
  const out = Buffer.allocUnsafe(HEADER_BYTES + 1);
  writeHeader(out, 0, Kind.DTMF, 1);
  out[HEADER_BYTES] = digit.charCodeAt(0) & 0xff;
  return out;
}

/**
 * An audio message of `samples` in `kind`, little-endian. A new buffer each time (from Node's pool for a 20 ms
 * frame): the socket may still hold the previous one.
 */
export function audioMessage(kind: number, samples: Int16Array): Buffer {
  const bytes = samples.length * 2;
  const out = Buffer.allocUnsafe(HEADER_BYTES + bytes);
  writeHeader(out, 0, kind, bytes);
  let at = HEADER_BYTES;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    out[at++] = v & 0xff;
    out[at++] = (v >> 8) & 0xff;
  }
  return out;
}

/**
 * Little-endian PCM bytes into `out` (from 0); returns the samples written, `floor(bytes / 2)`: an odd last byte
 * is not a sample and is dropped. `out` must hold that many.
 */
export function decodePcmLe(payload: Uint8Array, out: Int16Array): number {
  const n = payload.length >> 1;
  for (let i = 0; i < n; i++) {
    const v = payload[2 * i]! | (payload[2 * i + 1]! << 8);
    out[i] = v >= 0x8000 ? v - 0x10000 : v;
  }
  return n;
}

/** DTMF digits a channel carries (RFC 4733 events 0..15), upper case. */
const DTMF_DIGITS = '0123456789*#ABCD';

/** The digit a DTMF payload names, upper-cased; undefined when it is not one byte naming a DTMF digit. */
export function dtmfDigit(payload: Uint8Array): string | undefined {
  if (payload.length !== 1) return undefined;
  const digit = String.fromCharCode(payload[0]!).toUpperCase();
  return DTMF_DIGITS.includes(digit) ? digit : undefined;
}
