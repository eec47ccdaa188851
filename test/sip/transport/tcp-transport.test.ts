import assert from 'node:assert/strict';
import net from 'node:net';
import test from 'node:test';

import { parseSipMessage } from '../../../src/sip/message/parse-message.js';
import { SipStreamFramer } from '../../../src/sip/message/stream-framer.js';
import { responseDestination } from '../../../src/sip/transport/received-rport.js';
import { TcpTransport, type TcpTransportOptions } from '../../../src/sip/transport/tcp-transport.js';
import { Inbox, answer, hasIpv6Loopback, options } from './helpers.js';

const TCP_OPTIONS = (callId = 'opt-1@client.invalid'): string =>
  options({ transport: 'TCP', via: 'client.invalid:5099;rport;branch=z9hG4bK-tcp', callId });

/** A raw TCP client on loopback that collects framed messages. */
async function client(port: number, host = '127.0.0.1') {
  const socket = net.connect({ host, port });
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const framer = new SipStreamFramer();
  const queue: Buffer[] = [];
  const waiting: ((b: Buffer) => void)[] = [];
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {}); // a reset by the server is what some tests expect
  socket.on('data', (chunk: Buffer) => {
    for (const m of framer.push(chunk).messages) {
      const w = waiting.shift();
      if (w) w(m);
      else queue.push(m);
    }
  });
  return {
    socket,
    closed,
    write: (s: string | Buffer) => socket.write(typeof s === 'string' ? Buffer.from(s, 'latin1') : s),
    next: (): Promise<Buffer> => {
      const b = queue.shift();
      return b ? Promise.resolve(b) : new Promise((resolve) => waiting.push(resolve));
    },
  };
}

async function server(inbox: Inbox, extra: Partial<TcpTransportOptions> = {}): Promise<TcpTransport> {
  return TcpTransport.open({ host: '127.0.0.1', port: 0, ...extra }, inbox);
}

/** Answers every request 200 over the connection it came on. */
function answerAll(inbox: Inbox, t: TcpTransport, useConnectionId = true): void {
  inbox.onEach = ({ msg, source }) => {
    if (msg.kind !== 'request') return;
    const res = answer(msg, 200, 'OK');
    t.send(res, useConnectionId ? responseDestination(res, source.connectionId)! : source);
  };
}

test('a message split across writes is reassembled', async () => {
  const inbox = new Inbox();
  const t = await server(inbox);
  const c = await client(t.local.port);
  try {
    const raw = TCP_OPTIONS();
    c.write(raw.slice(0, 17));
    await new Promise((r) => setImmediate(r));
    c.write(raw.slice(17, 90));
    await new Promise((r) => setImmediate(r));
    c.write(raw.slice(90));
    const { msg, source } = await inbox.message(0);
    assert.equal(msg.callId, 'opt-1@client.invalid');
    assert.equal(source.protocol, 'tcp');
    assert.equal(source.port, c.socket.localPort);
    assert.match(source.connectionId ?? '', /^tcp-/);
    assert.equal(msg.topVia?.received, '127.0.0.1');
    assert.equal(msg.topVia?.rport, c.socket.localPort);
  } finally {
    c.socket.destroy();
    await t.close();
  }
});

test('two messages in one write, with CRLF keep-alives around them, give two messages', async () => {
  const inbox = new Inbox();
  const t = await server(inbox);
  const c = await client(t.local.port);
  try {
    c.write('\r\n\r\n' + TCP_OPTIONS('a@x') + '\r\n\r\n' + TCP_OPTIONS('b@x') + '\r\n\r\n');
    assert.equal((await inbox.message(0)).msg.callId, 'a@x');
    assert.equal((await inbox.message(1)).msg.callId, 'b@x');
    c.write(TCP_OPTIONS('c@x'));
    assert.equal((await inbox.message(2)).msg.callId, 'c@x');
    assert.equal(inbox.errors.length, 0);
  } finally {
    c.socket.destroy();
    await t.close();
  }
});

for (const useConnectionId of [true, false]) {
  test(`a response goes back on the same connection (${useConnectionId ? 'by connection id' : 'by source address'})`, async () => {
    const inbox = new Inbox();
    const t = await server(inbox);
    answerAll(inbox, t, useConnectionId);
    const c = await client(t.local.port);
    try {
      c.write(TCP_OPTIONS());
      const res = parseSipMessage(await c.next());
      assert.ok(res.ok && res.value.kind === 'response');
      assert.equal(res.value.status, 200);
      assert.equal(res.value.topVia?.branch, 'z9hG4bK-tcp');
      assert.equal(t.connectionCount, 1, 'no new connection was opened for the response');
    } finally {
      c.socket.destroy();
      await t.close();
    }
  });
}

async function transportPair(host: string): Promise<void> {
  const uasInbox = new Inbox();
  const uacInbox = new Inbox();
  const uas = await TcpTransport.open({ host, port: 0 }, uasInbox);
  const uac = await TcpTransport.open({ host, port: 0 }, uacInbox);
  answerAll(uasInbox, uas);
  try {
    const sentBy = host.includes(':') ? `[${host}]` : host;
    const dest = { host: uas.local.host, port: uas.local.port };
    uac.send(Buffer.from(options({ transport: 'TCP', via: `${sentBy}:${uac.local.port};branch=z9hG4bK-1` })), dest);
    uac.send(Buffer.from(options({ transport: 'TCP', via: `${sentBy}:${uac.local.port};branch=z9hG4bK-2` })), dest);
    const [a, b] = [await uasInbox.message(0), await uasInbox.message(1)];
    assert.equal(a.source.connectionId, b.source.connectionId, 'the outbound connection is reused');
    assert.equal((await uacInbox.message(0)).msg.topVia?.branch, 'z9hG4bK-1');
    assert.equal((await uacInbox.message(1)).msg.topVia?.branch, 'z9hG4bK-2');
    assert.equal(uac.connectionCount, 1);
    assert.equal(uas.connectionCount, 1);
  } finally {
    await Promise.all([uas.close(), uac.close()]);
  }
}

test('two TcpTransports on 127.0.0.1: one outbound connection carries requests and responses', () =>
  transportPair('127.0.0.1'));

test('two TcpTransports on ::1: one outbound connection carries requests and responses', async (t) => {
  if (!(await hasIpv6Loopback())) return t.skip('IPv6 loopback (::1) is not available on this host');
  await transportPair('::1');
});

test('connections beyond maxConnections are refused and counted; the others keep working', async () => {
  const inbox = new Inbox();
  const t = await server(inbox, { maxConnections: 2 });
  const a = await client(t.local.port);
  const b = await client(t.local.port);
  const c = await client(t.local.port);
  try {
    await c.closed;
    await inbox.error('CONNECTION_LIMIT');
    assert.equal(t.drops.CONNECTION_LIMIT, 1);
    assert.equal(t.connectionCount, 2);
    a.write(TCP_OPTIONS('a@x'));
    b.write(TCP_OPTIONS('b@x'));
    const ids = new Set([(await inbox.message(0)).msg.callId, (await inbox.message(1)).msg.callId]);
    assert.deepEqual(ids, new Set(['a@x', 'b@x']));
  } finally {
    for (const x of [a, b, c]) x.socket.destroy();
    await t.close();
  }
});

test('an idle connection is closed after idleTimeoutMs', async () => {
  const inbox = new Inbox();
  const t = await server(inbox, { idleTimeoutMs: 50 });
  const c = await client(t.local.port);
  try {
    await c.closed;
    assert.equal(t.drops.IDLE_TIMEOUT, 1);
    assert.equal(t.connectionCount, 0);
  } finally {
    await t.close();
  }
});

test('a bad Content-Length gets a 400 and the connection is closed', async () => {
  const inbox = new Inbox();
  const t = await server(inbox);
  const c = await client(t.local.port);
  try {
    c.write(TCP_OPTIONS().replace('Content-Length: 0', 'Content-Length: -5'));
    const res = parseSipMessage(await c.next());
    assert.ok(res.ok && res.value.kind === 'response');
    assert.equal(res.value.status, 400);
    await c.closed;
    assert.equal(t.drops.FRAMING, 1);
    assert.equal(inbox.messages.length, 0);
  } finally {
    await t.close();
  }
});

test('headers over the framer limit close the connection without an answer', async () => {
  const inbox = new Inbox();
  const t = await server(inbox, { framer: { maxHeaderBytes: 1024 } });
  const c = await client(t.local.port);
  try {
    c.write(`OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nX-Pad: ${'a'.repeat(4000)}`);
    await c.closed;
    assert.equal(t.drops.FRAMING, 1);
  } finally {
    await t.close();
  }
});

test('a framed but unparseable request is answered 400 and the connection stays open', async () => {
  const inbox = new Inbox();
  const t = await server(inbox);
  const c = await client(t.local.port);
  try {
    c.write(TCP_OPTIONS('bad@x').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE') + TCP_OPTIONS('good@x'));
    const res = parseSipMessage(await c.next());
    assert.ok(res.ok && res.value.kind === 'response');
    assert.equal(res.value.status, 400);
    assert.equal(res.value.callId, 'bad@x');
    assert.equal((await inbox.message(0)).msg.callId, 'good@x');
    assert.equal(t.drops.MALFORMED_ANSWERED, 1);
  } finally {
    c.socket.destroy();
    await t.close();
  }
});
