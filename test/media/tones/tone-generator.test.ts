import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_TONE_ZONES } from '../../../src/media/tones/builtin-tone-zones.js';
import { TONE_PEAK, ToneGenerator } from '../../../src/media/tones/tone-generator.js';
import { isToneListError, parseToneList, type ToneList } from '../../../src/media/tones/tone-list.js';
import { resolveTone } from '../../../src/media/tones/tone-zones.js';

const list = (text: string): ToneList => {
  const l = parseToneList(text);
  assert.ok(!isToneListError(l), text);
  return l;
};
const zoneTone = (name: string, country = 'us'): ToneList => {
  const l = resolveTone(name, country, BUILTIN_TONE_ZONES);
  assert.ok(!isToneListError(l), name);
  return l;
};

/** Amplitude of the `hz` component of `x` (Goertzel at the exact frequency; exact for whole cycles). */
function amplitude(x: Int16Array, hz: number, rate: number): number {
  const w = (2 * Math.PI * hz) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (const v of x) {
    const s0 = v + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const re = s1 - s2 * Math.cos(w);
  const im = s2 * Math.sin(w);
  return (2 * Math.sqrt(re * re + im * im)) / x.length;
}

/** Plays `frames` frames of 20 ms; returns the PCM, which frames held sound, and fill()'s results. */
function play(g: ToneGenerator, frames: number, rate = 8000) {
  const size = rate / 50;
  const frame = new Int16Array(size);
  const pcm = new Int16Array(frames * size);
  const loud: boolean[] = [];
  const filled: boolean[] = [];
  for (let f = 0; f < frames; f++) {
    filled.push(g.fill(frame, rate));
    pcm.set(frame, f * size);
    loud.push(frame.some((s) => s !== 0));
  }
  return { pcm, loud, filled };
}

/** `on` frames of sound then `off` of silence, `cycles` times, as a string of '#' and '.'. */
const cadence = (on: number, off: number, cycles: number): string => ('#'.repeat(on) + '.'.repeat(off)).repeat(cycles);
const pattern = (loud: readonly boolean[]): string => loud.map((b) => (b ? '#' : '.')).join('');

for (const rate of [8000, 16000]) {
  test(`us busy at ${rate} Hz: 480+620 Hz at the playtones level, 500 ms on, 500 ms off, to the frame`, () => {
    const { pcm, loud, filled } = play(new ToneGenerator(zoneTone('busy')), 150, rate);
    assert.equal(pattern(loud), cadence(25, 25, 3));
    assert.ok(filled.every(Boolean));
    const on = pcm.subarray(0, rate / 2); // 500 ms: whole cycles of both tones
    for (const hz of [480, 620]) assert.ok(Math.abs(amplitude(on, hz, rate) - TONE_PEAK) < 5, `${hz} Hz`);
    for (const hz of [350, 440, 1000]) assert.ok(amplitude(on, hz, rate) < 20, `no ${hz} Hz`);
    assert.ok(Math.max(...on) <= 2 * TONE_PEAK && Math.max(...on) > 1.9 * TONE_PEAK);
  });
}

test('us ring: 440+480 Hz, 2 s on, 4 s off, repeating', () => {
  const { pcm, loud } = play(new ToneGenerator(zoneTone('ring')), 600);
  assert.equal(pattern(loud), cadence(100, 200, 2));
  const on = pcm.subarray(0, 16000);
  for (const hz of [440, 480]) assert.ok(Math.abs(amplitude(on, hz, 8000) - TONE_PEAK) < 5, `${hz} Hz`);
  assert.ok(amplitude(on, 620, 8000) < 20);
});

test('one sine is 7219 peak, about −13 dBFS', () => {
  const { pcm } = play(new ToneGenerator(list('1000')), 50);
  const rms = Math.sqrt(pcm.reduce((a, s) => a + s * s, 0) / pcm.length);
  assert.ok(Math.abs(20 * Math.log10(rms / 32768) - 20 * Math.log10(TONE_PEAK / Math.SQRT2 / 32768)) < 0.01);
  assert.ok(Math.abs(20 * Math.log10(TONE_PEAK / 32768) + 13.14) < 0.01);
});

test('parts marked ! play once: the list ends and fill() then returns false with silence', () => {
  const g = new ToneGenerator(list('!425/100,!0/100,!425/100'));
  const { loud, filled } = play(g, 20);
  assert.equal(pattern(loud), '#####.....#####.....');
  assert.deepEqual(filled, [...Array<boolean>(15).fill(true), ...Array<boolean>(5).fill(false)]);
  assert.ok(g.isFinished);
  g.restart();
  assert.equal(pattern(play(g, 5).loud), '#####');
});

test('us dialrecall: three 100 ms stutters, then steady dial tone that never ends', () => {
  const g = new ToneGenerator(zoneTone('dialrecall'));
  const { pcm, loud, filled } = play(g, 330);
  assert.equal(pattern(loud), cadence(5, 5, 3) + '#'.repeat(300));
  assert.ok(filled.every(Boolean) && !g.isFinished);
  const steady = pcm.subarray(30 * 160, 30 * 160 + 8000);
  for (const hz of [350, 440]) assert.ok(Math.abs(amplitude(steady, hz, 8000) - TONE_PEAK) < 5);
});

test('a list repeats from its first part without !', () => {
  const { loud } = play(new ToneGenerator(list('!425/100,!0/100,425/40,0/60')), 20);
  assert.equal(pattern(loud), '#####.....' + '##...##...');
});

test('cadence steps fall on the exact sample, not on frame ends (375 ms = 3000 samples)', () => {
  const { pcm } = play(new ToneGenerator(list('400/375,0/375')), 75);
  const lastLoud = (from: number, to: number) => {
    let last = -1;
    for (let i = from; i < to; i++) if (pcm[i] !== 0) last = i;
    return last;
  };
  assert.ok(lastLoud(0, 6000) >= 2990 && lastLoud(0, 6000) < 3000); // a sine ends near zero, not at it
  assert.ok(pcm.subarray(3000, 6000).every((s) => s === 0));
  assert.ok(pcm.subarray(6000, 6010).some((s) => s !== 0));
});

test('the waveform is the same however it is cut into frames, across part changes and repeats', () => {
  const text = '350+440/130,440/70,0/30';
  const whole = new Int16Array(8000);
  new ToneGenerator(list(text)).fill(whole, 8000);
  const pieces = new Int16Array(8000);
  const g = new ToneGenerator(list(text));
  for (let at = 0, n = 1; at < 8000; at += n, n = (n % 317) + 1) {
    const frame = new Int16Array(Math.min(n, 8000 - at));
    g.fill(frame, 8000);
    pieces.set(frame, at);
  }
  assert.deepEqual(pieces, whole);
});

test('phase continues across a repeat: a repeating 440/100 is one clean 440 Hz sine', () => {
  const { pcm } = play(new ToneGenerator(list('440/100')), 50);
  assert.ok(Math.abs(amplitude(pcm, 440, 8000) - TONE_PEAK) < 2);
  const step = 2 * TONE_PEAK * Math.sin((Math.PI * 440) / 8000) + 2; // largest sample-to-sample change of the sine
  for (let i = 1; i < pcm.length; i++) assert.ok(Math.abs(pcm[i]! - pcm[i - 1]!) <= step, `jump at ${i}`);
});

test('modulated 600*120 (us-old dial): carrier at 0.9 of the level, sidebands at peak/32768 depth', () => {
  const { pcm } = play(new ToneGenerator(zoneTone('dial', 'us-old')), 50);
  const carrier = 0.9 * TONE_PEAK;
  const sideband = (carrier * (TONE_PEAK / 32768)) / 2;
  assert.ok(Math.abs(amplitude(pcm, 600, 8000) - carrier) < 5);
  for (const hz of [480, 720]) assert.ok(Math.abs(amplitude(pcm, hz, 8000) - sideband) < 5, `${hz} Hz`);
  assert.ok(amplitude(pcm, 120, 8000) < 5, 'no modulator on its own');
});

test('MIDI note 69 plays 440 Hz; 0 Hz parts are silent, not a DC offset', () => {
  const { pcm } = play(new ToneGenerator(list('M69/100,0/100')), 10);
  assert.ok(Math.abs(amplitude(pcm.subarray(0, 800), 440, 8000) - TONE_PEAK) < 2);
  assert.ok(pcm.subarray(800).every((s) => s === 0));
});

test('a custom peak scales the output (Milliwatt uses 23255 for 0 dBm0)', () => {
  const { pcm } = play(new ToneGenerator(list('1004/1000'), 23255), 50);
  assert.ok(Math.abs(amplitude(pcm, 1004, 8000) - 23255) < 60);
});
