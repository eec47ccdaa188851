// Test helpers for transports: an inbox that records what a transport hands up, awaitable without sleeping.

import dgram from 'node:dgram';

import { type SipMessage, type SipRequest, SipResponse, makeHeader } from '../../../src/sip/message/sip-message.js';
import type { TransportDropReason, TransportSource, TransportUser } from '../../../src/sip/transport/transport.js';

export interface Received {
  msg: SipMessage;
  source: TransportSource;
}
export interface Dropped {
  reason: TransportDropReason;
  detail: string;
  source: TransportSource | undefined;
}

type Waiter<T> = { match: (v: T) => boolean; resolve: (v: T) => void };

export class Inbox implements TransportUser {
  readonly messages: Received[] = [];
  readonly errors: Dropped[] = [];
  #messageWaiters: Waiter<Received>[] = [];
  #errorWaiters: Waiter<Dropped>[] = [];
  /** Called for every message before it is recorded (e.g. to answer it). */
  onEach: ((r: Received) => void) | undefined;

  onMessage(msg: SipMessage, source: TransportSource): void {
    const r = { msg, source };
    this.onEach?.(r);
    this.messages.push(r);
    this.#messageWaiters = settle(this.#messageWaiters, r);
  }

  onError(reason: TransportDropReason, detail: string, source: TransportSource | undefined): void {
    const d = { reason, detail, source };
    this.errors.push(d);
    this.#errorWaiters = settle(this.#errorWaiters, d);
  }

  /** The n-th message (0-based) once it has arrived. */
  message(n: number): Promise<Received> {
    return this.#wait(this.messages, this.#messageWaiters, (_v, i) => i === n, n);
  }

  /** The first drop with that reason, once it has happened. */
  error(reason: TransportDropReason): Promise<Dropped> {
    const found = this.errors.find((e) => e.reason === reason);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#errorWaiters.push({ match: (e) => e.reason === reason, resolve }));
  }

  #wait(
    list: Received[],
    waiters: Waiter<Received>[],
    pred: (v: Received, i: number) => boolean,
    n: number,
  ): Promise<Received> {
    const have = list[n];
    if (have && pred(have, n)) return Promise.resolve(have);
    return new Promise((resolve) => waiters.push({ match: () => this.messages.length - 1 === n, resolve }));
  }
}

function settle<T>(waiters: Waiter<T>[], v: T): Waiter<T>[] {
  const left: Waiter<T>[] = [];
  for (const w of waiters) {
    if (w.match(v)) w.resolve(v);
    else left.push(w);
  }
  return left;
}

/** A raw UDP peer bound on loopback: sends bytes, collects datagrams. */
export async function udpPeer(host = '127.0.0.1'): Promise<{
  socket: dgram.Socket;
  port: number;
  send(buf: Buffer | string, port: number): void;
  next(): Promise<Buffer>;
  close(): Promise<void>;
}> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  const queue: Buffer[] = [];
  const waiting: ((b: Buffer) => void)[] = [];
  socket.on('message', (b) => {
    const w = waiting.shift();
    if (w) w(b);
    else queue.push(b);
  });
  return {
    socket,
    port: socket.address().port,
    send: (buf, port) => socket.send(typeof buf === 'string' ? Buffer.from(buf, 'latin1') : buf, port, host),
    next: () => {
      const b = queue.shift();
      return b ? Promise.resolve(b) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** An OPTIONS request as a peer at `host:port` would send it; `via` overrides the top Via's sent-by and params. */
export function options(opts: { via?: string; callId?: string; transport?: string } = {}): string {
  const via = opts.via ?? 'client.invalid:5099;rport;branch=z9hG4bK-opt-1';
  return (
    `OPTIONS sip:switchyard@127.0.0.1 SIP/2.0\r\n` +
    `Via: SIP/2.0/${opts.transport ?? 'UDP'} ${via}\r\n` +
    `Max-Forwards: 70\r\n` +
    `From: <sip:probe@client.invalid>;tag=abc\r\n` +
    `To: <sip:switchyard@127.0.0.1>\r\n` +
    `Call-ID: ${opts.callId ?? 'opt-1@client.invalid'}\r\n` +
    `CSeq: 1 OPTIONS\r\n` +
    `Content-Length: 0\r\n\r\n`
  );
}

/** Whether the host can bind ::1 (IPv6 loopback). */
export async function hasIpv6Loopback(): Promise<boolean> {
  const s = dgram.createSocket({ type: 'udp6', ipv6Only: true });
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '::1', resolve);
    });
    return true;
  } catch {
    return false;
  } finally {
    try {
      s.close();
    } catch {
      // never bound
    }
  }
}

/** A minimal UAS answer (RFC 3261 §8.2.6): Via (stamped), From, To (+tag), Call-ID and CSeq copied. */
export function answer(req: SipRequest, status: number, reason: string): SipResponse {
  const headers = req.headers
    .filter((h) => ['via', 'from', 'call-id', 'cseq'].includes(h.key))
    .concat([makeHeader('To', `${req.header('to') ?? ''};tag=uas-1`)]);
  return new SipResponse(status, reason, { ...req, headers, body: Buffer.alloc(0), contentLength: 0 });
}
