/**
 * ARI /asterisk/logging against a running server: a channel is written to a temp file, receives a logged
 * event, is rotated and deleted. Statuses and messages are Asterisk 22.10.1's answers to the same requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let dir: string;
let logDir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'switchyard-logging-'));
  logDir = join(dir, 'log');
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => s,1,Answer()\n',
    'asterisk.conf': `[directories]\nastlogdir=${logDir}\n`,
  });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string) {
  const r = await fetch(server.ariBase + path, { method, headers: { Authorization: server.auth } });
  const text = await r.text();
  return { status: r.status, statusText: r.statusText, text, json: text === '' ? undefined : JSON.parse(text) };
}

/** An absolute channel name in the URL (`/` escaped, as Asterisk takes it). */
const encoded = (path: string): string => encodeURIComponent(path);

/** Reloading http logs one warning (http.conf is read again, applied at restart): a logged event. */
async function logAWarning(): Promise<void> {
  assert.equal((await call('PUT', '/asterisk/modules/http')).status, 204);
}

const WARNING_LINE =
  /^\[\w{3} [ \d]\d \d\d:\d\d:\d\d\] WARNING\[\d+\] switchyard: http\.conf was read again; its changes apply when the server restarts \{"module":"http","file":"http\.conf"\}$/;

test('at start only the console is listed; the test logger is silent, so it has no levels', async () => {
  const r = await call('GET', '/asterisk/logging');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, [{ channel: '', type: 'Console', status: 'Enabled', configuration: '' }]);
});

test('a channel writes a logged event to its file, rotates to <file>.0 and .1, and is deleted', async () => {
  const file = join(logDir, 'events.log');
  let r = await call('POST', `/asterisk/logging/${encoded(file)}?configuration=notice,warning,error`);
  assert.equal(r.status, 204);
  assert.equal(r.text, '');
  r = await call('GET', '/asterisk/logging');
  assert.deepEqual(r.json[0], {
    channel: file,
    type: 'File',
    status: 'Enabled',
    configuration: 'NOTICE WARNING ERROR ',
  });
  assert.equal(r.json.at(-1).type, 'Console', 'new channels come first');

  await logAWarning();
  let lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.match(lines[0]!, /^\[\w{3} [ \d]\d \d\d:\d\d:\d\d\] Switchyard \S+$/, 'the file opens with a banner');
  assert.equal(lines.length, 2);
  assert.match(lines[1]!, WARNING_LINE);

  assert.equal((await call('PUT', `/asterisk/logging/${encoded(file)}/rotate`)).status, 204);
  assert.deepEqual(readFileSync(`${file}.0`, 'utf8').trimEnd().split('\n').slice(1), [lines[1]], 'old lines moved');
  lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 1, 'a fresh file under the old name holds only the banner');
  await logAWarning();
  assert.match(
    readFileSync(file, 'utf8').trimEnd().split('\n')[1]!,
    WARNING_LINE,
    'the channel writes on after rotating',
  );

  assert.equal((await call('PUT', `/asterisk/logging/${encoded(file)}/rotate`)).status, 204);
  assert.ok(existsSync(`${file}.1`), 'the second rotation takes the next free number');
  assert.equal(readFileSync(`${file}.1`, 'utf8').trimEnd().split('\n').length, 2);

  r = await call('DELETE', `/asterisk/logging/${encoded(file)}`);
  assert.equal(r.status, 204);
  const size = statSync(file).size;
  await logAWarning();
  assert.equal(statSync(file).size, size, 'a deleted channel writes nothing more; its file stays');
  assert.equal((await call('GET', '/asterisk/logging')).json.length, 1);
});

test('levels filter what a channel receives, and [json] writes the structured records', async () => {
  const errorsOnly = join(logDir, 'errors.log');
  const json = join(logDir, 'records.json');
  assert.equal((await call('POST', `/asterisk/logging/${encoded(errorsOnly)}?configuration=ERROR`)).status, 204);
  assert.equal((await call('POST', `/asterisk/logging/${encoded(json)}?configuration=[json]warning`)).status, 204);
  await logAWarning();
  assert.equal(readFileSync(errorsOnly, 'utf8').trimEnd().split('\n').length, 1, 'banner only: no ERROR logged');
  const record = JSON.parse(readFileSync(json, 'utf8').trimEnd().split('\n')[1]!);
  assert.equal(record.level, 40);
  assert.equal(record.module, 'http');
  assert.match(record.msg, /^http\.conf was read again/);
  for (const f of [errorsOnly, json])
    assert.equal((await call('DELETE', `/asterisk/logging/${encoded(f)}`)).status, 204);
});

test('a relative name is a file in asterisk.conf’s astlogdir, listed by its full path', async () => {
  assert.equal((await call('POST', '/asterisk/logging/probe1?configuration=notice')).status, 204);
  assert.equal((await call('GET', '/asterisk/logging')).json[0].channel, `${logDir}/probe1`);
  assert.ok(existsSync(join(logDir, 'probe1')));
  // The full path names the same channel.
  assert.equal(
    (await call('POST', `/asterisk/logging/${encoded(`${logDir}/probe1`)}?configuration=error`)).status,
    409,
  );
  assert.equal((await call('DELETE', '/asterisk/logging/PROBE1')).status, 404, 'names are case-sensitive');
  assert.equal((await call('DELETE', '/asterisk/logging/probe1')).status, 204);
});

test('errors are Asterisk’s', async () => {
  const file = join(logDir, 'dup.log');
  assert.equal((await call('POST', `/asterisk/logging/${encoded(file)}?configuration=notice`)).status, 204);
  const cases: [string, string, number, string, string][] = [
    ['POST', `/asterisk/logging/${encoded(file)}?configuration=error`, 409, 'Conflict', 'Log channel already exists'],
    ['POST', '/asterisk/logging/console?configuration=notice', 409, 'Conflict', 'Log channel already exists'],
    // Levels are checked first: an existing channel without them is 400 too.
    ['POST', `/asterisk/logging/${encoded(file)}`, 400, 'Bad Request', 'Configuration levels are required'],
    ['POST', '/asterisk/logging/fresh?configuration=', 400, 'Bad Request', 'Configuration levels are required'],
    [
      'POST',
      `/asterisk/logging/${encoded(join(logDir, 'no/such/dir.log'))}?configuration=notice`,
      500,
      'Internal Server Error',
      'Allocation failed',
    ],
    ['DELETE', '/asterisk/logging/unknown', 404, 'Not Found', 'Log channel does not exist'],
    ['DELETE', '/asterisk/logging/console', 404, 'Not Found', 'Log channel does not exist'],
    ['PUT', '/asterisk/logging/unknown/rotate', 404, 'Not Found', 'Log channel does not exist'],
    ['PUT', '/asterisk/logging/console/rotate', 404, 'Not Found', 'Log channel does not exist'],
  ];
  for (const [method, path, status, statusText, message] of cases) {
    const r = await call(method, path);
    assert.equal(r.status, status, `${method} ${path}`);
    assert.equal(r.statusText, statusText, `${method} ${path}`);
    assert.deepEqual(r.json, { message }, `${method} ${path}`);
  }
  assert.equal((await call('DELETE', `/asterisk/logging/${encoded(file)}`)).status, 204);
});

test('a configuration of unknown levels still makes a channel, with none', async () => {
  const file = join(logDir, 'bogus.log');
  assert.equal((await call('POST', `/asterisk/logging/${encoded(file)}?configuration=bogus`)).status, 204);
  assert.equal((await call('GET', '/asterisk/logging')).json[0].configuration, '');
  assert.equal((await call('DELETE', `/asterisk/logging/${encoded(file)}`)).status, 204);
});

test('a file outside the log folder is refused like one that cannot be opened (Asterisk would open it)', async () => {
  const outside = join(dir, 'outside.log');
  for (const name of [encoded(outside), encoded('../escape.log'), encoded('sub/../../escape.log'), '%2Fetc%2Fpasswd']) {
    const r = await call('POST', `/asterisk/logging/${name}?configuration=error`);
    assert.equal(r.status, 500, name);
    assert.deepEqual(r.json, { message: 'Allocation failed' }, name);
  }
  assert.equal(existsSync(outside), false);
  assert.equal(existsSync(join(dir, 'escape.log')), false);
  assert.equal((await call('GET', '/asterisk/logging')).json.length, 1, 'only the console');
});
