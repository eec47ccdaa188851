import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { AriUser } from '../../src/config/ari-config.js';
import { HTTP_DEFAULTS } from '../../src/config/http-config.js';
import { assertSafeBinding, embeddedConfigDir, isLoopbackAddress, loadConfig } from '../../src/config/load-config.js';

const dirs: string[] = [];
const tempDir = (files: Record<string, string>): string => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the embedded defaults load without errors: user asterisk, 127.0.0.1:8088, the [default] dialplan', () => {
  const config = loadConfig(undefined);
  assert.equal(config.dir, embeddedConfigDir());
  assert.deepEqual(config.errors, []);
  assert.equal(config.ari.enabled, true);
  assert.equal(config.ari.pretty, false);
  assert.deepEqual(config.ari.users.get('asterisk'), {
    name: 'asterisk',
    password: 'asterisk',
    passwordFormat: 'plain',
    readOnly: false,
  });
  assert.equal(config.http.enabled, true);
  assert.equal(config.http.bindaddr, '127.0.0.1');
  assert.equal(config.http.bindport, 8088);
  assert.equal(config.http.prefix, '');
  const contexts = config.extensions.sections.map((s) => s.name);
  assert.deepEqual(contexts, ['default']);
  const entries = config.extensions.sections[0]!.entries.map((e) => `${e.key} ${e.op} ${e.value}`);
  assert.equal(entries[0], 'exten => s,1,NoOp(entering s)');
  assert.equal(entries[2], 'same => n,Stasis(test,from-dialplan,arg2)');
  assert.ok(entries.includes('exten => hangup,1,Hangup(${IF($["${HANGUPCODE}" = ""]?16:${HANGUPCODE})})'));
  assert.equal(entries.at(-1), 'exten => h,1,NoOp(h)');
  assert.equal(entries.length, 26);
  assert.doesNotThrow(() => assertSafeBinding(config.http, config.ari));
});

test('a folder with only some files uses the defaults for the others', () => {
  const dir = tempDir({ 'http.conf': '[general]\nbindport = 9999\nprefix = pbx\n' });
  const config = loadConfig(dir);
  assert.equal(config.dir, dir);
  assert.equal(config.http.bindport, 9999);
  assert.equal(config.http.prefix, '/pbx');
  assert.equal(config.http.bindaddr, '127.0.0.1');
  assert.equal(config.ari.enabled, true);
  assert.equal(config.ari.users.size, 0); // no ari.conf: Asterisk's defaults, which have no users
  assert.deepEqual(config.extensions, { sections: [], errors: [] });
  assert.deepEqual(config.errors, [{ file: 'ari.conf', line: 0, message: 'No configured users for ARI' }]);
});

test('an empty folder gives every subsystem its defaults', () => {
  const config = loadConfig(tempDir({}));
  assert.deepEqual(config.http, HTTP_DEFAULTS);
  assert.equal(config.extensions.sections.length, 0);
});

test('includes resolve against the config folder, and every file’s errors are collected in order', () => {
  const dir = tempDir({
    'ari.conf': '[general]\nbogus = 1\n#include users/ari-users.conf\n',
    'users/ari-users.conf': '[me]\ntype = user\npassword = pw\n',
    'http.conf': '[general]\nbindport = nope\n',
    'extensions.conf': '[default]\n#include "ext/more.conf"\n#include ext/missing.conf\n',
    'ext/more.conf': 'exten => 100,1,Answer()\n',
  });
  const config = loadConfig(dir);
  assert.equal(config.ari.users.get('me')?.password, 'pw');
  assert.deepEqual(config.extensions.sections[0]!.entries[0], {
    key: 'exten',
    value: '100,1,Answer()',
    op: '=>',
    file: 'ext/more.conf',
    line: 1,
  });
  assert.deepEqual(
    config.errors.map((e) => `${e.file}:${e.line} ${e.message}`),
    [
      "ari.conf:2 Could not find option suitable for category 'general' named 'bogus'",
      'http.conf:2 Invalid port nope specified. Using default port 8088',
      "extensions.conf:3 The file 'ext/missing.conf' was listed as a #include but it does not exist.",
    ],
  );
});

test('an unreadable file or include is an error entry, not an exception', () => {
  const dir = tempDir({ 'extensions.conf': '[a]\n#include sub\n' });
  mkdirSync(join(dir, 'sub'));
  mkdirSync(join(dir, 'ari.conf'));
  const config = loadConfig(dir);
  assert.equal(config.ari.users.size, 0);
  const msgs = config.errors.map((e) => `${e.file}:${e.line} ${e.message}`);
  assert.ok(
    msgs.some((m) => m.startsWith('ari.conf:0 Cannot read ari.conf: EISDIR')),
    msgs.join('\n'),
  );
  assert.ok(
    msgs.some((m) => m.startsWith("extensions.conf:2 Cannot read 'sub': EISDIR")),
    msgs.join('\n'),
  );
});

test('a config dir that does not exist is refused', () => {
  assert.throws(() => loadConfig(join(tmpdir(), 'switchyard-no-such-dir-4711')), /does not exist/);
});

test('loopback addresses: 127.0.0.0/8, ::1, IPv4-mapped 127/8 and localhost', () => {
  for (const h of [
    '127.0.0.1',
    '127.1.2.3',
    '::1',
    '[::1]',
    '0:0:0:0:0:0:0:1',
    '::ffff:127.0.0.1',
    'localhost',
    'LocalHost',
  ]) {
    assert.equal(isLoopbackAddress(h), true, h);
  }
  for (const h of ['0.0.0.0', '::', '', '10.0.0.1', '128.0.0.1', '::ffff:10.0.0.1', 'pbx.example.com', '[::]']) {
    assert.equal(isLoopbackAddress(h), false, h);
  }
});

test('assertSafeBinding refuses a non-loopback bind while a user keeps the default password', () => {
  const user = (name: string, password: string, passwordFormat: 'plain' | 'crypt' = 'plain'): AriUser => ({
    name,
    password,
    passwordFormat,
    readOnly: false,
  });
  const users = (...list: AriUser[]) => ({ users: new Map(list.map((u) => [u.name, u])) });
  const weak = users(user('ok', 'long-random'), user('asterisk', 'asterisk'));
  assert.throws(() => assertSafeBinding({ bindaddr: '0.0.0.0' }, weak), /'asterisk'.*default password 'asterisk'/);
  assert.throws(() => assertSafeBinding({ bindaddr: '' }, weak), /all interfaces/);
  assert.throws(() => assertSafeBinding({ bindaddr: '192.168.1.10' }, weak), /bind to a loopback address/);
  // A crypt hash of "asterisk" (openssl passwd -1 -salt ab asterisk) is still the default password.
  const hashed = users(user('h', '$1$ab$Ca2dBcRMEDGCOyCZHLKzG1', 'crypt'));
  assert.throws(() => assertSafeBinding({ bindaddr: '::' }, hashed), /'h'/);
  for (const addr of ['127.0.0.1', '::1', 'localhost'])
    assert.doesNotThrow(() => assertSafeBinding({ bindaddr: addr }, weak));
  assert.doesNotThrow(() => assertSafeBinding({ bindaddr: '0.0.0.0' }, users(user('ok', 'long-random'))));
  assert.doesNotThrow(() => assertSafeBinding({ bindaddr: '0.0.0.0' }, users()));
});

test('the embedded config with a public bindaddr is refused', () => {
  const config = loadConfig(undefined);
  assert.throws(() => assertSafeBinding({ ...config.http, bindaddr: '0.0.0.0' }, config.ari), /refusing to listen/);
});

test('pjsip.conf and rtp.conf: the embedded ones load; absent ones give empty pjsip objects and built-in RTP ports', () => {
  const embedded = loadConfig(undefined);
  assert.deepEqual([...embedded.pjsip.endpoints.keys()], ['alice', 'bob', 'anonymous']);
  assert.match(embedded.pjsip.global.userAgent, /^Switchyard \d+\.\d+\.\d+/);
  assert.deepEqual([embedded.rtp.rtpStart, embedded.rtp.rtpEnd], [10000, 20000]);
  const empty = loadConfig(tempDir({ 'rtp.conf': '[general]\nrtpstart=abc\n' }));
  assert.equal(empty.pjsip.endpoints.size + empty.pjsip.transports.length, 0);
  assert.deepEqual([empty.rtp.rtpStart, empty.rtp.rtpEnd], [5000, 31000]);
  assert.deepEqual(empty.errors.at(-1), { file: 'rtp.conf', line: 2, message: 'Error parsing rtpstart=abc' });
});
