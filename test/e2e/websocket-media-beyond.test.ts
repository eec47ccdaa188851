// WebSocket media beyond Asterisk, in server mode, end to end: each addition switched on by its dial option and
// absent without it. MEDIA_START's `m` extras (app, args, chosen variables) field by field in plain text and JSON,
// from externalMedia (the app the channel will enter) and from /channels/create (the app it is in); a 1 MB message
// with `l` plays as 20 ms frames to a SIP caller while the call stays up (without `l`: 1009 and a hangup, as
// Asterisk); with `r` the marks a FLUSH drops come back in order before anything after the FLUSH (without it, never);
// with `a` the app needs the channel's token on /media/<id> (401 without, 403 wrong, accepted by query or Bearer).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall, type RtpPacketIn } from '../helpers/rtp-call.js';
import { createFrameCoder } from '../../src/media/codecs/audio-codecs.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { MediaApp, encode, mediaUrl, stasisStart } from './websocket-media-app.js';

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Answer()\n same => n,Stasis(wsb)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=40000\nrtpend=40999\n',
  });
  events = await EventSocket.open(server, 'wsb');
});

after(async () => {
  events.close();
  await server.close();
});

const seen = new Set<string>();
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POST /channels/externalMedia for a server-mode WebSocket channel in app `wsb`. */
async function externalMedia(
  transportData: string,
  extra: { data?: string; variables?: Record<string, string>; format?: string } = {},
): Promise<{ id: string; name: string; channelvars: Record<string, string> }> {
  const q = new URLSearchParams({
    app: 'wsb',
    encapsulation: 'none',
    transport: 'websocket',
    connection_type: 'server',
    format: extra.format ?? 'slin16',
    ...(transportData !== '' && { transport_data: transportData }),
    ...(extra.data !== undefined && { data: extra.data }),
  });
  const r = await ari(
    server,
    'POST',
    `/channels/externalMedia?${q.toString()}`,
    extra.variables && { variables: extra.variables },
  );
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/**
 * The app connects to a channel made by externalMedia; resolves once the channel is in Stasis and MEDIA_START has
 * arrived (it comes from the media worker, so the answer's StasisStart can overtake it).
 */
async function connected(made: { id: string; channelvars: Record<string, string> }, query = ''): Promise<MediaApp> {
  const app = await MediaApp.connect(mediaUrl(server, made.channelvars.MEDIA_WEBSOCKET_CONNECTION_ID!) + query);
  await stasisStart(events, made.id);
  await app.waitText(() => true);
  return app;
}

async function callerInBridgeWith(channelId: string): Promise<{ call: RtpCall; bridgeId: string }> {
  const call = await RtpCall.dial(server, 'app');
  const start = await events.wait((e) => e.type === 'StasisStart' && (e.channel as { name?: string }).name!.startsWith('PJSIP/') && !seen.has(e.channel!.id)); // prettier-ignore
  seen.add(start.channel!.id);
  const bridge = (await ari(server, 'POST', '/bridges?type=mixing')).json as { id: string };
  const added = await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${start.channel!.id},${channelId}`);
  assert.equal(added.status, 204);
  return { call, bridgeId: bridge.id };
}

test('m: MEDIA_START in plain text adds app, args and the chosen variables after Asterisk’s fields', async () => {
  const made = await externalMedia('m(TENANT,LEN(abc),NOT_SET)', {
    data: 'first,second words',
    variables: { TENANT: 'acme corp', SECRET: 's3' },
  });
  const app = await connected(made);
  try {
    const start = app.texts[0]!.data;
    const fields = start.split(' ');
    assert.deepEqual(fields, [
      'MEDIA_START',
      `connection_id:${made.channelvars.MEDIA_WEBSOCKET_CONNECTION_ID}`,
      `channel:${made.name}`,
      `channel_id:${made.id}`,
      'format:slin16',
      'optimal_frame_size:640',
      'ptime:20',
      'app:wsb',
      'app_args:first,second%20words',
      'var.TENANT:acme%20corp',
      'var.LEN(abc):3',
      'var.NOT_SET:',
    ]);
    const stasis = events.events.find((e) => e.type === 'StasisStart' && e.channel?.id === made.id)!;
    assert.deepEqual(stasis.args, ['first', 'second words'], 'the args MEDIA_START announced are StasisStart’s');
  } finally {
    app.close();
  }
});

test('m: MEDIA_START in JSON adds app, app_args and selected_variables; channel_variables stays all of them', async () => {
  const made = await externalMedia('f(json)m(TENANT)', { data: 'x', variables: { TENANT: 'acme', SECRET: 's3' } });
  const app = await connected(made);
  try {
    const start = JSON.parse(app.texts[0]!.data) as Record<string, any>;
    assert.equal(start.event, 'MEDIA_START');
    assert.equal(start.connection_id, made.channelvars.MEDIA_WEBSOCKET_CONNECTION_ID);
    assert.equal(start.channel, made.name);
    assert.equal(start.channel_id, made.id);
    assert.equal(start.format, 'slin16');
    assert.equal(start.optimal_frame_size, 640);
    assert.equal(start.ptime, 20);
    assert.equal(start.channel_variables.SECRET, 's3', 'Asterisk’s field is unchanged: every variable');
    assert.equal(start.app, 'wsb');
    assert.deepEqual(start.app_args, ['x']);
    assert.deepEqual(start.selected_variables, { TENANT: 'acme' }, 'only what the request chose');
  } finally {
    app.close();
  }
});

test('m: a channel made in Stasis by /channels/create announces that app and its args; without m, Asterisk’s text', async () => {
  const endpoint = encodeURIComponent('WebSocket/INCOMING/c(ulaw)m');
  const created = await ari(server, 'POST', `/channels/create?endpoint=${endpoint}&app=wsb&appArgs=${encodeURIComponent('a,b')}`); // prettier-ignore
  assert.equal(created.status, 200, created.text);
  const id = created.json.id as string;
  const cid = (await ari(server, 'GET', `/channels/${id}/variable?variable=MEDIA_WEBSOCKET_CONNECTION_ID`)).json.value;
  assert.equal((await ari(server, 'POST', `/channels/${id}/dial`)).status, 204);
  const app = await MediaApp.connect(mediaUrl(server, cid));
  const plain = await externalMedia('');
  const other = await connected(plain);
  try {
    const start = await app.waitText((t) => t.startsWith('MEDIA_START'));
    assert.match(start.data, / ptime:20 app:wsb app_args:a,b$/);
    assert.equal(
      other.texts[0]!.data,
      `MEDIA_START connection_id:${plain.channelvars.MEDIA_WEBSOCKET_CONNECTION_ID} channel:${plain.name} ` +
        `channel_id:${plain.id} format:slin16 optimal_frame_size:640 ptime:20`,
    );
  } finally {
    app.close();
    other.close();
  }
});

test('l: a 1 MB message plays as 20 ms frames to the SIP caller; the call stays up and audio goes on both ways', async (t) => {
  const made = await externalMedia('l');
  const app = await connected(made);
  const { call, bridgeId } = await callerInBridgeWith(made.id);
  try {
    await delay(200);
    const mark = call.audioPackets().length;
    const big = encode('slin16', sine(1000, 512 * 1024, 8000, 16000)); // 1 MiB, 32.8 s
    assert.equal(big.length, 1024 * 1024);
    const xoff = app.waitText((x) => x === 'MEDIA_XOFF');
    app.send(big);
    await xoff;
    app.send('GET_STATUS');
    const status = await app.waitText((x) => x.startsWith('STATUS'));
    const queued = Number(/queue_length:(\d+)/.exec(status.data)![1]);
    t.diagnostic(`queued after 1 MiB: ${queued} frames`);
    assert.ok(queued > 1600 && queued <= 1638, `1 MiB cut into 640-byte frames: ${queued}`);
    await call.waitForPackets(mark + 40);
    await delay(100);
    const ratio = toneRatio(call.heard(mark + 10), 1000);
    assert.ok(ratio > 0.8, `the caller hears the 1 MB message’s 1000 Hz: ${ratio.toFixed(3)}`);
    // A second one finds the queue over 1000 frames: refused with an ERROR, not a hangup.
    const from = app.texts.length;
    app.send(big);
    const error = await app.waitText((x) => x.startsWith('ERROR'), 5000, from);
    assert.match(error.data, /error_text:Media message dropped: 1048576 of 1048576 bytes refused, the queue is full/);
    // Flushed, the queue takes ordinary audio again and the caller hears it; the app still hears the caller.
    app.send('FLUSH_MEDIA');
    await app.waitText((x) => x === 'MEDIA_XON', 5000, from);
    const again = call.audioPackets().length;
    app.send(encode('slin16', sine(500, 16000, 8000, 16000)));
    const heardFrom = app.frames.length;
    await call.sendAudio(sine(440, 8000, 8000));
    await delay(150);
    const late = toneRatio(call.heard(again + 5).subarray(0, 4000), 500);
    assert.ok(late > 0.8, `then the caller hears 500 Hz: ${late.toFixed(3)}`);
    const appHeard = app.heard('slin16', heardFrom);
    const back = toneRatio(appHeard.subarray(appHeard.length - 12000), 440, 16000);
    assert.ok(back > 0.8, `the app hears the caller’s 440 Hz: ${back.toFixed(3)}`);
    assert.equal(app.closeCode, undefined, 'the socket is open');
    assert.ok(!events.typesFor(made.id).includes('ChannelDestroyed'), 'the channel is up');
    assert.equal(call.wasHungUp, false);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    app.close();
  }
});

test('without l, a 1 MB message closes the socket with 1009 and hangs up, as Asterisk does', async () => {
  const made = await externalMedia('');
  const app = await connected(made);
  app.send(Buffer.alloc(1024 * 1024));
  assert.equal(await app.waitClose(), 1009);
  await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === made.id);
});

/** Each µ-law packet's power at `freq`, with its arrival time. */
function toneByPacket(packets: readonly RtpPacketIn[], freq: number): { at: number; ratio: number }[] {
  const coder = createFrameCoder('ulaw');
  return packets.map((p) => {
    const pcm = new Int16Array(coder.samplesIn(p.payload.length));
    coder.decode(p.payload, pcm);
    return { at: p.at, ratio: toneRatio(pcm, freq) };
  });
}

/**
 * Tone A, mark m1, a long tone B, marks m2 and m3; once m1 has played and B is playing: FLUSH, REPORT_QUEUE_DRAINED
 * and GET_STATUS. Resolves with the FLUSH's time once both answers are in, with the texts since `from`.
 */
async function marksThenFlush(app: MediaApp, from: number): Promise<{ flushedAt: number; texts: string[] }> {
  app.send(encode('ulaw', sine(700, 2400, 8000))); // 300 ms
  app.send('MARK_MEDIA m1');
  app.send(encode('ulaw', sine(1200, 24000, 8000))); // 3 s
  app.send('MARK_MEDIA m2');
  app.send('MARK_MEDIA m3');
  await app.waitText((x) => x === 'MEDIA_MARK_PROCESSED m1', 5000, from);
  await delay(200);
  const flushedAt = app.send('FLUSH_MEDIA');
  app.send('REPORT_QUEUE_DRAINED');
  app.send('GET_STATUS');
  // The two answers may come in either order (a tick may fall between the commands).
  await app.waitText((x) => x === 'QUEUE_DRAINED', 5000, from);
  await app.waitText((x) => x.startsWith('STATUS'), 5000, from);
  return { flushedAt, texts: app.texts.slice(from).map((x) => x.data) };
}

test('r: the marks a FLUSH drops come back in order before what follows it; the caller stops hearing at once', async (t) => {
  const made = await externalMedia('r', { format: 'ulaw' });
  const app = await connected(made);
  const { call, bridgeId } = await callerInBridgeWith(made.id);
  try {
    await delay(200);
    const from = app.texts.length;
    const mark = call.audioPackets().length;
    const { flushedAt, texts } = await marksThenFlush(app, from);
    assert.deepEqual(texts.slice(0, 3), [
      'MEDIA_MARK_PROCESSED m1',
      'MEDIA_MARK_PROCESSED m2',
      'MEDIA_MARK_PROCESSED m3',
    ]);
    assert.deepEqual(
      texts
        .slice(3)
        .map((x) => x.split(' ')[0])
        .sort(),
      ['QUEUE_DRAINED', 'STATUS'],
    );
    assert.match(
      texts.find((x) => x.startsWith('STATUS'))!,
      / queue_length:0 /,
    );
    await delay(200);
    const heard = toneByPacket(call.audioPackets().slice(mark), 1200);
    const lastB = heard.findLast((p) => p.ratio > 0.5);
    assert.ok(lastB !== undefined, 'tone B was heard before the flush');
    const late = lastB.at - flushedAt;
    t.diagnostic(`tone B last heard ${late.toFixed(1)} ms after the FLUSH was sent`);
    assert.ok(late < 20 + 15, `silent within a frame: ${late.toFixed(1)} ms`);
    assert.equal(app.texts.slice(from).filter((x) => x.data.startsWith('MEDIA_MARK')).length, 3, 'each mark once');
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await call.hangup().catch(() => call.close());
    app.close();
  }
});

test('without r, the marks a FLUSH drops are never reported (Asterisk)', async () => {
  const made = await externalMedia('', { format: 'ulaw' });
  // (Not bridged: its frames are played to nobody, on the same clock.)
  const app = await connected(made);
  try {
    const { texts } = await marksThenFlush(app, app.texts.length);
    assert.deepEqual(texts.slice(0, 1), ['MEDIA_MARK_PROCESSED m1']);
    assert.deepEqual(
      texts
        .slice(1)
        .map((x) => x.split(' ')[0])
        .sort(),
      ['QUEUE_DRAINED', 'STATUS'],
    );
    assert.ok(!texts.some((x) => /m[23]$/.test(x)), texts.join(' | '));
  } finally {
    app.close();
  }
});

/** A handshake on `url` with `headers`: the HTTP status and headers of a refusal, or 101. */
function handshake(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; auth?: string; ws?: WebSocket }> {
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode!, auth: res.headers['www-authenticate'] });
      res.resume();
    });
    ws.once('error', reject);
  });
}

test('a: /media/<id> needs the channel’s token (401 without, 403 wrong); the query or a Bearer header opens it', async () => {
  const made = await externalMedia('a');
  const token = made.channelvars.MEDIA_WEBSOCKET_TOKEN!;
  assert.match(token, /^[A-Za-z0-9_-]{32}$/, 'the token is in the reply’s channel variables');
  const url = mediaUrl(server, made.channelvars.MEDIA_WEBSOCKET_CONNECTION_ID!);
  const none = await handshake(url);
  assert.equal(none.status, 401);
  assert.equal(none.auth, 'Bearer realm="media"');
  assert.equal((await handshake(`${url}?token=${'x'.repeat(32)}`)).status, 403);
  assert.equal((await handshake(url, { Authorization: 'Bearer nope' })).status, 403);
  assert.equal((await handshake(`${url}?token=`)).status, 403);
  assert.equal((await handshake(mediaUrl(server, 'no-such-id') + `?token=${token}`)).status, 404);
  const app = await connected(made, `?token=${encodeURIComponent(token)}`);
  try {
    assert.match(app.texts[0]!.data, /^MEDIA_START /);
    assert.equal((await handshake(`${url}?token=${token}`)).status, 409, 'attached: the next one is a conflict');
    assert.equal((await handshake(url)).status, 401, 'but only for one that has the token');
  } finally {
    app.close();
  }
  const bearer = await externalMedia('a');
  const opened = await handshake(mediaUrl(server, bearer.channelvars.MEDIA_WEBSOCKET_CONNECTION_ID!), {
    Authorization: `Bearer ${bearer.channelvars.MEDIA_WEBSOCKET_TOKEN!}`,
  });
  assert.equal(opened.status, 101);
  await stasisStart(events, bearer.id);
  opened.ws!.terminate();
  const open = await externalMedia('');
  assert.equal(open.channelvars.MEDIA_WEBSOCKET_TOKEN, undefined, 'without a, no token');
  const plain = await connected(open);
  plain.close();
});
