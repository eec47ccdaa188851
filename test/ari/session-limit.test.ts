// http.conf sessionlimit: connections beyond the limit are closed unanswered, as Asterisk's HTTP server closes
// them; one closing makes room for the next. Real sockets on loopback.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
const LIMIT = 3;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'http.conf': `[general]\nenabled = yes\nbindaddr = 127.0.0.1\nsessionlimit = ${LIMIT}\n`,
  });
});
after(() => server.close());

const AUTH = `Basic ${Buffer.from('asterisk:asterisk').toString('base64')}`;

/** Opens a keep-alive connection and pings; resolves with the status line, or 'closed' if it was cut unanswered. */
function ping(): Promise<{ socket: Socket; status: string }> {
  return new Promise((resolve) => {
    const socket = connect(server.app.port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => {
      data += d.toString();
      if (data.includes('\r\n\r\n')) resolve({ socket, status: data.split('\r\n')[0]! });
    });
    socket.on('close', () => resolve({ socket, status: data === '' ? 'closed' : data.split('\r\n')[0]! }));
    socket.on('error', () => undefined);
    socket.write(`GET /ari/asterisk/ping HTTP/1.1\r\nHost: x\r\nAuthorization: ${AUTH}\r\n\r\n`);
  });
}

test('sessionlimit: the connection over the limit is closed unanswered; a freed slot is taken again', async () => {
  const open: Socket[] = [];
  for (let i = 0; i < LIMIT; i++) {
    const r = await ping();
    assert.equal(r.status, 'HTTP/1.1 200 OK');
    open.push(r.socket);
  }
  const over = await ping();
  assert.equal(over.status, 'closed');
  const first = open.shift()!;
  await new Promise<void>((r) => {
    first.once('close', () => r());
    first.destroy();
  });
  // The server sees the close on its next turn.
  for (let i = 0; i < 50; i++) {
    const r = await ping();
    if (r.status !== 'closed') {
      assert.equal(r.status, 'HTTP/1.1 200 OK');
      open.push(r.socket);
      break;
    }
    await new Promise((res) => setTimeout(res, 10));
  }
  assert.equal(open.length, LIMIT);
  for (const s of open) s.destroy();
});
