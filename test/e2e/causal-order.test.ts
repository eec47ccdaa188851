/**
 * No event before the response that caused it: an originate's 200 reaches the kernel before the StasisStart's
 * frame, a bridge addChannel's 204 before ChannelEnteredBridge, and over REST over WebSocket the RESTResponse is
 * queued on the socket ahead of the events its request caused. The order of writes is read at the server's
 * sockets (every chunk handed to a TCP handle, in order), which is what the server controls; what a client
 * sees across two sockets also depends on its own event loop, so that is counted and reported, not asserted.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ORIGINATES = 1000;
const IN_FLIGHT = 20;
const BRIDGED = 50;

let server: TestServer;

/** Every chunk written to a TCP socket of this process, in order, with the socket's remote port. */
const wire: { port: number; text: string }[] = [];
let tapping = false;
const proto = net.Socket.prototype;
const { _writev: origWritev, _write: origWrite } = proto; // eslint-disable-line @typescript-eslint/unbound-method

function record(socket: net.Socket, text: string): void {
  if (tapping && (text.startsWith('HTTP/1.1') || text.includes('{"type":"'))) {
    wire.push({ port: socket.remotePort ?? 0, text });
  }
}

before(async () => {
  net.Socket.prototype._writev = function (this: net.Socket, chunks, cb) {
    record(this, chunks.map((c) => (Buffer.isBuffer(c.chunk) ? c.chunk.toString('latin1') : String(c.chunk))).join('')); // prettier-ignore
    return origWritev!.call(this, chunks, cb);
  };
  net.Socket.prototype._write = function (this: net.Socket, chunk, encoding, cb) {
    record(this, Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk));
    return origWrite.call(this, chunk, encoding, cb);
  };
  server = await startTestServer();
});

after(async () => {
  net.Socket.prototype._writev = origWritev;
  net.Socket.prototype._write = origWrite;
  await server?.close();
});

/** Position in `wire` of the first chunk matching `pred`, or -1. */
function firstWrite(pred: (w: { port: number; text: string }) => boolean): number {
  return wire.findIndex(pred);
}

/** Events of `app` over a raw WebSocket, waited for by `type:channelId`. */
async function openEvents(app: string): Promise<{
  ws: WebSocket;
  next(key: string): Promise<void>;
  seen: Set<string>;
  messages: any[];
}> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ari/events?app=${app}&api_key=asterisk:asterisk`);
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const seen = new Set<string>();
  const waiters = new Map<string, () => void>();
  const messages: any[] = [];
  ws.on('message', (data) => {
    const e = JSON.parse((data as Buffer).toString('utf8'));
    messages.push(e);
    const key = `${e.type}:${e.channel?.id ?? e.request_id ?? ''}`;
    seen.add(key);
    waiters.get(key)?.();
    waiters.delete(key);
  });
  const next = (key: string): Promise<void> =>
    seen.has(key) ? Promise.resolve() : new Promise((resolve) => waiters.set(key, resolve));
  return { ws, next, seen, messages };
}

function request(agent: http.Agent, method: string, path: string, onSocket?: (s: net.Socket) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.ariBase}${path}`, { method, agent, headers: { authorization: server.auth } });
    req.on('socket', (s) => onSocket?.(s));
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

test(`${ORIGINATES} originates over HTTP, ${IN_FLIGHT} in flight: every 200 is written before its StasisStart`, async (t) => {
  const events = await openEvents('causal-o');
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  let seenFirst = 0;
  wire.length = 0;
  tapping = true;
  let next = 0;
  const cycle = async (i: number): Promise<void> => {
    const id = `co-${i}`;
    const started = events.next(`StasisStart:${id}`);
    const status = await request(agent, 'POST', `/channels?endpoint=Local/park@default&app=causal-o&channelId=${id}`);
    assert.equal(status, 200);
    if (events.seen.has(`StasisStart:${id}`)) seenFirst++;
    await started;
    const ended = events.next(`StasisEnd:${id}`);
    assert.equal(await request(agent, 'DELETE', `/channels/${id}`), 204);
    await ended;
  };
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < ORIGINATES) await cycle(next++);
    }),
  );
  tapping = false;
  agent.destroy();
  events.ws.close();

  // Index the wire once: the response carrying each channel and the frame carrying its StasisStart.
  const responseAt = new Map<string, number>();
  const eventAt = new Map<string, number>();
  wire.forEach((w, at) => {
    if (w.text.startsWith('HTTP/1.1 200')) {
      const id = /"id":"(co-\d+)"/.exec(w.text)?.[1];
      if (id !== undefined && !responseAt.has(id)) responseAt.set(id, at);
      return;
    }
    for (const piece of w.text.split('{"type":"StasisStart"').slice(1)) {
      const id = /"channel":\{"id":"(co-\d+)"/.exec(piece)?.[1];
      if (id !== undefined && !eventAt.has(id)) eventAt.set(id, at);
    }
  });
  let early = 0;
  for (let i = 0; i < ORIGINATES; i++) {
    const r = responseAt.get(`co-${i}`);
    const e = eventAt.get(`co-${i}`);
    assert.ok(r !== undefined && e !== undefined, `co-${i}: response and StasisStart on the wire`);
    if (e < r) early++;
  }
  t.diagnostic(`StasisStart read by the client before the 200: ${seenFirst} of ${ORIGINATES}`);
  assert.equal(early, 0, `${early} StasisStart frames written before their originate's 200`);
});

test(`${BRIDGED} bridge addChannel over HTTP: each 204 is written before ChannelEnteredBridge`, async () => {
  const events = await openEvents('causal-b');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let clientPort = 0;
  const onSocket = (s: net.Socket): void => {
    const set = (): void => {
      clientPort = s.localPort ?? 0;
    };
    if (s.localPort) set();
    else s.once('connect', set);
  };
  assert.equal(await request(agent, 'POST', '/bridges/causal-br?type=mixing', onSocket), 200);
  const ids: string[] = [];
  for (let i = 0; i < BRIDGED; i++) {
    const id = `cb-${i}`;
    const started = events.next(`StasisStart:${id}`);
    await request(agent, 'POST', `/channels?endpoint=Local/park@default&app=causal-b&channelId=${id}`, onSocket);
    await started;
    ids.push(id);
  }
  wire.length = 0;
  tapping = true;
  for (const id of ids) {
    const entered = events.next(`ChannelEnteredBridge:${id}`);
    assert.equal(await request(agent, 'POST', `/bridges/causal-br/addChannel?channel=${id}`, onSocket), 204);
    await entered;
  }
  tapping = false;
  // The k-th response on the client's connection answers the k-th addChannel.
  const responses = wire.flatMap((w, at) => (w.port === clientPort && w.text.startsWith('HTTP/1.1') ? [at] : []));
  assert.equal(responses.length, BRIDGED);
  ids.forEach((id, k) => {
    const entered = firstWrite((w) => w.text.includes('"type":"ChannelEnteredBridge"') && w.text.includes(`"id":"${id}"`)); // prettier-ignore
    assert.ok(entered > responses[k]!, `${id}: ChannelEnteredBridge written before the addChannel 204`);
  });
  for (const id of ids) await request(agent, 'DELETE', `/channels/${id}`, onSocket);
  await request(agent, 'DELETE', '/bridges/causal-br', onSocket);
  agent.destroy();
  events.ws.close();
});

test(`${BRIDGED} plays over HTTP, 10 in flight: each 201 is written before its PlaybackStarted`, async () => {
  const events = await openEvents('causal-p');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const ids = Array.from({ length: BRIDGED }, (_, i) => `cp-${i}`);
  await Promise.all(
    ids.map(async (id) => {
      const started = events.next(`StasisStart:${id}`);
      await request(agent, 'POST', `/channels?endpoint=Local/park@default&app=causal-p&channelId=${id}`);
      await started;
    }),
  );
  wire.length = 0;
  tapping = true;
  await Promise.all(
    ids.map((id) => request(agent, 'POST', `/channels/${id}/play/pb-${id}?media=tone:ring`).then((s) => assert.equal(s, 201))), // prettier-ignore
  );
  await until(() => ids.every((id) => wire.some((w) => w.text.includes(`"type":"PlaybackStarted"`) && w.text.includes(`"id":"pb-${id}"`)))); // prettier-ignore
  tapping = false;
  for (const id of ids) {
    const answered = firstWrite((w) => w.text.startsWith('HTTP/1.1') && w.text.includes(`"id":"pb-${id}"`));
    const started = firstWrite((w) => w.text.includes('"type":"PlaybackStarted"') && w.text.includes(`"id":"pb-${id}"`)); // prettier-ignore
    assert.ok(answered >= 0 && started > answered, `pb-${id}: PlaybackStarted written before the play's 201`);
  }
  await Promise.all(ids.map((id) => request(agent, 'DELETE', `/channels/${id}`)));
  agent.destroy();
  events.ws.close();
});

/** Resolves once `done()` holds, checking after each event-loop turn (at most 5 s). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 5000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 1));
  assert.ok(done(), 'condition not reached within 5 s');
}

test(`REST over WebSocket: ${BRIDGED} originates and addChannels answered before the events they cause`, async () => {
  const events = await openEvents('causal-w');
  const send = (requestId: string, method: string, uri: string): Promise<void> => {
    const answered = events.next(`RESTResponse:${requestId}`);
    events.ws.send(JSON.stringify({ type: 'RESTRequest', request_id: requestId, method, uri }));
    return answered;
  };
  await send('mk', 'POST', 'bridges/causal-wbr?type=mixing');
  for (let i = 0; i < BRIDGED; i++) {
    const id = `cw-${i}`;
    const started = events.next(`StasisStart:${id}`);
    await send(`o-${id}`, 'POST', `channels?endpoint=Local/park@default&app=causal-w&channelId=${id}`);
    await started;
    const entered = events.next(`ChannelEnteredBridge:${id}`);
    await send(`a-${id}`, 'POST', `bridges/causal-wbr/addChannel?channel=${id}`);
    await entered;
  }
  const order = events.messages.map((e) => `${e.type}:${e.channel?.id ?? e.request_id ?? ''}`);
  for (let i = 0; i < BRIDGED; i++) {
    const id = `cw-${i}`;
    assert.ok(order.indexOf(`RESTResponse:o-${id}`) < order.indexOf(`StasisStart:${id}`), `${id}: StasisStart first`);
    assert.ok(
      order.indexOf(`RESTResponse:a-${id}`) < order.indexOf(`ChannelEnteredBridge:${id}`),
      `${id}: ChannelEnteredBridge first`,
    );
  }
  for (let i = 0; i < BRIDGED; i++) await send(`h-${i}`, 'DELETE', `channels/cw-${i}`);
  await send('rm', 'DELETE', 'bridges/causal-wbr');
  events.ws.close();
});
