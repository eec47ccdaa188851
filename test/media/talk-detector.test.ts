import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { frameEnergy, SilenceDetector } from '../../src/media/dsp/silence-detector.js';
import { parseTalkDetectSet, TalkDetector, type TalkEvent } from '../../src/media/dsp/talk-detector.js';

const HELLO = '/usr/share/asterisk/sounds/en/hello-world.wav';
const hasSox = (() => {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const noAudio = !hasSox ? 'sox not installed' : !existsSync(HELLO) && 'Asterisk sounds not installed';

const run = (args: readonly string[]): string => execFileSync(args[0]!, args.slice(1), { encoding: 'latin1' });

/** hello-world.wav with 1 s before and 3 s after, over sox's repeatable white noise at `noiseVol`, as PCM. */
function helloWorld(rate: number, noiseVol: number): { pcm: Int16Array; speechMs: number } {
  const dir = mkdtempSync(join(tmpdir(), 'talk-'));
  try {
    const [padded, noise, raw, trimmed] = ['padded.wav', 'noise.wav', 'mix.raw', 'trimmed.wav'].map((f) => join(dir, f)) as [string, string, string, string]; // prettier-ignore
    // Made at 8 kHz (the file's rate) and then resampled, so the noise has the same level at either rate.
    run(['sox', HELLO, padded, 'pad', '1', '3']);
    run(['sox', '-R', '-n', '-r', '8000', '-c', '1', '-b', '16', noise, 'synth', '5.404', 'whitenoise', 'vol', String(noiseVol)]); // prettier-ignore
    run(['sox', '-m', '-v', '1', padded, '-v', '1', noise, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-r', String(rate), raw]); // prettier-ignore
    // sox's own idea of the speech: the file with what is below 256/32768 trimmed from both ends
    run(['sox', HELLO, trimmed, 'silence', '1', '0.02', '0.78%', 'reverse', 'silence', '1', '0.02', '0.78%', 'reverse']); // prettier-ignore
    const b = readFileSync(raw);
    return { pcm: new Int16Array(b.buffer, b.byteOffset, b.length / 2).slice(), speechMs: Number(run(['soxi', '-D', trimmed])) * 1000 }; // prettier-ignore
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Feeds `pcm` in 20 ms frames; returns each event with the frame it came on. */
function detect(det: TalkDetector, pcm: Int16Array, rate: number): [TalkEvent, number][] {
  const size = rate / 50;
  const events: [TalkEvent, number][] = [];
  for (let f = 0; (f + 1) * size <= pcm.length; f++) {
    const e = det.process(pcm.subarray(f * size, (f + 1) * size), rate);
    if (e) events.push([e, f]);
  }
  return events;
}

/** A frame whose every sample has magnitude `level` (so its energy is exactly `level`). */
const level = (value: number, size = 160): Int16Array => Int16Array.from({ length: size }, (_, i) => (i % 2 ? value : -value)); // prettier-ignore

for (const rate of [8000, 16000]) {
  test(
    `hello-world over background noise at ${rate} Hz: one start, one finish, duration ≈ the speech`,
    { skip: noAudio },
    () => {
      const { pcm, speechMs } = helloWorld(rate, 0.03);
      const det = new TalkDetector();
      const events = detect(det, pcm, rate);
      assert.deepEqual(events.map(([e]) => e), ['talking-started', 'talking-finished']); // prettier-ignore
      const [[, start], [, finish]] = events as [[TalkEvent, number], [TalkEvent, number]];
      assert.ok(start >= 50 && start <= 55, `started on frame ${start}`); // speech begins just after the 1 s pad
      assert.equal((finish - start) * 20 - 2500, det.talkingDurationMs);
      assert.ok(Math.abs(det.talkingDurationMs - speechMs) <= 60, `${det.talkingDurationMs} ms vs sox ${speechMs} ms`);
      assert.ok(!det.isTalking);
    },
  );
}

test('a talking threshold below the background noise hears talking from the first frame', { skip: noAudio }, () => {
  const { pcm } = helloWorld(8000, 0.03);
  const events = detect(new TalkDetector({ talkingThreshold: 128 }), pcm, 8000);
  assert.deepEqual(events, [['talking-started', 0]]);
});

test('energy is the mean absolute sample, rounded down; a frame exactly at the threshold is talking', () => {
  assert.equal(frameEnergy(level(256)), 256);
  assert.equal(frameEnergy(Int16Array.from([1, -2, 2])), 1);
  const det = new TalkDetector({ silenceThresholdMs: 40 });
  assert.equal(det.process(level(255), 8000), undefined);
  assert.equal(det.process(level(256), 8000), 'talking-started');
});

test('finish comes on the frame that makes the silence reach the threshold; duration excludes one frame', () => {
  const det = new TalkDetector({ silenceThresholdMs: 100 });
  const script = [...Array<number>(10).fill(1000), ...Array<number>(3).fill(0), 1000, ...Array<number>(5).fill(0)];
  const events = script.map((v) => det.process(level(v), 8000));
  // 11 frames from the first to the last loud one (a 60 ms pause inside stays in the burst)
  assert.deepEqual(events.map((e, i) => (e ? `${i}:${e}` : '')).filter(Boolean), [
    '0:talking-started',
    '18:talking-finished',
  ]);
  assert.equal(det.talkingDurationMs, 18 * 20 - 100); // = 260: the 14 frames of the burst less one
});

test('configure() changes both thresholds of a running detector, an omitted one back to its default', () => {
  const det = new TalkDetector({ talkingThreshold: 1000 });
  assert.equal(det.process(level(500), 8000), undefined);
  det.configure({ silenceThresholdMs: 20 });
  assert.equal(det.process(level(500), 8000), 'talking-started');
  assert.equal(det.process(level(0), 8000), 'talking-finished');
  assert.equal(det.talkingDurationMs, 0);
});

test('TALK_DETECT(set) values: silence ms first, talking threshold second, each ≥ 1', () => {
  assert.deepEqual(parseTalkDetectSet(''), { silenceThresholdMs: 2500, talkingThreshold: 256 });
  assert.deepEqual(parseTalkDetectSet('1200'), { silenceThresholdMs: 1200, talkingThreshold: 256 });
  assert.deepEqual(parseTalkDetectSet(',128'), { silenceThresholdMs: 2500, talkingThreshold: 128 });
  assert.deepEqual(parseTalkDetectSet(' 1500ms , 300', 512), { silenceThresholdMs: 1500, talkingThreshold: 300 });
  assert.deepEqual(parseTalkDetectSet('', 512), { silenceThresholdMs: 2500, talkingThreshold: 512 });
  assert.deepEqual(parseTalkDetectSet('0'), { error: 'Invalid value 0 for dsp_silence_threshold' });
  assert.deepEqual(parseTalkDetectSet('1,-3'), { error: 'Invalid value -3 for dsp_talking_threshold' });
  assert.deepEqual(parseTalkDetectSet('x'), { error: 'Failed to parse x for dsp_silence_threshold' });
});

test('recording silence: the limit is passed on the frame after it is reached (1 s → 51st silent frame)', () => {
  const sd = new SilenceDetector();
  sd.process(level(300), 8000);
  let frames = 0;
  while (!sd.isMaxSilenceReached(1)) {
    assert.equal(sd.process(level(100), 8000), true);
    frames++;
  }
  assert.equal(frames, 51);
  assert.equal(sd.silenceMs, 1020);
  assert.equal(sd.isMaxSilenceReached(0), false, '0 = no limit');
});

test('recording silence: runs add up in totalSilenceMs, the current run restarts on sound; 320-sample frames are 20 ms', () => {
  const sd = new SilenceDetector({ threshold: 128 });
  for (const v of [0, 0, 200, 0, 0, 0]) sd.process(level(v, 320), 16000);
  assert.equal(sd.silenceMs, 60);
  assert.equal(sd.totalSilenceMs, 100);
  assert.equal(sd.lastEnergy, 0);
  sd.reset();
  assert.equal(sd.totalSilenceMs, 0);
});

test(
  'recording silence on real audio: leading silence counts; after speech the limit ends it',
  { skip: noAudio },
  () => {
    const { pcm } = helloWorld(8000, 0);
    const stop = (maxSilenceSeconds: number) => {
      const sd = new SilenceDetector();
      let lastLoud = -1;
      for (let f = 0; (f + 1) * 160 <= pcm.length; f++) {
        if (!sd.process(pcm.subarray(f * 160, (f + 1) * 160), 8000)) lastLoud = f;
        if (sd.isMaxSilenceReached(maxSilenceSeconds)) return { f, lastLoud };
      }
      return { f: -1, lastLoud };
    };
    assert.deepEqual(stop(1), { f: 50, lastLoud: -1 }); // the caller never spoke within 1 s
    const { f, lastLoud } = stop(2);
    assert.ok(lastLoud > 100, `last sound on frame ${lastLoud}`);
    assert.equal(f - lastLoud, 101);
  },
);
