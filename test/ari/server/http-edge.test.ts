// Requests Node's HTTP parser would refuse with a bare 400/431, answered as Asterisk 22.10.1's HTTP server
// answers them (checked against a running Asterisk): real sockets, raw bytes.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { ARI_CONF, startTestServer, type TestServer } from '../../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ 'ari.conf': ARI_CONF });
});
after(() => server.close());

const AUTH = `Authorization: Basic ${Buffer.from('asterisk:asterisk').toString('base64')}`;

/** Sends raw bytes; resolves with the status line, the headers (lower-case names) and the body. */
function raw(bytes: Buffer): Promise<{ status: string; headers: Map<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const s = connect(server.app.port, '127.0.0.1');
    let data = '';
    s.on('data', (d) => (data += d.toString('latin1')));
    s.on('error', reject);
    const finish = (): void => {
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const [status = '', ...lines] = head.split('\r\n');
      const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()])); // prettier-ignore
      resolve({ status, headers, body: rest.join('\r\n\r\n') });
    };
    s.on('close', finish);
    s.write(bytes);
    setTimeout(() => s.end(), 300);
  });
}
const req = (line: string, extra = ''): Buffer =>
  Buffer.from(`${line}\r\nHost: x\r\n${AUTH}\r\n${extra}\r\n`, 'latin1');

test('an unknown method: 405 Invalid method with Allow, as JSON', async () => {
  for (const method of ['FOO', 'PROPFIND']) {
    const r = await raw(req(`${method} /ari/asterisk/ping HTTP/1.1`));
    assert.equal(r.status, 'HTTP/1.1 405 Method Not Allowed');
    assert.equal(r.headers.get('allow'), 'OPTIONS,GET');
    assert.deepEqual(JSON.parse(r.body), { message: 'Invalid method' });
    assert.match(r.headers.get('server') ?? '', /^Switchyard\//);
  }
});

test('a lower-case method starting a connection is served as Asterisk serves it (methods compared without case)', async () => {
  const ping = await raw(req('get /ari/asterisk/ping HTTP/1.1'));
  assert.equal(ping.status, 'HTTP/1.1 200 OK');
  assert.ok('ping' in (JSON.parse(ping.body) as object));
  const put = await raw(
    req('post /ari/asterisk/variable?variable=LC_METHOD&value=yes HTTP/1.1', 'Content-Length: 0\r\n'),
  );
  assert.equal(put.status, 'HTTP/1.1 204 No Content');
  const get = await raw(req('GET /ari/asterisk/variable?variable=LC_METHOD HTTP/1.1'));
  assert.deepEqual(JSON.parse(get.body), { value: 'yes' });
  // An unknown word in lower case is still no method.
  const foo = await raw(req('foo /ari/asterisk/ping HTTP/1.1'));
  assert.equal(foo.status, 'HTTP/1.1 405 Method Not Allowed');
});

test('a connection that has sent nothing yet does not hold the server open at close', async () => {
  const other = await startTestServer({ 'ari.conf': ARI_CONF });
  const idle = connect(other.app.port, '127.0.0.1');
  await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
  const idleClosed = new Promise<void>((resolve) => idle.once('close', () => resolve()));
  await other.close();
  await idleClosed;
});

test('a 0xff byte or a space in the path: 404 Resource not found', async () => {
  const ff = Buffer.concat([Buffer.from('GET /ari/asterisk/pi'), Buffer.from([0xff]), req('ng HTTP/1.1')]);
  for (const bytes of [ff, req('GET /ari/asterisk/pi ng HTTP/1.1')]) {
    const r = await raw(bytes);
    assert.equal(r.status, 'HTTP/1.1 404 Not Found');
    assert.deepEqual(JSON.parse(r.body), { message: 'Resource not found' });
  }
});

test('LF-only line endings are read as lines: the request is served', async () => {
  const r = await raw(Buffer.from(`GET /ari/asterisk/ping HTTP/1.1\nHost: x\n${AUTH}\n\n`));
  assert.equal(r.status, 'HTTP/1.1 200 OK');
});

test('a header line over 4 095 bytes: 400 page; more than 100 headers: 413 page; 100 are fine', async () => {
  const long = await raw(req('GET /ari/asterisk/ping HTTP/1.1', `X-Big: ${'a'.repeat(17 * 1024)}\r\n`));
  assert.equal(long.status, 'HTTP/1.1 400 Bad Request');
  assert.match(long.headers.get('content-type') ?? '', /text\/html/);
  assert.match(long.body, /<title>400 Bad Request<\/title>/);
  const headers = (n: number): string => Array.from({ length: n }, (_, i) => `X-H${i}: v\r\n`).join('');
  const many = await raw(req('GET /ari/asterisk/ping HTTP/1.1', headers(200)));
  assert.equal(many.status, 'HTTP/1.1 413 Request Entity Too Large');
  assert.match(many.body, /Too many headers/);
  const within = await raw(req('GET /ari/asterisk/ping HTTP/1.1', headers(100 - 2)));
  assert.equal(within.status, 'HTTP/1.1 200 OK');
});

test('bytes that are no request: 400 page', async () => {
  const r = await raw(Buffer.from('\x00\x01\x02 garbage\r\n\r\n', 'latin1'));
  assert.equal(r.status, 'HTTP/1.1 400 Bad Request');
  assert.match(r.body, /<h1>Bad Request<\/h1>/);
});
