import assert from 'node:assert/strict';
import { test } from 'node:test';
import { call, startHarness } from './harness.js';

const ORIGIN = 'http://example.com';

test('preflight with a matching origin: Allow, Allow-Methods, echoed headers, origin and credentials', async () => {
  const h = await startHarness({ allowedOrigins: [ORIGIN] });
  try {
    const r = await call(h, 'OPTIONS', '/channels', {
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers.get('allow'), 'OPTIONS,GET,POST');
    assert.equal(r.headers.get('access-control-allow-methods'), 'OPTIONS,GET,POST');
    assert.equal(r.headers.get('access-control-allow-headers'), 'content-type');
    assert.equal(r.headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(r.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(r.headers.get('access-control-max-age'), null);

    // a method the path does not serve: no Allow-Methods, but the simple headers stay
    const put = await call(h, 'OPTIONS', '/channels', {
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'PUT' },
    });
    assert.equal(put.status, 204);
    assert.equal(put.headers.get('access-control-allow-methods'), null);
    assert.equal(put.headers.get('access-control-allow-origin'), ORIGIN);

    const simple = await call(h, 'GET', '/channels', { headers: { Origin: ORIGIN } });
    assert.equal(simple.status, 200);
    assert.equal(simple.headers.get('access-control-allow-origin'), ORIGIN);
    assert.equal(simple.headers.get('access-control-allow-credentials'), 'true');
    assert.equal(simple.headers.get('access-control-allow-methods'), null);

    // errors carry them too (process_cors_request runs first)
    const unauth = await call(h, 'GET', '/channels', { auth: null, headers: { Origin: ORIGIN } });
    assert.equal(unauth.status, 401);
    assert.equal(unauth.headers.get('access-control-allow-origin'), ORIGIN);
  } finally {
    await h.close();
  }
});

test('a non-matching origin gets no CORS headers and the request still runs', async () => {
  const h = await startHarness({ allowedOrigins: [ORIGIN] });
  try {
    const r = await call(h, 'GET', '/channels', { headers: { Origin: 'http://evil.example' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('access-control-allow-origin'), null);
    const pre = await call(h, 'OPTIONS', '/channels', {
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-methods'), null);
  } finally {
    await h.close();
  }
});

test("'*' allows any origin but echoes it; empty allowed_origins disables CORS", async () => {
  const star = await startHarness({ allowedOrigins: ['*'] });
  const off = await startHarness({ allowedOrigins: [] });
  try {
    const q = '/channels?api_key=asterisk:asterisk';
    const a = await call(star, 'GET', q, { auth: null, headers: { Origin: 'http://x.test' } });
    assert.equal(a.headers.get('access-control-allow-origin'), 'http://x.test');
    const b = await call(off, 'OPTIONS', q, {
      auth: null,
      headers: { Origin: 'http://x.test', 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(b.status, 204);
    assert.equal(b.headers.get('access-control-allow-origin'), null);
  } finally {
    await star.close();
    await off.close();
  }
});
