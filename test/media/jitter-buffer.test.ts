import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JitterBuffer } from '../../src/media/jitter-buffer.js';

const FS = 160;

/** Frame n carries the value n in every sample, so the played order can be read back. */
function frame(n: number): Int16Array {
  return new Int16Array(FS).fill(n);
}

/** Simulate `count` frames sent every 20 ms with arrival offsets from `delayOf`, pulled every 20 ms. */
function run(count: number, delayOf: (n: number) => number | undefined, startTs = 123_456) {
  const jb = new JitterBuffer(8000);
  const arrivals: { at: number; n: number }[] = [];
  for (let n = 0; n < count; n++) {
    const d = delayOf(n);
    if (d !== undefined) arrivals.push({ at: n * 20 + d, n });
  }
  arrivals.sort((a, b) => a.at - b.at);
  const out = new Int16Array(FS);
  const played: number[] = [];
  let i = 0;
  for (let t = 0; t < count * 20 + 400; t += 20) {
    while (i < arrivals.length && arrivals[i]!.at <= t) {
      const a = arrivals[i++]!;
      jb.push(frame(a.n), startTs + a.n * FS, a.at);
    }
    jb.pull(out, t);
    played.push(out[0]!);
  }
  return { jb, played };
}

test('a steady stream plays every frame in order with no concealment', () => {
  const { jb, played } = run(100, () => 5);
  const start = played.indexOf(1);
  assert.deepEqual(
    played.slice(start, start + 99),
    Array.from({ length: 99 }, (_, k) => k + 1),
  );
  // After the last frame: a fading repeat of it, then silence.
  assert.deepEqual(played.slice(start + 99, start + 105), [49, 24, 12, 6, 0, 0]);
  assert.equal(jb.stats.late, 0);
  assert.equal(jb.stats.played, 100);
});

test('±40 ms jitter and 5 % loss: continuous output, frames in order, loss concealed, few late', () => {
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const { jb, played } = run(1500, () => (rand() < 0.05 ? undefined : 40 + (rand() * 80 - 40)));
  // Played frame numbers never go backwards (concealment repeats fade the last frame: values shrink, never a
  // newer frame's number jumps back).
  const real = played.filter((v, k) => k > 0 && v > 0 && v !== played[k - 1]);
  for (let k = 1; k < real.length; k++)
    assert.ok(real[k]! > real[k - 1]! || real[k]! < real[k - 1]! / 1.9, `order at ${k}`);
  // After the buffer adapted (first 5 s), late arrivals are rare: the delay covers the jitter.
  assert.ok(jb.stats.late < 1500 * 0.03, `late ${jb.stats.late}`);
  assert.ok(jb.stats.played > 1500 * 0.9, `played ${jb.stats.played}`);
  assert.ok(jb.stats.targetMs >= 40 && jb.stats.targetMs <= 200, `target ${jb.stats.targetMs} ms`);
});

test('frames that arrive out of order within the delay are played in order', () => {
  const jb = new JitterBuffer(8000);
  const out = new Int16Array(FS);
  for (const n of [1, 3, 2, 5, 4]) jb.push(frame(n), n * FS, 0);
  const played: number[] = [];
  for (let k = 0; k < 6; k++) {
    jb.pull(out, k * 20);
    played.push(out[0]!);
  }
  // One frame of cushion (silence) first, then the frames in timestamp order.
  assert.deepEqual(played, [0, 1, 2, 3, 4, 5]);
});

test('a gap is concealed by a fading repeat, then silence', () => {
  const jb = new JitterBuffer(8000);
  const out = new Int16Array(FS);
  jb.push(new Int16Array(FS).fill(1000), 0, 0);
  jb.pull(out, 0); // the cushion
  jb.pull(out, 20);
  assert.equal(out[0], 1000);
  const values: number[] = [];
  for (let k = 2; k <= 7; k++) {
    jb.pull(out, k * 20);
    values.push(out[0]);
  }
  assert.deepEqual(values, [500, 250, 125, 62, 0, 0]);
  assert.equal(jb.stats.concealed, 7, 'the cushion frame and the six after the stream');
});

test('a new source (timestamps far away) resynchronises instead of waiting', () => {
  const jb = new JitterBuffer(8000);
  const out = new Int16Array(FS);
  jb.push(frame(1), 1000, 0);
  jb.pull(out, 0);
  jb.push(frame(9), 4_000_000_000, 20);
  jb.pull(out, 20);
  jb.pull(out, 40);
  assert.equal(out[0], 9);
});
