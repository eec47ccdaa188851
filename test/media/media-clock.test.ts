import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { MediaClock } from '../../src/media/media-clock.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Tolerance of two ticks below: the test's own timer may run before the clock's when both fall due in one loop turn.
test('ticks every 20 ms: ~15 ticks in 300 ms, numbered one by one', async () => {
  const clock = new MediaClock();
  const ticks: number[] = [];
  const start = performance.now();
  const unsubscribe = clock.subscribe((n) => ticks.push(n));
  assert.equal(clock.isRunning, true);
  await sleep(300);
  const elapsed = performance.now() - start;
  unsubscribe();
  assert.equal(clock.isRunning, false, 'the timer stops when nobody listens');
  const expected = Math.floor(elapsed / 20);
  assert.ok(ticks.length >= expected - 2 && ticks.length <= expected + 1, `${ticks.length} ticks in ${elapsed} ms`);
  assert.deepEqual(
    ticks,
    ticks.map((_, i) => i + 1),
  );
});

test('subscribers share one tick sequence; an unsubscribed one hears no more', async () => {
  const clock = new MediaClock({ periodMs: 10 });
  const a: number[] = [];
  const b: number[] = [];
  const offA = clock.subscribe((n) => a.push(n));
  await sleep(35);
  const offB = clock.subscribe((n) => b.push(n));
  await sleep(35);
  offA();
  const aCount = a.length;
  await sleep(25);
  offB();
  assert.equal(a.length, aCount);
  assert.ok(b.length >= 2);
  assert.ok(b[0]! > 1, 'B joins the running sequence');
  for (const n of b.filter((x) => x <= aCount)) assert.ok(a.includes(n));
});

test('a blocked event loop is caught up, the late ticks counted, the long-run rate kept', async () => {
  const clock = new MediaClock();
  let count = 0;
  let isBlocked = false;
  const start = performance.now();
  const off = clock.subscribe(() => {
    count++;
    if (count === 3 && !isBlocked) {
      isBlocked = true;
      const until = performance.now() + 100; // five periods without the timer
      while (performance.now() < until);
    }
  });
  await sleep(300);
  const elapsed = performance.now() - start;
  off();
  const expected = Math.floor(elapsed / 20);
  assert.ok(count >= expected - 2 && count <= expected + 1, `${count} ticks in ${elapsed} ms`);
  assert.ok(clock.lateTicks >= 3, `late ticks ${clock.lateTicks}`);
  assert.equal(clock.skippedTicks, 0);
});

test('a stall beyond maxCatchUp skips the excess and counts it', async () => {
  const clock = new MediaClock({ periodMs: 10, maxCatchUp: 2 });
  let count = 0;
  const start = performance.now();
  const off = clock.subscribe(() => {
    count++;
    if (count === 1) {
      const until = performance.now() + 80;
      while (performance.now() < until);
    }
  });
  await sleep(150);
  const expected = Math.floor((performance.now() - start) / 10);
  off();
  const total = count + clock.skippedTicks; // delivered + skipped = every period that passed
  assert.ok(total >= expected - 2 && total <= expected + 1, `${count} + ${clock.skippedTicks} of ${expected}`);
  assert.ok(clock.skippedTicks >= 4, `skipped ${clock.skippedTicks}`);
});

test('a listener that throws does not stop the others', async () => {
  const errors: unknown[] = [];
  const clock = new MediaClock({ periodMs: 10, onError: (e) => errors.push(e) });
  let heard = 0;
  const offBad = clock.subscribe(() => {
    throw new Error('boom');
  });
  const offGood = clock.subscribe(() => heard++);
  await sleep(35);
  offBad();
  offGood();
  assert.ok(heard >= 2);
  assert.equal(errors.length, heard);
});

test('phases: listeners spread over the slots, each hears one tick per period at its own fixed offset', async () => {
  const PHASES = 4;
  const clock = new MediaClock({ phases: PHASES });
  const heard: { n: number; at: number }[][] = Array.from({ length: 8 }, () => []);
  const start = performance.now();
  const stops = heard.map((list) => clock.subscribe((n) => list.push({ n, at: performance.now() - start })));
  await sleep(300);
  for (const stop of stops) stop();
  assert.equal(clock.isRunning, false);
  for (const list of heard) {
    // one tick per period, numbered one by one
    assert.deepEqual(
      list.map((t) => t.n),
      list.map((_, i) => i + 1),
    );
    assert.ok(list.length >= 12 && list.length <= 16, `${list.length} ticks in 300 ms`);
  }
  // 8 listeners over 4 slots: two per slot, and the slots are a quarter period (5 ms) apart
  const offsets = heard.map((list) => Math.round(((list[2]!.at % 20) + 20) % 20));
  const firstTicks = heard.map((list) => list[0]!.at).sort((x, y) => x - y);
  assert.ok(firstTicks[firstTicks.length - 1]! - firstTicks[0]! >= 10, `first ticks ${firstTicks.join(', ')}`);
  assert.equal(
    new Set(heard.map((list) => Math.round(list[0]!.at / 5))).size >= 3,
    true,
    `offsets ${offsets.join(', ')}`,
  );
});

test('phases: a lone listener wakes the clock once a period, not once a slot', async () => {
  const clock = new MediaClock({ phases: 10 });
  const realSetTimeout = globalThis.setTimeout;
  let timers = 0;
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    timers++;
    return realSetTimeout(fn, ms);
  }) as typeof setTimeout;
  const ticks: number[] = [];
  try {
    const stop = clock.subscribe((n) => ticks.push(n));
    await new Promise((r) => realSetTimeout(r, 300));
    stop();
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.ok(ticks.length >= 12 && ticks.length <= 16, `${ticks.length} ticks`);
  // The test's own sleep is one timer; the clock's are about one per 20 ms (150 if it woke every 2 ms slot).
  assert.ok(timers <= ticks.length + 4, `${timers} timers for ${ticks.length} ticks`);
});
