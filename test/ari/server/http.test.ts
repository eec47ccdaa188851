import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { BASIC, BASIC_RO, call, startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

test('Basic auth, api_key and their failures (401 with the realm challenge)', async () => {
  assert.equal((await call(h, 'GET', '/channels')).status, 200);
  assert.equal((await call(h, 'GET', '/channels?api_key=asterisk:asterisk', { auth: null })).status, 200);
  // split at the first ':' — the password may contain ':'
  const none = await call(h, 'GET', '/channels', { auth: null });
  assert.equal(none.status, 401);
  assert.equal(none.statusText, 'Unauthorized');
  assert.equal(none.text, '{"message":"Authentication required"}');
  assert.equal(none.headers.get('www-authenticate'), 'Basic realm="Asterisk REST Interface"');
  assert.equal((await call(h, 'GET', '/channels?api_key=asterisk%3Awrong', { auth: null })).status, 401);
  assert.equal((await call(h, 'GET', '/channels?api_key=asterisk', { auth: null })).status, 401);
  const wrongBasic = 'Basic ' + Buffer.from('asterisk:nope').toString('base64');
  // a Basic header is used alone: a valid api_key does not rescue a wrong Basic password
  assert.equal((await call(h, 'GET', '/channels?api_key=asterisk:asterisk', { auth: wrongBasic })).status, 401);
  // unknown path still needs auth first
  assert.equal((await call(h, 'GET', '/nothing/here', { auth: null })).status, 401);
});

test('a read-only user may GET and OPTIONS; everything else is 403 Write access denied', async () => {
  assert.equal((await call(h, 'GET', '/channels', { auth: BASIC_RO })).status, 200);
  assert.equal((await call(h, 'OPTIONS', '/channels', { auth: BASIC_RO })).status, 204);
  for (const m of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const r = await call(h, m, '/channels', { auth: BASIC_RO });
    assert.equal(r.status, 403, m);
    assert.equal(r.text, '{"message":"Write access denied"}');
  }
  // read-write user on /channels: PUT/PATCH/DELETE are 405 (test:authentication)
  for (const m of ['PUT', 'PATCH', 'DELETE']) assert.equal((await call(h, m, '/channels')).status, 405, m);
});

test('responses carry the Asterisk headers, Content-type only with a body', async () => {
  const r = await call(h, 'GET', '/channels');
  assert.equal(r.headers.get('server'), 'Asterisk/22.10.1');
  assert.equal(r.headers.get('cache-control'), 'no-cache, no-store');
  assert.equal(r.headers.get('content-length'), '2');
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.match(r.headers.get('date') ?? '', /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
  assert.equal(r.headers.get('connection'), 'keep-alive');
  const empty = await call(h, 'POST', '/channels/c1/answer');
  assert.equal(empty.status, 204);
  assert.equal(empty.headers.get('content-type'), null);
  assert.equal(empty.headers.get('content-length'), '0');
});

test('the raw wire shows the exact header names Asterisk writes', async () => {
  const raw = await new Promise<string>((resolve, reject) => {
    const s = connect(h.port, '127.0.0.1', () => {
      s.write(`GET /ari/channels HTTP/1.1\r\nHost: x\r\nAuthorization: ${BASIC}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    s.on('data', (d) => (data += String(d)));
    s.on('end', () => resolve(data));
    s.on('error', reject);
  });
  assert.match(raw, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(raw, /\r\nContent-type: application\/json\r\n/);
  assert.match(raw, /\r\nCache-Control: no-cache, no-store\r\n/);
  assert.ok(raw.endsWith('\r\n\r\n[]'));
});

test('trailing slash is a 404 telling the slashless URL, checked after auth', async () => {
  const r = await call(h, 'GET', '/channels/');
  assert.equal(r.status, 404);
  assert.equal(r.text, '{"message":"ARI URLs do not end with a slash. Try /ari/channels"}');
  assert.equal(r.headers.get('content-length'), '65');
  assert.equal((await call(h, 'GET', '/channels/', { auth: null })).status, 401);
  const deeper = await call(h, 'DELETE', '/bridges/b1/');
  assert.equal(deeper.text, '{"message":"ARI URLs do not end with a slash. Try /ari/bridges/b1"}');
});

test('routing stops at the first empty segment: /channels//answer is /channels', async () => {
  const get = await call(h, 'GET', '/channels//answer');
  assert.equal(get.status, 200);
  assert.equal(get.text, '[]');
  const post = await call(h, 'POST', '/channels//redirect?endpoint=x');
  assert.deepEqual((post.json as { args: unknown }).args, { endpoint: 'x' }); // became originate
});

test('unknown paths are 404, known paths with another verb 405 with Allow, OPTIONS 204 with Allow', async () => {
  const nf = await call(h, 'GET', '/nothing/here');
  assert.equal(nf.status, 404);
  assert.equal(nf.text, '{"message":"Resource not found"}');
  // routing is by path: unpause exists only as DELETE, so POST .../unpause is a 404
  assert.equal((await call(h, 'POST', '/recordings/live/x/unpause')).status, 404);
  const bad = await call(h, 'PUT', '/channels');
  assert.equal(bad.status, 405);
  assert.equal(bad.statusText, 'Method Not Allowed');
  assert.equal(bad.text, '{"message":"Invalid method"}');
  assert.equal(bad.headers.get('allow'), 'OPTIONS,GET,POST');
  const opt = await call(h, 'OPTIONS', '/channels/c1');
  assert.equal(opt.status, 204);
  assert.equal(opt.headers.get('allow'), 'OPTIONS,GET,POST,DELETE');
  assert.equal((await call(h, 'HEAD', '/channels')).status, 405);
  assert.equal((await call(h, 'GET', '')).status, 405); // /ari itself: the root has no methods
  assert.equal((await call(h, 'OPTIONS', '/nope')).status, 404);
});

test('literal segments beat {param}: /channels/create is not a channel id', async () => {
  assert.equal((await call(h, 'GET', '/channels/create')).status, 405);
  assert.equal((await call(h, 'POST', '/channels/create')).status, 501); // no handler in this table
});

test('operations without a handler answer 501; handler errors map to status, body and reason', async () => {
  const ni = await call(h, 'GET', '/sounds');
  assert.equal(ni.status, 501);
  assert.equal(ni.text, '{"message":"Not implemented"}');
  const nf = await call(h, 'GET', '/channels/nope');
  assert.equal(nf.status, 404);
  assert.equal(nf.text, '{"message":"Channel not found"}');
  const v = await call(h, 'GET', '/channels/c1/variable?variable=X');
  assert.equal(v.status, 404);
  assert.equal(v.statusText, 'Variable Not Found');
});

test('an unexpected handler exception is a logged 500 and the server keeps serving', async () => {
  const before = h.logged.length;
  const r = await call(h, 'GET', '/channels/boom');
  assert.equal(r.status, 500);
  assert.equal(r.text, '{"message":"Internal Server Error"}');
  assert.ok(h.logged.length > before);
  assert.equal((await call(h, 'GET', '/channels')).status, 200);
});

test('201 carries the handler Location; raw results keep their content type', async () => {
  const play = await call(h, 'POST', '/channels/c1/play?media=sound:hello');
  assert.equal(play.status, 201);
  assert.equal(play.statusText, 'Created');
  assert.equal(play.headers.get('location'), '/ari/playbacks/p1');
  const file = await call(h, 'GET', '/recordings/stored/r1/file');
  assert.equal(file.status, 200);
  assert.equal(file.headers.get('content-type'), 'audio/wav');
  assert.equal(file.text, 'RIFF....');
});

test('paths outside /ari are 404 Resource not found', async () => {
  const r = await fetch(`http://127.0.0.1:${h.port}/httpstatus`, { headers: { Authorization: BASIC } });
  assert.equal(r.status, 404);
  assert.equal(await r.text(), '{"message":"Resource not found"}');
});

test('dispatch() is usable without any transport', async () => {
  const res = await h.server.dispatch({
    method: 'POST',
    path: 'bridges',
    params: [['name', 'q']],
    headers: { authorization: BASIC },
    jsonBody: { name: 'j' },
  });
  assert.equal(res.status, 200);
  // the JSON key overrides the query value; the body parameter `variables` gets the whole body
  assert.deepEqual(JSON.parse(res.json!), {
    args: { name: 'j', variables: { name: 'j' } },
    user: 'asterisk',
    jsonBody: { name: 'j' },
  });
});

test('pretty=yes indents JSON bodies; prefix moves ARI under it', async () => {
  const p = await startHarness({ pretty: true, prefix: '/asterisk' });
  try {
    const r = await call(p, 'GET', '/recordings/stored');
    assert.equal(r.text, '[\n  {\n    "name": "r1",\n    "format": "wav"\n  }\n]');
    const outside = await fetch(`http://127.0.0.1:${p.port}/ari/channels`, { headers: { Authorization: BASIC } });
    assert.equal(outside.status, 404);
  } finally {
    await p.close();
  }
});
