/**
 * ARI /asterisk/modules against a running server. Expected statuses and messages are Asterisk 22.10.1's
 * answers to the same requests (recorded with curl on the oracle build, docs/modules.md).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { ari, EventSocket } from '../helpers/ari.js';

let server: TestServer;

before(async () => {
  server = await startTestServer({ 'ari.conf': ARI_CONF, 'extensions.conf': '[default]\nexten => s,1,Answer()\n' });
});

after(async () => {
  await server.close();
});

/** Status, status text and body of a request (the helper does not keep the status text). */
async function call(method: string, path: string, auth = server.auth) {
  const r = await fetch(server.ariBase + path, { method, headers: { Authorization: auth } });
  const text = await r.text();
  return { status: r.status, statusText: r.statusText, text, json: text === '' ? undefined : JSON.parse(text) };
}

const lower = (s: string): string => s.toLowerCase();

test('the list has Asterisk’s fields, every module Running, sorted by name ignoring case', async () => {
  const r = await call('GET', '/asterisk/modules');
  assert.equal(r.status, 200);
  const list = r.json as Record<string, unknown>[];
  assert.ok(list.length > 50);
  for (const m of list) {
    assert.deepEqual(Object.keys(m), ['name', 'description', 'use_count', 'status', 'support_level']);
    assert.equal(m.status, 'Running');
    assert.ok(['core', 'extended'].includes(m.support_level as string), String(m.name));
    assert.equal(typeof m.use_count, 'number');
  }
  const names = list.map((m) => m.name as string);
  assert.deepEqual(
    names,
    [...names].sort((a, b) => (lower(a) < lower(b) ? -1 : lower(a) > lower(b) ? 1 : 0)),
  );
  for (const wanted of [
    'chan_pjsip.so',
    'res_pjsip.so',
    'res_ari.so',
    'res_ari_channels.so',
    'pbx_config.so',
    'http',
  ]) {
    assert.ok(names.includes(wanted), wanted);
  }
  // Local channels are core in Asterisk 22: no module stands for them.
  assert.ok(!names.some((n) => n.includes('local')));
});

test('docs/modules.md lists exactly the modules the server lists', async () => {
  const doc = readFileSync(new URL('../../docs/modules.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## The modules'), doc.indexOf('## Logger channels'));
  const documented = [...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]).sort();
  const listed = ((await call('GET', '/asterisk/modules')).json as { name: string }[]).map((m) => m.name).sort();
  assert.deepEqual(documented, listed);
});

test('GET finds a module by any spelling but shows it only under its exact name', async () => {
  const found = await call('GET', '/asterisk/modules/res_pjsip.so');
  assert.equal(found.status, 200);
  assert.equal(found.json.name, 'res_pjsip.so');
  assert.equal(found.json.support_level, 'core');
  assert.equal((await call('GET', '/asterisk/modules/http')).status, 200);
  for (const spelling of ['res_pjsip', 'RES_PJSIP.SO', 'Res_Pjsip.so', 'http.so', 'HTTP']) {
    const r = await call('GET', `/asterisk/modules/${spelling}`);
    assert.equal(r.status, 409, spelling);
    assert.equal(r.statusText, 'Conflict');
    assert.deepEqual(r.json, { message: 'Module information could not be retrieved' });
  }
  for (const unknown of ['nonexistent', 'nonexistent.so', 'chan_local.so', 'core_local', 'res_pjsip.so.so']) {
    const r = await call('GET', `/asterisk/modules/${unknown}`);
    assert.equal(r.status, 404, unknown);
    assert.deepEqual(r.json, { message: 'Module could not be found in running modules' });
  }
});

test('load: a listed module is already loaded, an unknown one is declined', async () => {
  for (const name of ['app_echo.so', 'app_echo', 'APP_ECHO.so', 'http']) {
    const r = await call('POST', `/asterisk/modules/${name}`);
    assert.equal(r.status, 409, name);
    assert.deepEqual(r.json, { message: 'Module is already loaded' });
  }
  const r = await call('POST', '/asterisk/modules/nonexistent.so');
  assert.equal(r.status, 409);
  assert.deepEqual(r.json, { message: 'Module load declined' });
});

test('unload is refused as Asterisk refuses a module in use; an unknown one is 404', async () => {
  for (const name of ['res_pjsip.so', 'app_echo.so', 'logger']) {
    const r = await call('DELETE', `/asterisk/modules/${name}`);
    assert.equal(r.status, 409, name);
    assert.deepEqual(r.json, { message: 'Module could not be unloaded' });
  }
  const r = await call('DELETE', '/asterisk/modules/nonexistent');
  assert.equal(r.status, 404);
  assert.equal(r.statusText, 'Not Found');
  assert.deepEqual(r.json, { message: 'Module not found in running modules' });
  assert.equal((await call('GET', '/asterisk/modules/app_echo.so')).status, 200, 'still there');
});

test('reload answers as Asterisk does for each module', async () => {
  for (const name of [
    'pbx_config.so',
    'pbx_config',
    'res_pjsip.so',
    'logger',
    'http',
    'app_playback.so',
    'res_ari.so',
  ]) {
    const r = await call('PUT', `/asterisk/modules/${name}`);
    assert.equal(r.status, 204, name);
    assert.equal(r.text, '');
  }
  for (const name of ['app_echo.so', 'chan_pjsip.so', 'res_stasis.so', 'sounds', 'res_http_websocket.so']) {
    const r = await call('PUT', `/asterisk/modules/${name}`);
    assert.equal(r.status, 409, name);
    assert.deepEqual(r.json, { message: 'Module does not support reloading' });
  }
  const r = await call('PUT', '/asterisk/modules/nonexistent');
  assert.equal(r.status, 404);
  assert.deepEqual(r.json, { message: 'Module not found in running modules' });
});

test('res_stasis.so counts the registered applications', async () => {
  const before = (await ari(server, 'GET', '/asterisk/modules/res_stasis.so')).json.use_count as number;
  const events = await EventSocket.open(server, 'modules-count-app');
  try {
    assert.equal((await ari(server, 'GET', '/asterisk/modules/res_stasis.so')).json.use_count, before + 1);
  } finally {
    events.close();
  }
});

test('reloading res_ari.so applies ari.conf’s new password to the next request', async () => {
  const basic = (user: string, password: string): string =>
    'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  const conf = join(server.app.config.dir, 'ari.conf');
  writeFileSync(
    conf,
    '[general]\nenabled=yes\n[asterisk]\ntype=user\npassword=asterisk\n[ops]\ntype=user\npassword=s3cret\n',
  );
  assert.equal((await call('GET', '/asterisk/ping', basic('ops', 's3cret'))).status, 401, 'unknown before the reload');
  assert.equal((await call('PUT', '/asterisk/modules/res_ari.so')).status, 204);
  assert.equal((await call('GET', '/asterisk/ping', basic('ops', 's3cret'))).status, 200);
  writeFileSync(conf, ARI_CONF.replace('password=asterisk', 'password=changed'));
  assert.equal((await call('PUT', '/asterisk/modules/res_ari.so')).status, 204);
  assert.equal((await call('GET', '/asterisk/ping')).status, 401, 'the old password no longer works');
  assert.equal((await call('GET', '/asterisk/ping', basic('ops', 's3cret'))).status, 401, 'the removed user neither');
  assert.equal((await call('GET', '/asterisk/ping', basic('asterisk', 'changed'))).status, 200);
  writeFileSync(conf, ARI_CONF);
  assert.equal((await call('PUT', '/asterisk/modules/res_ari.so', basic('asterisk', 'changed'))).status, 204);
  assert.equal((await call('GET', '/asterisk/ping')).status, 200);
});
