// ARI playback end to end with real audio: a SIP caller in a Stasis app is played sounds, digits and tones,
// and what it hears (decoded from the RTP it receives) is compared with the source files (normalised
// cross-correlation) or measured (Goertzel); pauses are checked by packet arrival times, events by their order.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { bestCorrelation, hasSounds, hasSox, isSilent, SOUNDS, soxSamples, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

const skip = (!hasSox && 'sox not installed') || (!hasSounds && 'Asterisk sound files not installed');
const EN = join(SOUNDS, 'en');
const APP = 'play';
const EXTENSIONS = `
[default]
exten => app,1,Answer()
 same => n,Stasis(${APP})
 same => n,Hangup()
exten => dp,1,Playback(hello-world)
 same => n,Playback(no-such-file&vm-goodbye)
 same => n,Stasis(${APP})
 same => n,Hangup()
`;

let server: TestServer;
let events: EventSocket;
let spool: string;

before(async () => {
  if (skip) return;
  spool = mkdtempSync(join(tmpdir(), 'switchyard-playback-'));
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
  if (skip) return;
  events.close();
  await server.close();
  rmSync(spool, { recursive: true, force: true });
});

/** A caller in the Stasis app: its call and its channel id. */
async function caller(): Promise<{ call: RtpCall; id: string }> {
  const seen = new Set(events.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel!.id));
  const call = await RtpCall.dial(server, 'app');
  const start = await events.wait((e) => e.type === 'StasisStart' && !seen.has(e.channel!.id));
  return { call, id: start.channel!.id };
}

/** The playback events of one playback, as `Type:state:media_uri`. */
function story(id: string): string[] {
  return events.events
    .filter((e) => e.type.startsWith('Playback') && e.playback.id === id)
    .map((e) => `${e.type}:${e.playback.state}:${e.playback.media_uri}`);
}

const finished = (id: string, ms = 8000): Promise<AriEvent> =>
  events.wait((e) => e.type === 'PlaybackFinished' && e.playback.id === id, ms);

const settle = (ms = 60): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('sound:hello-world is heard by the caller as the file sounds', { skip }, async () => {
  const { call, id } = await caller();
  try {
    const from = call.audioPackets().length;
    const r = await ari(server, 'POST', `/channels/${id}/play/hw1?media=sound:hello-world`);
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('location'), '/ari/playbacks/hw1');
    assert.deepEqual(r.json, {
      id: 'hw1',
      media_uri: 'sound:hello-world',
      target_uri: `channel:${id}`,
      language: 'en',
      state: 'queued',
    });
    const done = await finished('hw1');
    assert.equal(done.playback.state, 'done');
    await settle();
    const heard = call.heard(from);
    const reference = soxSamples(join(EN, 'hello-world.wav'));
    assert.ok(Math.abs(heard.length - reference.length) <= 320, `heard ${heard.length} of ${reference.length}`);
    const c = bestCorrelation(reference, heard, 400);
    assert.ok(c >= 0.9, `correlation ${c.toFixed(3)}`);
    assert.deepEqual(story('hw1'), [
      'PlaybackStarted:playing:sound:hello-world',
      'PlaybackFinished:done:sound:hello-world',
    ]);
    assert.equal((await ari(server, 'GET', '/playbacks/hw1')).status, 404, 'removed once finished');
  } finally {
    await call.hangup();
  }
});

test('a playlist plays its files in order, with PlaybackContinuing between them', { skip }, async () => {
  const { call, id } = await caller();
  try {
    const from = call.audioPackets().length;
    const r = await ari(server, 'POST', `/channels/${id}/play?media=sound:vm-goodbye,sound:hello-world&playbackId=pl1`);
    assert.equal(r.status, 201);
    assert.equal(r.json.next_media_uri, 'sound:hello-world');
    await finished('pl1');
    await settle();
    const first = soxSamples(join(EN, 'vm-goodbye.wav'));
    const second = soxSamples(join(EN, 'hello-world.wav'));
    const heard = call.heard(from);
    const c1 = bestCorrelation(first, heard.subarray(0, first.length + 400), 400);
    const c2 = bestCorrelation(second, heard.subarray(first.length - 200), 800);
    assert.ok(c1 >= 0.9 && c2 >= 0.9, `correlations ${c1.toFixed(3)} / ${c2.toFixed(3)}`);
    assert.deepEqual(story('pl1'), [
      'PlaybackStarted:playing:sound:vm-goodbye',
      'PlaybackContinuing:continuing:sound:vm-goodbye',
      'PlaybackStarted:playing:sound:hello-world',
      'PlaybackFinished:done:sound:hello-world',
    ]);
  } finally {
    await call.hangup();
  }
});

test('tone:busy is 480+620 Hz in its cadence and plays until stopped', { skip }, async () => {
  const { call, id } = await caller();
  try {
    const from = call.audioPackets().length;
    assert.equal((await ari(server, 'POST', `/channels/${id}/play/busy1?media=tone:busy`)).status, 201);
    await call.waitForPackets(from + 100, 5000); // 2 s: four busy cycles (500 ms on, 500 ms off)
    const heard = call.heard(from).subarray(0, 16000);
    const on = heard.subarray(400, 3600); // inside the first 500 ms burst
    assert.ok(
      toneRatio(on, 480) + toneRatio(on, 620) > 0.9,
      `480+620 share ${(toneRatio(on, 480) + toneRatio(on, 620)).toFixed(3)}`,
    );
    assert.ok(toneRatio(on, 440) < 0.1);
    assert.ok(isSilent(heard.subarray(4400, 7600)), 'the off half of the cadence is silent');
    assert.equal(story('busy1').at(-1), 'PlaybackStarted:playing:tone:busy', 'still playing after 2 s');
    assert.equal((await ari(server, 'DELETE', '/playbacks/busy1')).status, 204);
    assert.equal((await finished('busy1', 2000)).playback.state, 'done');
  } finally {
    await call.hangup();
  }
});

test('digits:12 says "one" then "two"', { skip }, async () => {
  const { call, id } = await caller();
  try {
    const from = call.audioPackets().length;
    await ari(server, 'POST', `/channels/${id}/play/dg1?media=digits:12`);
    await finished('dg1');
    await settle();
    const one = soxSamples(join(EN, 'digits/1.wav'));
    const two = soxSamples(join(EN, 'digits/2.wav'));
    const heard = call.heard(from);
    const c1 = bestCorrelation(one, heard, 400);
    const c2 = bestCorrelation(two, heard.subarray(one.length - 200), 600);
    assert.ok(c1 >= 0.9 && c2 >= 0.9, `correlations ${c1.toFixed(3)} / ${c2.toFixed(3)}`);
    assert.ok(Math.abs(heard.length - one.length - two.length) <= 320, `heard ${heard.length}`);
  } finally {
    await call.hangup();
  }
});

test(
  'pause sends no packets at all; unpause resumes where it stopped with a new PlaybackStarted',
  { skip },
  async () => {
    const { call, id } = await caller();
    try {
      const from = call.audioPackets().length;
      await ari(server, 'POST', `/channels/${id}/play/pz1?media=sound:hello-world`);
      await call.waitForPackets(from + 20);
      assert.equal((await ari(server, 'POST', '/playbacks/pz1/control?operation=pause')).status, 204);
      assert.equal((await ari(server, 'GET', '/playbacks/pz1')).json.state, 'paused');
      const pausedAt = performance.now();
      const beforePause = call.audioPackets().length;
      await settle(600);
      // A frame already on its way may land just after the request; after that, nothing for the whole pause.
      const during = call
        .audioPackets()
        .slice(beforePause)
        .filter((p) => p.at > pausedAt + 40);
      assert.equal(during.length, 0, `${during.length} packets during the pause`);
      assert.equal((await ari(server, 'POST', '/playbacks/pz1/control?operation=unpause')).status, 204);
      await finished('pz1');
      await settle();
      const heard = call.heard(from);
      const reference = soxSamples(join(EN, 'hello-world.wav'));
      assert.ok(Math.abs(heard.length - reference.length) <= 320, `heard ${heard.length} of ${reference.length}`);
      assert.ok(bestCorrelation(reference, heard, 400) >= 0.9, 'the file is heard whole across the pause');
      assert.deepEqual(story('pz1'), [
        'PlaybackStarted:playing:sound:hello-world',
        'PlaybackStarted:playing:sound:hello-world',
        'PlaybackFinished:done:sound:hello-world',
      ]);
    } finally {
      await call.hangup();
    }
  },
);

test('stop mid-file: the audio stops and the playback finishes done; a list ends with it', { skip }, async () => {
  const { call, id } = await caller();
  try {
    const from = call.audioPackets().length;
    await ari(server, 'POST', `/channels/${id}/play/st1?media=sound:hello-world,sound:vm-goodbye`);
    await call.waitForPackets(from + 25);
    assert.equal((await ari(server, 'DELETE', '/playbacks/st1')).status, 204);
    await finished('st1', 1000);
    await settle(300);
    const heard = call.audioPackets().length - from;
    assert.ok(heard < 40, `${heard} packets for a file stopped at about 25 (hello-world alone is 71)`);
    assert.deepEqual(story('st1'), [
      'PlaybackStarted:playing:sound:hello-world',
      'PlaybackFinished:done:sound:hello-world',
    ]);
  } finally {
    await call.hangup();
  }
});

test('a second play queues behind the first, and so does a setChannelVar', { skip }, async () => {
  const { call, id } = await caller();
  try {
    await ari(server, 'POST', `/channels/${id}/play/q1?media=sound:vm-goodbye`);
    const second = await ari(server, 'POST', `/channels/${id}/play/q2?media=sound:beep`);
    assert.equal(second.json.state, 'queued');
    assert.equal((await ari(server, 'GET', '/playbacks/q2')).json.state, 'queued');
    const t0 = performance.now();
    const set = await ari(server, 'POST', `/channels/${id}/variable?variable=AFTER&value=1`);
    const waited = performance.now() - t0;
    assert.equal(set.status, 204);
    assert.ok(waited > 900, `setChannelVar answered after ${waited.toFixed(0)} ms (0.86 s + 0.43 s queued)`);
    await events.wait((e) => e.type === 'ChannelVarset' && e.variable === 'AFTER');
    const order = events.events
      .filter((e) => (e.type.startsWith('Playback') && ['q1', 'q2'].includes(e.playback.id)) || e.variable === 'AFTER')
      .map((e) => (e.type === 'ChannelVarset' ? 'Varset' : `${e.type}:${e.playback.id}`));
    assert.deepEqual(order, [
      'PlaybackStarted:q1',
      'PlaybackFinished:q1',
      'PlaybackStarted:q2',
      'PlaybackFinished:q2',
      'Varset',
    ]);
  } finally {
    await call.hangup();
  }
});

test(
  'the caller hangs up mid-playback: the playing and the queued playbacks fail before StasisEnd',
  { skip },
  async () => {
    const { call, id } = await caller();
    await ari(server, 'POST', `/channels/${id}/play/h1?media=sound:hello-world`);
    await ari(server, 'POST', `/channels/${id}/play/h2?media=sound:hello-world`);
    await ari(server, 'POST', `/channels/${id}/play/h3?media=sound:hello-world`);
    assert.equal((await ari(server, 'DELETE', '/playbacks/h3')).status, 204, 'h3 canceled while queued');
    await call.waitForPackets(10);
    await call.hangup();
    await events.wait((e) => e.type === 'StasisEnd' && e.channel!.id === id);
    const order = events.events
      .filter(
        (e) =>
          (e.type.startsWith('Playback') && /^h\d$/.test(e.playback.id)) ||
          (e.type === 'StasisEnd' && e.channel!.id === id),
      )
      .map((e) => (e.type === 'StasisEnd' ? 'StasisEnd' : `${e.type}:${e.playback.id}:${e.playback.state}`));
    assert.deepEqual(order, [
      'PlaybackStarted:h1:playing',
      'PlaybackFinished:h1:failed',
      'PlaybackStarted:h2:playing',
      'PlaybackFinished:h2:failed',
      'PlaybackFinished:h3:done',
      'StasisEnd',
    ]);
  },
);

test('DTMF from the caller while a prompt plays is still published', { skip }, async () => {
  const { call, id } = await caller();
  try {
    await ari(server, 'POST', `/channels/${id}/play/dt1?media=sound:hello-world`);
    await call.waitForPackets(10);
    await call.sendDtmf('5');
    const dtmf = await events.wait((e) => e.type === 'ChannelDtmfReceived' && e.channel!.id === id);
    assert.equal(dtmf.digit, '5');
    assert.equal(story('dt1').length, 1, 'the digit does not interrupt the playback');
    assert.equal((await finished('dt1')).playback.state, 'done');
  } finally {
    await call.hangup();
  }
});

test('a missing sound: 201, then PlaybackStarted and PlaybackFinished failed, and no audio', { skip }, async () => {
  const { call, id } = await caller();
  try {
    const from = call.audioPackets().length;
    const r = await ari(server, 'POST', `/channels/${id}/play/ms1?media=sound:no-such-sound`);
    assert.equal(r.status, 201);
    assert.equal((await finished('ms1', 2000)).playback.state, 'failed');
    assert.deepEqual(story('ms1'), [
      'PlaybackStarted:playing:sound:no-such-sound',
      'PlaybackFinished:failed:sound:no-such-sound',
    ]);
    await settle(100);
    assert.equal(call.audioPackets().length, from);
  } finally {
    await call.hangup();
  }
});

test(
  'recording: plays a stored recording from the spool; a missing one is skipped without a final event',
  { skip },
  async () => {
    const dir = join(spool, 'recording', 'sub');
    const { call, id } = await caller();
    try {
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(EN, 'vm-goodbye.wav'), join(dir, 'bye.wav'));
      const from = call.audioPackets().length;
      await ari(server, 'POST', `/channels/${id}/play/rc1?media=recording:sub/bye`);
      await finished('rc1');
      await settle();
      const c = bestCorrelation(soxSamples(join(EN, 'vm-goodbye.wav')), call.heard(from), 400);
      assert.ok(c >= 0.9, `correlation ${c.toFixed(3)}`);
      await ari(server, 'POST', `/channels/${id}/play/rc2?media=recording:sub/none`);
      await ari(server, 'POST', `/channels/${id}/play/rc3?media=recording:../../etc/passwd,sound:beep`);
      await finished('rc3');
      assert.deepEqual(story('rc2'), ['PlaybackStarted:playing:recording:sub/none']);
      assert.deepEqual(story('rc3'), [
        'PlaybackStarted:playing:recording:../../etc/passwd',
        'PlaybackStarted:playing:sound:beep',
        'PlaybackFinished:done:sound:beep',
      ]);
    } finally {
      await call.hangup();
    }
  },
);

test('a 16 kHz file is converted to the call’s 8 kHz', { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-wb-'));
  const { call, id } = await caller();
  try {
    const wide = join(dir, 'wide.wav16');
    const made = spawnSync('sox', [join(EN, 'hello-world.wav'), '-r', '16000', '-t', 'wav', wide]);
    assert.equal(made.status, 0);
    const from = call.audioPackets().length;
    await ari(server, 'POST', `/channels/${id}/play/wb1?media=sound:${join(dir, 'wide')}`);
    await finished('wb1');
    await settle();
    const heard = call.heard(from);
    const reference = soxSamples(join(EN, 'hello-world.wav'));
    assert.ok(Math.abs(heard.length - reference.length) <= 320, `heard ${heard.length} of ${reference.length}`);
    const c = bestCorrelation(reference, heard, 400);
    assert.ok(c >= 0.85, `correlation ${c.toFixed(3)}`);
  } finally {
    await call.hangup();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('offsetms starts into the file; forward skips ahead', { skip }, async () => {
  const { call, id } = await caller();
  try {
    const reference = soxSamples(join(EN, 'hello-world.wav'));
    let from = call.audioPackets().length;
    await ari(server, 'POST', `/channels/${id}/play/of1?media=sound:hello-world&offsetms=700`);
    await finished('of1');
    await settle();
    let heard = call.heard(from);
    assert.ok(Math.abs(heard.length - (reference.length - 5600)) <= 320, `heard ${heard.length}`);
    assert.ok(bestCorrelation(reference.subarray(5600), heard, 200) >= 0.9);
    from = call.audioPackets().length;
    await ari(server, 'POST', `/channels/${id}/play/fw1?media=sound:hello-world&skipms=500`);
    await call.waitForPackets(from + 10);
    await ari(server, 'POST', '/playbacks/fw1/control?operation=forward');
    await finished('fw1');
    await settle();
    heard = call.heard(from);
    assert.ok(
      Math.abs(heard.length - (reference.length - 4000)) <= 480,
      `heard ${heard.length} after a 500 ms forward`,
    );
  } finally {
    await call.hangup();
  }
});

test(
  'dialplan Playback() answers, plays its files in order, skips a missing one and sets PLAYBACKSTATUS',
  { skip },
  async () => {
    const seen = new Set(events.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel!.id));
    const call = await RtpCall.dial(server, 'dp');
    try {
      const start = await events.wait((e) => e.type === 'StasisStart' && !seen.has(e.channel!.id), 8000);
      await settle();
      const hello = soxSamples(join(EN, 'hello-world.wav'));
      const bye = soxSamples(join(EN, 'vm-goodbye.wav'));
      const heard = call.heard();
      const c1 = bestCorrelation(hello, heard.subarray(0, hello.length + 800), 800);
      const c2 = bestCorrelation(bye, heard.subarray(hello.length - 200), 800);
      assert.ok(c1 >= 0.9 && c2 >= 0.9, `correlations ${c1.toFixed(3)} / ${c2.toFixed(3)}`);
      const status = await ari(server, 'GET', `/channels/${start.channel!.id}/variable?variable=PLAYBACKSTATUS`);
      assert.deepEqual(status.json, { value: 'FAILED' });
    } finally {
      await call.hangup();
    }
  },
);
