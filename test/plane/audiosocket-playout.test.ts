// Re-timing of an AudioSocket app's audio, tick by tick: bursts come out as 20 ms frames in order, sample for
// sample; the bound drops the oldest audio and counts it; a short tail goes out padded after waiting one tick;
// and digits from the app are paced (100 ms each, a gap between).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppDigits, DIGIT_DURATION_MS, MAX_QUEUED_DIGITS } from '../../src/plane/audiosocket/app-digits.js';
import { PlayoutQueue } from '../../src/plane/audiosocket/playout-queue.js';

const FRAME = 160;
const ramp = (from: number, n: number) => Int16Array.from({ length: n }, (_, i) => (from + i) % 30000);

test('a burst of 200 ms comes out as ten 20 ms frames, in order, one per tick', () => {
  const q = new PlayoutQueue(8000);
  assert.equal(q.push(ramp(0, 10 * FRAME)), 0);
  const out = new Int16Array(FRAME);
  const frames: number[] = [];
  for (let tick = 0; tick < 12; tick++) {
    if (q.pull(out)) {
      assert.deepEqual([...out], [...ramp(frames.length * FRAME, FRAME)], `frame ${frames.length}`);
      frames.push(tick);
    }
  }
  assert.deepEqual(frames, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('odd-sized messages are re-framed across the ring without a sample lost', () => {
  const q = new PlayoutQueue(1000);
  const out = new Int16Array(FRAME);
  const heard: number[] = [];
  let sent = 0;
  for (let round = 0; round < 40; round++) {
    const n = [37, 211, 160, 5, 400][round % 5]!;
    q.push(ramp(sent, n));
    sent += n;
    while (q.available >= FRAME && q.pull(out)) heard.push(...out);
  }
  assert.deepEqual(heard, [...ramp(0, heard.length)]);
  assert.ok(sent - heard.length < FRAME);
});

test('past its bound the oldest audio is dropped and counted: what was sent last is heard', () => {
  const q = new PlayoutQueue(800);
  assert.equal(q.push(ramp(0, 600)), 0);
  assert.equal(q.push(ramp(600, 600)), 400);
  assert.equal(q.available, 800);
  const out = new Int16Array(FRAME);
  assert.ok(q.pull(out));
  assert.equal(out[0], 400, 'the first 400 samples went');
  // One push larger than the whole queue keeps only its end.
  assert.equal(q.push(ramp(5000, 2000)), 640 + 1200);
  assert.ok(q.pull(out));
  assert.equal(out[0], 5000 + 1200);
  assert.equal(q.droppedSamples, 400 + 1840);
});

test('a tail shorter than a frame waits one tick for more, then goes out padded with silence', () => {
  const q = new PlayoutQueue(1000);
  const out = new Int16Array(FRAME).fill(-1);
  q.push(ramp(1, 100));
  assert.equal(q.pull(out), false, 'the first tick waits for the rest of the frame');
  q.push(ramp(101, 100));
  assert.ok(q.pull(out), 'more came: a whole frame');
  assert.deepEqual([...out], [...ramp(1, FRAME)]);
  assert.equal(q.pull(out), false);
  assert.ok(q.pull(out), 'nothing more came for a tick: the 40 samples go out');
  assert.deepEqual([...out.subarray(0, 40)], [...ramp(161, 40)]);
  assert.ok(out.subarray(40).every((s) => s === 0));
  assert.equal(q.pull(out), false, 'empty');
});

test('digits from the app last 100 ms each with a gap between, and a flood is bounded', () => {
  const log: string[] = [];
  const digits = new AppDigits({
    begin: (d) => log.push(`begin ${d}`),
    end: (d, ms) => log.push(`end ${d} ${ms}`),
  });
  const at = (tick: number) => log.push(`@${tick}`);
  assert.ok(digits.push('1'));
  assert.ok(digits.push('2'));
  for (let tick = 1; tick <= 14; tick++) {
    at(tick);
    digits.tick();
  }
  const trimmed = log.filter((l, i) => !l.startsWith('@') || !log[i + 1]?.startsWith('@'));
  assert.deepEqual(trimmed, [
    'begin 1',
    '@5',
    `end 1 ${DIGIT_DURATION_MS}`,
    '@8',
    'begin 2',
    '@13',
    'end 2 100',
    '@14',
  ]);
  assert.equal(digits.isIdle, false, 'the gap after the last digit still runs');
  for (let tick = 0; tick < 3; tick++) digits.tick();
  assert.ok(digits.isIdle);
  digits.push('9');
  for (let i = 0; i < MAX_QUEUED_DIGITS; i++) assert.ok(digits.push('5'));
  assert.equal(digits.push('5'), false);
});
