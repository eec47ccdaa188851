// A manual clock, a transport that records what it is asked to send, and SIP messages built from wire text.
import assert from 'node:assert/strict';

import { parseSipMessage } from '../../../src/sip/message/parse-message.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/sip/message/sip-message.js';
import { type Clock, TimerWheel } from '../../../src/sip/transaction/timer-wheel.js';
import { DEFAULT_SIP_TIMERS } from '../../../src/sip/transaction/timers.js';
import type {
  Destination,
  TransactionContext,
  TransactionTransport,
} from '../../../src/sip/transaction/transaction-ports.js';

export class ManualClock implements Clock {
  #now = 0;
  readonly #ticks = new Set<() => void>();

  now(): number {
    return this.#now;
  }

  onTick(fn: () => void): () => void {
    this.#ticks.add(fn);
    return () => this.#ticks.delete(fn);
  }

  advance(ms: number): void {
    this.#now += ms;
    for (const fn of this.#ticks) fn();
  }

  advanceTo(ms: number): void {
    this.advance(ms - this.#now);
  }
}

export interface Sent {
  atMs: number;
  msg: SipMessage;
  dest: Destination;
}

export class RecordingTransport implements TransactionTransport {
  readonly sent: Sent[] = [];
  failNext = false;
  /** The wheel's time: inside a timer callback, the tick that fired, even when a test jumps the clock. */
  now: () => number = () => 0;

  send(msg: SipMessage, dest: Destination): void {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('EHOSTUNREACH');
    }
    this.sent.push({ atMs: this.now(), msg, dest });
  }

  isReliable(transport: string): boolean {
    return transport !== 'UDP';
  }

  /** Send times of messages matching a start-line prefix (`INVITE`, `SIP/2.0 486`). */
  times(prefix: string): number[] {
    return this.sent.filter((s) => startsWith(s.msg, prefix)).map((s) => s.atMs);
  }
}

function startsWith(msg: SipMessage, prefix: string): boolean {
  const line = msg.kind === 'request' ? `${msg.method} ${msg.uri}` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  return line.startsWith(prefix);
}

export function setup(): {
  clock: ManualClock;
  transport: RecordingTransport;
  wheel: TimerWheel;
  ctx: TransactionContext;
} {
  const clock = new ManualClock();
  const transport = new RecordingTransport();
  const wheel = new TimerWheel(clock, {
    onError: (err) => {
      throw err;
    },
  });
  transport.now = () => wheel.now();
  return { clock, transport, wheel, ctx: { wheel, transport, timers: DEFAULT_SIP_TIMERS } };
}

export const UDP: Destination = { host: '192.0.2.10', port: 5060, transport: 'UDP' };
export const TCP: Destination = { host: '192.0.2.10', port: 5060, transport: 'TCP' };

function parse(text: string): SipMessage {
  const r = parseSipMessage(Buffer.from(text.replace(/\n/g, '\r\n')));
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

export interface RequestOptions {
  method?: string;
  branch?: string;
  transport?: string;
  sentBy?: string;
  cseq?: number;
  cseqMethod?: string;
  toTag?: string;
  extra?: string;
}

export function request(o: RequestOptions = {}): SipRequest {
  const method = o.method ?? 'INVITE';
  const msg = parse(
    `${method} sip:bob@example.com SIP/2.0
Via: SIP/2.0/${o.transport ?? 'UDP'} ${o.sentBy ?? 'pc33.example.com:5060'};branch=${o.branch ?? 'z9hG4bK776asdhds'}
Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKproxy1
Route: <sip:p1.example.com;lr>
Max-Forwards: 70
To: Bob <sip:bob@example.com>${o.toTag === undefined ? '' : `;tag=${o.toTag}`}
From: Alice <sip:alice@example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.example.com
CSeq: ${o.cseq ?? 314159} ${o.cseqMethod ?? method}
Contact: <sip:alice@pc33.example.com>
${o.extra ?? ''}Content-Length: 0

`,
  );
  assert.equal(msg.kind, 'request');
  return msg;
}

export function response(status: number, reason: string, o: RequestOptions = {}): SipResponse {
  const msg = parse(
    `SIP/2.0 ${status} ${reason}
Via: SIP/2.0/UDP pc33.example.com:5060;branch=${o.branch ?? 'z9hG4bK776asdhds'}
To: Bob <sip:bob@example.com>${o.toTag === undefined ? ';tag=a6c85cf' : o.toTag === '' ? '' : `;tag=${o.toTag}`}
From: Alice <sip:alice@example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.example.com
CSeq: ${o.cseq ?? 314159} ${o.cseqMethod ?? o.method ?? 'INVITE'}
Content-Length: 0

`,
  );
  assert.equal(msg.kind, 'response');
  return msg;
}

/** A client TU that records what it is told. */
export function recordingUser(): {
  responses: number[];
  timeouts: number;
  errors: unknown[];
  onResponse(res: SipResponse): void;
  onTimeout(): void;
  onTransportError(err: unknown): void;
} {
  return {
    responses: [],
    timeouts: 0,
    errors: [],
    onResponse(res) {
      this.responses.push(res.status);
    },
    onTimeout() {
      this.timeouts++;
    },
    onTransportError(err) {
      this.errors.push(err);
    },
  };
}
