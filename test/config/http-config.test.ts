import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConf } from '../../src/config/conf-parser.js';
import { HTTP_DEFAULTS, parseHttpConfig, splitHostPort } from '../../src/config/http-config.js';

const http = (text: string) => parseHttpConfig(parseConf(text, { file: 'http.conf' }));

test('an empty http.conf gives Switchyard’s defaults: enabled on 127.0.0.1:8088 without prefix', () => {
  const { config, errors } = http('');
  assert.deepEqual(errors, []);
  assert.deepEqual(config, HTTP_DEFAULTS);
  assert.equal(config.enabled, true);
  assert.equal(config.bindaddr, '127.0.0.1');
  assert.equal(config.bindport, 8088);
  assert.equal(config.prefix, '');
  assert.equal(config.tlsenable, false);
});

test('[general] options override the defaults; option names are case-insensitive', () => {
  const { config, errors } = http(
    [
      '[general]',
      'enabled = no',
      'BindAddr = 0.0.0.0',
      'bindport = 8090',
      'prefix = asterisk',
      'servername = PBX',
      'sessionlimit = 5',
      'session_inactivity = 1000',
      'session_keep_alive = 0',
      'enable_static = yes',
      'redirect = / /static/index.html',
      'tlsenable = yes',
      'tlsbindaddr = 0.0.0.0:8089',
      'tlscertfile = /etc/asterisk/keys/asterisk.pem',
      'sslprivatekey = /etc/asterisk/keys/asterisk.key',
      'tlscipher = ALL',
      'tlsverifyclient = no',
    ].join('\n'),
  );
  assert.deepEqual(errors, []);
  assert.equal(config.enabled, false);
  assert.equal(config.bindaddr, '0.0.0.0');
  assert.equal(config.bindport, 8090);
  assert.equal(config.prefix, '/asterisk');
  assert.equal(config.servername, 'PBX');
  assert.equal(config.sessionlimit, 5);
  assert.equal(config.sessionInactivityMs, 1000);
  assert.equal(config.sessionKeepAliveMs, 0);
  assert.equal(config.enablestatic, true);
  assert.deepEqual(config.redirects, ['/ /static/index.html']);
  assert.equal(config.tlsenable, true);
  assert.equal(config.tlsbindaddr, '0.0.0.0:8089');
  assert.equal(config.tlscertfile, '/etc/asterisk/keys/asterisk.pem');
  assert.equal(config.tlsprivatekey, '/etc/asterisk/keys/asterisk.key');
  assert.equal(config.tlscipher, 'ALL');
});

test('prefix gets exactly one leading slash; an empty prefix means none', () => {
  assert.equal(http('[general]\nprefix = /ari-root\n').config.prefix, '/ari-root');
  assert.equal(http('[general]\nprefix = a/b\n').config.prefix, '/a/b');
  assert.equal(http('[general]\nprefix = x\nprefix =\n').config.prefix, '');
});

test('a port written in bindaddr wins over bindport; IPv6 literals work with and without brackets', () => {
  assert.deepEqual(pick(http('[general]\nbindaddr = 0.0.0.0:9000\nbindport = 8090\n').config), ['0.0.0.0', 9000]);
  assert.deepEqual(pick(http('[general]\nbindaddr = [::1]:9001\n').config), ['::1', 9001]);
  assert.deepEqual(pick(http('[general]\nbindaddr = [::]\nbindport=1\n').config), ['::', 1]);
  assert.deepEqual(pick(http('[general]\nbindaddr = fe80::1\n').config), ['fe80::1', 8088]);
  assert.deepEqual(pick(http('[general]\nbindaddr = localhost\n').config), ['localhost', 8088]);
});
const pick = (c: { bindaddr: string; bindport: number }) => [c.bindaddr, c.bindport];

test('invalid ports, addresses and numbers are reported; unknown options are reported and ignored', () => {
  const { config, errors } = http(
    '[general]\nbindport = 70000\nbindaddr = not an address\nsessionlimit = 0\nfrobnicate = 1\n[other]\nx = 1\n',
  );
  assert.equal(config.bindport, 8088);
  assert.equal(config.bindaddr, '127.0.0.1');
  assert.equal(config.sessionlimit, 100);
  assert.deepEqual(
    errors.map((e) => `${e.line} ${e.message}`),
    [
      '2 Invalid port 70000 specified. Using default port 8088',
      '3 Invalid bind address not an address',
      "4 Invalid sessionlimit '0'",
      "5 Ignoring unknown option 'frobnicate' in http.conf",
    ],
  );
});

test('a bad bindport falls back to the default port, as PARSE_DEFAULT does', () => {
  assert.equal(http('[general]\nbindport = 9000\nbindport = x\n').config.bindport, 8088);
});

test('splitHostPort accepts Asterisk address forms and rejects the rest', () => {
  assert.deepEqual(splitHostPort('10.0.0.1'), { host: '10.0.0.1' });
  assert.deepEqual(splitHostPort('10.0.0.1:0'), { host: '10.0.0.1', port: 0 });
  assert.deepEqual(splitHostPort('pbx.example.com:8088'), { host: 'pbx.example.com', port: 8088 });
  assert.deepEqual(splitHostPort('::'), { host: '::' });
  for (const bad of ['', ':80', '[10.0.0.1]', '[::1', '[::1]:x', 'a b', '1.2.3.4:99999', '-x']) {
    assert.equal(splitHostPort(bad), undefined, bad);
  }
});
