import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appRows } from '../../src/cli/apps-command.js';
import { channelRows } from '../../src/cli/channels-command.js';
import { describeError, CliError } from '../../src/cli/connection.js';
import { breakdown } from '../../src/cli/status-command.js';
import { formatDuration, formatTable, formatUptime, parseAriTimestamp, plural } from '../../src/cli/table.js';
import { AriClientError } from '../../src/client/index.js';

test('columns are as wide as their widest cell; the last is not padded', () => {
  assert.deepEqual(
    formatTable(
      ['Channel', 'State', 'Application(Data)'],
      [
        ['PJSIP/alice-00000001', 'Up', 'Stasis(test)'],
        ['Local/park@default-00000000;1', 'Ring', '(None)'],
      ],
    ),
    [
      'Channel                        State  Application(Data)',
      'PJSIP/alice-00000001           Up     Stasis(test)',
      'Local/park@default-00000000;1  Ring   (None)',
    ],
  );
});

test('durations, uptimes and counts are worded as Asterisk words them', () => {
  assert.equal(formatDuration(0), '00:00:00');
  assert.equal(formatDuration(3723.9), '01:02:03');
  assert.equal(formatDuration(360000), '100:00:00');
  assert.equal(formatUptime(0), '0 seconds');
  assert.equal(formatUptime(61), '1 minute, 1 second');
  assert.equal(formatUptime(694861), '1 week, 1 day, 1 hour, 1 minute, 1 second');
  assert.equal(plural(1, 'active channel'), '1 active channel');
  assert.equal(plural(2, 'active channel'), '2 active channels');
});

test('ARI timestamps (+0000 offsets) parse', () => {
  assert.equal(parseAriTimestamp('2026-01-02T03:04:05.678+0000'), Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  assert.equal(parseAriTimestamp('2026-01-02T05:04:05.678+0200'), Date.UTC(2026, 0, 2, 3, 4, 5, 678));
  assert.ok(Number.isNaN(parseAriTimestamp('yesterday')));
});

test('a channel row shows its location, application and age', () => {
  const ch = {
    id: '1700000000.1',
    protocol_id: '',
    name: 'PJSIP/alice-00000001',
    state: 'Up',
    caller: { name: 'Alice', number: '100' },
    connected: { name: '', number: '' },
    accountcode: '',
    dialplan: { context: 'default', exten: 's', priority: 3, app_name: 'Stasis', app_data: 'test,a' },
    creationtime: '2026-01-02T03:04:05.000+0000',
    language: 'en',
  };
  const now = Date.UTC(2026, 0, 2, 3, 5, 10);
  assert.deepEqual(channelRows([ch], now), [
    ['PJSIP/alice-00000001', '1700000000.1', 's@default:3', 'Up', 'Stasis(test,a)', '"Alice" <100>', '00:01:05'],
  ]);
});

test('an application row counts subscriptions, "all" for subscribeAll', () => {
  const app = {
    name: 'test',
    channel_ids: ['__AST_CHANNEL_ALL_TOPIC', 'c1'],
    bridge_ids: ['__AST_BRIDGE_ALL_TOPIC'],
    endpoint_ids: [],
    device_names: ['d1', 'd2'],
    events_allowed: [{ type: 'StasisStart' }],
    events_disallowed: [],
  };
  assert.deepEqual(appRows([app]), [['test', 'all+1', 'all', '0', '2', '1 allowed']]);
});

test('the status breakdown lists the biggest group first', () => {
  assert.equal(breakdown([]), '0');
  assert.equal(breakdown(['Up', 'Ring', 'Up']), '3 (Up 2, Ring 1)');
});

test('errors become one line that says what to do', () => {
  const ctx = { url: 'http://127.0.0.1:1', user: 'bob' };
  assert.equal(describeError(new CliError('no channel "x"'), ctx), 'no channel "x"');
  assert.match(describeError(new AriClientError(401, 'Authentication required', {}, 'a.b'), ctx), /user "bob".*--user/);
  assert.equal(
    describeError(new AriClientError(500, 'Internal Server Error', {}, 'a.b'), ctx),
    'the server answered 500: Internal Server Error',
  );
  const refused = new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
  });
  assert.match(describeError(refused, ctx), /cannot reach Switchyard at http:\/\/127\.0\.0\.1:1: connection refused/);
});
