// Shared by the RTP session tests: loopback sockets, a per-file port range, bounded waits.
import dgram from 'node:dgram';
import type { RtpConfig } from '../../../src/config/pjsip-types.js';
import { createRtpPacket, parseRtp, type RtpPacket } from '../../../src/rtp/packet.js';

/** A random 200-port range between 40000 and 50000, so test files running at once rarely collide. */
export function portRange(): { rtpStart: number; rtpEnd: number } {
  const rtpStart = 40000 + 2 * Math.floor(Math.random() * 4900);
  return { rtpStart, rtpEnd: rtpStart + 199 };
}

export function rtpConfig(overrides: Partial<RtpConfig> = {}): RtpConfig {
  return { ...portRange(), rtcpInterval: 5000, strictRtp: true, probation: 4, dtmfTimeout: 150, ...overrides };
}

/** Polls `cond` every 5 ms; rejects after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function hasIpv6Loopback(): Promise<boolean> {
  const s = dgram.createSocket('udp6');
  return new Promise((resolve) => {
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(0, '::1', () => {
      s.close();
      resolve(true);
    });
  });
}

/** A plain UDP socket on port 0 that keeps every datagram it receives. */
export class Peer {
  readonly received: Buffer[] = [];
  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg) => this.received.push(msg));
  }

  static async open(host = '127.0.0.1'): Promise<Peer> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    return new Peer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(buf: Buffer, port: number, host = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(buf, port, host, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** The received datagrams parsed as RTP (copies). */
  rtp(): RtpPacket[] {
    return this.received.map((buf) => {
      const p = createRtpPacket();
      assertOk(parseRtp(buf, p));
      return { ...p, csrc: [...p.csrc], payload: Buffer.from(p.payload) };
    });
  }

  close(): void {
    this.socket.close();
  }
}

function assertOk(reason: string | undefined): void {
  if (reason !== undefined) throw new Error(`not RTP: ${reason}`);
}

/** An RTP packet (no CSRC, no extension). */
export function rtpBytes(pt: number, seq: number, ts: number, ssrc: number, payload: Buffer, marker = false): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b[0] = 0x80;
  b[1] = (marker ? 0x80 : 0) | pt;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(ts >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  payload.copy(b, 12);
  return b;
}
