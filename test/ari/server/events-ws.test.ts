import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { BASIC, BASIC_RO, call, openEvents, startHarness, until, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

/** Try a handshake; resolve with the refusal's status and body (or 101 when it opened). */
function handshake(
  query: string,
  opts: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; protocol?: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/ari/events?${query}`, opts.protocols ?? [], {
      headers: opts.headers ?? {},
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => {
      resolve({ status: 101, body: '', protocol: ws.protocol });
      ws.close();
    });
    ws.on('error', (err) => {
      if (!String(err.message).includes('Unexpected server response')) reject(err);
    });
  });
}

test('the upgrade needs credentials like any request (Basic or api_key)', async () => {
  assert.equal((await handshake('app=a')).status, 401);
  assert.equal((await handshake('app=a&api_key=asterisk:wrong')).status, 401);
  assert.equal((await handshake('app=a&api_key=asterisk:asterisk')).status, 101);
  assert.equal((await handshake('app=a', { headers: { Authorization: BASIC } })).status, 101);
  assert.equal((await handshake('app=a', { headers: { Authorization: BASIC_RO } })).status, 101);
});

test('missing or empty app is a 400 before the upgrade; nothing is registered', async () => {
  const count = h.stasis.connections.length;
  const missing = await handshake('api_key=asterisk:asterisk');
  assert.equal(missing.status, 400);
  assert.match(missing.body, /HTTP request is missing param: \[app\]/);
  const empty = await handshake('app=&api_key=asterisk:asterisk');
  assert.equal(empty.status, 400);
  assert.match(empty.body, /Invalid application provided in param \[app\]\./);
  assert.equal((await handshake('app=a,,b&api_key=asterisk:asterisk')).status, 400);
  assert.equal(h.stasis.connections.length, count);
});

test('a plain GET without Upgrade is 426 with the HTML page; POST is 405 Allow: OPTIONS,GET', async () => {
  const r = await call(h, 'GET', '/events?app=x');
  assert.equal(r.status, 426);
  assert.equal(r.headers.get('content-type'), 'text/html');
  assert.equal(
    r.text,
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n<html><head>\r\n<title>426 Upgrade Required</title>\r\n' +
      '</head><body>\r\n<h1>Upgrade Required</h1>\r\n<p></p>\r\n<hr />\r\n<address>Asterisk/22.10.1</address>\r\n' +
      '</body></html>\r\n',
  );
  const post = await call(h, 'POST', '/events?app=x');
  assert.equal(post.status, 405);
  assert.equal(post.headers.get('allow'), 'OPTIONS,GET');
});

test('sub-protocol ari is echoed only when offered; only other protocols are refused', async () => {
  const q = 'app=p&api_key=asterisk:asterisk';
  assert.equal((await handshake(q)).protocol, '');
  assert.equal((await handshake(q, { protocols: ['ari'] })).protocol, 'ari');
  assert.equal((await handshake(q, { protocols: ['foo', 'ari'] })).protocol, 'ari');
  const count = h.stasis.connections.length;
  assert.equal((await handshake(q, { protocols: ['foo'] })).status, 400);
  assert.equal(h.stasis.connections.length, count);
});

test('the app list is split and trimmed; subscribeAll uses ast_true; registration failure is 500', async () => {
  const { ws } = await openEvents(h, 'app=a1,%20a2%20&subscribeAll=yes&api_key=asterisk:asterisk');
  const c = h.stasis.connections.at(-1)!;
  assert.deepEqual(c.apps, ['a1', 'a2']);
  assert.equal(c.subscribeAll, true);
  ws.close();
  assert.equal((await handshake(`app=${'x'.repeat(80)}&api_key=asterisk:asterisk`)).status, 500);
});

test('events produced before the socket is open are queued and flushed in order', async () => {
  h.stasis.onConnect = (c) => {
    c.emit('q', 'First', { n: 1 });
    c.emit('q', 'Second', { n: 2 });
  };
  try {
    const { ws, messages } = await openEvents(h, 'app=q&api_key=asterisk:asterisk');
    h.stasis.connections.at(-1)!.emit('q', 'Third', { n: 3 });
    await until(() => messages.length === 3);
    assert.deepEqual(
      messages.map((m) => [m['type'], m['n']]),
      [
        ['First', 1],
        ['Second', 2],
        ['Third', 3],
      ],
    );
    ws.close();
  } finally {
    h.stasis.onConnect = undefined;
  }
});

test('closing the socket closes the Stasis connection once', async () => {
  const { ws } = await openEvents(h, 'app=cl&api_key=asterisk:asterisk');
  const c = h.stasis.connections.at(-1)!;
  ws.close();
  await until(() => c.closed === 1);
  c.emit('cl', 'AfterClose'); // must be ignored, not throw
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(c.closed, 1);
});

test('a peer that stops reading is dropped after the write timeout', async () => {
  const key = Buffer.from('0123456789abcdef').toString('base64');
  const sock = connect(h.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.write(
      'GET /ari/events?app=slow&api_key=asterisk:asterisk HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n' +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    sock.once('data', (d) => {
      assert.match(String(d), /^HTTP\/1\.1 101/);
      sock.pause(); // and never read again
      resolve();
    });
  });
  const c = h.stasis.connections.at(-1)!;
  assert.deepEqual(c.apps, ['slow']);
  const payload = 'x'.repeat(256 * 1024);
  for (let i = 0; i < 200 && c.closed === 0; i++) {
    c.emit('slow', 'Big', { payload });
    await new Promise((r) => setImmediate(r));
  }
  await until(() => c.closed === 1, 5000);
  sock.destroy();
});

test('an upgrade to a path other than /ari/events gets an ordinary answer and the socket closes', async () => {
  const reply = await new Promise<string>((resolve, reject) => {
    const sock = connect(h.port, '127.0.0.1', () => {
      sock.write(
        `GET /ari/channels HTTP/1.1\r\nHost: x\r\nAuthorization: ${BASIC}\r\nUpgrade: websocket\r\n` +
          'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
    });
    let data = '';
    sock.on('data', (d) => (data += String(d)));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
  assert.match(reply, /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(reply.endsWith('\r\n\r\n[]'));
});
