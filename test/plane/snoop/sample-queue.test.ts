// The snoop's sample queue: exact samples through the ring's wrap, saturating mixing, nothing taken when a frame
// is not complete, and Asterisk's flush of audio that piles up past its limit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SampleQueue } from '../../../src/plane/snoop/sample-queue.js';

const ramp = (from: number, n: number) => Int16Array.from({ length: n }, (_, i) => from + i);

test('samples come out in order across the end of the ring', () => {
  const q = new SampleQueue(10);
  const out = new Int16Array(4);
  for (let round = 0; round < 5; round++) {
    q.push(ramp(round * 100, 4));
    assert.equal(q.available, 4);
    assert.ok(q.readInto(out));
    assert.deepEqual([...out], [...ramp(round * 100, 4)]);
  }
  q.push(ramp(0, 7));
  q.push(ramp(7, 3));
  const all = new Int16Array(10);
  assert.ok(q.readInto(all));
  assert.deepEqual([...all], [...ramp(0, 10)]);
  assert.equal(q.available, 0);
});

test('a frame is taken only when all of it is there', () => {
  const q = new SampleQueue(16);
  q.push(ramp(1, 3));
  const out = new Int16Array(4).fill(9);
  assert.equal(q.readInto(out), false);
  assert.equal(q.mixInto(out), false);
  assert.deepEqual([...out], [9, 9, 9, 9], 'untouched');
  assert.equal(q.available, 3);
});

test('mixing adds and clips at the 16-bit limits', () => {
  const q = new SampleQueue(8);
  q.push(Int16Array.of(30000, -30000, 100, -5));
  const frame = Int16Array.of(10000, -10000, 23, 5);
  assert.ok(q.mixInto(frame));
  assert.deepEqual([...frame], [32767, -32768, 123, 0]);
});

test('audio past the capacity flushes what was waiting (stale audio goes, the new stays)', () => {
  const q = new SampleQueue(8);
  q.push(ramp(0, 6));
  q.push(ramp(100, 4));
  assert.equal(q.available, 4);
  const out = new Int16Array(4);
  q.readInto(out);
  assert.deepEqual([...out], [100, 101, 102, 103]);
  q.flush();
  assert.equal(q.available, 0);
});
