// AudioSocket channels end to end, with real audio: a SIP caller sending a tone is bridged with an AudioSocket
// channel made over ARI; the test's own AudioSocket app (a TCP server) checks the UUID message and the caller's
// tone (Goertzel), sends a second tone back in real-time 20 ms chunks and in 200 ms bursts (which the channel
// re-times into 20 ms frames), and the caller must hear it, evenly spaced. At 16 kHz the tone sent back is at
// 5 kHz, which only a wideband path carries.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket, mixingBridge } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall, type RtpPacketIn } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { AudioSocketApp, KIND, type AppConnection } from './audiosocket-app.js';

let server: TestServer;
let events: EventSocket;
let app: AudioSocketApp;

const APP = 'as';
const UUID = '0f3c1d2e-4b5a-6978-8a9b-0c1d2e3f4a5b';
/** The UUID message a real Asterisk 22.10.1 sent for UUID (captured on its connection). */
const UUID_PAYLOAD = '0f3c1d2e4b5a69788a9b0c1d2e3f4a5b';

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': `[default]\nexten => app,1,Answer()\n same => n,Stasis(${APP})\n same => n,Hangup()\n`,
    'pjsip.conf': EMBEDDED_PJSIP.replace(/(\[anonymous\][^[]*?allow = )ulaw,alaw/, '$1ulaw,alaw,slin16'),
    'rtp.conf': '[general]\nrtpstart=35000\nrtpend=35999\n',
  });
  events = await EventSocket.open(server, APP);
  app = await AudioSocketApp.start();
});

after(async () => {
  events.close();
  await app.close();
  await server.close();
});

const started = new Set<string>();

/** A SIP caller in the app. */
async function caller(codec: 'ulaw' | 'slin16'): Promise<{ call: RtpCall; id: string }> {
  const call = await RtpCall.dial(server, 'app', { codec });
  const start = await events.wait((e) => e.type === 'StasisStart' && !started.has(e.channel!.id));
  started.add(start.channel!.id);
  return { call, id: start.channel!.id };
}

/** Originate an AudioSocket channel into the app; resolves once it is in Stasis and connected. */
async function audioSocket(format: string, uuid = UUID): Promise<{ id: string; name: string; conn: AppConnection }> {
  const n = app.connections.length;
  const endpoint = encodeURIComponent(`AudioSocket/127.0.0.1:${app.port}/${uuid}`);
  const r = await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=${APP}&formats=${format}`);
  assert.equal(r.status, 200, r.text);
  const id = r.json.id as string;
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
  started.add(id);
  return { id, name: r.json.name as string, conn: await app.connection(n) };
}

/** Inter-arrival gaps (ms) of packets, sorted, with the figures the timing checks use. */
function timing(packets: readonly RtpPacketIn[]): { median: number; p95: number; max: number; count: number } {
  const gaps = packets.slice(1).map((p, i) => p.at - packets[i]!.at);
  gaps.sort((a, b) => a - b);
  const at = (q: number) => gaps[Math.min(gaps.length - 1, Math.floor(q * gaps.length))] ?? 0;
  return { median: at(0.5), p95: at(0.95), max: gaps.at(-1) ?? 0, count: packets.length };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const [format, codec, rate, back] of [
  ['slin16', 'slin16', 16000, 5000],
  ['slin', 'ulaw', 8000, 1100],
] as const) {
  test(`formats=${format}: the caller and the app hear each other, paced and in bursts`, async (t) => {
    const a = await caller(codec);
    const s = await audioSocket(format);
    const kind = format === 'slin16' ? KIND.SLIN16 : KIND.SLIN;
    const frameBytes = (rate / 50) * 2;
    try {
      assert.equal(s.name, `AudioSocket/127.0.0.1:${app.port}-${UUID}`);
      const uuid = await s.conn.waitFor((m) => m.kind === KIND.UUID);
      assert.equal(s.conn.messages[0], uuid[0], 'the UUID message comes first');
      assert.equal(uuid[0]!.payload.toString('hex'), UUID_PAYLOAD);
      for (const [name, value] of [
        ['AUDIOSOCKET_UUID', UUID],
        ['AUDIOSOCKET_SERVICE', `127.0.0.1:${app.port}`],
      ]) {
        const v = await ari(server, 'GET', `/channels/${s.id}/variable?variable=${name}`);
        assert.equal(v.json.value, value);
      }
      const bridgeId = await mixingBridge(server, [a.id, s.id]);
      await sleep(100);

      // The caller's 700 Hz reaches the app as one message per 20 ms frame.
      const mark = s.conn.messages.length;
      await a.call.sendAudio(sine(700, rate, 6000, rate));
      await sleep(100);
      const got = s.conn.messages.slice(mark).filter((m) => m.kind === kind);
      assert.ok(got.length >= 45, `${got.length} audio messages`);
      assert.ok(
        got.every((m) => m.payload.length === frameBytes),
        'each message is 20 ms',
      );
      const heardByApp = s.conn.audio(kind, mark);
      const appRatio = toneRatio(heardByApp.subarray(heardByApp.length - 0.8 * rate), 700, rate);
      assert.ok(appRatio > 0.5, `the app hears 700 Hz: ${appRatio}`);

      // The app's tone, in real-time 20 ms chunks, then in 200 ms bursts: the caller hears 20 ms packets evenly.
      const results: Record<string, unknown> = { appRatio: +appRatio.toFixed(3) };
      for (const [label, chunkMs] of [
        ['paced', 20],
        ['bursts', 200],
      ] as const) {
        const from = a.call.audioPackets().length;
        await s.conn.sendAudio(kind, sine(back, rate, 6000, rate), rate, chunkMs);
        await sleep(200);
        const packets = a.call.audioPackets().slice(from);
        const heard = a.call.heard(from);
        const ratio = toneRatio(heard.subarray(Math.max(0, heard.length - 0.8 * rate)), back, rate);
        const figures = timing(packets);
        results[label] = { ratio: +ratio.toFixed(3), ...figures };
        assert.ok(ratio > 0.5, `${label}: the caller hears ${back} Hz: ${ratio}`);
        assert.ok(figures.count >= 48 && figures.count <= 52, `${label}: ${figures.count} packets for 1 s`);
        assert.ok(
          packets.every((p) => p.payload.length === (codec === 'ulaw' ? 160 : 640)),
          `${label}: 20 ms packets`,
        );
        // Bursts of ten frames come out one per 20 ms tick, not ten at once.
        assert.ok(figures.median > 15 && figures.median < 25, `${label}: median gap ${figures.median} ms`);
        assert.ok(figures.p95 < 40, `${label}: 95% of gaps under 40 ms (${figures.p95})`);
      }
      t.diagnostic(JSON.stringify(results));
      await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    } finally {
      await ari(server, 'DELETE', `/channels/${s.id}`);
      await a.call.hangup().catch(() => a.call.close());
    }
  });
}

test('DTMF both ways: the caller’s digit reaches the app at its end; the app’s digit is a digit on the channel', async () => {
  const a = await caller('ulaw');
  const s = await audioSocket('slin');
  try {
    const bridgeId = await mixingBridge(server, [a.id, s.id]);
    await sleep(100);
    await a.call.sendDtmf('5', 120);
    const [digit] = await s.conn.waitFor((m) => m.kind === KIND.DTMF);
    assert.equal(digit!.payload.toString('latin1'), '5');
    assert.equal(digit!.payload.length, 1);

    const before = a.call.received.length;
    s.conn.send(Buffer.from([KIND.DTMF, 0, 1, '7'.charCodeAt(0)]));
    const received = await events.wait((e) => e.type === 'ChannelDtmfReceived' && e.channel?.id === s.id);
    assert.equal(received.digit, '7');
    assert.equal(received.duration_ms, 100);
    // The bridge plays it to the caller as RFC 4733 events (payload type 101, event 7), ending with the E bit.
    const deadline = Date.now() + 2000;
    while (!a.call.received.slice(before).some((p) => p.pt === 101 && (p.payload[1]! & 0x80) !== 0)) {
      assert.ok(Date.now() < deadline, 'the caller gets the digit');
      await sleep(10);
    }
    const telephoneEvents = a.call.received.slice(before).filter((p) => p.pt === 101);
    assert.ok(telephoneEvents.every((p) => p.payload[0] === 7));
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
  } finally {
    await ari(server, 'DELETE', `/channels/${s.id}`);
    await a.call.hangup().catch(() => a.call.close());
  }
});

test('errors, empty and unknown messages from the app are logged, and the call goes on', async () => {
  const a = await caller('ulaw');
  const s = await audioSocket('slin');
  const notices: string[] = [];
  server.app.core.channels.get(s.id)!.onMediaEvent((e) => {
    if (e.ev === 'audiosocket-notice') notices.push(`${e.notice} ${e.detail}`);
  });
  try {
    const bridgeId = await mixingBridge(server, [a.id, s.id]);
    await sleep(100);
    s.conn.send(Buffer.from([KIND.ERROR, 0, 1, 0x04, KIND.SLIN, 0, 0, 0x42, 0, 2, 1, 2, KIND.UUID, 0, 0]));
    const from = a.call.audioPackets().length;
    await s.conn.sendAudio(KIND.SLIN, sine(1300, 4000, 6000, 8000), 8000);
    await sleep(150);
    const heard = a.call.heard(from);
    assert.ok(toneRatio(heard, 1300, 8000) > 0.5, `the caller still hears the app: ${toneRatio(heard, 1300, 8000)}`);
    assert.deepEqual(notices, [
      'error-message the app sent error code 0x04',
      'empty-message an empty message of kind 0x10 was skipped',
      'unexpected-kind a message of kind 0x42 was skipped',
    ]);
    assert.equal(server.app.core.channels.get(s.id)?.isDestroyed, false);
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
  } finally {
    await ari(server, 'DELETE', `/channels/${s.id}`);
    await a.call.hangup().catch(() => a.call.close());
  }
});

test('the app hangs up (kind 0x00): StasisEnd and ChannelDestroyed with cause 0, no hangup request; the socket closes', async () => {
  const s = await audioSocket('slin16');
  s.conn.send(Buffer.from([KIND.HANGUP, 0, 0]));
  const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === s.id);
  assert.equal(destroyed.cause, 0);
  assert.equal(destroyed.cause_txt, 'Unknown');
  const types = events.typesFor(s.id);
  assert.ok(!types.includes('ChannelHangupRequest'), types.join(' '));
  assert.ok(types.indexOf('StasisEnd') < types.indexOf('ChannelDestroyed'));
  await s.conn.closed;
});

test('the app closing the connection ends the channel the same way', async () => {
  const s = await audioSocket('slin');
  s.conn.socket.end();
  const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === s.id);
  assert.equal(destroyed.cause, 0);
  assert.ok(!events.typesFor(s.id).includes('ChannelHangupRequest'));
});

test('hung up over ARI: cause 16 and the connection is closed', async () => {
  const s = await audioSocket('slin');
  assert.equal((await ari(server, 'DELETE', `/channels/${s.id}`)).status, 204);
  const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === s.id);
  assert.equal(destroyed.cause, 16);
  await s.conn.closed;
});
