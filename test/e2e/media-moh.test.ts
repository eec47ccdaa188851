// Music on hold and the silence generator end to end over SIP: ARI startMoh/stopMoh/startSilence/stopSilence and
// the dialplan's MusicOnHold()/StartMusicOnHold()/StopMusicOnHold(), checked on what a real RTP caller hears —
// correlation with the first MOH file, Goertzel on a class of two tones, silence payloads, and packets stopping.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { ari, EventSocket } from '../helpers/ari.js';
import { bestCorrelation, hasMoh, hasSounds, hasSox } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import type { TestServer } from '../helpers/server.js';
import {
  allSilent,
  firstMohSeconds,
  framesHeard,
  packetsDuring,
  pause,
  startMohServer,
  toneOfFrames,
  type MohServer,
} from './media-moh-fixtures.js';

const needsMoh = !hasMoh ? 'asterisk-moh-opsound-wav not installed' : !hasSox ? 'sox not installed' : false;

let moh: MohServer;
let server: TestServer;
let events: EventSocket;

before(async () => {
  moh = await startMohServer(33000);
  server = moh.server;
  events = await EventSocket.open(server, 'moh');
});

after(async () => {
  events.close();
  await moh.close();
});

/** A caller in Stasis(moh), answered. */
async function caller(exten = 'app'): Promise<{ call: RtpCall; id: string }> {
  const seen = new Set(events.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel!.id));
  const call = await RtpCall.dial(server, exten);
  const start = await events.wait((e) => e.type === 'StasisStart' && !seen.has(e.channel!.id));
  return { call, id: start.channel!.id };
}

test(
  'startMoh plays the default class from its first file; stopMoh stops the packets',
  { skip: needsMoh },
  async () => {
    const { call, id } = await caller();
    try {
      assert.equal(await packetsDuring(call, 300, 0), 0, 'an idle channel in Stasis sends nothing');
      const r = await ari(server, 'POST', `/channels/${id}/moh`);
      assert.equal(r.status, 204);
      await call.waitForPackets(100);
      const heard = call.heard();
      const c = bestCorrelation(firstMohSeconds(1.5), heard, 1600);
      assert.ok(c > 0.9, `correlation with ${'macroform-cold_day'} ${c.toFixed(3)}`);
      assert.equal((await ari(server, 'DELETE', `/channels/${id}/moh`)).status, 204);
      assert.equal(await packetsDuring(call, 400), 0, 'no packets after stopMoh (Asterisk sends none either)');
    } finally {
      await call.hangup();
    }
  },
);

test('an unknown class plays default; the class name is matched ignoring case', { skip: needsMoh }, async () => {
  const { call, id } = await caller();
  try {
    assert.equal((await ari(server, 'POST', `/channels/${id}/moh?mohClass=nonesuch`)).status, 204);
    await call.waitForPackets(60);
    const c = bestCorrelation(firstMohSeconds(0.8), call.heard(), 1600);
    assert.ok(c > 0.9, `default class heard: correlation ${c.toFixed(3)}`);
    const n = call.audioPackets().length;
    await ari(server, 'POST', `/channels/${id}/moh?mohClass=TONES`);
    await call.waitForPackets(n + 40);
    assert.match(toneOfFrames(framesHeard(call, n)), /^-*a{20,}/, 'the tones class took over');
  } finally {
    await call.hangup();
  }
});

test('music stopped and started again resumes where it stopped; the same class again does not restart', async () => {
  const { call, id } = await caller();
  try {
    await ari(server, 'POST', `/channels/${id}/moh?mohClass=tones`);
    await call.waitForPackets(30);
    await ari(server, 'POST', `/channels/${id}/moh?mohClass=tones`); // already playing: nothing changes
    await call.waitForPackets(40);
    await ari(server, 'DELETE', `/channels/${id}/moh`);
    await pause(100);
    const played = toneOfFrames(framesHeard(call)).replace(/^-+/, '');
    assert.match(played, /^a+$/, 'only the first tone so far, without a restart');
    const n = call.audioPackets().length;
    await ari(server, 'POST', `/channels/${id}/moh?mohClass=tones`);
    await call.waitForPackets(n + 40);
    const after = toneOfFrames(framesHeard(call, n)).replace(/^-+/, '');
    const rest = /^a+/.exec(after)?.[0].length ?? 0;
    // One second of 440 Hz in all: what was left of it, then 1 kHz.
    assert.ok(Math.abs(played.length + rest - 50) <= 3, `440 Hz frames before ${played.length}, after ${rest}`);
    assert.match(after, /^a+-?b{5,}/);
  } finally {
    await call.hangup();
  }
});

test('silence: RTP keeps flowing with silent payloads every 20 ms', async () => {
  const { call, id } = await caller();
  try {
    assert.equal((await ari(server, 'POST', `/channels/${id}/silence`)).status, 204);
    await call.waitForPackets(30);
    const packets = call.audioPackets();
    assert.ok(allSilent(framesHeard(call)), 'every sample is silence');
    assert.ok(
      packets.every((p) => p.payload.every((b) => b === 0xff)),
      'µ-law silence bytes (0xFF)',
    );
    const span = packets[29]!.at - packets[5]!.at;
    assert.ok(Math.abs(span - 24 * 20) < 100, `24 intervals took ${span.toFixed(0)} ms`);
    await ari(server, 'DELETE', `/channels/${id}/silence`);
    assert.equal(await packetsDuring(call, 300), 0);
  } finally {
    await call.hangup();
  }
});

test('one generator at a time: music replaces silence, stopSilence spares music, silence replaces music, stopMoh ends silence', async () => {
  const { call, id } = await caller();
  try {
    await ari(server, 'POST', `/channels/${id}/silence`);
    await call.waitForPackets(10);
    let n = call.audioPackets().length;
    await ari(server, 'POST', `/channels/${id}/moh?mohClass=tones`);
    await call.waitForPackets(n + 15);
    assert.match(toneOfFrames(framesHeard(call, n + 3)), /a{10,}/, 'music replaced silence');
    await ari(server, 'DELETE', `/channels/${id}/silence`);
    n = call.audioPackets().length;
    await call.waitForPackets(n + 15);
    assert.match(toneOfFrames(framesHeard(call, n + 3)), /^a{10,}/, 'stopSilence did not stop the music');
    await ari(server, 'POST', `/channels/${id}/silence`);
    await pause(60);
    n = call.audioPackets().length;
    await call.waitForPackets(n + 10);
    assert.ok(allSilent(framesHeard(call, n)), 'startSilence replaced the music');
    await ari(server, 'DELETE', `/channels/${id}/moh`);
    assert.equal(await packetsDuring(call, 300), 0, 'stopMoh ended the silence generator too');
  } finally {
    await call.hangup();
  }
});

test(
  'a playback ends music and silence for good: after PlaybackFinished nothing is sent',
  { skip: !hasSounds && 'sounds not installed' },
  async () => {
    const { call, id } = await caller();
    try {
      for (const generator of ['moh?mohClass=tones', 'silence']) {
        await ari(server, 'POST', `/channels/${id}/${generator}`);
        await call.waitForPackets(call.audioPackets().length + 10);
        const finishedBefore = events.events.filter((e) => e.type === 'PlaybackFinished').length;
        assert.equal((await ari(server, 'POST', `/channels/${id}/play?media=sound:beep`)).status, 201);
        await events.wait(
          (e) =>
            e.type === 'PlaybackFinished' &&
            events.events.filter((f) => f.type === 'PlaybackFinished').length > finishedBefore,
        );
        assert.equal(
          await packetsDuring(call, 400),
          0,
          `${generator.replace(/\?.*/, '')} did not come back after the playback`,
        );
      }
    } finally {
      await call.hangup();
    }
  },
);

test('leaving Stasis stops the silence generator; the dialplan goes on in silence', async () => {
  const { call, id } = await caller();
  try {
    await ari(server, 'POST', `/channels/${id}/silence`);
    await call.waitForPackets(5);
    assert.equal((await ari(server, 'POST', `/channels/${id}/continue`)).status, 204);
    await events.wait((e) => e.type === 'StasisEnd' && e.channel?.id === id);
    assert.equal(await packetsDuring(call, 400), 0, 'Wait(3) runs without the silence generator');
  } finally {
    await call.hangup();
  }
});

test('a channel not answered yet gets PROGRESS (183) first, then the silence as early media', async () => {
  const seen = new Set(events.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel!.id));
  let call: RtpCall | undefined;
  const dialing = RtpCall.dial(server, 'early').then((c) => (call = c));
  const start = await events.wait((e) => e.type === 'StasisStart' && !seen.has(e.channel!.id));
  const id = start.channel!.id;
  assert.equal(start.channel!.state, 'Ring');
  assert.equal((await ari(server, 'POST', `/channels/${id}/silence`)).status, 204);
  await pause(400);
  assert.equal((await ari(server, 'POST', `/channels/${id}/answer`)).status, 204);
  await dialing;
  try {
    const statuses = call!.sipInbox.map((m) => m.split('\r\n')[0]);
    assert.deepEqual(statuses, ['SIP/2.0 100 Trying', 'SIP/2.0 183 Session Progress', 'SIP/2.0 200 OK']);
    const first = call!.audioPackets()[0];
    assert.ok(first !== undefined && call!.audioPackets().length >= 10, 'silence arrived before the answer');
    assert.ok(allSilent(framesHeard(call!)));
  } finally {
    await call!.hangup();
  }
});

test('MusicOnHold(tones,1): a second of the class, then the dialplan goes on (Hangup)', async () => {
  const call = await RtpCall.dial(server, 'mohdp');
  try {
    await waitUntil(() => call.wasHungUp, 5000);
    const heard = toneOfFrames(framesHeard(call)).replace(/^-+/, '');
    // The second is timed on the main thread and the stop crosses to the media worker: on a loaded machine it
    // can land a frame or two after the 1 s file ends and the next one ('b') begins.
    assert.match(heard, /^a{40,51}[-b]{0,3}$/, `heard ${heard}`);
  } finally {
    call.close();
  }
});

test('StartMusicOnHold(Tones) plays through Wait(1); StopMusicOnHold() silences the next Wait(1)', async () => {
  const call = await RtpCall.dial(server, 'startstop');
  try {
    await waitUntil(() => call.wasHungUp, 5000);
    const heard = toneOfFrames(framesHeard(call)).replace(/^-+/, '');
    assert.match(heard, /^a{40,51}-?$/, `heard ${heard}`);
    const quiet = performance.now() - call.audioPackets().at(-1)!.at;
    assert.ok(quiet > 800, `the last packet came ${quiet.toFixed(0)} ms before the BYE`);
  } finally {
    call.close();
  }
});

test('bad input: unknown channel 404, not in Stasis 409, not answered outbound 412', async () => {
  const parked = await RtpCall.dial(server, 'park');
  const createdId = `moh-created-${Date.now()}`;
  try {
    await ari(server, 'POST', `/channels/create?endpoint=Local/park@default&app=moh&channelId=${createdId}`);
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === createdId);
    const list = (await ari(server, 'GET', '/channels')).json as Array<{ id: string; name: string }>;
    const parkedId = list.find((c) => c.name.startsWith('PJSIP/'))!.id;
    for (const [method, path] of [
      ['POST', 'moh'],
      ['DELETE', 'moh'],
      ['POST', 'silence'],
      ['DELETE', 'silence'],
    ] as const) {
      const missing = await ari(server, method, `/channels/nonesuch/${path}`);
      assert.deepEqual([missing.status, missing.json], [404, { message: 'Channel not found' }], `${method} ${path}`);
      const outside = await ari(server, method, `/channels/${parkedId}/${path}`);
      assert.deepEqual([outside.status, outside.json], [409, { message: 'Channel not in Stasis application' }]);
      const down = await ari(server, method, `/channels/${createdId}/${path}`);
      assert.deepEqual([down.status, down.json], [412, { message: 'Channel in invalid state' }]);
    }
  } finally {
    await ari(server, 'DELETE', `/channels/${createdId}`);
    await parked.hangup();
  }
});

async function waitUntil(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await pause(10);
  }
}
