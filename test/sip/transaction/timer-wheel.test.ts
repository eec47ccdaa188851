import assert from 'node:assert/strict';
import test from 'node:test';

import { TimerWheel, realClock } from '../../../src/sip/transaction/timer-wheel.js';
import { DEFAULT_SIP_TIMERS, timerValues } from '../../../src/sip/transaction/timers.js';
import { ManualClock } from './harness.js';

test('a timer fires on the first tick at or after its due time, once', () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel(clock);
  const fired: number[] = [];
  wheel.schedule(500, () => fired.push(wheel.now()));
  wheel.schedule(15, () => fired.push(wheel.now()));
  clock.advance(10);
  assert.deepEqual(fired, []);
  clock.advance(10);
  assert.deepEqual(fired, [20]);
  clock.advance(479);
  assert.deepEqual(fired, [20]);
  clock.advance(1);
  clock.advance(10_000);
  assert.deepEqual(fired, [20, 500]);
  assert.equal(wheel.size, 0);
});

test('timers many turns of the wheel away wait for their own turn', () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel(clock, { slots: 8 }); // 80 ms a turn
  const fired: number[] = [];
  wheel.schedule(30, () => fired.push(wheel.now()));
  wheel.schedule(30 + 80 * 5, () => fired.push(wheel.now()));
  clock.advance(1000);
  assert.deepEqual(fired, [30, 430]);
});

test('cancel is idempotent and a cancelled timer never fires', () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel(clock);
  let n = 0;
  const h = wheel.schedule(100, () => n++);
  assert.ok(h.isPending);
  wheel.cancel(h);
  wheel.cancel(h);
  wheel.cancel(undefined);
  assert.ok(!h.isPending);
  assert.equal(wheel.size, 0);
  clock.advance(1000);
  assert.equal(n, 0);
});

test('a callback may cancel the next timer of the same slot, and schedule new ones', () => {
  const clock = new ManualClock();
  const wheel = new TimerWheel(clock);
  const fired: string[] = [];
  // both land in the slot for tick 10; the later-scheduled one is visited first (head insertion)
  const a = wheel.schedule(100, () => fired.push('a'));
  wheel.schedule(100, () => {
    fired.push('b');
    wheel.cancel(a);
    wheel.schedule(0, () => fired.push(`c@${wheel.now()}`));
  });
  clock.advance(1000);
  assert.deepEqual(fired, ['b', 'c@110']);
  assert.equal(wheel.size, 0);
});

test('a throwing callback does not stop the others', () => {
  const clock = new ManualClock();
  const errors: unknown[] = [];
  const wheel = new TimerWheel(clock, { onError: (e) => errors.push(e) });
  let n = 0;
  wheel.schedule(10, () => {
    throw new Error('boom');
  });
  wheel.schedule(10, () => n++);
  wheel.schedule(20, () => n++);
  clock.advance(100);
  assert.equal(n, 2);
  assert.equal(errors.length, 1);
});

test('slots must be a power of two', () => {
  assert.throws(() => new TimerWheel(new ManualClock(), { slots: 100 }), RangeError);
});

test('the real clock drives the wheel with one unref-ed interval', async () => {
  const wheel = new TimerWheel(realClock, { tickMs: 5 });
  const keepAlive = setTimeout(() => {}, 2000); // the wheel's interval alone does not keep the process running
  const started = performance.now();
  const at = await new Promise<number>((resolve) => wheel.schedule(20, () => resolve(performance.now())));
  clearTimeout(keepAlive);
  wheel.close();
  assert.ok(at - started >= 19, `fired after ${at - started} ms`);
});

test('Table 4: reliable transports set no A, E, G and zero D, I, J, K', () => {
  const udp = timerValues(DEFAULT_SIP_TIMERS, false);
  const tcp = timerValues(DEFAULT_SIP_TIMERS, true);
  assert.deepEqual(udp, {
    A: 500,
    B: 32000,
    D: 32000,
    E: 500,
    F: 32000,
    G: 500,
    H: 32000,
    I: 5000,
    J: 32000,
    K: 5000,
    L: 32000,
    M: 32000,
  });
  assert.deepEqual(tcp, {
    A: undefined,
    B: 32000,
    D: 0,
    E: undefined,
    F: 32000,
    G: undefined,
    H: 32000,
    I: 0,
    J: 0,
    K: 0,
    L: 32000,
    M: 32000,
  });
});
