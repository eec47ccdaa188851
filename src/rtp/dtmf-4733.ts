/*
 * RFC 4733 telephone-event payload (§2.3), receiver (§2.5.2) and sender (§2.5.1) for DTMF.
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |     event     |E|R| volume    |          duration             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * All packets of one event carry the same RTP timestamp (the event's start); `duration` grows in timestamp
 * units; the first packet has the marker bit; the final packet (E = 1) is sent three times (§2.5.1.4).
 */

export const TELEPHONE_EVENT_SIZE = 4;

export type TelephoneEventParseError = 'short-payload';

export interface TelephoneEvent {
  /** 0–9, 10 = '*', 11 = '#', 12–15 = A–D, 16 = flash (RFC 4733 §3.2). */
  event: number;
  /** E bit: this is (a retransmission of) the final packet of the event. */
  isEnd: boolean;
  /** Power level in −dBm0, 0–63 (§2.3.4). */
  volume: number;
  /** Timestamp units since the event's RTP timestamp, 0–65535 (§2.3.5). */
  duration: number;
}

const DIGITS = '0123456789*#ABCD';

/** The DTMF character for an event code (16 = flash → '!', as Asterisk), or undefined for other events. */
export function eventToDigit(event: number): string | undefined {
  if (event === 16) return '!';
  return event >= 0 && event < 16 ? DIGITS[event] : undefined;
}

/** The event code for a DTMF character (case-insensitive A–D), or undefined. */
export function digitToEvent(digit: string): number | undefined {
  if (digit === '!') return 16;
  const i = DIGITS.indexOf(digit.toUpperCase());
  return digit.length === 1 && i >= 0 ? i : undefined;
}

/** Parses the first 4 bytes of an RTP payload; extra bytes (RFC 4733 §2.5.1.5 redundancy) are ignored. */
export function parseTelephoneEvent(payload: Buffer, out: TelephoneEvent): TelephoneEventParseError | undefined {
  if (payload.length < TELEPHONE_EVENT_SIZE) return 'short-payload';
  out.event = payload[0]!;
  const b1 = payload[1]!;
  out.isEnd = (b1 & 0x80) !== 0;
  out.volume = b1 & 0x3f; // R bit (0x40) ignored by receivers (§2.3.3)
  out.duration = payload.readUInt16BE(2);
  return undefined;
}

/** Writes 4 bytes at `offset`; returns the number of bytes written. */
export function writeTelephoneEvent(ev: TelephoneEvent, dst: Buffer, offset: number): number {
  if (offset < 0 || offset + TELEPHONE_EVENT_SIZE > dst.length) throw new RangeError('telephone-event: no room');
  dst[offset] = ev.event & 0xff;
  dst[offset + 1] = (ev.isEnd ? 0x80 : 0) | (ev.volume & 0x3f);
  dst.writeUInt16BE(Math.min(ev.duration, 0xffff), offset + 2);
  return TELEPHONE_EVENT_SIZE;
}

/** One packet to send: payload fields plus the marker bit and when to send it relative to the digit's start. */
export interface TelephoneEventStep extends TelephoneEvent {
  marker: boolean;
  sendAtMs: number;
}

export interface TelephoneEventSendOptions {
  digit: string;
  durationMs: number;
  ptimeMs?: number;
  clockRate?: number;
  /** −dBm0; Asterisk sends 10. */
  volume?: number;
}

/**
 * The packets for one digit (RFC 4733 §2.5.1): the caller sends them all with the same RTP timestamp and
 * consecutive sequence numbers. One packet per ptime with the duration so far (the first with the marker bit),
 * then three identical end packets carrying the full duration at `durationMs`. Throws on an unknown digit or a
 * duration that does not fit 16 bits (longer events need §2.5.1.3 segments).
 */
export function* telephoneEventPackets(opts: TelephoneEventSendOptions): Generator<TelephoneEventStep> {
  const event = digitToEvent(opts.digit);
  if (event === undefined) throw new RangeError(`telephone-event: no event for digit ${JSON.stringify(opts.digit)}`);
  const ptimeMs = opts.ptimeMs ?? 20;
  const unitsPerMs = (opts.clockRate ?? 8000) / 1000;
  const volume = opts.volume ?? 10;
  const total = Math.round(opts.durationMs * unitsPerMs);
  if (total > 0xffff || total <= 0) throw new RangeError(`telephone-event: duration ${opts.durationMs} ms`);
  const step = ptimeMs * unitsPerMs;
  let marker = true;
  for (let i = 1; i * step < total; i++) {
    yield { event, isEnd: false, volume, duration: i * step, marker, sendAtMs: (i - 1) * ptimeMs };
    marker = false;
  }
  for (let i = 0; i < 3; i++) yield { event, isEnd: true, volume, duration: total, marker, sendAtMs: opts.durationMs };
}
