// The events WebSocket's queue as the operator sees it: depth, write lag, and the one log line of a slow or dropped
// consumer. The socket is a stand-in for `ws` whose writes complete only when the test says so.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { WebSocket } from 'ws';
import { EventSession, SLOW_CONSUMER_QUEUE_DEPTH } from '../../src/ari/server/event-session.js';

class HeldSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly callbacks: Array<(err?: Error) => void> = [];
  terminated = false;
  send(_data: string, cb: (err?: Error) => void): void {
    this.callbacks.push(cb);
  }
  /** Complete the `n` oldest writes. */
  flush(n = this.callbacks.length): void {
    for (const cb of this.callbacks.splice(0, n)) cb();
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
  ping(): void {}
}

function session(writeTimeoutMs: number): { s: EventSession; ws: HeldSocket; warnings: Array<[any, string]> } {
  const warnings: Array<[any, string]> = [];
  const logger = {
    info: () => undefined,
    warn: (o: object, m?: string) => void warnings.push([o, m ?? '']),
    error: () => undefined,
  };
  const s = new EventSession(['billing', 'ivr'], {
    writeTimeoutMs,
    logger,
    onRequest: async () => undefined,
    onClosed: () => undefined,
  });
  const ws = new HeldSocket();
  return { s, ws, warnings };
}

test('events waiting for the upgrade and unwritten events are the queue depth', () => {
  const { s, ws } = session(0);
  s.send('{"type":"A"}');
  s.send('{"type":"B"}');
  assert.equal(s.queuedEvents, 2);
  assert.equal(s.writeLagMs, 0);
  s.attach(ws as unknown as WebSocket);
  assert.equal(s.queuedEvents, 2);
  assert.ok(s.writeLagMs >= 0);
  ws.flush(1);
  assert.equal(s.queuedEvents, 1);
  ws.flush();
  assert.equal(s.queuedEvents, 0);
  assert.equal(s.writeLagMs, 0);
});

test('a consumer falling behind is logged once, with its applications and queue depth', () => {
  const { s, ws, warnings } = session(0);
  s.attach(ws as unknown as WebSocket);
  for (let i = 0; i < SLOW_CONSUMER_QUEUE_DEPTH - 1; i++) s.send('{}');
  assert.equal(warnings.length, 0);
  for (let i = 0; i < 3 * SLOW_CONSUMER_QUEUE_DEPTH; i++) s.send('{}');
  assert.equal(warnings.length, 1);
  const [fields, message] = warnings[0]!;
  assert.match(message, /slow/);
  assert.equal(fields.app, 'billing,ivr');
  assert.equal(fields.queue_depth, SLOW_CONSUMER_QUEUE_DEPTH);
  assert.equal(typeof fields.write_lag_ms, 'number');
  ws.flush();
  for (let i = 0; i < 2 * SLOW_CONSUMER_QUEUE_DEPTH; i++) s.send('{}');
  assert.equal(warnings.length, 1, 'still one line for this socket');
  assert.equal(s.queuedEvents, 2 * SLOW_CONSUMER_QUEUE_DEPTH);
});

test('a consumer whose writes stall past the timeout is dropped and logged with its queue depth', async () => {
  const { s, ws, warnings } = session(30);
  s.attach(ws as unknown as WebSocket);
  const dropped = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  for (let i = 0; i < 5; i++) s.send('{}');
  await dropped;
  assert.ok(ws.terminated);
  assert.ok(s.isClosed);
  const drop = warnings.find(([, m]) => /timed out/.test(m));
  assert.ok(drop, JSON.stringify(warnings));
  assert.equal(drop[0].app, 'billing,ivr');
  assert.equal(drop[0].queue_depth, 5);
});
