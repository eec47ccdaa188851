import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import { BASIC, call, startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

/** GET with an explicit Host header (fetch does not allow overriding it). */
function getWithHost(port: number, path: string, host: string | undefined): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: BASIC };
    if (host !== undefined) headers['Host'] = host;
    const req = request({ host: '127.0.0.1', port, path, headers, setHost: host !== undefined }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('resources.json takes its basePath from the Host header (and the http prefix)', async () => {
  const r = await getWithHost(h.port, '/ari/api-docs/resources.json', 'pbx.example:8088');
  assert.equal(r.status, 200);
  const doc = JSON.parse(r.body) as { basePath: string; apis: { path: string }[]; swaggerVersion: string };
  assert.equal(doc.basePath, 'http://pbx.example:8088/ari');
  assert.equal(doc.apis.length, 11);
  assert.equal(doc.apis[2]!.path, '/api-docs/channels.{format}');

  const p = await startHarness({ prefix: '/asterisk' });
  try {
    const pr = await getWithHost(p.port, '/asterisk/ari/api-docs/channels.json', 'h:1');
    assert.equal(pr.status, 200);
    assert.equal((JSON.parse(pr.body) as { basePath: string }).basePath, 'http://h:1/asterisk/ari');
  } finally {
    await p.close();
  }
});

test('without a Host header there is no basePath', async () => {
  const r = await getWithHost(h.port, '/ari/api-docs/resources.json', undefined);
  assert.equal(r.status, 200);
  assert.equal('basePath' in (JSON.parse(r.body) as object), false);
});

test('a resource file, unknown files 404, other methods 405 Unsupported method, auth required', async () => {
  const ok = await call(h, 'GET', '/api-docs/playbacks.json');
  assert.equal(ok.status, 200);
  assert.equal((ok.json as { resourcePath: string }).resourcePath, '/api-docs/playbacks.{format}');
  const nf = await call(h, 'GET', '/api-docs/nothing.json');
  assert.equal(nf.status, 404);
  assert.equal(nf.text, '{"message":"Resource not found"}');
  assert.equal((await call(h, 'GET', '/api-docs/resources.xml')).status, 404);
  const post = await call(h, 'POST', '/api-docs/playbacks.json');
  assert.equal(post.status, 405);
  assert.equal(post.text, '{"message":"Unsupported method"}');
  assert.equal((await call(h, 'GET', '/api-docs/resources.json', { auth: null })).status, 401);
  assert.equal((await call(h, 'GET', '/api-docs/')).status, 404); // trailing slash first
});

test('openapi.json is served with the server URL from the Host header', async () => {
  const r = await getWithHost(h.port, '/ari/openapi.json', 'example.test');
  assert.equal(r.status, 200);
  const doc = JSON.parse(r.body) as { openapi: string; servers: { url: string }[] };
  assert.match(doc.openapi, /^3\./);
  assert.equal(doc.servers[0]!.url, 'http://example.test');
  assert.equal((await call(h, 'DELETE', '/openapi.json')).status, 405);
});
