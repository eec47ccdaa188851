// ARI outbound WebSockets end to end: ari.conf `type=outbound_websocket` sections make Switchyard dial the test's
// own `ws` server (the "application"). Persistent: the handshake (path, query, Basic auth, protocol `ari`), the
// ApplicationRegistered frames first, events and REST over WebSocket as on /ari/events, immediate redial after a
// close, events queued while the server refuses and sent before ApplicationRegistered on the reconnection.
// Per call: a channel entering Stasis(app) opens its own socket with the app `<app>:<channel name>`, closed with
// 1000 after the call left Stasis; a server that refuses makes the channel leave with STASISSTATUS=FAILED.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { after, before, test } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';

/** One socket Switchyard opened: its handshake and every frame it sent, parsed. */
class AppSocket {
  readonly frames: AriEvent[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<number>;
  #waiters: Array<() => void> = [];

  constructor(
    readonly ws: WebSocket,
    readonly req: IncomingMessage,
  ) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(JSON.parse(data.toString()) as AriEvent);
      for (const w of this.#waiters) w();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code: number) => resolve((this.closeCode = code))));
  }

  /** The first frame (already received or to come) matching `pred`. */
  wait(pred: (e: AriEvent) => boolean, ms = 5000): Promise<AriEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`frame not received: ${pred.toString().slice(0, 120)}`)), ms);
      const check = (): void => {
        const found = this.frames.find(pred);
        if (!found) return;
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== check);
        resolve(found);
      };
      this.#waiters.push(check);
      check();
    });
  }

  rest(requestId: string, method: string, uri: string): Promise<AriEvent> {
    this.ws.send(JSON.stringify({ type: 'RESTRequest', request_id: requestId, method, uri }));
    return this.wait((e) => e.type === 'RESTResponse' && e.request_id === requestId);
  }
}

let server: TestServer;
let http: Server;
let watch: EventSocket;
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => 'ari' });
const sockets: AppSocket[] = [];
/** Paths whose upgrades are answered 503, and how many were. */
const refused = new Map<string, number>();
let arrived: (() => void) | undefined;
let refusedOne: (() => void) | undefined;

/** Resolves once `path` has been refused `n` times in all. */
function refusals(path: string, n: number): Promise<void> {
  return new Promise((resolve) => {
    refusedOne = () => {
      if ((refused.get(path) ?? 0) >= n) resolve();
    };
    refusedOne();
  });
}

function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const path = (req.url ?? '').split('?')[0]!;
  const count = refused.get(path);
  if (count !== undefined) {
    refused.set(path, count + 1);
    refusedOne?.();
    socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    sockets.push(new AppSocket(ws, req));
    arrived?.();
  });
}

/** The next socket (at index `index`, already open or to come). */
function socketAt(index: number, ms = 5000): Promise<AppSocket> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no socket #${index}`)), ms);
    const check = (): void => {
      const s = sockets[index];
      if (!s) return;
      clearTimeout(timer);
      resolve(s);
    };
    arrived = check;
    check();
  });
}

const PERSISTENT = '[owsk-p]\ntype=outbound_websocket\nwebsocket_client_id=owsk-p-conn\napps=owsk-a1, owsk-a2\nlocal_ari_user=asterisk'; // prettier-ignore
const PER_CALL = '[owsk-pc]\ntype=outbound_websocket\nwebsocket_client_id=owsk-pc-conn\napps=owsk-pc\nlocal_ari_user=asterisk'; // prettier-ignore
const ariConf = (withPersistent: boolean): string => [ARI_CONF, ...(withPersistent ? [PERSISTENT] : []), PER_CALL].join('\n'); // prettier-ignore

before(async () => {
  http = createServer();
  http.on('upgrade', onUpgrade);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as AddressInfo).port;
  server = await startTestServer({
    'ari.conf': ariConf(true),
    'websocket_client.conf': [
      '[owsk-p-conn]\ntype=websocket_client',
      `uri=ws://127.0.0.1:${port}/owsk/events?token=abc`,
      'protocols=ari\nusername=owsk-user\npassword=owsk-pass\nconnection_type=persistent',
      'reconnect_interval=100\nreconnect_attempts=2',
      '[owsk-pc-conn]\ntype=websocket_client',
      `uri=ws://127.0.0.1:${port}/owsk/percall`,
      'protocols=ari\nconnection_type=per_call_config\nreconnect_interval=50\nreconnect_attempts=2',
    ].join('\n'),
    'extensions.conf': '[default]\nexten => park,1,Answer()\n same => n,Wait(30)\n same => n,Hangup()\n',
  });
  watch = await EventSocket.open(server, 'owsk-watch');
});

after(async () => {
  watch.close();
  await server.close();
  for (const s of sockets) s.ws.terminate();
  wss.close();
  http.close();
});

test('a persistent connection dials the configured URI with Basic auth and protocol ari, ApplicationRegistered first', async () => {
  const app = await socketAt(0);
  assert.equal(app.req.url, '/owsk/events?token=abc');
  assert.equal(app.req.headers.authorization, 'Basic ' + Buffer.from('owsk-user:owsk-pass').toString('base64'));
  assert.equal(app.req.headers['sec-websocket-protocol'], 'ari');
  assert.equal(app.ws.protocol, 'ari');
  await app.wait((e) => e.application === 'owsk-a2');
  const [first, second] = app.frames;
  assert.deepEqual(Object.keys(first!), ['type', 'timestamp', 'application', 'asterisk_id']);
  assert.deepEqual([first!.type, first!.application], ['ApplicationRegistered', 'owsk-a1']);
  assert.deepEqual([second!.type, second!.application], ['ApplicationRegistered', 'owsk-a2']);
  assert.equal(first!.asterisk_id, server.app.core.asteriskId);
});

test('REST over the outbound socket runs as local_ari_user and answers to the first app', async () => {
  const app = await socketAt(0);
  const got = await app.rest('q1', 'GET', 'applications/owsk-a2');
  assert.equal(got.status_code, 200);
  assert.equal(got.application, 'owsk-a1');
  assert.equal(JSON.parse(got.message_body as string).name, 'owsk-a2');
  app.ws.send('not json');
  const bad = await app.wait((e) => e.type === 'RESTResponse' && e.status_code === 400);
  assert.equal(bad.reason_phrase, 'Failed to parse request message JSON');
});

test("a channel originated into a persistent connection's app sends its events there", async () => {
  const app = await socketAt(0);
  const made = await ari(server, 'POST', '/channels?endpoint=Local/park@default&app=owsk-a2&channelId=owsk-c1');
  assert.equal(made.status, 200);
  const start = await app.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'owsk-c1');
  assert.equal(start.application, 'owsk-a2');
  const del = await app.rest('q2', 'DELETE', 'channels/owsk-c1');
  assert.equal(del.status_code, 204);
  await app.wait((e) => e.type === 'StasisEnd' && e.channel?.id === 'owsk-c1');
});

test('after a close it redials at once; events made while refused are sent before ApplicationRegistered', async () => {
  const first = await socketAt(0);
  refused.set('/owsk/events', 0);
  first.ws.close(1000);
  assert.equal(await first.closed, 1000);
  await ari(server, 'POST', '/channels?endpoint=Local/park@default&app=owsk-a1&channelId=owsk-c2');
  await ari(server, 'DELETE', '/channels/owsk-c2');
  await refusals('/owsk/events', 3); // a failed cycle of 2 tries is followed by another
  refused.delete('/owsk/events');
  const again = await socketAt(1);
  await again.wait((e) => e.type === 'ApplicationRegistered' && e.application === 'owsk-a2');
  const types = again.frames.map((e) => e.type);
  const start = types.indexOf('StasisStart');
  const end = types.indexOf('StasisEnd');
  const registered = types.indexOf('ApplicationRegistered');
  assert.ok(start >= 0 && end > start, `queued call events arrive: ${types.join(',')}`);
  assert.ok(registered > end, 'ApplicationRegistered follows the queued events');
  assert.deepEqual(types.slice(registered), ['ApplicationRegistered', 'ApplicationRegistered']);
});

/** Originate a Local channel whose ;2 half runs Stasis(owsk-pc) from the per_call_config `stasis-owsk-pc` context. */
async function perCallChannel(id: string): Promise<void> {
  const made = await ari(server, 'POST', `/channels?endpoint=Local/123@stasis-owsk-pc&app=owsk-watch&channelId=${id}`);
  assert.equal(made.status, 200);
}

test('a per-call connection is made when the channel enters Stasis, and closed with 1000 after it leaves', async () => {
  const index = sockets.length;
  await perCallChannel('owsk-pc1');
  const app = await socketAt(index);
  assert.equal(app.req.url, '/owsk/percall');
  assert.equal(app.req.headers.authorization, undefined);
  const registered = await app.wait((e) => e.type === 'ApplicationRegistered');
  assert.match(registered.application, /^owsk-pc:Local\/123@stasis-owsk-pc-[0-9a-f]{8};2$/);
  const start = await app.wait((e) => e.type === 'StasisStart');
  assert.equal(start.application, registered.application);
  assert.equal(start.channel?.id, 'owsk-pc1;2');
  const got = await app.rest('r1', 'GET', 'channels/owsk-pc1;2');
  assert.equal(got.status_code, 200);
  assert.equal(got.application, registered.application);
  const leftAt = Date.now();
  assert.equal((await app.rest('r2', 'DELETE', 'channels/owsk-pc1;2')).status_code, 204);
  await app.wait((e) => e.type === 'StasisEnd');
  assert.equal(await app.closed, 1000);
  assert.ok(Date.now() - leftAt >= 2900, 'the socket stays open about 3 s after StasisEnd');
  const apps = await ari(server, 'GET', '/applications');
  assert.ok(!(apps.json as { name: string }[]).some((a) => a.name.startsWith('owsk-pc:')), 'the per-call app is gone');
});

test('a per-call server that refuses makes the channel leave Stasis with STASISSTATUS=FAILED', async () => {
  refused.set('/owsk/percall', 0);
  const before = sockets.length;
  await perCallChannel('owsk-pc2');
  const failed = await watch.wait(
    (e) => e.type === 'ChannelVarset' && e.channel?.id === 'owsk-pc2;2' && e.value === 'FAILED',
  );
  assert.equal(failed.variable, 'STASISSTATUS');
  assert.equal(refused.get('/owsk/percall'), 2, 'reconnect_attempts tries');
  assert.equal(sockets.length, before);
  refused.delete('/owsk/percall');
});

/** Rewrite ari.conf and `module reload res_ari.so` over ARI. */
async function reloadAri(text: string): Promise<void> {
  writeFileSync(join(server.app.config.dir, 'ari.conf'), text);
  assert.equal((await ari(server, 'PUT', '/asterisk/modules/res_ari.so')).status, 204);
}

test('a reload that removes the section ends its session; one that adds it back dials again', async () => {
  const old = sockets.filter((s) => s.req.url?.startsWith('/owsk/events')).at(-1)!;
  const count = old.frames.length;
  await reloadAri(ariConf(false));
  assert.equal(await old.closed, 1000);
  assert.deepEqual(
    old.frames.slice(count).map((e) => [e.type, e.application]),
    [
      ['ApplicationUnregistered', 'owsk-a1'],
      ['ApplicationUnregistered', 'owsk-a2'],
    ],
  );
  const index = sockets.length;
  await reloadAri(ariConf(true));
  const fresh = await socketAt(index);
  await fresh.wait((e) => e.application === 'owsk-a2');
  assert.deepEqual(
    fresh.frames.map((e) => [e.type, e.application]),
    [
      ['ApplicationRegistered', 'owsk-a1'],
      ['ApplicationRegistered', 'owsk-a2'],
    ],
  );
});

test('at shutdown a persistent connection gets ApplicationUnregistered for each app, then close 1000', async () => {
  const app = sockets.filter((s) => s.req.url?.startsWith('/owsk/events')).at(-1)!;
  const count = app.frames.length;
  await server.app.close();
  assert.equal(await app.closed, 1000);
  const tail = app.frames.slice(count);
  assert.deepEqual(
    tail.filter((e) => e.type.startsWith('Application')).map((e) => [e.type, e.application]),
    [
      ['ApplicationUnregistered', 'owsk-a1'],
      ['ApplicationUnregistered', 'owsk-a2'],
    ],
  );
});
