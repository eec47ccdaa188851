// ari.conf `type=outbound_websocket` sections (Asterisk 22.5+, res/ari/config.c): the options, the apply step that
// discards a section missing websocket_client_id, apps or local_ari_user, and the checks made against
// websocket_client.conf and the users once both files are read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveOutboundWebSockets } from '../../src/ari/outbound/outbound-config.js';
import { parseAriConfig } from '../../src/config/ari-config.js';
import { parseConf } from '../../src/config/conf-parser.js';
import { parseWebSocketClientConfig } from '../../src/config/websocket-client-config.js';

const ari = (text: string) => parseAriConfig(parseConf(text, { file: 'ari.conf' }));
const clients = (text: string) => parseWebSocketClientConfig(parseConf(text, { file: 'websocket_client.conf' })).config;
const messages = (errors: readonly { line: number; message: string }[]) => errors.map((e) => `${e.line} ${e.message}`);
const USERS =
  '[asterisk]\ntype=user\npassword=secret\n[hashed]\ntype=user\npassword_format=crypt\npassword=$1$xyz$abc\n';

test('an outbound_websocket section gives its options, apps split on commas and trimmed', () => {
  const { config, errors } = ari(
    `${USERS}[owc]\ntype = outbound_websocket\nwebsocket_client_id = conn\napps = a1, a2 ,a3\nlocal_ari_user = asterisk\nsubscribe_all = yes\n`,
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(config.outboundWebsockets.get('owc'), {
    name: 'owc',
    websocketClientId: 'conn',
    apps: ['a1', 'a2', 'a3'],
    localAriUser: 'asterisk',
    subscribeAll: true,
  });
  assert.equal(config.users.has('owc'), false);
});

test('a section missing a required option, or naming an empty or too long app, is discarded', () => {
  const long = 'x'.repeat(74);
  const { config, errors } = ari(
    [
      USERS,
      '[none]',
      'type=outbound_websocket',
      'colour=blue',
      '[badapps]',
      'type=outbound_websocket',
      'websocket_client_id=c',
      `apps=a,,${long}`,
      'local_ari_user=asterisk',
      '[ok]',
      'type=outbound_websocket',
      'websocket_client_id=c',
      `apps=${'y'.repeat(73)}`,
      'local_ari_user=asterisk',
    ].join('\n'),
  );
  assert.deepEqual([...config.outboundWebsockets.keys()], ['ok']);
  assert.deepEqual(messages(errors), [
    "11 Could not find option suitable for category 'none' named 'colour'",
    '10 none: Outbound websocket missing websocket_client_id',
    '10 none: Outbound websocket missing apps',
    '10 none: Outbound websocket missing local_ari_user',
    '10 none: Outbound websocket configuration failed',
    '13 badapps: Outbound websocket has empty app',
    `13 badapps: Outbound websocket app '${long}' > 73 characters`,
    '13 badapps: Outbound websocket configuration failed',
  ]);
});

test('the connection, the user and the apps are checked against websocket_client.conf and the other sections', () => {
  const { config } = ari(
    [
      USERS,
      '[good]\ntype=outbound_websocket\nwebsocket_client_id=p\napps=g\nlocal_ari_user=ASTERISK',
      '[percall]\ntype=outbound_websocket\nwebsocket_client_id=pc\napps=pc\nlocal_ari_user=asterisk',
      '[noconn]\ntype=outbound_websocket\nwebsocket_client_id=missing\napps=n\nlocal_ari_user=asterisk',
      '[notype]\ntype=outbound_websocket\nwebsocket_client_id=untyped\napps=t\nlocal_ari_user=asterisk',
      '[dup1]\ntype=outbound_websocket\nwebsocket_client_id=p\napps=d, e\nlocal_ari_user=asterisk',
      '[dup2]\ntype=outbound_websocket\nwebsocket_client_id=p\napps=d\nlocal_ari_user=asterisk',
      '[nouser]\ntype=outbound_websocket\nwebsocket_client_id=p\napps=u1\nlocal_ari_user=nobody',
      '[crypt]\ntype=outbound_websocket\nwebsocket_client_id=p\napps=u2\nlocal_ari_user=hashed',
    ].join('\n'),
  );
  const conns = clients(
    [
      '[p]\ntype=websocket_client\nuri=ws://127.0.0.1:1/\nconnection_type=persistent',
      '[pc]\ntype=websocket_client\nuri=ws://127.0.0.1:1/\nconnection_type=per_call_config',
      '[untyped]\ntype=websocket_client\nuri=ws://127.0.0.1:1/',
    ].join('\n'),
  );
  const { valid, errors } = resolveOutboundWebSockets(config, conns);
  assert.deepEqual(
    valid.map((v) => [v.config.name, v.connectionType, v.password]),
    [
      ['good', 'persistent', 'secret'],
      ['percall', 'per_call_config', 'secret'],
    ],
  );
  assert.deepEqual(errors, [
    "noconn: Outbound websocket invalid websocket client id 'missing'",
    "notype: Websocket client 'untyped' has no connection_type (persistent or per_call_config)",
    "dup1: Outbound websocket 'dup2' is also trying to register app 'd'",
    "dup2: Outbound websocket 'dup1' is also trying to register app 'd'",
    "nouser: Outbound websocket ARI user 'nobody' not found",
    "crypt: Outbound websocket ARI user 'hashed' password MUST be plain text",
  ]);
});
