// WebSocket media in client mode, end to end: Switchyard dials a websocket_client.conf connection (written into the
// test server's config folder) to the test's own `ws` server. The handshake carries the configured path and query
// plus this call's `v()` parameters, Basic auth and the protocol; MEDIA_START is the first message; a SIP caller
// bridged with the channel and the app hear each other's tones; HANGUP ends the call. A connection nobody answers
// fails the dial after its tries with cause 3, as Asterisk's NO_ROUTE_DESTINATION.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { after, before, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { MediaApp, encode, stasisStart } from './websocket-media-app.js';

let server: TestServer;
let events: EventSocket;
let http: Server;
let wss: WebSocketServer;
/** Sockets Switchyard opened to the test's server, with their handshake requests, in order. */
const connections: { app: MediaApp; req: IncomingMessage }[] = [];
let connectionArrived: (() => void) | undefined;
let deadPort = 0;

before(async () => {
  http = createServer();
  wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    connections.push({ app: new MediaApp(ws), req });
    connectionArrived?.();
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  deadPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const port = (http.address() as AddressInfo).port;
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Answer()\n same => n,Stasis(wsc)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=39000\nrtpend=39999\n',
    'websocket_client.conf': [
      '[media1]',
      'type=websocket_client',
      `uri=ws://127.0.0.1:${port}/media?tenant=acme`,
      'protocols=media',
      'username=sy',
      'password=s3cret',
      'connection_type=per_call_config',
      '[dead]',
      'type=websocket_client',
      `uri=ws://127.0.0.1:${deadPort}/`,
      'reconnect_attempts=3',
      'reconnect_interval=100',
    ].join('\n'),
  });
  events = await EventSocket.open(server, 'wsc');
});

after(async () => {
  events.close();
  await server.close();
  for (const c of connections) c.app.close();
  wss.close();
  http.close();
});

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The next socket Switchyard opens to the test's server. */
function nextConnection(): Promise<{ app: MediaApp; req: IncomingMessage }> {
  const count = connections.length;
  return new Promise((resolve) => {
    connectionArrived = () => {
      if (connections.length > count) resolve(connections[count]!);
    };
  });
}

test('the driver knows the configured connections (externalMedia’s external_host check)', () => {
  const driver = server.app.core.driver('WebSocket');
  assert.equal(driver?.knowsResource?.('media1'), true);
  assert.equal(driver?.knowsResource?.('dead'), true);
  assert.equal(driver?.knowsResource?.('nope'), false);
});

test('the channel dials its connection with the call’s v() query, auth and protocol; MEDIA_START comes first', async () => {
  const arriving = nextConnection();
  const endpoint = encodeURIComponent('WebSocket/media1/c(ulaw)v(call=42,who=a%20b)');
  const made = await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=wsc`);
  assert.equal(made.status, 200);
  assert.match(made.json.name, /^WebSocket\/media1\/0x[0-9a-f]+$/);
  const { app, req } = await arriving;
  assert.equal(req.url, '/media?tenant=acme&call=42&who=a%20b');
  assert.equal(req.headers.authorization, `Basic ${Buffer.from('sy:s3cret').toString('base64')}`);
  assert.equal(req.headers['sec-websocket-protocol'], 'media');
  const start = await app.waitText((t) => t.startsWith('MEDIA_START'));
  assert.equal(app.texts[0], start, 'the first message');
  assert.equal(
    start.data,
    `MEDIA_START connection_id:media1 channel:${made.json.name} channel_id:${made.json.id} format:ulaw ` +
      'optimal_frame_size:160 ptime:20',
  );
  await stasisStart(events, made.json.id);
  // The next call to the same connection carries only its own parameters.
  const second = nextConnection();
  const plain = await ari(server, 'POST', `/channels?endpoint=${encodeURIComponent('WebSocket/media1')}&app=wsc&formats=alaw`); // prettier-ignore
  const other = await second;
  assert.equal(other.req.url, '/media?tenant=acme');
  assert.match((await other.app.waitText((t) => t.startsWith('MEDIA_START'))).data, / format:alaw /);
  app.send('HANGUP');
  other.app.send('HANGUP');
  assert.equal(await app.waitClose(), 1000);
  await other.app.waitClose();
  const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === plain.json.id);
  assert.equal(destroyed.cause, 16);
});

test('a SIP caller and a client-mode channel bridged hear each other’s tones; the app’s close hangs up', async () => {
  const call = await RtpCall.dial(server, 'app');
  const sipStart = await events.wait((e) => e.type === 'StasisStart' && (e.channel as { name?: string }).name!.startsWith('PJSIP/') && !events.events.some((o) => o !== e && o.type === 'StasisEnd' && o.channel?.id === e.channel?.id)); // prettier-ignore
  const arriving = nextConnection();
  const endpoint = encodeURIComponent('WebSocket/media1/c(slin16)f(json)');
  const made = (await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=wsc`)).json as { id: string };
  const { app } = await arriving;
  const start = await app.waitEvent('MEDIA_START');
  assert.equal(start.data.connection_id, 'media1');
  assert.equal(start.data.channel_variables.MEDIA_WEBSOCKET_CONNECTION_ID, 'media1');
  await stasisStart(events, made.id);
  const bridge = (await ari(server, 'POST', '/bridges?type=mixing')).json as { id: string };
  await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${sipStart.channel!.id},${made.id}`);
  try {
    await delay(200);
    const from = app.frames.length;
    const mark = call.audioPackets().length;
    app.send(encode('slin16', sine(1000, 16000, 8000, 16000)));
    await call.sendAudio(sine(440, 8000, 8000));
    await delay(200);
    const appHeard = app.heard('slin16', from);
    const appRatio = toneRatio(appHeard.subarray(appHeard.length - 12000), 440, 16000);
    assert.ok(appRatio > 0.8, `app hears 440 Hz: ${appRatio.toFixed(3)}`);
    const callerRatio = toneRatio(call.heard(mark).subarray(2000, 7000), 1000);
    assert.ok(callerRatio > 0.8, `caller hears 1000 Hz: ${callerRatio.toFixed(3)}`);
    app.ws.close(1000);
    const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === made.id);
    assert.equal(destroyed.cause, 16);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridge.id}`);
    await call.hangup().catch(() => call.close());
  }
});

test('a connection that cannot be made fails the dial after its tries, cause 3 (no route to destination)', async () => {
  const began = performance.now();
  const made = await ari(server, 'POST', `/channels?endpoint=${encodeURIComponent('WebSocket/dead/c(ulaw)')}&app=wsc`);
  assert.equal(made.status, 200, 'the request itself succeeds: the connection is made when the channel is called');
  const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === made.json.id);
  const took = performance.now() - began;
  assert.equal(destroyed.cause, 3);
  assert.ok(took >= 200 && took < 1500, `three tries 100 ms apart: ${took.toFixed(0)} ms`);
  assert.ok(!events.typesFor(made.json.id).includes('StasisStart'));
});

test('an unknown connection id cannot be requested', async () => {
  const r = await ari(server, 'POST', `/channels?endpoint=${encodeURIComponent('WebSocket/nope/c(ulaw)')}&app=wsc`);
  assert.equal(r.status, 500);
  assert.equal(r.json.error, 'Allocation failed'); // Asterisk's body for a failed channel request
});
