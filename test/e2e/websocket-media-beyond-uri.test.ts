// WebSocket media to a URI named per call, end to end: websocket_client.conf's [general] allows one loopback
// server (host and port) of the two the test runs. externalMedia with `external_host=ws://…` dials it with the URI's
// path and query, `v()` parameters and `h()` headers; a SIP caller bridged with the channel and the test's server
// hear each other's tones; with `l` a 1 MB message from the server plays to the caller and the call stays up. A host
// or port not allowed, another scheme or a fragment is a 400 in Asterisk's words plus the reason, and nothing is
// dialled; originate with the same URI fails the request (500, Allocation failed); without [general] nothing is.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { WebSocketDriver } from '../../src/channels/websocket/websocket-driver.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { MediaApp, encode, stasisStart } from './websocket-media-app.js';

/** A loopback WebSocket server recording each connection Switchyard opens, with its handshake request. */
class AppServer {
  readonly connections: { app: MediaApp; req: IncomingMessage }[] = [];
  #arrived: (() => void) | undefined;
  readonly http: Server = createServer();
  readonly wss = new WebSocketServer({ server: this.http, perMessageDeflate: false });

  constructor() {
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
      this.connections.push({ app: new MediaApp(ws), req });
      this.#arrived?.();
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', r));
    return (this.http.address() as AddressInfo).port;
  }

  /** The next connection. */
  next(): Promise<{ app: MediaApp; req: IncomingMessage }> {
    const count = this.connections.length;
    return new Promise((resolve) => {
      this.#arrived = () => {
        if (this.connections.length > count) resolve(this.connections[count]!);
      };
    });
  }

  close(): void {
    for (const c of this.connections) c.app.close();
    this.wss.close();
    this.http.close();
  }
}

let server: TestServer;
let events: EventSocket;
const allowed = new AppServer();
const other = new AppServer();
let port = 0;
let otherPort = 0;

before(async () => {
  port = await allowed.listen();
  otherPort = await other.listen();
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Answer()\n same => n,Stasis(wsu)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=41000\nrtpend=41999\n',
    'websocket_client.conf': [
      '[general]',
      `allowed_per_call_hosts = 127.0.0.1:${port}, bots.example.invalid`,
      'connection_timeout = 2000',
      'reconnect_attempts = 1',
      '[media1]',
      'type=websocket_client',
      `uri=ws://127.0.0.1:${port}/configured`,
    ].join('\n'),
  });
  events = await EventSocket.open(server, 'wsu');
});

after(async () => {
  events.close();
  await server.close();
  allowed.close();
  other.close();
});

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POST /channels/externalMedia, websocket client to `host`. */
function externalMedia(host: string, transportData = '', format = 'slin16') {
  const q = new URLSearchParams({
    app: 'wsu',
    encapsulation: 'none',
    transport: 'websocket',
    connection_type: 'client',
    external_host: host,
    format,
    ...(transportData !== '' && { transport_data: transportData }),
  });
  return ari(server, 'POST', `/channels/externalMedia?${q.toString()}`);
}

test('a per-call URI is dialled with its path and query, v() and h(); tones cross both ways; l takes 1 MB', async (t) => {
  const arriving = allowed.next();
  const uri = `ws://127.0.0.1:${port}/bots/alpha?session=s1`;
  const r = await externalMedia(uri, 'v(call=42)h(X-Tenant=acme%20corp,Authorization=Bearer%20abc)f(json)l');
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.name, new RegExp(`^WebSocket/127\\.0\\.0\\.1:${port}/0x[0-9a-f]+$`));
  assert.equal(r.json.channelvars.MEDIA_WEBSOCKET_CONNECTION_ID, `ws://127.0.0.1:${port}/bots/alpha`);
  const { app, req } = await arriving;
  assert.equal(req.url, '/bots/alpha?session=s1&call=42');
  assert.equal(req.headers['x-tenant'], 'acme corp');
  assert.equal(req.headers.authorization, 'Bearer abc');
  const start = await app.waitEvent('MEDIA_START');
  assert.equal(app.texts[0]!.data, JSON.stringify(start.data), 'MEDIA_START first');
  assert.equal(start.data.connection_id, `ws://127.0.0.1:${port}/bots/alpha`);
  assert.equal(start.data.channel_id, r.json.id);
  await stasisStart(events, r.json.id);

  const call = await RtpCall.dial(server, 'app');
  const sip = await events.wait((e) => e.type === 'StasisStart' && (e.channel as { name?: string }).name!.startsWith('PJSIP/')); // prettier-ignore
  const bridge = (await ari(server, 'POST', '/bridges?type=mixing')).json as { id: string };
  await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${sip.channel!.id},${r.json.id}`);
  try {
    await delay(200);
    const from = app.frames.length;
    const mark = call.audioPackets().length;
    app.send(encode('slin16', sine(1000, 16000, 8000, 16000)));
    await call.sendAudio(sine(440, 8000, 8000));
    await delay(200);
    const appHeard = app.heard('slin16', from);
    const appRatio = toneRatio(appHeard.subarray(appHeard.length - 12000), 440, 16000);
    assert.ok(appRatio > 0.8, `the URI's server hears 440 Hz: ${appRatio.toFixed(3)}`);
    const callerRatio = toneRatio(call.heard(mark).subarray(2000, 7000), 1000);
    assert.ok(callerRatio > 0.8, `the caller hears 1000 Hz: ${callerRatio.toFixed(3)}`);
    t.diagnostic(`440 Hz at the app ${appRatio.toFixed(3)}, 1000 Hz at the caller ${callerRatio.toFixed(3)}`);

    // l: one message of 1 MiB (32.8 s of 700 Hz) over the client connection, taken whole and played.
    const big = encode('slin16', sine(700, 512 * 1024, 8000, 16000));
    const before = call.audioPackets().length;
    const textFrom = app.texts.length;
    app.send(big);
    await app.waitEvent('MEDIA_XOFF', 5000, textFrom);
    await call.waitForPackets(before + 30);
    await delay(100);
    const bigRatio = toneRatio(call.heard(before + 10), 700);
    assert.ok(bigRatio > 0.8, `the caller hears the 1 MiB message: ${bigRatio.toFixed(3)}`);
    const status = await app.ask('GET_STATUS', 'STATUS');
    assert.ok(status.data.queue_length > 1500, `the rest waits in the queue: ${status.data.queue_length}`);
    assert.equal(app.closeCode, undefined);
    assert.ok(!events.typesFor(r.json.id).includes('ChannelDestroyed'));
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridge.id}`);
    await call.hangup().catch(() => call.close());
  }
  app.send(JSON.stringify({ command: 'HANGUP' }));
  assert.equal(await app.waitClose(), 1000);
});

test('originate dials an allowed URI written between angle brackets, with its own parameters only', async () => {
  const arriving = allowed.next();
  const endpoint = encodeURIComponent(`WebSocket/<ws://127.0.0.1:${port}/orig>/c(ulaw)v(a=1)`);
  const made = await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=wsu`);
  assert.equal(made.status, 200, made.text);
  const { app, req } = await arriving;
  assert.equal(req.url, '/orig?a=1');
  assert.equal(req.headers['x-tenant'], undefined, 'no header from another call');
  assert.match((await app.waitText((x) => x.startsWith('MEDIA_START'))).data, / format:ulaw /);
  app.send('HANGUP');
  await app.waitClose();
});

test('refused per-call URIs: 400 with Asterisk’s words and the reason; nothing is dialled', async () => {
  const asterisk = 'external_host must be a valid websocket_client connection id.';
  const cases: [string, string][] = [
    [`ws://127.0.0.1:${otherPort}/x`, `host 127.0.0.1:${otherPort} is not in websocket_client.conf [general] allowed_per_call_hosts`], // prettier-ignore
    ['ws://127.0.0.2:80/x', 'host 127.0.0.2:80 is not in websocket_client.conf [general] allowed_per_call_hosts'],
    [`http://127.0.0.1:${port}/x`, `http://127.0.0.1:${port}/x is not a ws:// or wss:// URI`],
    [`ws://127.0.0.1:${port}/x#frag`, `ws://127.0.0.1:${port}/x#frag has a fragment`],
    [`ws://127.0.0.1:${port}/a<b>`, `ws://127.0.0.1:${port}/a<b> holds white space or angle brackets`],
  ];
  for (const [host, why] of cases) {
    const r = await externalMedia(host);
    assert.equal(r.status, 400, host);
    assert.equal(r.json.message, `${asterisk} Per-call URI refused: ${why}`);
  }
  const plain = await externalMedia('nope');
  assert.equal(plain.status, 400);
  assert.equal(plain.json.message, asterisk, 'a value that is no URI: Asterisk’s message alone');
  const endpoint = encodeURIComponent(`WebSocket/<ws://127.0.0.1:${otherPort}/x>`);
  const originated = await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=wsu`);
  assert.equal(originated.status, 500);
  assert.equal(originated.json.error, 'Allocation failed');
  assert.equal(other.connections.length, 0, 'the server not allowed was never dialled');
});

test('a configured connection id still works beside per-call URIs', async () => {
  const arriving = allowed.next();
  const r = await externalMedia('media1', 'c(ulaw)', 'ulaw');
  assert.equal(r.status, 200, r.text);
  const { app, req } = await arriving;
  assert.equal(req.url, '/configured');
  assert.match(r.json.name, /^WebSocket\/media1\/0x/);
  await app.waitText((x) => x.startsWith('MEDIA_START connection_id:media1 '));
  app.send('HANGUP');
  await app.waitClose();
});

test('without a [general] allow-list no per-call URI is allowed (deny by default)', () => {
  const driver = new WebSocketDriver(server.app.core, new Map());
  assert.match(driver.perCallUriProblem(`ws://127.0.0.1:${port}/x`)!, /per-call URIs are not enabled/);
  const configured = server.app.core.driver('WebSocket') as WebSocketDriver;
  assert.equal(configured.perCallUriProblem(`ws://127.0.0.1:${port}/x`), undefined);
  assert.equal(configured.perCallUriProblem('wss://bots.example.invalid/x'), undefined);
});
