// Switchyard's additions to WebSocket media requests, piece by piece: the dial string's `<uri>` and letters
// h m l r a (with their refusals), the per-call host allow-list (names, patterns, addresses, blocks, ports; deny by
// default), websocket_client.conf's [general] section, and the MEDIA_START extras in both text forms.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWebSocketDialString } from '../../src/channels/websocket/dial-string.js';
import { parseConf } from '../../src/config/conf-parser.js';
import { parseWebSocketClientConfig } from '../../src/config/websocket-client-config.js';
import { HostAllowList, perCallUriProblem } from '../../src/net/host-allow-list.js';
import { formatControl, type ControlEvent } from '../../src/plane/websocket/control-codec.js';

const dial = (text: string) => {
  const r = parseWebSocketDialString(text);
  if ('error' in r) throw new Error(`${text}: ${r.error}`);
  return r;
};

test('a URI between angle brackets is the connection; the letters after it are read as usual', () => {
  const r = dial(
    '<ws://127.0.0.1:8080/bots/a?x=1&y=2>/c(ulaw)h(X-Tenant=acme,Authorization=Bearer%20t0k)m(TENANT,CALLERID(num))lra',
  );
  assert.equal(r.connectionId, 'ws://127.0.0.1:8080/bots/a?x=1&y=2');
  assert.equal(r.isUri, true);
  assert.equal(r.codec, 'ulaw');
  assert.deepEqual(r.beyond, {
    headers: [
      ['X-Tenant', 'acme'],
      ['Authorization', 'Bearer t0k'],
    ],
    mediaStartVariables: ['TENANT', 'CALLERID(num)'],
    largeMessages: true,
    reportFlushedMarks: true,
    requireToken: true,
  });
  const bare = dial('<wss://bots.example.com/x>');
  assert.equal(bare.connectionId, 'wss://bots.example.com/x');
  assert.equal(bare.codec, undefined);
  assert.deepEqual(dial('INCOMING/m').beyond.mediaStartVariables, [], '`m` alone: app and args, no variables');
  assert.deepEqual(dial('INCOMING/m(A,CUT(B,-,1))').beyond.mediaStartVariables, ['A', 'CUT(B,-,1)']);
  assert.equal(dial('media1/c(ulaw)').isUri, false);
});

test('refused: an unclosed or misplaced `>`, reserved or malformed headers, empty variable names', () => {
  const bad: [string, RegExp][] = [
    ['<ws://h:1/p', /Missing '>'/],
    ['<>/c(ulaw)', /connection id/],
    ['<ws://h:1/p>c(ulaw)', /must end the connection id/],
    ['x/h(Host=evil)', /cannot be set per call/],
    ['x/h(sec-websocket-key=AAAA)', /cannot be set per call/],
    ['x/h(X-A=a b)', /URI-encoded/],
    ['x/h(X-A=%zz)', /URI-encoded/],
    ['x/h(X-A=%FF)', /not URI-encoded UTF-8/],
    ['x/h(X-A=%C3)', /not URI-encoded UTF-8/],
    ['x/h(X-A=one%0D%0AX-B%3A%20two)', /control characters/],
    ['x/h(X-A)', /Invalid header/],
    ['x/h(X A=1)', /Invalid header/],
    ['x/m(A,,B)', /Invalid variable name/],
  ];
  for (const [text, why] of bad) {
    const r = parseWebSocketDialString(text);
    assert.ok('error' in r && why.test(r.error), `${text}: ${JSON.stringify(r)}`);
  }
});

test('the allow-list: names, *.suffix, addresses, blocks, ports; nothing without entries', () => {
  const { list, invalid } = HostAllowList.parse([
    'media.example.com, *.bots.example.net:443',
    '192.0.2.7, 10.1.0.0/16:8080',
    '[2001:db8::1]:9000, fd00::/8',
    'bad host, 10.0.0.0/33, x:99999, *.',
  ]);
  assert.deepEqual(invalid, ['bad host', '10.0.0.0/33', 'x:99999', '*.']);
  const cases: [string, number, boolean][] = [
    ['media.example.com', 80, true],
    ['MEDIA.example.com', 443, true],
    ['media.example.com.', 443, true],
    ['evil.media.example.com', 80, false],
    ['a.bots.example.net', 443, true],
    ['a.b.bots.example.net', 443, true],
    ['a.bots.example.net', 80, false],
    ['bots.example.net', 443, false],
    ['192.0.2.7', 1234, true],
    ['192.0.2.8', 1234, false],
    ['10.1.200.3', 8080, true],
    ['10.1.200.3', 8081, false],
    ['10.2.0.1', 8080, false],
    ['[2001:db8::1]', 9000, true],
    ['[2001:db8::1]', 9001, false],
    ['[fd12::5]', 1, true],
    ['[fe80::1]', 1, false],
  ];
  for (const [host, port, allowed] of cases) assert.equal(list.allows(host, port), allowed, `${host}:${port}`);
  assert.equal(HostAllowList.NONE.allows('127.0.0.1', 80), false);
  assert.equal(HostAllowList.parse(['*']).list.allows('anything.at.all', 1), true);
  assert.equal(HostAllowList.parse(['*:443']).list.allows('anything', 80), false);
});

test('a per-call URI: ws/wss with a host, no fragment, no brackets or spaces, an allowed host and port', () => {
  const { list } = HostAllowList.parse(['127.0.0.1:8080, bots.example.com']);
  const name = 'the list';
  assert.equal(perCallUriProblem('ws://127.0.0.1:8080/a?b=c', list, name), undefined);
  assert.equal(perCallUriProblem('wss://bots.example.com/x', list, name), undefined);
  assert.equal(perCallUriProblem('ws://bots.example.com:8443/x', list, name), undefined, 'a name entry: any port');
  const refused: [string, RegExp][] = [
    ['ws://127.0.0.1:8081/a', /host 127\.0\.0\.1:8081 is not in the list/],
    ['ws://127.0.0.1/a', /host 127\.0\.0\.1:80 is not in the list/],
    ['http://127.0.0.1:8080/a', /not a ws:\/\/ or wss:\/\/ URI/],
    ['ws://127.0.0.1:8080/a#frag', /fragment/],
    ['ws://127.0.0.1:8080/a b', /white space/],
    ['ws://[::1', /not a URI/],
    ['ws://evil.example.com@127.0.0.2:8080/', /127\.0\.0\.2:8080 is not in the list/],
  ];
  for (const [uri, why] of refused) assert.match(perCallUriProblem(uri, list, name) ?? 'allowed', why, uri);
  assert.match(
    perCallUriProblem('ws://127.0.0.1:8080/', HostAllowList.NONE, name)!,
    /not enabled \(the list is empty\)/,
  );
});

test('websocket_client.conf [general]: the allow-list and the per-call settings; connection-only options refused', () => {
  const text = [
    '[general]',
    'allowed_per_call_hosts = 127.0.0.1, *.bots.example.com',
    'allowed_per_call_hosts = nope nope',
    'connection_timeout = 1500',
    'reconnect_attempts = 2',
    'protocols = media',
    'uri = ws://x/',
    '[media1]',
    'type = websocket_client',
    'uri = ws://127.0.0.1:8787/media',
  ].join('\n');
  const { config, errors } = parseWebSocketClientConfig(parseConf(text, { file: 'websocket_client.conf' }));
  assert.deepEqual([...config.keys()], ['media1'], '[general] is no connection');
  const { allowedHosts, settings } = config.perCall;
  assert.equal(allowedHosts.allows('127.0.0.1', 9), true);
  assert.equal(allowedHosts.allows('a.bots.example.com', 443), true);
  assert.equal(allowedHosts.allows('127.0.0.2', 9), false);
  assert.equal(settings.connectionTimeoutMs, 1500);
  assert.equal(settings.reconnectAttempts, 2);
  assert.equal(settings.reconnectIntervalMs, 500, 'the default');
  assert.deepEqual(settings.protocols, ['media']);
  assert.equal(settings.uri, '');
  const messages = errors.map((e) => e.message);
  assert.ok(
    messages.some((m) => /'uri' applies to one connection/.test(m)),
    messages.join('; '),
  );
  assert.ok(
    messages.some((m) => /'nope nope' is not a host/.test(m)),
    messages.join('; '),
  );
  const none = parseWebSocketClientConfig(parseConf('[media1]\ntype=websocket_client\nuri=ws://h/\n', { file: 'x' }));
  assert.equal(none.config.perCall.allowedHosts.isEmpty, true, 'deny by default');
});

test('MEDIA_START extras follow Asterisk’s fields, percent-encoded in plain text, as JSON fields otherwise', () => {
  const start = (extras?: { app: string; appArgs: string[]; variables: [string, string][] }): ControlEvent => ({
    event: 'MEDIA_START',
    connectionId: 'c1',
    channel: 'WebSocket/c1/0x1',
    format: 'ulaw',
    optimalFrameSize: 160,
    ptime: 20,
    variables: [['TENANT', 'acme corp']],
    ...(extras && { extras }),
  });
  const asterisk =
    'MEDIA_START connection_id:c1 channel:WebSocket/c1/0x1 channel_id:9.1 format:ulaw optimal_frame_size:160 ptime:20';
  assert.equal(formatControl(start(), 'plain-text', '9.1'), asterisk, 'without m: Asterisk’s text');
  const extras = { app: 'bot', appArgs: ['one', 'two words', 'a,b:c'], variables: [['TENANT', 'acme corp'], ['CALLERID(num)', '100'], ['UNSET', '']] as [string, string][] }; // prettier-ignore
  assert.equal(
    formatControl(start(extras), 'plain-text', '9.1'),
    `${asterisk} app:bot app_args:one,two%20words,a%2Cb%3Ac var.TENANT:acme%20corp var.CALLERID(num):100 var.UNSET:`,
  );
  const json = JSON.parse(formatControl(start(extras), 'json', '9.1')) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['event', 'connection_id', 'channel', 'channel_id', 'format', 'optimal_frame_size', 'ptime', 'channel_variables', 'app', 'app_args', 'selected_variables']); // prettier-ignore
  assert.equal(json.app, 'bot');
  assert.deepEqual(json.app_args, ['one', 'two words', 'a,b:c']);
  assert.deepEqual(json.selected_variables, { TENANT: 'acme corp', 'CALLERID(num)': '100', UNSET: '' });
  assert.equal(formatControl(start({ app: '', appArgs: [], variables: [] }), 'plain-text', '9.1'), `${asterisk} app: app_args:`); // prettier-ignore
});
