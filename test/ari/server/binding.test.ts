import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { BASIC, call, startHarness, type Harness, type Reply } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const JSON_CT = { 'Content-Type': 'application/json' };
const FORM_CT = { 'Content-Type': 'application/x-www-form-urlencoded' };

function args(r: Reply): Record<string, unknown> {
  assert.ok(r.status === 200 || r.status === 201, r.text);
  return (r.json as { args: Record<string, unknown> }).args;
}

test('a JSON top-level key overrides the query value; body params receive the whole body', async () => {
  const r = await call(h, 'POST', '/bridges?name=Q&bridgeId=pq', { headers: JSON_CT, body: '{"name":"J"}' });
  assert.deepEqual(args(r), { name: 'J', bridgeId: 'pq', variables: { name: 'J' } });
  const v = await call(h, 'POST', '/bridges/b3', {
    headers: JSON_CT,
    body: '{"variables":{"V1":"x"},"type":"holding"}',
  });
  assert.deepEqual(args(v), {
    bridgeId: 'b3',
    type: 'holding',
    variables: { variables: { V1: 'x' }, type: 'holding' },
  });
});

test('form fields merge with the query string, the query string winning', async () => {
  const r = await call(h, 'POST', '/bridges?name=fromQuery', {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' },
    body: 'type=mixing&name=formb',
  });
  assert.deepEqual(args(r), { type: 'mixing', name: 'fromQuery' });
  // api_key may come in the form body too
  const k = await call(h, 'POST', '/bridges', {
    auth: null,
    headers: FORM_CT,
    body: 'api_key=asterisk:asterisk&name=n',
  });
  assert.deepEqual(args(k), { name: 'n' });
});

test('other content types are not read at all; parameters of the JSON content type are ignored', async () => {
  const t = await call(h, 'POST', '/bridges?name=q', { headers: { 'Content-Type': 'text/plain' }, body: '{bad' });
  assert.deepEqual(args(t), { name: 'q' });
  const j = await call(h, 'POST', '/bridges', {
    headers: { 'Content-Type': 'Application/JSON; charset=utf-8' },
    body: '{"name":"x"}',
  });
  assert.equal(args(j)['name'], 'x');
  const empty = await call(h, 'POST', '/bridges?name=q', { headers: JSON_CT, body: '' });
  assert.deepEqual(args(empty), { name: 'q' });
});

test('malformed or scalar JSON is 400 Error parsing request body (before authentication)', async () => {
  for (const body of ['{"type": bad', '5', 'null', '"s"', ' ']) {
    const r = await call(h, 'POST', '/bridges', { headers: JSON_CT, body });
    assert.equal(r.status, 400, body);
    assert.equal(r.text, '{"message":"Error parsing request body"}');
  }
  const noAuth = await call(h, 'POST', '/bridges', { auth: null, headers: JSON_CT, body: '{' });
  assert.equal(noAuth.status, 400);
});

test('a 2 MiB body is 413 Request body too large and the server stays up', async () => {
  const big = Buffer.alloc(2 * 1024 * 1024, 0x61);
  const r = await call(h, 'POST', '/bridges', { headers: JSON_CT, body: big });
  assert.equal(r.status, 413);
  assert.equal(r.statusText, 'Request Entity Too Large');
  assert.equal(r.text, '{"message":"Request body too large"}');
  assert.equal((await call(h, 'GET', '/channels')).status, 200);
  // 40960 bytes is still fine
  const pad = ' '.repeat(40960 - '{"name":"ok"}'.length);
  assert.equal(
    args(await call(h, 'POST', '/bridges', { headers: JSON_CT, body: '{"name":"ok"}' + pad }))['name'],
    'ok',
  );
});

function chunked(path: string, chunks: readonly string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${h.base}${path}`,
      { method: 'POST', headers: { ...JSON_CT, Authorization: BASIC, 'Transfer-Encoding': 'chunked' } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += String(d)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

test('chunked bodies are read, and limited like any other', async () => {
  const ok = await chunked('/bridges', ['{"na', 'me":', '"chunky"}']);
  assert.equal(ok.status, 200);
  assert.equal((JSON.parse(ok.body) as { args: { name: string } }).args.name, 'chunky');
  const big = await chunked(
    '/bridges',
    Array.from({ length: 64 }, () => 'a'.repeat(32 * 1024)),
  );
  assert.equal(big.status, 413);
  assert.equal((await call(h, 'GET', '/channels')).status, 200);
});

test('ints use atoi, booleans ast_true; JSON needs real numbers and the literal true', async () => {
  assert.deepEqual(args(await call(h, 'PUT', '/mailboxes/mb1?oldMessages=1&newMessages=abc')), {
    mailboxName: 'mb1',
    oldMessages: 1,
    newMessages: 0,
  });
  const q = args(await call(h, 'POST', '/channels/c1/record?beep=yes&maxDurationSeconds=12s'));
  assert.equal(q['beep'], true);
  assert.equal(q['maxDurationSeconds'], 12);
  const j = args(
    await call(h, 'POST', '/channels/c1/record?beep=yes&name=q', {
      headers: JSON_CT,
      body: '{"beep":"true","maxDurationSeconds":"5","name":7}',
    }),
  );
  assert.equal(j['beep'], false);
  assert.equal(j['maxDurationSeconds'], 0);
  assert.equal('name' in j, false); // a non-string JSON value replaces the query value with nothing
});

test('multi params: comma list with quotes, last occurrence wins, JSON array or string', async () => {
  const a = args(await call(h, 'POST', '/bridges/b1/addChannel?channel=a,%22b,c%22,d'));
  assert.deepEqual(a['channel'], ['a', 'b,c', 'd']);
  const last = args(await call(h, 'POST', '/bridges/b1/addChannel?channel=x&channel=y,z'));
  assert.deepEqual(last['channel'], ['y', 'z']);
  const arr = await call(h, 'POST', '/bridges/b1/addChannel', { headers: JSON_CT, body: '{"channel":["p","q"]}' });
  assert.deepEqual(args(arr)['channel'], ['p', 'q']);
  const one = await call(h, 'POST', '/bridges/b1/addChannel', { headers: JSON_CT, body: '{"channel":"solo"}' });
  assert.deepEqual(args(one)['channel'], ['solo']);
});

test('128 or more values is 400 Too many values for <param>; 127 is fine', async () => {
  const many = Array.from({ length: 128 }, (_, i) => `c${i}`).join(',');
  const r = await call(h, 'POST', `/bridges/b1/addChannel?channel=${many}`);
  assert.equal(r.status, 400);
  assert.equal(r.text, '{"message":"Too many values for channel"}');
  const fewer = Array.from({ length: 127 }, (_, i) => `c${i}`).join(',');
  assert.equal(
    (args(await call(h, 'POST', `/bridges/b1/addChannel?channel=${fewer}`))['channel'] as string[]).length,
    127,
  );
});

test('path segments are decoded one by one (%2F stays inside, + is a space)', async () => {
  const r = await call(h, 'POST', '/events/user/a%2Fb+c?application=app');
  assert.deepEqual(args(r), { eventName: 'a/b c', application: 'app' });
});
