// WebSocket media in server mode, end to end with real audio: `WebSocket/INCOMING` channels the test's own `ws`
// client connects to at `/media/<connection id>`, bridged with a SIP caller sending RTP. Each side hears the
// other's tone (Goertzel); marks come back in order once the audio before them has played, timed against the RTP
// the SIP caller receives; FLUSH_MEDIA silences queued audio within a frame; XOFF when flooded and XON after the
// drain, at chan_websocket's levels; SET_MEDIA_DIRECTION; DTMF_END for the caller's digits; the handshake's
// refusals.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket, mixingBridge } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall, tonesByPacket } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { MediaApp, encode, mediaUrl, originateIncoming, stasisStart } from './websocket-media-app.js';

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Answer()\n same => n,Stasis(wsm)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=38000\nrtpend=38999\n',
  });
  events = await EventSocket.open(server, 'wsm');
});

after(async () => {
  events.close();
  await server.close();
});

const seen = new Set<string>();
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A SIP caller in Stasis. */
async function caller(): Promise<{ call: RtpCall; id: string }> {
  const call = await RtpCall.dial(server, 'app');
  const start = await events.wait((e) => e.type === 'StasisStart' && (e.channel as { name?: string }).name!.startsWith('PJSIP/') && !seen.has(e.channel!.id)); // prettier-ignore
  seen.add(start.channel!.id);
  return { call, id: start.channel!.id };
}

/** A WebSocket channel whose app connected, answered and in Stasis. */
async function mediaChannel(options: string): Promise<{ app: MediaApp; id: string; name: string }> {
  const made = await originateIncoming(server, 'wsm', options);
  const app = await MediaApp.connect(mediaUrl(server, made.connectionId));
  await stasisStart(events, made.id);
  return { app, id: made.id, name: made.name };
}

test('a SIP caller and a server-mode WebSocket channel (slin16, JSON) bridged hear each other’s tones', async () => {
  const { call, id: sipId } = await caller();
  const { app, id } = await mediaChannel('c(slin16)f(json)');
  const start = await app.waitEvent('MEDIA_START');
  assert.equal(start.data.format, 'slin16');
  assert.equal(start.data.optimal_frame_size, 640);
  assert.equal(app.texts[0]!.data, app.texts.find((t) => t.data.includes('MEDIA_START'))!.data, 'first message');
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    await delay(200);
    // Caller → app: 1 s of 440 Hz over RTP, heard as 16 kHz little-endian frames of 640 bytes.
    const from = app.frames.length;
    await call.sendAudio(sine(440, 8000, 8000));
    await delay(100);
    const frames = app.frames.slice(from);
    assert.ok(
      frames.every((f) => f.data.length === 640),
      'one 20 ms slin16 frame per message',
    );
    const heardByApp = app.heard('slin16', from);
    assert.ok(heardByApp.length >= 14000, `app heard ${heardByApp.length} samples`);
    const ratio = toneRatio(heardByApp.subarray(heardByApp.length - 12000), 440, 16000);
    assert.ok(ratio > 0.8, `app hears 440 Hz: ${ratio.toFixed(3)}`);
    // App → caller: 1 s of 1000 Hz in one message, played at 20 ms a frame.
    const mark = call.audioPackets().length;
    app.send(encode('slin16', sine(1000, 16000, 8000, 16000)));
    await delay(1200);
    const heardByCaller = call.heard(mark);
    const got = toneRatio(heardByCaller.subarray(2000, 8000), 1000);
    assert.ok(got > 0.8, `caller hears 1000 Hz: ${got.toFixed(3)}`);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    app.close();
  }
});

test('two SIP callers and a WebSocket channel mixed: the app hears both, each caller hears the app', async (t) => {
  const a = await caller();
  const b = await caller();
  const { app, id } = await mediaChannel('c(slin)');
  const bridgeId = await mixingBridge(server, [a.id, b.id, id]);
  try {
    const got = (await ari(server, 'GET', `/bridges/${bridgeId}`)).json as { technology: string };
    assert.equal(got.technology, 'softmix');
    await delay(300);
    const from = app.frames.length;
    const marks = [a.call.audioPackets().length, b.call.audioPackets().length];
    app.send(encode('slin', sine(1000, 12000, 6000))); // 1.5 s
    await Promise.all([a.call.sendAudio(sine(500, 12000, 6000)), b.call.sendAudio(sine(700, 12000, 6000))]);
    await delay(150);
    const heard = app.heard('slin', from);
    const tail = heard.subarray(Math.max(0, heard.length - 8000));
    const appHears = [toneRatio(tail, 500), toneRatio(tail, 700)];
    assert.ok(
      appHears.every((r) => r > 0.25),
      `app hears both callers: ${appHears.map((r) => r.toFixed(3)).join(' ')}`,
    );
    t.diagnostic(`app: 500 Hz ${appHears[0]!.toFixed(3)}, 700 Hz ${appHears[1]!.toFixed(3)}`);
    for (const [i, c] of [a, b].entries()) {
      const h = c.call.heard(marks[i]);
      const r = toneRatio(h.subarray(2000, 8000), 1000);
      t.diagnostic(`caller ${i}: 1000 Hz ${r.toFixed(3)}`);
      assert.ok(r > 0.25, `caller ${i} hears the app: ${r.toFixed(3)}`);
    }
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    for (const c of [a, b]) await c.call.hangup().catch(() => c.call.close());
    app.close();
  }
});

test('marks come back in order, each once the audio before it has played (against the caller’s RTP)', async (t) => {
  const { call, id: sipId } = await caller();
  const { app, id } = await mediaChannel('c(ulaw)');
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    await delay(200);
    const from = call.received.length;
    const sentAt = app.send(Buffer.concat([encode('ulaw', sine(700, 4800, 8000))])); // 600 ms
    app.send('MARK_MEDIA m1');
    app.send(encode('ulaw', sine(1200, 3200, 8000))); // 400 ms
    app.send('MARK_MEDIA m2');
    const m2 = await app.waitText((t) => t === 'MEDIA_MARK_PROCESSED m2', 3000);
    const m1 = app.texts.find((t) => t.data === 'MEDIA_MARK_PROCESSED m1')!;
    assert.ok(m1.at < m2.at, 'in order');
    await delay(100);
    const packets = tonesByPacket(
      call.audioPackets().filter((p) => call.received.indexOf(p) >= from),
      [700, 1200],
    );
    const lastA = packets.findLast((p) => p.ratios[0]! > 0.5)!;
    const firstB = packets.find((p) => p.ratios[1]! > 0.5)!;
    const lastB = packets.findLast((p) => p.ratios[1]! > 0.5)!;
    const rel = (t: number) => (t - sentAt).toFixed(1);
    const detail = `A ends ${rel(lastA.at)}, B ${rel(firstB.at)}–${rel(lastB.at)}, m1 ${rel(m1.at)}, m2 ${rel(m2.at)} ms`;
    t.diagnostic(detail);
    // A mark leaves on the tick after the last frame before it: after that frame's RTP, with the next one.
    assert.ok(m1.at >= lastA.at, `m1 after the first tone played: ${detail}`);
    assert.ok(Math.abs(m1.at - firstB.at) < 30, `m1 with the second tone's start: ${detail}`);
    assert.ok(m2.at >= lastB.at && m2.at - lastB.at < 50, `m2 after the second tone: ${detail}`);
    assert.ok(lastB.at - firstB.at > 360, `the second tone played whole: ${detail}`);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    app.close();
  }
});

test('FLUSH_MEDIA silences the queued audio within a frame and empties the queue', async (t) => {
  const { call, id: sipId } = await caller();
  const { app, id } = await mediaChannel('c(slin)');
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    await delay(200);
    const from = call.received.length;
    app.send('START_MEDIA_BUFFERING');
    for (let i = 0; i < 6; i++) app.send(encode('slin', sine(900, 4000 + 3, 8000))); // 3 s in odd-sized chunks
    app.send('STOP_MEDIA_BUFFERING tone');
    await delay(500);
    const flushedAt = app.send('FLUSH_MEDIA');
    app.send('GET_STATUS');
    const status = await app.waitText((t) => t.startsWith('STATUS'));
    assert.match(status.data, / queue_length:0 .* queue_full:false bulk_media:false media_paused:false$/);
    await delay(300);
    const packets = tonesByPacket(
      call.audioPackets().filter((p) => call.received.indexOf(p) >= from),
      [900],
    );
    const toned = packets.filter((p) => p.ratios[0]! > 0.5);
    assert.ok(toned.length >= 20, `the tone played before the flush (${toned.length} packets)`);
    const last = toned.at(-1)!.at - flushedAt;
    t.diagnostic(`last tone packet ${last.toFixed(1)} ms after FLUSH_MEDIA was sent`);
    assert.ok(last < 20 + 15, `last tone packet ${last.toFixed(1)} ms after FLUSH_MEDIA`);
    assert.ok(!app.texts.some((t) => t.data.startsWith('MEDIA_BUFFERING_COMPLETED')), 'its marker went too');
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    app.close();
  }
});

test('XOFF once 900 frames wait, XON once fewer than 800 do; a message at 1000 is dropped whole', async (t) => {
  const { app, id } = await mediaChannel('c(ulaw)f(json)');
  try {
    const frames = (n: number) => encode('ulaw', sine(500, n * 160, 4000));
    // Messages stay under the 64 KB limit (400 µ-law frames).
    app.send(frames(300));
    app.send(frames(300));
    const sentAt = app.send(frames(310));
    const xoff = await app.waitEvent('MEDIA_XOFF');
    assert.equal(xoff.data.channel_id, id);
    assert.ok(xoff.at - sentAt < 50, 'XOFF as the 900th frame is queued');
    const full = await app.ask('GET_STATUS', 'STATUS');
    assert.equal(full.data.queue_full, true);
    assert.ok(full.data.queue_length >= 900 && full.data.queue_length <= 910, `${full.data.queue_length} queued`);
    // 10 frames over 800 played at 20 ms: XON about 2.1 s after the flood.
    const xon = await app.waitEvent('MEDIA_XON', 4000);
    const waited = xon.at - sentAt;
    t.diagnostic(`XOFF ${(xoff.at - sentAt).toFixed(1)} ms, XON ${waited.toFixed(0)} ms after the flood`);
    assert.ok(waited > 1900 && waited < 2600, `XON after ${waited.toFixed(0)} ms`);
    const drained = await app.ask('GET_STATUS', 'STATUS');
    assert.equal(drained.data.queue_full, false);
    assert.ok(drained.data.queue_length < 800);
    // Flood past the limit: a message that arrives at 1000 or more is dropped whole.
    app.send('{"command":"FLUSH_MEDIA"}');
    for (let i = 0; i < 11; i++) app.send(frames(100));
    const capped = await app.ask('GET_STATUS', 'STATUS');
    assert.ok(
      capped.data.queue_length > 950 && capped.data.queue_length <= 1000,
      `the eleventh message was dropped: ${capped.data.queue_length}`,
    );
  } finally {
    app.close();
  }
});

test('SET_MEDIA_DIRECTION: out stops audio to the app, in drops the app’s audio and freezes its queue', async () => {
  const { call, id: sipId } = await caller();
  const { app, id } = await mediaChannel('c(ulaw)f(json)');
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    await delay(200);
    const sending = call.sendAudio(sine(440, 16000, 6000)); // 2 s while the directions change
    await delay(300);
    app.send('{"command":"SET_MEDIA_DIRECTION","direction":"out"}');
    await delay(100);
    const quietFrom = app.frames.length;
    await delay(400);
    assert.equal(app.frames.length, quietFrom, 'no audio to the app while its direction is out');
    app.send('{"command":"SET_MEDIA_DIRECTION","direction":"both"}');
    await delay(300);
    assert.ok(app.frames.length - quietFrom >= 10, 'audio again with both');
    await sending;
    // `in`: the queue stops where it is, and what the app sends now is dropped.
    app.send(encode('ulaw', sine(1000, 8000, 8000)));
    app.send('{"command":"SET_MEDIA_DIRECTION","direction":"in"}');
    const frozen = (await app.ask('GET_STATUS', 'STATUS')).data.queue_length as number;
    assert.ok(frozen > 0 && frozen <= 50, `${frozen} frames frozen`);
    const mark = call.audioPackets().length;
    app.send(encode('ulaw', sine(1000, 8000, 8000)));
    await delay(300);
    assert.equal((await app.ask('GET_STATUS', 'STATUS')).data.queue_length, frozen);
    assert.ok(toneRatio(call.heard(mark), 1000) < 0.1, 'the caller hears none of it');
    const refused = await app.ask('MARK_MEDIA', 'ERROR');
    assert.equal(refused.data.error_text, "MARK_MEDIA not supported while media direction is 'in'");
    // Back to both: the frozen frames play.
    app.send('{"command":"SET_MEDIA_DIRECTION","direction":"both"}');
    await delay(frozen * 20 + 100);
    assert.equal((await app.ask('GET_STATUS', 'STATUS')).data.queue_length, 0);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    app.close();
  }
});

test('digits the caller sends reach the app as DTMF_END; so do digits ARI sends to the channel', async () => {
  const { call, id: sipId } = await caller();
  const { app, id } = await mediaChannel('c(ulaw)');
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    await delay(100);
    await call.sendDtmf('5', 100);
    const dtmf = await app.waitText((t) => t.startsWith('DTMF_END'));
    assert.equal(dtmf.data, `DTMF_END digit:5 channel_id:${id}`);
    assert.equal((await ari(server, 'POST', `/channels/${id}/dtmf?dtmf=7`)).status, 204);
    await app.waitText((t) => t === `DTMF_END digit:7 channel_id:${id}`);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    app.close();
  }
});

test('with n the channel waits for ANSWER, then enters Stasis; HANGUP ends it and closes with 1000', async () => {
  const made = await originateIncoming(server, 'wsm', 'nc(ulaw)');
  const app = await MediaApp.connect(mediaUrl(server, made.connectionId), ['media']);
  assert.equal(app.ws.protocol, 'media');
  const start = await app.waitText((t) => t.startsWith('MEDIA_START'));
  assert.equal(
    start.data,
    `MEDIA_START connection_id:${made.connectionId} channel:${made.name} channel_id:${made.id} format:ulaw ` +
      'optimal_frame_size:160 ptime:20',
  );
  await delay(300);
  assert.ok(!events.typesFor(made.id).includes('StasisStart'), 'not answered');
  assert.equal((await ari(server, 'GET', `/channels/${made.id}`)).json.state, 'Down');
  app.send('ANSWER');
  await stasisStart(events, made.id);
  app.send('HANGUP');
  assert.equal(await app.waitClose(), 1000);
  const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === made.id);
  assert.equal(destroyed.cause, 16);
});

test('the app closing its socket hangs the channel up; the id is then unknown', async () => {
  const { app, id } = await mediaChannel('c(ulaw)');
  const connectionId = (await ari(server, 'GET', `/channels/${id}/variable?variable=MEDIA_WEBSOCKET_CONNECTION_ID`))
    .json.value as string;
  app.ws.close(1000);
  const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === id);
  assert.equal(destroyed.cause, 16);
  await assert.rejects(MediaApp.connect(mediaUrl(server, connectionId)), /HTTP 404/);
});

test('the handshake: 404 for an unknown id, 409 for a second socket, 400 without `media` offered, 426 without upgrade', async () => {
  await assert.rejects(MediaApp.connect(mediaUrl(server, 'no-such-id')), /HTTP 404/);
  const made = await originateIncoming(server, 'wsm', 'c(ulaw)');
  const url = mediaUrl(server, made.connectionId);
  await assert.rejects(MediaApp.connect(url, ['chat']), /HTTP 400/);
  const plain = await fetch(url.replace('ws', 'http'));
  assert.equal(plain.status, 426);
  const app = await MediaApp.connect(url);
  await stasisStart(events, made.id);
  await assert.rejects(MediaApp.connect(url), /HTTP 409/);
  const conflict = await fetch(url.replace('ws', 'http'));
  assert.equal(conflict.status, 409);
  assert.match(await conflict.text(), /Another websocket connection exists for this connection id/);
  app.send('HANGUP');
  await app.waitClose();
});

/** The bytes of `frames` end to end. */
const bytesOf = (frames: readonly { data: Buffer }[]): Buffer => Buffer.concat(frames.map((f) => f.data));

test('µ-law both ends: the app’s frames reach the SIP caller byte for byte', async () => {
  const { call, id: sipId } = await caller();
  const { app, id } = await mediaChannel('c(ulaw)');
  const bridgeId = await mixingBridge(server, [sipId, id]);
  try {
    await delay(200);
    const mark = call.audioPackets().length;
    const sent = encode('ulaw', sine(1000, 8000, 8000));
    app.send(sent);
    await delay(1300);
    const packets = call.audioPackets().slice(mark);
    const got = bytesOf(packets.map((p) => ({ data: p.payload })));
    assert.ok(got.indexOf(sent) >= 0, `the 8 000 bytes sent are in the ${got.length} bytes received, in order`);
    const ratio = toneRatio(call.heard(mark).subarray(0, 8000), 1000);
    assert.ok(ratio > 0.8, `caller hears 1000 Hz: ${ratio.toFixed(3)}`);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    app.close();
  }
});

test('two µ-law WebSocket channels bridged pass each other’s frames byte for byte', async () => {
  const a = await mediaChannel('c(ulaw)');
  const b = await mediaChannel('c(ulaw)');
  const bridgeId = await mixingBridge(server, [a.id, b.id]);
  try {
    await delay(200);
    const [fromA, fromB] = [a.app.frames.length, b.app.frames.length];
    const toB = encode('ulaw', sine(1000, 8000, 8000));
    const toA = encode('ulaw', sine(600, 8000, 8000));
    a.app.send(toB);
    b.app.send(toA);
    await delay(1300);
    const heardByB = bytesOf(b.app.frames.slice(fromB));
    const heardByA = bytesOf(a.app.frames.slice(fromA));
    assert.ok(heardByB.indexOf(toB) >= 0, `B got A's 8 000 bytes in order (${heardByB.length} received)`);
    assert.ok(heardByA.indexOf(toA) >= 0, `A got B's 8 000 bytes in order (${heardByA.length} received)`);
    const ratioB = toneRatio(b.app.heard('ulaw', fromB), 1000);
    const ratioA = toneRatio(a.app.heard('ulaw', fromA), 600);
    assert.ok(
      ratioB > 0.8 && ratioA > 0.8,
      `B hears 1000 Hz ${ratioB.toFixed(3)}, A hears 600 Hz ${ratioA.toFixed(3)}`,
    );
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    a.app.close();
    b.app.close();
  }
});
