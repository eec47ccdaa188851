/**
 * The RTP side of one load-generator call (RFC 3550 §5.1 headers, G.711 µ-law payload type 0): its outgoing
 * packets — a ring of reused buffers, sequence and timestamp advancing by 160 samples per 20 ms frame, a tone
 * whose first samples carry the frame's marker (frame-marker.ts) — and what a received packet tells: whether it
 * is audio, and, when it relays a peer's frame unchanged, how long after that frame was due it arrived.
 */
import type { Socket } from 'node:dgram';
import { encodeUlaw } from '../../src/media/codecs/g711.js';
import { readMarker, readMarkerLagMs, writeMarker } from './frame-marker.js';

const FRAME_SAMPLES = 160;
const RTP_HEADER = 12;
/** Packet buffers per call, used in turn, so a send still queued by the kernel is never overwritten. */
const RING = 4;

/** One second of a 440 Hz tone at −12 dBFS in µ-law: frame k sends bytes [(k % 50) · 160, +160). */
const TONE = (() => {
  const pcm = new Int16Array(8000);
  for (let n = 0; n < pcm.length; n++) pcm[n] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * n) / 8000));
  const out = Buffer.alloc(pcm.length);
  encodeUlaw(pcm, out);
  return out;
})();

export class RtpOut {
  readonly #packets: Buffer[];
  #ring = 0;
  #seq = (Math.random() * 0x10000) | 0;
  #ts = (Math.random() * 0x100000000) >>> 0;

  constructor(private readonly socket: Socket) {
    const ssrc = (Math.random() * 0x100000000) >>> 0;
    this.#packets = Array.from({ length: RING }, () => {
      const p = Buffer.alloc(RTP_HEADER + FRAME_SAMPLES);
      p[0] = 0x80; // V=2, no padding, extension or CSRC
      p[1] = 0; // PT 0 PCMU, no marker
      p.writeUInt32BE(ssrc, 8);
      return p;
    });
  }

  /**
   * Sends frame k of the send clock, marked with its due time `dueMark` and how late it leaves (`nowAbsMs`, the
   * epoch-based time now); the socket is connected to the server.
   */
  send(k: number, dueMark: number, nowAbsMs: number): void {
    const buf = this.#packets[this.#ring]!;
    this.#ring = (this.#ring + 1) % RING;
    buf.writeUInt16BE(this.#seq & 0xffff, 2);
    buf.writeUInt32BE(this.#ts >>> 0, 4);
    this.#seq++;
    this.#ts += FRAME_SAMPLES;
    const offset = (k % 50) * FRAME_SAMPLES;
    TONE.copy(buf, RTP_HEADER, offset, offset + FRAME_SAMPLES);
    const whole = Math.floor(nowAbsMs);
    writeMarker(buf, RTP_HEADER, dueMark, (((whole >>> 0) - dueMark) | 0) + (nowAbsMs - whole));
    this.socket.send(buf);
  }
}

/** RTP version 2 carrying G.711 (PT 0 or 8). */
export function isG711(msg: Buffer): boolean {
  if (msg.length < RTP_HEADER || (msg[0]! & 0xc0) !== 0x80) return false;
  const pt = msg[1]! & 0x7f;
  return pt === 0 || pt === 8;
}

/**
 * A relayed peer frame's delay: arrival (`nowAbsMs`, epoch-based) minus the due time of the frame whose marker
 * the payload carries (epoch ms mod 2^32); NaN without a marker.
 */
export function relayDelayMs(msg: Buffer, nowAbsMs: number, payload = payloadOffset(msg)): number {
  const k = readMarker(msg, payload);
  if (k < 0) return NaN;
  const whole = Math.floor(nowAbsMs);
  return (((whole >>> 0) - k) | 0) + (nowAbsMs - whole);
}

/**
 * The part of a relayed frame's delay that is not its sender's own lateness: `relayDelayMs` minus the lag the
 * sender wrote into the marker — the time from the caller's sendmsg to the callee's read, through the server.
 */
export function relayHeldMs(msg: Buffer, delayMs: number, payload = payloadOffset(msg)): number {
  return Number.isNaN(delayMs) ? NaN : delayMs - readMarkerLagMs(msg, payload);
}

/** Where the payload starts: after the CSRCs and a header extension (RFC 3550 §5.1, §5.3.1). */
export function payloadOffset(msg: Buffer): number {
  let payload = RTP_HEADER + (msg[0]! & 0x0f) * 4;
  if (msg[0]! & 0x10 && msg.length >= payload + 4) payload += 4 + msg.readUInt16BE(payload + 2) * 4;
  return payload;
}
