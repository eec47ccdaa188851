// ARI live recordings end to end over SIP: a caller with real RTP sends known audio, the channel is recorded with
// POST /channels/{id}/record, and the file on disk is decoded and compared with what was sent (Goertzel for
// tones, cross-correlation for speech). Limits, pause, mute, beep, stop, cancel, DTMF and hangup are checked by
// the audio they leave in the file and by the events and figures Asterisk 22 reports (semantics.md §9, traces
// s3/s4).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadAudioFile } from '../../src/media/formats/load-audio-file.js';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { bestCorrelation, hasSounds, hasSox, rms, sine, SOUNDS, soxSamples, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

const APP = 'rec';
const EXTENSIONS = `
[default]
exten => app,1,Answer()
 same => n,Stasis(${APP})
 same => n,Hangup()
`;

let server: TestServer;
let events: EventSocket;
let spool: string;
let recordings: string;

before(async () => {
  spool = mkdtempSync(join(tmpdir(), 'switchyard-rec-'));
  recordings = join(spool, 'recording');
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': EXTENSIONS,
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=32000\nrtpend=32999\n',
    'asterisk.conf': `[directories]\nastspooldir=${spool}\n`,
  });
  events = await EventSocket.open(server, APP);
});

after(async () => {
  events.close();
  await server.close();
  rmSync(spool, { recursive: true, force: true });
});

const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A SIP caller answered and in the app; its channel id. */
async function caller(): Promise<{ call: RtpCall; id: string }> {
  const known = new Set(events.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel!.id));
  const call = await RtpCall.dial(server, 'app');
  const start = await events.wait((e) => e.type === 'StasisStart' && !known.has(e.channel!.id));
  return { call, id: start.channel!.id };
}

/** The next event `type` about recording `name` after the `since`-th event received (names are reused). */
function recordingEvent(type: string, name: string, since = 0): Promise<AriEvent> {
  return events.wait((e) => e.type === type && e.recording?.name === name && events.events.indexOf(e) >= since, 10_000);
}

/** Start a recording and wait until its tap is surely on the channel (the file opens a few ms after Started). */
async function startRecording(id: string, name: string, query = ''): Promise<void> {
  const since = events.events.length;
  const r = await ari(server, 'POST', `/channels/${id}/record?name=${encodeURIComponent(name)}&format=wav${query}`);
  assert.equal(r.status, 201, r.text);
  await recordingEvent('RecordingStarted', name, since);
  await settle(150);
}

async function stopRecording(name: string): Promise<AriEvent> {
  const since = events.events.length;
  const r = await ari(server, 'POST', `/recordings/live/${encodeURIComponent(name)}/stop`);
  assert.equal(r.status, 204, r.text);
  return recordingEvent('RecordingFinished', name, since);
}

/** The recording's audio as our loader reads it (8 kHz). */
async function fileAudio(name: string, ext = 'wav'): Promise<Int16Array> {
  const audio = await loadAudioFile(join(recordings, `${name}.${ext}`), ext);
  assert.ok(!('error' in audio), `load ${name}.${ext}`);
  return audio.samples;
}

const seconds = (s: number): number => Math.round(s * 8000);

/** A headerless file decoded by sox as `type` (ul, al, gsm) at 8 kHz. */
function soxTyped(path: string, type: string): Int16Array {
  const r = spawnSync('sox', [
    '-t',
    type,
    '-r',
    '8000',
    '-c',
    '1',
    path,
    '-t',
    'raw',
    '-e',
    'signed',
    '-b',
    '16',
    '-L',
    '-',
  ]);
  if (r.status !== 0) throw new Error(`sox failed on ${path}: ${String(r.stderr)}`);
  const raw = r.stdout;
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length - (raw.length % 2)));
}

test(
  'the file holds what the caller said: hello-world sent over µ-law correlates with the recording',
  { skip: !hasSox || !hasSounds },
  async () => {
    const { call, id } = await caller();
    try {
      const r = await ari(server, 'POST', `/channels/${id}/record?name=sub%2Fhello&format=wav`);
      assert.equal(r.status, 201);
      assert.deepEqual(r.json, { name: 'sub/hello', format: 'wav', state: 'queued', target_uri: `channel:${id}` });
      assert.equal(r.headers.get('location'), '/ari/recordings/live/sub%2Fhello');
      const started = await recordingEvent('RecordingStarted', 'sub/hello');
      assert.deepEqual(started.recording, {
        name: 'sub/hello',
        format: 'wav',
        state: 'recording',
        target_uri: `channel:${id}`,
      });
      await settle(150);
      const live = await ari(server, 'GET', '/recordings/live/sub%2Fhello');
      assert.equal(live.json.state, 'recording');
      const said = soxSamples(join(SOUNDS, 'en', 'hello-world.wav'));
      await call.sendAudio(said);
      const finished = await stopRecording('sub/hello');
      assert.deepEqual(finished.recording, {
        name: 'sub/hello',
        format: 'wav',
        state: 'done',
        target_uri: `channel:${id}`,
        duration: Math.floor(said.length / 8000),
      });
      assert.equal((await ari(server, 'GET', '/recordings/live/sub%2Fhello')).status, 404);
      const recorded = await fileAudio('sub/hello');
      assert.ok(Math.abs(recorded.length - said.length) <= 160, `recorded ${recorded.length} of ${said.length}`);
      const c = bestCorrelation(said, recorded, 400);
      assert.ok(c >= 0.9, `correlation ${c.toFixed(3)}`);
      // sox reads the same file the same way.
      const bySox = soxSamples(join(recordings, 'sub', 'hello.wav'));
      assert.deepEqual(bySox, recorded);
    } finally {
      await call.hangup();
    }
  },
);

test('maxDurationSeconds ends the recording after that much audio; RecordingFinished reports it', async () => {
  const { call, id } = await caller();
  try {
    await startRecording(id, 'maxdur', '&maxDurationSeconds=1');
    await call.sendAudio(sine(440, seconds(2)));
    const finished = await recordingEvent('RecordingFinished', 'maxdur');
    assert.equal(finished.recording.state, 'done');
    assert.equal(finished.recording.duration, 1);
    assert.equal(finished.recording.talking_duration, undefined);
    const recorded = await fileAudio('maxdur');
    assert.equal(recorded.length, 8000, 'exactly one second of audio');
    assert.ok(toneRatio(recorded, 440) > 0.9);
  } finally {
    await call.hangup();
  }
});

test('maxSilenceSeconds ends it on silence, trims all but 200 ms of it, and reports talking and silence', async () => {
  const { call, id } = await caller();
  try {
    await startRecording(id, 'maxsil', '&maxSilenceSeconds=2');
    // 1.5 s tone, 1.5 s silence, 1.5 s tone, then silence: the recording ends 2.02 s into the last silence.
    const pattern = new Int16Array(seconds(8));
    pattern.set(sine(500, seconds(1.5)), 0);
    pattern.set(sine(500, seconds(1.5)), seconds(3));
    await call.sendAudio(pattern);
    const finished = await recordingEvent('RecordingFinished', 'maxsil');
    // 6.52 s heard → 6 s; the final 2.02 s of silence → duration 5; 3.52 s of silence in all → talking 3.
    assert.deepEqual(
      {
        d: finished.recording.duration,
        t: finished.recording.talking_duration,
        s: finished.recording.silence_duration,
      },
      { d: 5, t: 3, s: 2 },
    );
    const recorded = await fileAudio('maxsil');
    assert.equal(recorded.length, seconds(4.5) + 1600, 'the tone parts, the 1.5 s gap and 200 ms of trailing silence');
    assert.ok(toneRatio(recorded.subarray(0, seconds(1.5)), 500) > 0.9);
    assert.ok(rms(recorded.subarray(seconds(1.6), seconds(2.9))) < 10, 'the gap is silent');
    assert.ok(toneRatio(recorded.subarray(seconds(3), seconds(4.5)), 500) > 0.9);
  } finally {
    await call.hangup();
  }
});

test('pause leaves the paused audio out of the file; unpause goes on; GET shows paused', async () => {
  const { call, id } = await caller();
  try {
    await startRecording(id, 'paused');
    await call.sendAudio(sine(600, seconds(1)));
    assert.equal((await ari(server, 'POST', '/recordings/live/paused/pause')).status, 204);
    assert.equal((await ari(server, 'GET', '/recordings/live/paused')).json.state, 'paused');
    assert.equal((await ari(server, 'POST', '/recordings/live/paused/pause')).status, 204, 'pausing again is a no-op');
    await call.sendAudio(sine(1000, seconds(1)));
    assert.equal((await ari(server, 'DELETE', '/recordings/live/paused/pause')).status, 204);
    assert.equal((await ari(server, 'GET', '/recordings/live/paused')).json.state, 'recording');
    await call.sendAudio(sine(1400, seconds(1)));
    await settle(60);
    await stopRecording('paused');
    const recorded = await fileAudio('paused');
    assert.ok(Math.abs(recorded.length - seconds(2)) <= 320, `recorded ${recorded.length}`);
    assert.ok(toneRatio(recorded.subarray(0, seconds(0.9)), 600) > 0.9, 'first the 600 Hz part');
    assert.ok(toneRatio(recorded.subarray(seconds(1.1), seconds(1.9)), 1400) > 0.9, 'then the 1400 Hz part');
    assert.ok(toneRatio(recorded, 1000) < 0.05, 'none of what was said while paused');
  } finally {
    await call.hangup();
  }
});

test('mute records silence in place of the audio; unmute records it again', async () => {
  const { call, id } = await caller();
  try {
    await startRecording(id, 'muted');
    await call.sendAudio(sine(800, seconds(1)));
    assert.equal((await ari(server, 'POST', '/recordings/live/muted/mute')).status, 204);
    await call.sendAudio(sine(800, seconds(1)));
    assert.equal((await ari(server, 'DELETE', '/recordings/live/muted/mute')).status, 204);
    await call.sendAudio(sine(800, seconds(1)));
    await settle(60);
    await stopRecording('muted');
    const recorded = await fileAudio('muted');
    assert.ok(Math.abs(recorded.length - seconds(3)) <= 320, `recorded ${recorded.length}`);
    assert.ok(toneRatio(recorded.subarray(0, seconds(0.9)), 800) > 0.9);
    assert.equal(rms(recorded.subarray(seconds(1.1), seconds(1.9))), 0, 'muted: digital silence');
    assert.ok(toneRatio(recorded.subarray(seconds(2.1), seconds(2.9)), 800) > 0.9);
  } finally {
    await call.hangup();
  }
});

test(
  'beep=true: the caller hears Asterisk’s 700 Hz beep first, and recording starts after it',
  { skip: !hasSounds },
  async () => {
    const { call, id } = await caller();
    try {
      const before = call.audioPackets().length;
      const r = await ari(server, 'POST', `/channels/${id}/record?name=beeped&format=wav&beep=yes`);
      assert.equal(r.status, 201);
      await recordingEvent('RecordingStarted', 'beeped');
      await call.waitForPackets(before + 20);
      await settle(400);
      const heard = call.heard(before);
      assert.ok(heard.length >= 3200, `heard ${heard.length} samples`);
      const ratio = toneRatio(heard.subarray(0, 3200), 700);
      assert.ok(ratio > 0.8, `700 Hz share of the first 400 ms heard: ${ratio.toFixed(3)}`);
      await call.sendAudio(sine(1200, seconds(1)));
      await settle(60);
      await stopRecording('beeped');
      const recorded = await fileAudio('beeped');
      assert.ok(recorded.length >= seconds(0.9), `recorded ${recorded.length}`);
      assert.ok(toneRatio(recorded, 700) < 0.05, 'the beep is not in the file');
      assert.ok(toneRatio(recorded, 1200) > 0.9);
    } finally {
      await call.hangup();
    }
  },
);

test('DELETE (cancel) ends it and removes the file; the final event still says done (trace s4)', async () => {
  const { call, id } = await caller();
  try {
    await startRecording(id, 'canceled');
    await call.sendAudio(sine(500, seconds(0.6)));
    assert.equal((await ari(server, 'DELETE', '/recordings/live/canceled')).status, 204);
    const finished = await recordingEvent('RecordingFinished', 'canceled');
    assert.equal(finished.recording.state, 'done');
    assert.equal(typeof finished.recording.duration, 'number');
    await settle(100);
    assert.equal(existsSync(join(recordings, 'canceled.wav')), false);
    assert.equal((await ari(server, 'GET', '/recordings/stored/canceled')).status, 404);
    assert.equal((await ari(server, 'POST', '/recordings/live/canceled/stop')).status, 404);
  } finally {
    await call.hangup();
  }
});

test('terminateOn=#: the caller’s # ends the recording (DTMF is read by the core) and is not in the file', async () => {
  const { call, id } = await caller();
  try {
    await startRecording(id, 'dtmf', '&terminateOn=%23');
    await call.sendAudio(sine(900, seconds(1)));
    await call.sendDtmf('5');
    await settle(100);
    assert.equal((await ari(server, 'GET', '/recordings/live/dtmf')).json.state, 'recording', '5 does not end it');
    await call.sendDtmf('#');
    const finished = await recordingEvent('RecordingFinished', 'dtmf');
    assert.equal(finished.recording.state, 'done');
    await events.wait((e) => e.type === 'ChannelDtmfReceived' && e.digit === '#' && e.channel?.id === id);
    const recorded = await fileAudio('dtmf');
    assert.ok(toneRatio(recorded.subarray(0, seconds(0.9)), 900) > 0.9);
  } finally {
    await call.hangup();
  }
});

test('the caller hangs up mid-recording: RecordingFinished with the duration comes before StasisEnd; the file stays', async () => {
  const { call, id } = await caller();
  await startRecording(id, 'hungup');
  await call.sendAudio(sine(650, seconds(1.2)));
  await settle(60);
  await call.hangup();
  const finished = await recordingEvent('RecordingFinished', 'hungup');
  assert.equal(finished.recording.duration, 1);
  await events.wait((e) => e.type === 'StasisEnd' && e.channel?.id === id);
  const order = events.events.filter(
    (e) =>
      (e.type === 'RecordingFinished' && e.recording.name === 'hungup') ||
      (e.type === 'StasisEnd' && e.channel?.id === id),
  );
  assert.deepEqual(
    order.map((e) => e.type),
    ['RecordingFinished', 'StasisEnd'],
  );
  const recorded = await fileAudio('hungup');
  assert.ok(Math.abs(recorded.length - seconds(1.2)) <= 320);
  assert.ok(toneRatio(recorded, 650) > 0.9);
});

test('recording a bridged channel is accepted (201) and then fails: "Cannot record channel while in bridge"', async () => {
  const { call, id } = await caller();
  const bridge = await ari(server, 'POST', '/bridges?type=mixing');
  try {
    assert.equal((await ari(server, 'POST', `/bridges/${bridge.json.id}/addChannel?channel=${id}`)).status, 204);
    const r = await ari(server, 'POST', `/channels/${id}/record?name=bridged&format=wav`);
    assert.equal(r.status, 201);
    assert.equal(r.json.state, 'queued');
    const failed = await recordingEvent('RecordingFailed', 'bridged');
    assert.deepEqual(failed.recording, {
      name: 'bridged',
      format: 'wav',
      state: 'failed',
      target_uri: `channel:${id}`,
      cause: 'Cannot record channel while in bridge',
    });
    await settle(50);
    assert.equal((await ari(server, 'GET', '/recordings/live/bridged')).status, 404);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridge.json.id}`);
    await call.hangup();
  }
});

test('a recording queued behind another command stays queued; stop only marks it canceled; it still runs later', async () => {
  const { call, id } = await caller();
  try {
    // A DTMF stream holds the channel's command queue for 1.5 s.
    assert.equal((await ari(server, 'POST', `/channels/${id}/dtmf?dtmf=1&after=1500`)).status, 204);
    const r = await ari(server, 'POST', `/channels/${id}/record?name=queued&format=wav`);
    assert.equal(r.status, 201);
    assert.equal((await ari(server, 'GET', '/recordings/live/queued')).json.state, 'queued');
    const pause = await ari(server, 'POST', '/recordings/live/queued/pause');
    assert.deepEqual([pause.status, pause.json], [409, { message: 'Recording not in session' }]);
    assert.equal((await ari(server, 'POST', '/recordings/live/queued/mute')).status, 409);
    assert.equal((await ari(server, 'POST', '/recordings/live/queued/stop')).status, 204);
    assert.equal((await ari(server, 'GET', '/recordings/live/queued')).json.state, 'canceled');
    assert.equal((await ari(server, 'POST', '/recordings/live/queued/stop')).status, 409, 'canceled allows nothing');
    const started = await recordingEvent('RecordingStarted', 'queued');
    assert.equal(started.recording.state, 'recording');
    await settle(100);
    await stopRecording('queued');
  } finally {
    await call.hangup();
  }
});

test('a recording queued behind a tone playback (which never ends by itself) starts when the playback is stopped', async () => {
  const { call, id } = await caller();
  try {
    const play = await ari(server, 'POST', `/channels/${id}/play/pq1?media=tone:ring`);
    assert.equal(play.status, 201);
    await events.wait((e) => e.type === 'PlaybackStarted' && e.playback?.id === 'pq1');
    const since = events.events.length;
    assert.equal((await ari(server, 'POST', `/channels/${id}/record?name=afterplay&format=wav`)).status, 201);
    await settle(300);
    assert.equal((await ari(server, 'GET', '/recordings/live/afterplay')).json.state, 'queued');
    assert.ok(!events.events.slice(since).some((e) => e.type === 'RecordingStarted'));
    assert.equal((await ari(server, 'DELETE', '/playbacks/pq1')).status, 204);
    await recordingEvent('RecordingStarted', 'afterplay', since);
    await settle(150);
    await call.sendAudio(sine(1100, seconds(0.6)));
    await settle(60);
    await stopRecording('afterplay');
    assert.ok(toneRatio(await fileAudio('afterplay'), 1100) > 0.9);
  } finally {
    await call.hangup();
  }
});

test('a name in use is 409 whatever ifExists says; ifExists=fail on an existing file is 409; append adds to it', async () => {
  const { call, id } = await caller();
  try {
    await startRecording(id, 'twice');
    for (const q of ['', '&ifExists=overwrite', '&ifExists=append']) {
      const r = await ari(server, 'POST', `/channels/${id}/record?name=twice&format=wav${q}`);
      assert.deepEqual(
        [r.status, r.json],
        [409, { message: "Recording 'twice' already exists and can not be overwritten" }],
      );
    }
    await call.sendAudio(sine(500, seconds(1.2)));
    await settle(60);
    await stopRecording('twice');
    const again = await ari(server, 'POST', `/channels/${id}/record?name=twice&format=wav&ifExists=fail`);
    assert.equal(again.status, 409);
    const other = await ari(server, 'POST', `/channels/${id}/record?name=twice&format=gsm`);
    assert.equal(other.status, 409, 'a file of any format counts');
    await startRecording(id, 'twice', '&ifExists=append');
    await call.sendAudio(sine(1500, seconds(1.2)));
    await settle(60);
    const finished = await stopRecording('twice');
    assert.equal(finished.recording.duration, 2, 'the duration counts the whole appended file (2.4 s)');
    const recorded = await fileAudio('twice');
    assert.ok(Math.abs(recorded.length - seconds(2.4)) <= 640, `recorded ${recorded.length}`);
    assert.ok(toneRatio(recorded.subarray(0, seconds(0.9)), 500) > 0.9);
    assert.ok(toneRatio(recorded.subarray(recorded.length - seconds(0.9)), 1500) > 0.9);
    await startRecording(id, 'twice', '&ifExists=overwrite');
    await call.sendAudio(sine(700, seconds(0.5)));
    await settle(60);
    await stopRecording('twice');
    const overwritten = await fileAudio('twice');
    assert.ok(overwritten.length < seconds(0.7) && toneRatio(overwritten, 700) > 0.9);
  } finally {
    await call.hangup();
  }
});

test(
  'other formats: gsm, ulaw, alaw and sln16 files hold the tone (sox decodes the gsm and the wav16 rate)',
  { skip: !hasSox },
  async () => {
    const { call, id } = await caller();
    try {
      for (const [format, sox] of [
        ['gsm', 'gsm'],
        ['ulaw', 'ul'],
        ['alaw', 'al'],
        ['sln16', undefined],
      ] as const) {
        const name = `fmt-${format}`;
        const r = await ari(server, 'POST', `/channels/${id}/record?name=${name}&format=${format}`);
        assert.equal(r.status, 201);
        await recordingEvent('RecordingStarted', name);
        await settle(150);
        await call.sendAudio(sine(1000, seconds(0.8)));
        await settle(60);
        await stopRecording(name);
        const path = join(recordings, `${name}.${format}`);
        assert.ok(statSync(path).size > 0);
        const rate = format === 'sln16' ? 16000 : 8000;
        const samples = sox === undefined ? await fileAudio(name, format) : soxTyped(path, sox);
        assert.ok(Math.abs(samples.length - rate * 0.8) <= rate * 0.06, `${format}: ${samples.length} samples`);
        assert.ok(toneRatio(samples, 1000, rate) > 0.85, `${format}: 1 kHz share ${toneRatio(samples, 1000, rate)}`);
      }
    } finally {
      await call.hangup();
    }
  },
);
