import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Downsampler, FILTER_DELAY, Upsampler, createResampler, type Resampler } from '../../src/media/resample.js';
import { amplitudeAt, dB, tone } from './formats/audio-helpers.js';

const AMPLITUDE = 10000;

/** Runs `input` through `r` in frames of `frame` samples, one reused output array; returns all output. */
function run(r: Resampler, input: Int16Array, frame: number): Int16Array {
  const out = new Int16Array(Math.ceil((input.length * r.toRate) / r.fromRate) + 2);
  const buf = new Int16Array(2 * frame);
  let o = 0;
  for (let i = 0; i < input.length; i += frame) {
    const n = r.process(input.subarray(i, i + frame), buf);
    out.set(buf.subarray(0, n), o);
    o += n;
  }
  return out.subarray(0, o);
}

/** Level of `freqHz` in the output relative to the input tone, skipping the filter's start-up. */
function levelDb(out: Int16Array, freqHz: number, rate: number): number {
  return dB(amplitudeAt(out, freqHz, rate, 100) / AMPLITUDE);
}

test('16 → 8 kHz passes 1 kHz within 1 dB and folds 5 kHz (→ 3 kHz) down by at least 40 dB', () => {
  const pass = run(new Downsampler(), tone(1000, 16000, 16000, AMPLITUDE), 320);
  assert.equal(pass.length, 8000);
  assert.ok(Math.abs(levelDb(pass, 1000, 8000)) < 1, `1 kHz: ${levelDb(pass, 1000, 8000).toFixed(2)} dB`);
  const alias = run(new Downsampler(), tone(5000, 16000, 16000, AMPLITUDE), 320);
  assert.ok(levelDb(alias, 3000, 8000) <= -40, `5 kHz alias: ${levelDb(alias, 3000, 8000).toFixed(1)} dB`);
  for (const f of [300, 3000, 3400]) {
    const out = run(new Downsampler(), tone(f, 16000, 16000, AMPLITUDE), 320);
    assert.ok(Math.abs(levelDb(out, f, 8000)) < 0.1, `${f} Hz: ${levelDb(out, f, 8000).toFixed(2)} dB`);
  }
});

test('8 → 16 kHz passes 1 kHz within 1 dB and keeps images at least 40 dB down', () => {
  for (const f of [1000, 3000]) {
    const out = run(new Upsampler(), tone(f, 8000, 8000, AMPLITUDE), 160);
    assert.equal(out.length, 16000);
    assert.ok(Math.abs(levelDb(out, f, 16000)) < (f === 1000 ? 1 : 0.1), `${f} Hz: ${levelDb(out, f, 16000)} dB`);
    const image = 8000 - f;
    assert.ok(levelDb(out, image, 16000) <= -40, `image at ${image} Hz: ${levelDb(out, image, 16000).toFixed(1)} dB`);
  }
});

test('frame edges leave no trace: any framing gives the same output as one call', () => {
  const input16 = tone(1234, 16000, 3200, AMPLITUDE);
  const whole = run(new Downsampler(), input16, input16.length);
  for (const frame of [320, 160, 7, 321]) assert.deepEqual(run(new Downsampler(), input16, frame), whole, `${frame}`);
  const input8 = tone(777, 8000, 1600, AMPLITUDE);
  const whole8 = run(new Upsampler(), input8, input8.length);
  for (const frame of [160, 80, 13]) assert.deepEqual(run(new Upsampler(), input8, frame), whole8, `${frame}`);
});

test('an odd input sample is kept for the next frame; outputLength says what will come out', () => {
  const d = new Downsampler();
  const out = new Int16Array(200);
  assert.equal(d.outputLength(321), 160);
  assert.equal(d.process(new Int16Array(321).fill(1000), out), 160);
  assert.equal(d.outputLength(319), 160);
  assert.equal(d.process(new Int16Array(319).fill(1000), out), 160);
  assert.equal(out[159], 1000, 'DC passes at unity gain');
});

test('down then up returns the speech band, delayed by the two filters', () => {
  const input = tone(800, 16000, 16000, AMPLITUDE);
  const back = run(new Upsampler(), run(new Downsampler(), input, 320), 160);
  const delay = 2 * FILTER_DELAY; // a delay of FILTER_DELAY at 16 kHz in each direction
  let worst = 0;
  for (let i = 1000; i < back.length; i++) worst = Math.max(worst, Math.abs(back[i]! - input[i - delay]!));
  assert.ok(worst < 20, `largest difference ${worst}`);
});

test('loud input saturates instead of wrapping, and reset forgets history', () => {
  const square = new Int16Array(320).map((_, i) => (i % 8 < 4 ? 32767 : -32768));
  const out = new Int16Array(640);
  const up = new Upsampler();
  up.process(square, out);
  assert.ok(out.every((v) => v >= -32768 && v <= 32767));
  const again = new Int16Array(640);
  up.reset();
  up.process(square, again);
  const fresh = new Int16Array(640);
  new Upsampler().process(square, fresh);
  assert.deepEqual(again, fresh);
});

test('a converter is made only between different rates; a too-short output is a programmer error', () => {
  assert.equal(createResampler(8000, 8000), undefined);
  assert.ok(createResampler(8000, 16000) instanceof Upsampler);
  assert.ok(createResampler(16000, 8000) instanceof Downsampler);
  assert.throws(() => new Upsampler().process(new Int16Array(160), new Int16Array(100)), RangeError);
});
