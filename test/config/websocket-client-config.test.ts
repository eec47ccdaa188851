// websocket_client.conf: connections with Asterisk's defaults, every option read, bad values and unknown options
// reported (23.5's proxy and keepalive options named as such), sections without a usable uri or of another type
// skipped, and the file loaded from a config folder with the others.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseConf } from '../../src/config/conf-parser.js';
import { loadConfig } from '../../src/config/load-config.js';
import { parseWebSocketClientConfig } from '../../src/config/websocket-client-config.js';

const parse = (text: string) => parseWebSocketClientConfig(parseConf(text, { file: 'websocket_client.conf' }));

test('a connection with only type and uri takes Asterisk’s defaults', () => {
  const { config, errors } = parse('[media1]\ntype=websocket_client\nuri=ws://127.0.0.1:8787/media\n');
  assert.deepEqual(errors, []);
  assert.deepEqual(config.get('media1'), {
    name: 'media1',
    uri: 'ws://127.0.0.1:8787/media',
    protocols: [],
    username: '',
    password: '',
    connectionType: undefined,
    connectionTimeoutMs: 500,
    reconnectIntervalMs: 500,
    reconnectAttempts: 4,
    tlsEnabled: false,
    tls: {
      caListFile: '',
      caListPath: '',
      certFile: '',
      privKeyFile: '',
      verifyServerCert: true,
      verifyServerHostname: true,
    },
  });
});

test('every option is read', () => {
  const { config, errors } = parse(
    [
      '[tts](!)',
      'type=websocket_client',
      'connection_timeout=250',
      '[tts-eu](tts)',
      'uri=wss://media.example.com/stream?tenant=a',
      'protocols=media, media.v2',
      'username=sy',
      'password=secret',
      'connection_type=per_call_config',
      'reconnect_interval=100',
      'reconnect_attempts=2',
      'tls_enabled=yes',
      'ca_list_file=/etc/ca.pem',
      'ca_list_path=/etc/cas',
      'cert_file=/etc/me.pem',
      'priv_key_file=/etc/me.key',
      'verify_server_cert=no',
      'verify_server_hostname=no',
    ].join('\n'),
  );
  assert.deepEqual(errors, []);
  const c = config.get('tts-eu')!;
  assert.equal(config.has('tts'), false, 'a template is not a connection');
  assert.equal(c.uri, 'wss://media.example.com/stream?tenant=a');
  assert.deepEqual(c.protocols, ['media', 'media.v2']);
  assert.equal(c.username, 'sy');
  assert.equal(c.password, 'secret');
  assert.equal(c.connectionType, 'per_call_config');
  assert.equal(c.connectionTimeoutMs, 250, 'from the template');
  assert.equal(c.reconnectIntervalMs, 100);
  assert.equal(c.reconnectAttempts, 2);
  assert.equal(c.tlsEnabled, true);
  assert.deepEqual(c.tls, {
    caListFile: '/etc/ca.pem',
    caListPath: '/etc/cas',
    certFile: '/etc/me.pem',
    privKeyFile: '/etc/me.key',
    verifyServerCert: false,
    verifyServerHostname: false,
  });
});

test('bad values keep their defaults; unknown options are reported with their line', () => {
  const { config, errors } = parse(
    [
      '[a]',
      'type=websocket_client',
      'uri=ws://h/',
      'connection_timeout=fast',
      'connection_type=sometimes',
      'proxy_host=proxy:3128',
      'colour=blue',
    ].join('\n'),
  );
  const a = config.get('a')!;
  assert.equal(a.connectionTimeoutMs, 500);
  assert.equal(a.connectionType, undefined);
  assert.deepEqual(errors, [
    { file: 'websocket_client.conf', line: 4, message: 'Error parsing connection_timeout=fast' },
    {
      file: 'websocket_client.conf',
      line: 5,
      message: 'Error parsing connection_type=sometimes: persistent or per_call_config',
    },
    {
      file: 'websocket_client.conf',
      line: 6,
      message: "Option 'proxy_host' (Asterisk 23.5) is not supported; ignored",
    },
    {
      file: 'websocket_client.conf',
      line: 7,
      message: "Could not find option suitable for category 'a' named 'colour'",
    },
  ]);
});

test('sections without a usable uri, or not of type websocket_client, are skipped and reported', () => {
  const { config, errors } = parse(
    [
      '[nouri]',
      'type=websocket_client',
      '[http]',
      'type=websocket_client',
      'uri=http://h/',
      '[other]',
      'type=global',
      '[untyped]',
      'uri=ws://h/',
      '[ok]',
      'type=websocket_client',
      'uri=ws://h/',
    ].join('\n'),
  );
  assert.deepEqual([...config.keys()], ['ok']);
  assert.deepEqual(
    errors.map((e) => [e.line, e.message]),
    [
      [7, "Section 'other' skipped: unknown type 'global'"],
      [9, "Section 'untyped' skipped: no 'type'"],
      [2, "Connection 'nouri' skipped: no 'uri'"],
      [4, "Connection 'http' skipped: 'uri' http://h/ is not ws:// or wss://"],
    ],
  );
});

test('loadConfig reads websocket_client.conf from the config folder; without it there are no connections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-wsclient-'));
  try {
    assert.equal(loadConfig(dir).websocketClients.size, 0);
    writeFileSync(
      join(dir, 'websocket_client.conf'),
      '[media1]\ntype=websocket_client\nuri=ws://127.0.0.1:9/\nbogus=1\n',
    );
    const loaded = loadConfig(dir);
    assert.equal(loaded.websocketClients.get('media1')?.uri, 'ws://127.0.0.1:9/');
    assert.ok(loaded.errors.some((e) => e.file === 'websocket_client.conf' && e.line === 4));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
