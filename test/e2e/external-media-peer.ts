// The application's side of an externalMedia UnicastRTP stream, as a test drives it: a UDP socket that records
// every datagram it receives (with the sender's address), decodes the audio in the agreed format, and sends audio
// (paced at 20 ms) and RFC 4733 digits back. Raw sockets on loopback; the codecs are the product's own.
import { createSocket, type Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { AUDIO_CODECS, createFrameCoder, type AudioCodecName } from '../../src/media/codecs/audio-codecs.js';

export interface Datagram {
  readonly data: Buffer;
  readonly from: { readonly address: string; readonly port: number };
}

export interface RtpIn {
  readonly pt: number;
  readonly marker: boolean;
  readonly seq: number;
  readonly ts: number;
  readonly ssrc: number;
  readonly payload: Buffer;
}

/** telephone-event on UnicastRTP. */
export const DTMF_PT = 101;
const FRAME_MS = 20;
const DIGITS = '0123456789*#ABCD';

export function parseRtpIn(b: Buffer): RtpIn | undefined {
  if (b.length < 12 || b[0]! >> 6 !== 2) return undefined;
  return {
    pt: b[1]! & 0x7f,
    marker: (b[1]! & 0x80) !== 0,
    seq: b.readUInt16BE(2),
    ts: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    payload: b.subarray(12 + 4 * (b[0]! & 0x0f)),
  };
}

export class ExternalRtpPeer {
  readonly received: Datagram[] = [];
  #seq = 4000;
  #ts = 0;
  readonly #ssrc = 0xe7e11a;

  private constructor(
    readonly socket: Socket,
    readonly codec: AudioCodecName,
  ) {
    socket.on('message', (data, rinfo) =>
      this.received.push({ data, from: { address: rinfo.address, port: rinfo.port } }),
    );
  }

  static async open(codec: AudioCodecName, host = '127.0.0.1'): Promise<ExternalRtpPeer> {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((r) => socket.bind(0, host, r));
    return new ExternalRtpPeer(socket, codec);
  }

  /**
   * A peer on an even port whose odd neighbour is bound too (`rtcp` records what arrives there: RTCP would go to
   * port + 1), so a test can tell that nothing is sent to it.
   */
  static async openWithRtcpWatch(
    codec: AudioCodecName,
  ): Promise<{ peer: ExternalRtpPeer; rtcp: Datagram[]; close(): void }> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = 40000 + 2 * Math.floor(Math.random() * 5000);
      const rtp = createSocket('udp4');
      const rtcpSocket = createSocket('udp4');
      const bound = async (s: Socket, p: number): Promise<boolean> =>
        new Promise((r) => {
          s.once('error', () => r(false));
          s.bind(p, '127.0.0.1', () => r(true));
        });
      if ((await bound(rtp, port)) && (await bound(rtcpSocket, port + 1))) {
        const rtcp: Datagram[] = [];
        rtcpSocket.on('message', (data, rinfo) =>
          rtcp.push({ data, from: { address: rinfo.address, port: rinfo.port } }),
        );
        const peer = new ExternalRtpPeer(rtp, codec);
        return { peer, rtcp, close: () => (peer.close(), rtcpSocket.close()) };
      }
      for (const s of [rtp, rtcpSocket]) {
        try {
          s.close();
        } catch {
          // a socket whose bind failed is not running
        }
      }
    }
    throw new Error('no free even port pair');
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** `host:port` of this socket, as external_host. */
  get address(): string {
    const { address, port } = this.socket.address();
    return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
  }

  /** RTP packets received, in arrival order (from `from` on). */
  packets(from = 0): RtpIn[] {
    return this.received
      .slice(from)
      .map((d) => parseRtpIn(d.data))
      .filter((p): p is RtpIn => p !== undefined);
  }

  /** The audio received in this peer's format, decoded in arrival order. */
  heard(from = 0): Int16Array {
    const coder = createFrameCoder(this.codec);
    const packets = this.packets(from).filter((p) => p.pt === coder.info.payloadType);
    const out = new Int16Array(packets.reduce((n, p) => n + coder.samplesIn(p.payload.length), 0));
    let at = 0;
    for (const p of packets) at += coder.decode(p.payload, out.subarray(at));
    return out;
  }

  /** Digits received as RFC 4733 end events (each counted once, by its timestamp). */
  digits(): string {
    const seen = new Set<number>();
    let out = '';
    for (const p of this.packets()) {
      if (p.pt !== DTMF_PT || p.payload.length < 4 || (p.payload[1]! & 0x80) === 0 || seen.has(p.ts)) continue;
      seen.add(p.ts);
      out += DIGITS[p.payload[0]!] ?? '?';
    }
    return out;
  }

  #packet(pt: number, marker: boolean, ts: number, payloadBytes: number): Buffer {
    const pkt = Buffer.alloc(12 + payloadBytes);
    pkt[0] = 0x80;
    pkt[1] = pt | (marker ? 0x80 : 0);
    pkt.writeUInt16BE(this.#seq++ & 0xffff, 2);
    pkt.writeUInt32BE(ts >>> 0, 4);
    pkt.writeUInt32BE(this.#ssrc, 8);
    return pkt;
  }

  /** Send `samples` (at the format's rate) as 20 ms RTP packets on a 20 ms schedule, to `to`. */
  async sendAudio(samples: Int16Array, to: { address: string; port: number }, socket = this.socket): Promise<void> {
    const coder = createFrameCoder(this.codec);
    const frame = (coder.info.rate * FRAME_MS) / 1000;
    const start = performance.now();
    for (let i = 0, n = 0; i < samples.length; i += frame, n++) {
      const pcm = samples.subarray(i, Math.min(i + frame, samples.length));
      const pkt = this.#packet(AUDIO_CODECS[this.codec].payloadType, n === 0, this.#ts, coder.bytesFor(pcm.length));
      const bytes = coder.encode(pcm, pkt.subarray(12));
      this.#ts += coder.ticksIn(bytes);
      socket.send(pkt, to.port, to.address);
      const wait = start + (n + 1) * FRAME_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  /** One RFC 4733 digit: a packet every 20 ms while it lasts (timestamps at 8 kHz), then the end packet 3 times. */
  async sendDigit(digit: string, to: { address: string; port: number }, durationMs = 120): Promise<void> {
    const event = DIGITS.indexOf(digit);
    const ts = this.#ts;
    const total = durationMs * 8;
    const send = (duration: number, end: boolean, first: boolean): void => {
      const pkt = this.#packet(DTMF_PT, first, ts, 4);
      pkt[12] = event;
      pkt[13] = (end ? 0x80 : 0) | 10;
      pkt.writeUInt16BE(duration, 14);
      this.socket.send(pkt, to.port, to.address);
    };
    for (let elapsed = 160, n = 0; elapsed < total; elapsed += 160, n++) {
      send(elapsed, false, n === 0);
      await new Promise((r) => setTimeout(r, FRAME_MS));
    }
    for (let i = 0; i < 3; i++) send(total, true, false);
    this.#ts += total;
  }

  close(): void {
    this.socket.close();
  }
}
