// FileSource: files back to back in 20 ms frames, and the controls with main/file.c's arithmetic (reverse to the
// start when less than the skip has played; a forward that reaches the end rewinds by the skip from there).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileSource } from '../../../src/plane/playback/file-source.js';
import { ToneSource } from '../../../src/plane/playback/tone-source.js';
import { parseToneList } from '../../../src/media/tones/tone-list.js';

const RATE = 8000;
const FRAME = 160;

/** Samples 1, 2, 3 … n: every frame shows where it was read from. */
function ramp(n: number, from = 1): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => from + i);
}

function frames(source: FileSource, count: number): (Int16Array | false | 'idle')[] {
  const out: (Int16Array | false | 'idle')[] = [];
  for (let i = 0; i < count; i++) {
    const frame = new Int16Array(FRAME);
    const r = source.fill(frame);
    out.push(r === true ? frame : r);
  }
  return out;
}

test('files play back to back without a gap; the last frame is padded; then the source ends', () => {
  const source = new FileSource([ramp(200), ramp(100, 1001)], RATE, 0, () => assert.fail('not replaced'));
  const [a, b, end] = frames(source, 3) as [Int16Array, Int16Array, false];
  assert.deepEqual([...a], [...ramp(160)]);
  assert.deepEqual([...b.subarray(0, 40)], [...ramp(40, 161)]);
  assert.deepEqual([...b.subarray(40, 140)], [...ramp(100, 1001)]);
  assert.ok(b.subarray(140).every((v) => v === 0));
  assert.equal(end, false);
  source.release(); // after the end: not a replacement
});

test('offset into the first file; an offset past its end ends at once', () => {
  const source = new FileSource([ramp(800)], RATE, 50, () => {}); // 50 ms = 400 samples
  assert.equal((frames(source, 1)[0] as Int16Array)[0], 401);
  assert.equal(source.positionMs, 70);
  const past = new FileSource([ramp(800)], RATE, 5000, () => {});
  assert.deepEqual(frames(past, 1), [false]);
});

test('pause: idle ticks (no frame), then it goes on where it was', () => {
  const source = new FileSource([ramp(800)], RATE, 0, () => {});
  frames(source, 1);
  source.pause();
  assert.deepEqual(frames(source, 3), ['idle', 'idle', 'idle']);
  source.unpause();
  assert.equal((frames(source, 1)[0] as Int16Array)[0], 161);
});

test('restart, reverse and forward move in the current file as Asterisk does', () => {
  const file = ramp(8000); // 1 s
  const source = new FileSource([file], RATE, 0, () => {});
  frames(source, 25); // 500 ms played
  source.reverse(200);
  assert.equal(source.positionMs, 300);
  source.reverse(3000); // more than played: back to the start
  assert.equal(source.positionMs, 0);
  frames(source, 10); // 200 ms
  source.forward(300);
  assert.equal(source.positionMs, 500);
  source.forward(700); // reaches the end: rewinds 700 ms from the end
  assert.equal(source.positionMs, 300);
  source.forward(3000); // a skip longer than the file: back to its start
  assert.equal(source.positionMs, 0);
  frames(source, 5);
  source.restart();
  assert.equal(source.positionMs, 0);
  assert.equal((frames(source, 1)[0] as Int16Array)[0], 1);
});

test('a release before the end reports a replacement; one after the end does not', () => {
  let replaced = 0;
  const source = new FileSource([ramp(400)], RATE, 0, () => replaced++);
  frames(source, 1);
  source.release();
  assert.equal(replaced, 1);
});

test('a tone source: pause is idle, unpause starts the list again, a play-once list ends', () => {
  const list = parseToneList('!1000/40');
  assert.ok(!('error' in list));
  const tone = new ToneSource(list, () => {});
  const out = new Int16Array(FRAME);
  assert.equal(tone.fill(out, RATE), true);
  tone.pause();
  assert.equal(tone.fill(out, RATE), 'idle');
  tone.unpause();
  assert.equal(tone.fill(out, RATE), true); // 0–20 ms again
  assert.equal(tone.fill(out, RATE), true); // 20–40 ms
  assert.equal(tone.fill(out, RATE), false);
});
