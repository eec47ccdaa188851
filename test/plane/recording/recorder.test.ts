// A recorder on a real MediaChannel pipeline, fed frame by frame (no clock, no sockets): the beep as the channel's
// stream before the tap starts, what the file holds after pause, mute, limits and the end rules, resampling to a
// 16 kHz format, and what each way of ending reports.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RecordingEvent, RecordingSpec } from '../../../src/core/media/recording-protocol.js';
import { loadAudioFile } from '../../../src/media/formats/load-audio-file.js';
import { MediaChannel } from '../../../src/plane/media-channel.js';
import type { MediaEdge } from '../../../src/plane/pipeline.js';
import { Recorder, type RecorderHost } from '../../../src/plane/recording/recorder.js';
import { sine, toneRatio } from '../../helpers/audio.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-recorder-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FRAME = 160;

class CapturingEdge implements MediaEdge {
  readonly rate = 8000;
  readonly sent: Int16Array[] = [];
  write(samples: Int16Array): void {
    this.sent.push(Int16Array.from(samples));
  }
  close(): void {}
}

interface Rig {
  readonly channel: MediaChannel;
  readonly edge: CapturingEdge;
  readonly recorder: Recorder;
  readonly ended: Promise<RecordingEvent>;
  /** Sends `samples` as 20 ms frames read from the device. */
  read(samples: Int16Array): void;
}

let nextRec = 1;

function rig(spec: Partial<RecordingSpec> & { path: string }, beep?: Int16Array): Rig {
  const channel = new MediaChannel(1, { setClocked: () => {}, sourceEnded: () => {} });
  const edge = new CapturingEdge();
  channel.edge = edge;
  let resolve!: (e: RecordingEvent) => void;
  const ended = new Promise<RecordingEvent>((r) => (resolve = r));
  const host: RecorderHost = {
    beep: () => Promise.resolve(beep),
    emit: (_channel, event) => resolve(event),
    forget: () => {},
  };
  const full: RecordingSpec = {
    format: 'wav',
    append: false,
    maxDurationMs: 0,
    maxSilenceMs: 0,
    silenceThreshold: 128,
    rules: 'ari',
    reportTalking: false,
    keepOnHangup: true,
    truncateSilence: true,
    ...spec,
  };
  const recorder = new Recorder(nextRec++, channel, full, host);
  return {
    channel,
    edge,
    recorder,
    ended,
    read: (samples) => {
      for (let i = 0; i < samples.length; i += FRAME) channel.read(samples.slice(i, i + FRAME));
    },
  };
}

async function writing(r: Rig): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!r.channel.readTaps.includes(r.recorder)) {
    if (Date.now() > deadline) throw new Error('the recorder never started writing');
    await new Promise((res) => setTimeout(res, 2));
  }
}

async function samplesOf(path: string, format = 'wav'): Promise<Int16Array> {
  const audio = await loadAudioFile(path, format);
  assert.ok(!('error' in audio), path);
  return audio.samples;
}

test('frames before the file is open are not recorded; everything after is, exactly', async () => {
  const r = rig({ path: join(dir, 'exact.wav') });
  r.recorder.start();
  r.read(sine(300, 1600)); // too early: the file is still opening
  await writing(r);
  const tone = sine(1000, 8000);
  r.read(tone);
  r.recorder.stop('stop');
  const { result } = await r.ended;
  assert.deepEqual(result, { end: 'stop', duration: 1 });
  assert.deepEqual(await samplesOf(join(dir, 'exact.wav')), tone);
  assert.equal(r.channel.readTaps.length, 0, 'the tap is gone');
});

test('the beep plays as the channel’s stream, then recording starts; a missing beep records nothing', async () => {
  const beep = sine(700, 3404);
  const r = rig({ path: join(dir, 'beeped.wav'), beepLanguage: 'en' }, beep);
  r.recorder.start();
  await new Promise((res) => setTimeout(res, 5));
  assert.ok(r.channel.source('stream') !== undefined, 'the beep is the stream');
  for (let i = 0; i < 30 && r.channel.source('stream') !== undefined; i++) r.channel.tick();
  const heard = new Int16Array(r.edge.sent.flatMap((f) => [...f]));
  assert.equal(heard.length, 22 * FRAME, '3404 samples in 22 frames, the last padded');
  assert.deepEqual(heard.subarray(0, beep.length), beep);
  await writing(r);
  r.read(sine(1200, 1600));
  r.recorder.stop('stop');
  await r.ended;
  assert.ok(toneRatio(await samplesOf(join(dir, 'beeped.wav')), 1200) > 0.99);

  const none = rig({ path: join(dir, 'nobeep.wav'), beepLanguage: 'en' }, undefined);
  none.recorder.start();
  assert.deepEqual((await none.ended).result, { end: 'beep-failed' });
  assert.equal(existsSync(join(dir, 'nobeep.wav')), false);
});

test('stopped during the beep: the beep ends and nothing is reported as recorded', async () => {
  const r = rig({ path: join(dir, 'early.wav'), beepLanguage: 'en' }, sine(700, 3404));
  r.recorder.start();
  await new Promise((res) => setTimeout(res, 5));
  r.recorder.stop('hangup');
  assert.deepEqual((await r.ended).result, { end: 'hangup' });
  assert.equal(r.channel.source('stream'), undefined);
});

test('pause writes nothing and stops the clock; mute writes zeros of the same length', async () => {
  const r = rig({ path: join(dir, 'pm.wav'), maxDurationMs: 1000 });
  r.recorder.start();
  await writing(r);
  r.read(sine(500, 2400));
  r.recorder.pause(true);
  r.read(sine(900, 8000)); // paused: neither in the file nor counted toward the 1 s limit
  r.recorder.pause(false);
  r.recorder.mute(true);
  r.read(sine(500, 2400));
  r.recorder.mute(false);
  r.read(sine(500, 8000)); // the limit is reached 3200 samples in
  const { result } = await r.ended;
  assert.deepEqual(result, { end: 'max-duration', duration: 1 });
  const file = await samplesOf(join(dir, 'pm.wav'));
  assert.equal(file.length, 8000);
  assert.ok(toneRatio(file.subarray(0, 2400), 500) > 0.99);
  assert.ok(file.subarray(2400, 4800).every((s) => s === 0));
  assert.ok(toneRatio(file.subarray(4800), 500) > 0.99);
  assert.ok(toneRatio(file, 900) < 0.01);
});

test('ARI silence stop: the file keeps 200 ms of the final silence, the figures are Asterisk’s', async () => {
  const r = rig({ path: join(dir, 'sil.wav'), maxSilenceMs: 1000, reportTalking: true });
  r.recorder.start();
  await writing(r);
  r.read(sine(400, 12000));
  r.read(new Int16Array(16000));
  const { result } = await r.ended;
  // 1.5 s + 1.02 s heard (2 s), final run 1020 ms: (1020 − 200) / 1000 rounds to 0.
  assert.deepEqual(result, { end: 'silence', duration: 2, talkingDuration: 2 });
  assert.equal((await samplesOf(join(dir, 'sil.wav'))).length, 12000 + 1600);
});

test('silence heard while paused still ends it, and the cut then eats into the audio before the pause', async () => {
  // As Asterisk 22 does it: 1 s of tone, pause, silence → stopped 1.02 s into the pause; the file loses 820 ms
  // (the paused silence was never written), leaving 0.18 s; duration 1, talking 1.
  const r = rig({ path: join(dir, 'pausesil.wav'), maxSilenceMs: 1000, reportTalking: true });
  r.recorder.start();
  await writing(r);
  r.read(sine(500, 8000));
  r.recorder.pause(true);
  r.read(new Int16Array(12000));
  const { result } = await r.ended;
  assert.deepEqual(result, { end: 'silence', duration: 1, talkingDuration: 1 });
  assert.equal((await samplesOf(join(dir, 'pausesil.wav'))).length, 1440);
});

test('Record() rules: a digit cuts 250 ms; hangup deletes the file unless kept', async () => {
  const r = rig({ path: join(dir, 'app.wav'), rules: 'app' });
  r.recorder.start();
  await writing(r);
  r.read(sine(400, 8000));
  r.recorder.stop('dtmf');
  assert.equal((await r.ended).result.end, 'dtmf');
  assert.equal((await samplesOf(join(dir, 'app.wav'))).length, 8000 - 2000);

  const gone = rig({ path: join(dir, 'gone.wav'), rules: 'app', keepOnHangup: false });
  gone.recorder.start();
  await writing(gone);
  gone.read(sine(400, 1600));
  gone.recorder.stop('hangup');
  assert.equal((await gone.ended).result.end, 'hangup');
  assert.equal(existsSync(join(dir, 'gone.wav')), false);
});

test('cancel removes the file; a 16 kHz format gets the channel’s 8 kHz audio resampled', async () => {
  const c = rig({ path: join(dir, 'cancel.wav') });
  c.recorder.start();
  await writing(c);
  c.read(sine(400, 1600));
  c.recorder.stop('cancel');
  assert.equal((await c.ended).result.end, 'cancel');
  assert.equal(existsSync(join(dir, 'cancel.wav')), false);

  const w = rig({ path: join(dir, 'wide.sln16'), format: 'sln16' });
  w.recorder.start();
  await writing(w);
  w.read(sine(1000, 8000));
  w.recorder.stop('stop');
  assert.deepEqual((await w.ended).result, { end: 'stop', duration: 1 });
  const wide = await samplesOf(join(dir, 'wide.sln16'), 'sln16');
  assert.equal(wide.length, 16000);
  assert.ok(toneRatio(wide.subarray(400), 1000, 16000) > 0.99);
});

test('an unwritable path reports an error with duration 0', async () => {
  writeFileSync(join(dir, 'a-file'), 'not a folder');
  const r = rig({ path: join(dir, 'a-file', 'x.wav') });
  r.recorder.start();
  const { result } = await r.ended;
  assert.equal(result.end, 'error');
  assert.equal(result.duration, 0);
});
