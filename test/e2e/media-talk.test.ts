// TALK_DETECT (funcs/func_talkdetect.c) with real speech over SIP: a caller sends silence, Asterisk's
// hello-world prompt, then silence; the app gets one ChannelTalkingStarted and one ChannelTalkingFinished whose
// duration matches the speech measured independently in what the server received (µ-law round trip, 20 ms
// frames whose mean magnitude reaches the talking threshold). Set from ARI or from the dialplan, on a bridged
// channel or one alone in Stasis; remove stops the events; the function cannot be read.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeG711, encodeG711 } from '../../src/media/codecs/g711.js';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { hasSounds, hasSox, sine, SOUNDS, soxSamples } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

const APP = 'talker';
const EXTENSIONS = `
[default]
exten => app,1,Answer()
 same => n,Stasis(${APP})
 same => n,Hangup()
exten => talk,1,Answer()
 same => n,Set(TALK_DETECT(set)=600)
 same => n,Stasis(${APP})
 same => n,Hangup()
`;

const RATE = 8000;
const FRAME = 160;
/** dsp.conf's default silencethreshold: TALK_DETECT's talking threshold when none is given. */
const TALKING_THRESHOLD = 256;
const skip = (!hasSox && 'sox not installed') || (!hasSounds && 'Asterisk sounds not installed');

let server: TestServer;
let speech: Int16Array;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': EXTENSIONS,
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=33000\nrtpend=33999\n',
  });
  if (!skip) speech = soxSamples(join(SOUNDS, 'en', 'hello-world.wav'));
});

after(async () => {
  await server.close();
});

const silence = (ms: number) => new Int16Array((RATE / 1000) * ms);

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The talking span of `audio` as the server gets it (µ-law both ways), measured here without the product's
 * detector: from the start of the first 20 ms frame whose mean magnitude reaches the threshold to the start of
 * the last one — what Asterisk's duration comes to (the finishing frame's time less the silence threshold).
 */
function talkingSpanMs(audio: Int16Array): number {
  const coded = Buffer.alloc(audio.length);
  encodeG711('ulaw', audio, coded, audio.length);
  const heard = new Int16Array(audio.length);
  decodeG711('ulaw', coded, heard, audio.length);
  let first = -1;
  let last = -1;
  for (let f = 0; (f + 1) * FRAME <= heard.length; f++) {
    let sum = 0;
    for (let i = f * FRAME; i < (f + 1) * FRAME; i++) sum += Math.abs(heard[i]!);
    if (sum / FRAME < TALKING_THRESHOLD) continue;
    if (first < 0) first = f;
    last = f;
  }
  return (last - first) * 20;
}

async function join_(events: EventSocket, exten: string): Promise<{ call: RtpCall; id: string }> {
  const known = new Set(events.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel!.id));
  const call = await RtpCall.dial(server, exten);
  const start = await events.wait((e) => e.type === 'StasisStart' && !known.has(e.channel!.id));
  return { call, id: start.channel!.id };
}

const talking = (events: EventSocket, id: string, type: string): AriEvent[] =>
  events.events.filter((e) => e.type === type && e.channel?.id === id);

async function setVar(id: string, variable: string, value?: string): Promise<number> {
  const query = `variable=${encodeURIComponent(variable)}` + (value === undefined ? '' : `&value=${value}`);
  return (await ari(server, 'POST', `/channels/${id}/variable?${query}`)).status;
}

test('TALK_DETECT on a bridged caller: one started, one finished, duration = the speech', { skip }, async (t) => {
  const events = await EventSocket.open(server, APP);
  const a = await join_(events, 'app');
  const c = await join_(events, 'app');
  const bridge = await ari(server, 'POST', '/bridges?type=mixing');
  const bridgeId = (bridge.json as { id: string }).id;
  try {
    assert.equal((await ari(server, 'POST', `/bridges/${bridgeId}/addChannel?channel=${a.id},${c.id}`)).status, 204);
    assert.equal(await setVar(a.id, 'TALK_DETECT(set)', '1000'), 204);
    const sent = concat(silence(500), speech, silence(1500));
    // C talks over A the whole time: only what A sends counts.
    await Promise.all([a.call.sendAudio(sent), c.call.sendAudio(sine(440, sent.length))]);
    const finished = await events.wait((e) => e.type === 'ChannelTalkingFinished' && e.channel?.id === a.id);
    const expected = talkingSpanMs(speech);
    t.diagnostic(`duration ${finished.duration} ms; talking span of the prompt ${expected} ms (file 1400 ms)`);
    assert.equal(talking(events, a.id, 'ChannelTalkingStarted').length, 1);
    assert.equal(talking(events, a.id, 'ChannelTalkingFinished').length, 1);
    assert.ok(Math.abs(finished.duration - expected) <= 40, `duration ${finished.duration}, expected ≈ ${expected}`);
    const started = talking(events, a.id, 'ChannelTalkingStarted')[0]!;
    assert.ok(events.events.indexOf(started) < events.events.indexOf(finished));
    assert.deepEqual(talking(events, c.id, 'ChannelTalkingStarted'), [], 'C has no detector');
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    for (const p of [a, c]) await p.call.hangup();
    events.close();
  }
});

test('TALK_DETECT(remove) stops the events; set again, they come back', { skip }, async () => {
  const events = await EventSocket.open(server, APP);
  // Set in the dialplan (600 ms) before the channel enters the app.
  const a = await join_(events, 'talk');
  try {
    const burst = concat(speech, silence(900));
    await a.call.sendAudio(burst);
    await events.wait((e) => e.type === 'ChannelTalkingFinished' && e.channel?.id === a.id);
    assert.equal(await setVar(a.id, 'TALK_DETECT(remove)', ''), 204);
    await a.call.sendAudio(burst);
    // Had the detector stayed, its ChannelTalkingStarted would have come during the second burst.
    assert.equal(talking(events, a.id, 'ChannelTalkingStarted').length, 1);
    assert.equal(await setVar(a.id, 'TALK_DETECT(set)', '600'), 204);
    const mark = events.events.length;
    await a.call.sendAudio(burst);
    await events.wait((e) => e.type === 'ChannelTalkingFinished' && events.events.indexOf(e) >= mark);
    assert.equal(talking(events, a.id, 'ChannelTalkingStarted').length, 2);
    assert.equal(talking(events, a.id, 'ChannelTalkingFinished').length, 2);
  } finally {
    await a.call.hangup();
    events.close();
  }
});

test('TALK_DETECT cannot be read; writes Asterisk refuses still answer 204 and change nothing', async () => {
  const events = await EventSocket.open(server, APP);
  const a = await join_(events, 'app');
  try {
    for (const variable of ['TALK_DETECT(set)', 'TALK_DETECT(remove)', 'TALK_DETECT()']) {
      const r = await ari(server, 'GET', `/channels/${a.id}/variable?variable=${encodeURIComponent(variable)}`);
      assert.deepEqual([r.status, r.json], [500, { message: 'Unable to read provided function' }], variable);
    }
    const refused: ReadonlyArray<readonly [string, string | undefined]> = [
      ['TALK_DETECT(remove)', ''], // not on
      ['TALK_DETECT(set)', 'abc'],
      ['TALK_DETECT(set)', '0'],
      ['TALK_DETECT(set)', '1000,-3'],
      ['TALK_DETECT(bogus)', ''],
      ['TALK_DETECT()', '100'],
    ];
    for (const [variable, value] of refused) assert.equal(await setVar(a.id, variable, value), 204, variable);
    // None of them turned detection on.
    await a.call.sendAudio(concat(sine(500, 4000, 8000)));
    assert.deepEqual(talking(events, a.id, 'ChannelTalkingStarted'), []);
    // `set` with no value: the defaults (2500 ms, 256); the action is not case-sensitive.
    assert.equal(await setVar(a.id, 'TALK_DETECT(SET)'), 204);
    await a.call.sendAudio(sine(500, 1600, 8000));
    await events.wait((e) => e.type === 'ChannelTalkingStarted' && e.channel?.id === a.id);
  } finally {
    await a.call.hangup();
    events.close();
  }
});
