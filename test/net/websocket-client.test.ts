// Outbound WebSocket connections against real servers on loopback: what the handshake carries (query appended per
// call, Basic auth only with both credentials and never over URI userinfo, the protocols offered), which replies
// are accepted (no protocol: yes; one not offered or an extension: no), the tries and their intervals, the
// handshake timeout against a server that never answers, and aborting; and the write-stall rule.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';
import { WebSocketServer } from 'ws';
import { clientUri, connectWebSocket, type WebSocketClientSettings } from '../../src/net/websocket-client.js';
import { WriteStall } from '../../src/net/write-stall.js';

const servers: { close(): void }[] = [];
after(() => {
  for (const s of servers) s.close();
});

function settings(uri: string, extra: Partial<WebSocketClientSettings> = {}): WebSocketClientSettings {
  return {
    uri,
    protocols: [],
    username: '',
    password: '',
    connectionTimeoutMs: 500,
    reconnectIntervalMs: 50,
    reconnectAttempts: 1,
    tls: { caListFile: '', caListPath: '', certFile: '', privKeyFile: '', verifyServerCert: true, verifyServerHostname: true }, // prettier-ignore
    ...extra,
  };
}

/** A WebSocket server recording each handshake request; `reply` sets the protocol it answers with. */
async function wsServer(
  options: { protocol?: (offered: Set<string>) => string | false; extensions?: boolean } = {},
): Promise<{ url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const http: Server = createServer();
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: false,
    ...(options.protocol && { handleProtocols: options.protocol }),
  });
  wss.on('headers', (headers, req) => {
    requests.push(req);
    if (options.extensions) headers.push('Sec-WebSocket-Extensions: permessage-deflate');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  servers.push({ close: () => (wss.close(), http.close()) });
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, requests };
}

test('the call’s query is appended to the URI with ? or &', () => {
  assert.equal(clientUri('ws://h/p', ''), 'ws://h/p');
  assert.equal(clientUri('ws://h/p', 'a=1&b=2'), 'ws://h/p?a=1&b=2');
  assert.equal(clientUri('ws://h/p?t=x', 'a=1'), 'ws://h/p?t=x&a=1');
});

test('the handshake carries the query, the protocols and Basic auth from username and password', async () => {
  const server = await wsServer();
  const r = await connectWebSocket(
    settings(`${server.url}/media?tenant=acme`, { protocols: ['media', 'v2'], username: 'sy', password: 'pw' }),
    { query: 'call=42' },
  );
  assert.ok(r.ok, !r.ok ? r.reason : '');
  assert.equal(r.attempts, 1);
  assert.equal(r.protocol, 'media', 'ws servers choose the first offered');
  const req = server.requests[0]!;
  assert.equal(req.url, '/media?tenant=acme&call=42');
  assert.equal(req.headers['sec-websocket-protocol'], 'media, v2');
  assert.equal(req.headers.authorization, `Basic ${Buffer.from('sy:pw').toString('base64')}`);
  r.socket.close();
});

test('Basic auth needs both credentials, and credentials in the URI win', async () => {
  const server = await wsServer();
  const one = await connectWebSocket(settings(server.url, { username: 'sy' }));
  assert.ok(one.ok);
  assert.equal(server.requests[0]!.headers.authorization, undefined);
  one.socket.close();
  const withUserinfo = server.url.replace('ws://', 'ws://uri:secret@');
  const two = await connectWebSocket(settings(withUserinfo, { username: 'sy', password: 'pw' }));
  assert.ok(two.ok);
  assert.equal(server.requests[1]!.headers.authorization, `Basic ${Buffer.from('uri:secret').toString('base64')}`);
  two.socket.close();
});

test('a reply without a protocol is accepted; one naming a protocol not offered, or an extension, is refused', async () => {
  const silent = await wsServer({ protocol: () => false });
  const ok = await connectWebSocket(settings(silent.url, { protocols: ['media'] }));
  assert.ok(ok.ok, !ok.ok ? ok.reason : '');
  assert.equal(ok.protocol, '');
  ok.socket.close();
  const other = await wsServer({ protocol: () => 'chat' });
  const bad = await connectWebSocket(settings(other.url, { protocols: ['media'] }));
  assert.deepEqual(bad, { ok: false, reason: 'Server sent an invalid subprotocol', attempts: 1 });
  const ext = await wsServer({ extensions: true });
  const refused = await connectWebSocket(settings(ext.url));
  assert.equal(refused.ok, false);
  assert.match(!refused.ok ? refused.reason : '', /Sec-WebSocket-Extensions/);
});

test('reconnect_attempts tries, reconnect_interval apart, then the last reason', async () => {
  // A port that was just free: connections are refused at once.
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const failures: number[] = [];
  const start = performance.now();
  const r = await connectWebSocket(
    settings(`ws://127.0.0.1:${port}/`, { reconnectAttempts: 4, reconnectIntervalMs: 60 }),
    {
      onAttemptFailed: (n) => failures.push(n),
    },
  );
  const elapsed = performance.now() - start;
  assert.equal(r.ok, false);
  assert.equal(r.attempts, 4);
  assert.match(!r.ok ? r.reason : '', /ECONNREFUSED/);
  assert.deepEqual(failures, [1, 2, 3, 4]);
  assert.ok(elapsed >= 3 * 60 - 5 && elapsed < 3 * 60 + 400, `three intervals: ${elapsed.toFixed(0)} ms`);
  // Zero or fewer attempts still make one try.
  const once = await connectWebSocket(settings(`ws://127.0.0.1:${port}/`, { reconnectAttempts: 0 }));
  assert.equal(once.attempts, 1);
});

test('a server that accepts TCP and never answers the handshake fails each try at connection_timeout', async () => {
  const held: Socket[] = [];
  const mute = createTcpServer((s) => held.push(s));
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
  servers.push({ close: () => (held.forEach((s) => s.destroy()), mute.close()) });
  const url = `ws://127.0.0.1:${(mute.address() as AddressInfo).port}/`;
  const start = performance.now();
  const r = await connectWebSocket(
    settings(url, { connectionTimeoutMs: 150, reconnectAttempts: 2, reconnectIntervalMs: 20 }),
  );
  const elapsed = performance.now() - start;
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /timed out/);
  assert.ok(elapsed >= 2 * 150 + 20 - 5 && elapsed < 1000, `two timeouts and an interval: ${elapsed.toFixed(0)} ms`);
});

test('aborting stops the tries at once', async () => {
  const held: Socket[] = [];
  const mute = createTcpServer((s) => held.push(s));
  await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
  servers.push({ close: () => (held.forEach((s) => s.destroy()), mute.close()) });
  const abort = new AbortController();
  const start = performance.now();
  const pending = connectWebSocket(
    settings(`ws://127.0.0.1:${(mute.address() as AddressInfo).port}/`, {
      connectionTimeoutMs: 5000,
      reconnectAttempts: 5,
    }),
    { signal: abort.signal },
  );
  setTimeout(() => abort.abort(), 50);
  const r = await pending;
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.reason, 'aborted');
  assert.ok(performance.now() - start < 1000);
});

test('a write stall is output waiting continuously for longer than the timeout', () => {
  const stall = new WriteStall(100);
  assert.equal(stall.check(0, 0), false);
  assert.equal(stall.check(500, 10), false);
  assert.equal(stall.check(900, 100), false);
  assert.equal(stall.check(0, 105), false, 'drained: starts again');
  assert.equal(stall.check(10, 120), false);
  assert.equal(stall.check(10, 220), false, 'exactly the timeout');
  assert.equal(stall.check(10, 221), true);
});
