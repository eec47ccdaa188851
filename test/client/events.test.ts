import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ariRoot, backoffDelayMs, createAriClient, eventsUrl, type AriEvent } from '../../src/client/index.js';

test('the events URL names the apps as one comma-separated value, over ws or wss', () => {
  assert.equal(eventsUrl('http://h:8088/ari', 't'), 'ws://h:8088/ari/events?app=t');
  assert.equal(
    eventsUrl('https://h/pfx/ari', ['a', 'b c'], { subscribeAll: true }),
    'wss://h/pfx/ari/events?app=a,b%20c&subscribeAll=true',
  );
  assert.throws(() => eventsUrl('http://h/ari', []), TypeError);
  assert.throws(() => eventsUrl('http://h/ari', ['a', '']), TypeError);
  assert.equal(ariRoot('http://h:8088'), 'http://h:8088/ari');
  assert.equal(ariRoot('http://h:8088/pfx/ari/'), 'http://h:8088/pfx/ari');
});

test('reconnection backoff doubles from 0.5 s and stays at 10 s', () => {
  const backoff = { initialMs: 500, maxMs: 10_000 };
  const delays = [0, 1, 2, 3, 4, 5, 6, 20].map((n) => backoffDelayMs(backoff, n));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
});

interface FakeAri {
  readonly url: string;
  readonly sockets: WebSocket[];
  readonly upgrades: IncomingMessage[];
  /** The next socket to connect (already connected ones count: the n-th overall, from 0). */
  socket(n: number): Promise<WebSocket>;
  close(): Promise<void>;
}

/** A WebSocket server on 127.0.0.1 standing in for /ari/events: it records each upgrade and its socket. */
async function fakeAri(): Promise<FakeAri> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'ari' });
  await once(wss, 'listening');
  const sockets: WebSocket[] = [];
  const upgrades: IncomingMessage[] = [];
  wss.on('connection', (ws, req) => {
    sockets.push(ws);
    upgrades.push(req);
  });
  return {
    url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    sockets,
    upgrades,
    async socket(n) {
      while (sockets.length <= n) await once(wss, 'connection');
      return sockets[n]!;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

const event = (type: string, extra: object = {}): string =>
  JSON.stringify({ type, application: 't', timestamp: '2026-01-01T00:00:00.000+0000', asterisk_id: 'x', ...extra });

test('the stream offers the ari sub-protocol with Basic auth and hands events to listeners and iterators', async () => {
  const server = await fakeAri();
  const client = createAriClient({ url: server.url, username: 'asterisk', password: 'pw' });
  const stream = client.events(['t', 'u'], { subscribeAll: true });
  const iterator = stream[Symbol.asyncIterator]();
  await stream.ready();
  const req = server.upgrades[0]!;
  assert.equal(req.url, '/ari/events?app=t,u&subscribeAll=true');
  assert.equal(req.headers['sec-websocket-protocol'], 'ari');
  assert.equal(req.headers.authorization, 'Basic ' + Buffer.from('asterisk:pw').toString('base64'));

  const errors: string[] = [];
  stream.onError((e) => errors.push(e.message));
  const seen: string[] = [];
  stream.on('StasisStart', (e) => seen.push(`start ${e.args.join('|')}`));
  const off = stream.on('StasisEnd', () => {
    throw new Error('listener failed');
  });
  const ws = server.sockets[0]!;
  ws.send('not json');
  ws.send(Buffer.from(event('ChannelVarset')), { binary: true }); // §3.3: non-text frames are ignored
  ws.send('{"no":"type"}');
  ws.send(event('StasisStart', { args: ['a', 'b'] }));
  ws.send(event('StasisEnd'));
  const types: string[] = [];
  const take = async (): Promise<void> => void types.push(((await iterator.next()).value as AriEvent).type);
  await take();
  await take();
  off(); // the throwing listener has run once; it hears nothing more
  ws.send(event('StasisEnd'));
  await take();
  assert.deepEqual(types, ['StasisStart', 'StasisEnd', 'StasisEnd']);
  assert.deepEqual(seen, ['start a|b']);
  assert.deepEqual(errors, [
    'events WebSocket: a frame that is not JSON',
    'events WebSocket: a message without a type',
    'listener failed',
  ]);
  const pending = iterator.next();
  stream.close();
  assert.deepEqual(await pending, { value: undefined, done: true });
  assert.deepEqual(await stream[Symbol.asyncIterator]().next(), { value: undefined, done: true });
  await assert.rejects(stream.ready(), /closed/);
  await server.close();
});

test('a socket closed by the server is reopened after the backoff and events flow again', async () => {
  const server = await fakeAri();
  const client = createAriClient({
    url: server.url,
    username: 'u',
    password: 'p',
    reconnect: { initialMs: 5, maxMs: 40 },
  });
  const stream = client.events('t');
  const got: string[] = [];
  stream.on('ChannelVarset', (e) => got.push(e.variable));
  await stream.ready();
  assert.equal(stream.connections, 1);
  (await server.socket(0)).terminate();
  const second = await server.socket(1);
  await stream.ready();
  assert.equal(stream.connections, 2);
  // A close with a status code (not only a dead TCP connection) is retried as well.
  second.close(1011, 'going away');
  const third = await server.socket(2);
  await stream.ready();
  const iterator = stream[Symbol.asyncIterator]();
  third.send(event('ChannelVarset', { variable: 'AFTER', value: '1' }));
  assert.equal((await iterator.next()).value?.type, 'ChannelVarset'); // listeners run before iterators
  assert.deepEqual(got, ['AFTER']);
  assert.equal(stream.connections, 3);
  assert.equal(
    server.upgrades.every((r) => r.url === '/ari/events?app=t'),
    true,
  );
  stream.close();
  await server.close();
});
