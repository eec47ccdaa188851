// Snoop channels with real audio over SIP: caller A is bridged with caller C (A sends one tone, C another, so
// what A sends and what A hears differ); a snoop on A is bridged with listener B. What B hears is decoded and
// checked with Goertzel: spy=in carries A's tone only, spy=out C's tone only (what A hears), spy=both the two;
// whisper=out adds B's tone to what A hears, whisper=in to what A sends (so C hears it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket, mixingBridge } from '../helpers/ari.js';
import { isSilent, sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

const APP = 'snooper';
const EXTENSIONS = `
[default]
exten => echo,1,Answer()
 same => n,Echo()
exten => app,1,Answer()
 same => n,Stasis(${APP})
 same => n,Hangup()
`;

/** A's, C's and B's tones (Hz): far enough apart for Goertzel to tell them apart in 1 s. */
const A_HZ = 1000;
const C_HZ = 600;
const B_HZ = 1400;
/** 1.2 s of tone at 8 kHz. */
const TONE_SAMPLES = 9600;
/** Skip the first 200 ms of what is heard: the links and queues settle. */
const SETTLE_SAMPLES = 1600;

let server: TestServer;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': EXTENSIONS,
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=32000\nrtpend=32999\n',
  });
});

after(async () => {
  await server.close();
});

interface Party {
  readonly call: RtpCall;
  readonly id: string;
}

/** A SIP caller that dials `app` and is now in the Stasis application. */
async function join(events: EventSocket): Promise<Party> {
  const known = new Set(events.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel!.id));
  const call = await RtpCall.dial(server, 'app');
  const start = await events.wait((e) => e.type === 'StasisStart' && !known.has(e.channel!.id));
  return { call, id: start.channel!.id };
}

const hungUp = new WeakSet<RtpCall>();

/** Hang up (once). */
async function leave(call: RtpCall): Promise<void> {
  if (hungUp.has(call)) return;
  hungUp.add(call);
  await call.hangup();
}

/** A snoop on `target` that has entered the app. */
async function snoop(events: EventSocket, target: string, query: string): Promise<string> {
  const made = await ari(server, 'POST', `/channels/${target}/snoop?app=${APP}&${query}`);
  assert.equal(made.status, 200, made.text);
  const id = (made.json as { id: string }).id;
  await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === id);
  return id;
}

/** What `listener` hears while `senders` each send their tone at once (the first 200 ms left out). */
async function hearWhile(listener: RtpCall, senders: ReadonlyArray<readonly [RtpCall, number]>): Promise<Int16Array> {
  const from = listener.audioPackets().length;
  await Promise.all(senders.map(([call, hz]) => call.sendAudio(sine(hz, TONE_SAMPLES))));
  // The last frames are still on their way through two bridges.
  await listener.waitForPackets(from + TONE_SAMPLES / 160 - 5);
  return listener.heard(from).subarray(SETTLE_SAMPLES);
}

/** A bridged with C, a snoop on A bridged with B. */
async function scene(events: EventSocket, snoopQuery: string) {
  const a = await join(events);
  const c = await join(events);
  const b = await join(events);
  const bridges = [await mixingBridge(server, [a.id, c.id])];
  const snoopId = await snoop(events, a.id, snoopQuery);
  bridges.push(await mixingBridge(server, [snoopId, b.id]));
  const close = async () => {
    for (const id of bridges) await ari(server, 'DELETE', `/bridges/${id}`);
    for (const p of [a, b, c]) await leave(p.call);
  };
  return { a, b, c, snoopId, close };
}

const share = (x: Int16Array, hz: number) => toneRatio(x, hz).toFixed(3);

/** The tone shares heard, for the test log. */
const shares = (x: Int16Array) => [A_HZ, C_HZ, B_HZ].map((hz) => `${hz} Hz ${share(x, hz)}`).join(', ');

test('spy=in: the listener hears what the target sends, not what the target hears', async (t) => {
  const events = await EventSocket.open(server, APP);
  const s = await scene(events, 'spy=in');
  try {
    const heard = await hearWhile(s.b.call, [
      [s.a.call, A_HZ],
      [s.c.call, C_HZ],
    ]);
    t.diagnostic(shares(heard));
    assert.ok(heard.length >= 6400, `heard ${heard.length} samples`);
    assert.ok(toneRatio(heard, A_HZ) > 0.8, `A's tone at B ${share(heard, A_HZ)}`);
    assert.ok(toneRatio(heard, C_HZ) < 0.05, `C's tone at B ${share(heard, C_HZ)}`);
  } finally {
    await s.close();
    events.close();
  }
});

test('spy=out: the listener hears what the target hears (its peer), not what it sends', async (t) => {
  const events = await EventSocket.open(server, APP);
  const s = await scene(events, 'spy=out');
  try {
    const heard = await hearWhile(s.b.call, [
      [s.a.call, A_HZ],
      [s.c.call, C_HZ],
    ]);
    t.diagnostic(shares(heard));
    assert.ok(toneRatio(heard, C_HZ) > 0.8, `C's tone at B ${share(heard, C_HZ)}`);
    assert.ok(toneRatio(heard, A_HZ) < 0.05, `A's tone at B ${share(heard, A_HZ)}`);
  } finally {
    await s.close();
    events.close();
  }
});

test('spy=both: the listener hears both directions mixed', async (t) => {
  const events = await EventSocket.open(server, APP);
  const s = await scene(events, 'spy=both');
  try {
    const heard = await hearWhile(s.b.call, [
      [s.a.call, A_HZ],
      [s.c.call, C_HZ],
    ]);
    t.diagnostic(shares(heard));
    assert.ok(toneRatio(heard, A_HZ) > 0.3, `A's tone at B ${share(heard, A_HZ)}`);
    assert.ok(toneRatio(heard, C_HZ) > 0.3, `C's tone at B ${share(heard, C_HZ)}`);
    assert.ok(toneRatio(heard, A_HZ) + toneRatio(heard, C_HZ) > 0.9, 'nothing else is heard');
  } finally {
    await s.close();
    events.close();
  }
});

test('a spying snoop sends silence, paced at 20 ms, while the target is quiet', async () => {
  const events = await EventSocket.open(server, APP);
  const s = await scene(events, 'spy=in');
  try {
    const from = s.b.call.audioPackets().length;
    await s.b.call.waitForPackets(from + 50);
    const packets = s.b.call.audioPackets().slice(from, from + 50);
    const spanMs = packets[49]!.at - packets[0]!.at;
    assert.ok(spanMs > 49 * 20 * 0.8 && spanMs < 49 * 20 * 1.25, `50 packets over ${spanMs.toFixed(0)} ms`);
    assert.ok(isSilent(s.b.call.heard(from)), 'silence');
  } finally {
    await s.close();
    events.close();
  }
});

test('whisper=out: the target hears the whisper on top of its peer', async (t) => {
  const events = await EventSocket.open(server, APP);
  const s = await scene(events, 'whisper=out');
  try {
    const heard = await hearWhile(s.a.call, [
      [s.c.call, C_HZ],
      [s.b.call, B_HZ],
    ]);
    t.diagnostic(shares(heard));
    assert.ok(toneRatio(heard, C_HZ) > 0.3, `C's tone at A ${share(heard, C_HZ)}`);
    assert.ok(toneRatio(heard, B_HZ) > 0.3, `the whisper at A ${share(heard, B_HZ)}`);
    // Whispering out does not touch what A sends: C hears A only.
    const atC = await hearWhile(s.c.call, [
      [s.a.call, A_HZ],
      [s.b.call, B_HZ],
    ]);
    assert.ok(toneRatio(atC, A_HZ) > 0.8 && toneRatio(atC, B_HZ) < 0.05, `C hears ${share(atC, B_HZ)} of B`);
  } finally {
    await s.close();
    events.close();
  }
});

test('whisper=in: the whisper is mixed into what the target sends (its peer hears it)', async (t) => {
  const events = await EventSocket.open(server, APP);
  const s = await scene(events, 'whisper=in');
  try {
    const atC = await hearWhile(s.c.call, [
      [s.a.call, A_HZ],
      [s.b.call, B_HZ],
    ]);
    t.diagnostic(shares(atC));
    assert.ok(toneRatio(atC, A_HZ) > 0.3, `A's tone at C ${share(atC, A_HZ)}`);
    assert.ok(toneRatio(atC, B_HZ) > 0.3, `the whisper at C ${share(atC, B_HZ)}`);
  } finally {
    await s.close();
    events.close();
  }
});

test('a snoop that spies both ways and whispers does not hear its own whisper', async (t) => {
  const events = await EventSocket.open(server, APP);
  const s = await scene(events, 'spy=both&whisper=out');
  try {
    const atB = await hearWhile(s.b.call, [
      [s.c.call, C_HZ],
      [s.b.call, B_HZ],
    ]);
    t.diagnostic(shares(atB));
    assert.ok(toneRatio(atB, C_HZ) > 0.8, `C's tone at B ${share(atB, C_HZ)}`);
    assert.ok(toneRatio(atB, B_HZ) < 0.05, `B's own whisper at B ${share(atB, B_HZ)}`);
  } finally {
    await s.close();
    events.close();
  }
});

test('spy=in on a caller in Echo() (not in Stasis): the listener hears the caller', async (t) => {
  const events = await EventSocket.open(server, APP);
  const a = await RtpCall.dial(server, 'echo');
  const b = await join(events);
  try {
    const list = (await ari(server, 'GET', '/channels')).json as Array<{ id: string; dialplan: { app_name: string } }>;
    const target = list.find((c) => c.dialplan.app_name === 'Echo')!;
    const snoopId = await snoop(events, target.id, 'spy=in');
    await mixingBridge(server, [snoopId, b.id]);
    const heard = await hearWhile(b.call, [[a, A_HZ]]);
    t.diagnostic(shares(heard));
    assert.ok(toneRatio(heard, A_HZ) > 0.8, `A's tone at B ${share(heard, A_HZ)}`);
  } finally {
    for (const call of [a, b.call]) await leave(call);
    events.close();
  }
});

test('whispering to a target that is sent nothing: nothing is heard (Asterisk sends no RTP either)', async () => {
  const events = await EventSocket.open(server, APP);
  const a = await join(events);
  const b = await join(events);
  const snoopId = await snoop(events, a.id, 'whisper=out');
  const bridgeId = await mixingBridge(server, [snoopId, b.id]);
  try {
    const from = a.call.audioPackets().length;
    await b.call.sendAudio(sine(B_HZ, 4000));
    assert.equal(a.call.audioPackets().length, from);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    for (const p of [a, b]) await leave(p.call);
    events.close();
  }
});

test('the snoop channel ends when its target hangs up: ChannelLeftBridge, StasisEnd, no hangup request', async () => {
  const events = await EventSocket.open(server, APP);
  const s = await scene(events, 'spy=in');
  try {
    await leave(s.a.call);
    await events.wait((e) => e.type === 'StasisEnd' && e.channel!.id === s.snoopId);
    assert.equal((await ari(server, 'GET', `/channels/${s.snoopId}`)).status, 404);
    // BRIDGEPEER's ChannelVarsets aside; no ChannelHangupRequest before, no ChannelDestroyed after (trace s4).
    const types = events.typesFor(s.snoopId).filter((t) => t !== 'ChannelVarset');
    assert.deepEqual(types, ['StasisStart', 'ChannelEnteredBridge', 'ChannelLeftBridge', 'StasisEnd']);
    // B stays, and hears no more from the snoop.
    const got = await ari(server, 'GET', `/channels/${s.b.id}`);
    assert.equal(got.status, 200);
  } finally {
    await s.close();
    events.close();
  }
});

test('DELETE on the snoop channel: ChannelHangupRequest (32, soft), StasisEnd; the target carries on', async () => {
  const events = await EventSocket.open(server, APP);
  const s = await scene(events, 'spy=in&whisper=out');
  try {
    const gone = await ari(server, 'DELETE', `/channels/${s.snoopId}`);
    assert.equal(gone.status, 204);
    const end = await events.wait((e) => e.type === 'StasisEnd' && e.channel!.id === s.snoopId);
    const hangup = events.events.find((e) => e.type === 'ChannelHangupRequest' && e.channel?.id === s.snoopId);
    assert.deepEqual([hangup?.cause, hangup?.soft], [32, true]);
    assert.ok(events.events.indexOf(hangup!) < events.events.indexOf(end));
    // A and C still hear each other, with nothing mixed in.
    const atC = await hearWhile(s.c.call, [[s.a.call, A_HZ]]);
    assert.ok(toneRatio(atC, A_HZ) > 0.8, `A's tone at C ${share(atC, A_HZ)}`);
  } finally {
    await s.close();
    events.close();
  }
});
