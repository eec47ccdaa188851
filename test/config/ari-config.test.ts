import assert from 'node:assert/strict';
import { test } from 'node:test';
import { astTrue, parseAriConfig, verifyPassword, type AriUser } from '../../src/config/ari-config.js';
import { parseConf } from '../../src/config/conf-parser.js';

const ari = (text: string) => parseAriConfig(parseConf(text, { file: 'ari.conf' }));
const messages = (errors: readonly { line: number; message: string }[]) => errors.map((e) => `${e.line} ${e.message}`);

test('an empty ari.conf gives Asterisk’s defaults and the "No configured users" warning', () => {
  const { config, errors } = ari('');
  assert.equal(config.enabled, true);
  assert.equal(config.pretty, false);
  assert.deepEqual(config.allowedOrigins, []);
  assert.equal(config.authRealm, 'Asterisk REST Interface');
  assert.equal(config.websocketWriteTimeoutMs, 100);
  assert.deepEqual(config.channelvars, []);
  assert.equal(config.users.size, 0);
  assert.deepEqual(messages(errors), ['0 No configured users for ARI']);
  assert.deepEqual(ari('[general]\nenabled = no\n').errors, []); // disabled: no users needed
});

test('[general] options override the defaults', () => {
  const { config, errors } = ari(
    [
      '[general]',
      'enabled = no',
      'pretty = yes',
      'allowed_origins = http://a.example, http://b.example,*',
      'auth_realm = My PBX',
      'websocket_write_timeout = 250',
      'channelvars = CALLERID(num), FOO ,,BAR',
    ].join('\n'),
  );
  assert.deepEqual(errors, []);
  assert.equal(config.enabled, false);
  assert.equal(config.pretty, true);
  // res_ari.c origin_allowed() compares the comma-separated items untrimmed.
  assert.deepEqual(config.allowedOrigins, ['http://a.example', ' http://b.example', '*']);
  assert.equal(config.authRealm, 'My PBX');
  assert.equal(config.websocketWriteTimeoutMs, 250);
  assert.deepEqual(config.channelvars, ['CALLERID(num)', 'FOO', 'BAR']);
});

test('Asterisk booleans: yes, true, y, t, 1, on in any case are true; anything else is false', () => {
  for (const v of ['yes', 'YES', 'true', 'True', 'y', 'T', '1', 'on', 'On']) assert.equal(astTrue(v), true, v);
  for (const v of ['no', 'false', '0', 'off', '', 'yess', '2', ' yes']) assert.equal(astTrue(v), false, v);
  assert.equal(ari('[general]\npretty = ON\n').config.pretty, true);
});

test('type=user sections become users with password, password_format and read_only', () => {
  const { config, errors } = ari(
    [
      '[alice]',
      'type = user',
      'password = s3cret',
      'read_only = yes',
      '[bob]',
      'type = USER',
      'password = $6$saltsalt$TVLlQcbpFVof5W3Yz4DTP6gRstiNuHwwTt6GLc1E5n0U0aDehy0S5knV8wiOQSpT0Y77vwPZN.Pq.H91p5hVO1',
      'password_format = crypt',
    ].join('\n'),
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(config.users.get('alice'), {
    name: 'alice',
    password: 's3cret',
    passwordFormat: 'plain',
    readOnly: true,
  });
  const bob = config.users.get('bob')!;
  assert.equal(bob.passwordFormat, 'crypt');
  assert.equal(bob.readOnly, false);
  assert.equal(verifyPassword(bob, 'secret'), true);
  assert.equal(verifyPassword(bob, 'Secret'), false);
});

test('user names are looked up case-insensitively and repeated sections merge, later values winning', () => {
  const { config } = ari('[Carol]\ntype=user\npassword=one\n[carol]\ntype=user\nread_only=yes\npassword=two\n');
  assert.equal(config.users.size, 1);
  assert.deepEqual(config.users.get('CAROL'), {
    name: 'Carol',
    password: 'two',
    passwordFormat: 'plain',
    readOnly: true,
  });
});

test('templates are not users but can supply user options', () => {
  const { config, errors } = ari('[u](!)\ntype=user\nread_only=yes\n[dave](u)\npassword=pw\n');
  assert.deepEqual(errors, []);
  assert.deepEqual([...config.users.keys()], ['dave']);
  assert.equal(config.users.get('dave')!.readOnly, true);
});

test('unknown options, bad values and untyped sections are reported and leave the defaults', () => {
  const { config, errors } = ari(
    [
      '[general]',
      'websocket_write_timeout = 0',
      'websocket_write_timeout = fast',
      'colour = blue',
      '[eve]',
      'type = user',
      'password = x',
      'password_format = md5',
      'shoe_size = 9',
      '[notype]',
      'password = x',
      '[peer]',
      'type = endpoint',
      '[nopass]',
      'type = user',
    ].join('\n'),
  );
  assert.equal(config.websocketWriteTimeoutMs, 100);
  assert.equal(config.users.get('eve')!.passwordFormat, 'plain');
  assert.deepEqual(messages(errors), [
    '2 Error parsing websocket_write_timeout=0',
    '3 Error parsing websocket_write_timeout=fast',
    "4 Could not find option suitable for category 'general' named 'colour'",
    '8 Error parsing password_format=md5',
    "9 Could not find option suitable for category 'eve' named 'shoe_size'",
    "11 Could not find config type for category 'notype' (no 'type')",
    "13 Could not find config type for category 'peer' (type 'endpoint')",
    "15 User 'nopass' missing password",
  ]);
});

test('parse errors of the file come first in the result', () => {
  const { errors } = ari('stray = 1\n[general]\npretty=no\n[a]\ntype=user\npassword=p\n');
  assert.deepEqual(messages(errors), ['1 parse error: No category context for line']);
});

test('verifyPassword: plain compares exactly, an empty configured password never authenticates', () => {
  const u = (password: string, passwordFormat: 'plain' | 'crypt' = 'plain'): AriUser => ({
    name: 'u',
    password,
    passwordFormat,
    readOnly: false,
  });
  assert.equal(verifyPassword(u('asterisk'), 'asterisk'), true);
  assert.equal(verifyPassword(u('asterisk'), 'Asterisk'), false);
  assert.equal(verifyPassword(u('asterisk'), 'asterisk '), false);
  assert.equal(verifyPassword(u('asterisk'), ''), false);
  assert.equal(verifyPassword(u(''), ''), false);
  assert.equal(verifyPassword(u('$1$saltsalt$9xy1btjgzLYfb7hivXtC//', 'crypt'), 'secret'), true);
  assert.equal(verifyPassword(u('$1$saltsalt$9xy1btjgzLYfb7hivXtC//'), 'secret'), false); // plain: literal compare
  assert.equal(verifyPassword(u('not-a-hash', 'crypt'), 'not-a-hash'), false);
});
