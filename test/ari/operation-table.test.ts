import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESOURCE_NAMES } from '../../src/ari/operation.js';
import { ALL_OPERATIONS, RESOURCES, findOperation, operationsOf } from '../../src/ari/operations/index.js';
import { ALL_MODELS, findModel, modelsOf } from '../../src/ari/models/index.js';

test('the table declares the 109 operations and 275 parameters of Asterisk 22 ARI', () => {
  assert.equal(ALL_OPERATIONS.length, 109);
  assert.equal(
    ALL_OPERATIONS.reduce((n, op) => n + op.params.length, 0),
    275,
  );
});

test('operations are grouped by resource in resources.json order', () => {
  const order = [...new Set(ALL_OPERATIONS.map((op) => op.resource))];
  assert.deepEqual(order, [...RESOURCE_NAMES]);
  assert.deepEqual(
    RESOURCES.map((r) => r.name),
    [...RESOURCE_NAMES],
  );
  assert.equal(RESOURCES.find((r) => r.name === 'events')?.description, 'WebSocket resource');
  assert.deepEqual(RESOURCES.find((r) => r.name === 'mailboxes')?.since, ['12.1.0']);
  assert.equal(RESOURCES.find((r) => r.name === 'asterisk')?.requiresModules, undefined);
});

test('(method, path) identifies one operation', () => {
  const seen = new Set<string>();
  for (const op of ALL_OPERATIONS) {
    const key = `${op.method} ${op.path}`;
    assert.ok(!seen.has(key), `duplicate ${key}`);
    seen.add(key);
  }
});

test('nicknames are unique within a resource and findOperation finds each one', () => {
  for (const resource of RESOURCE_NAMES) {
    const names = operationsOf(resource).map((op) => op.nickname);
    assert.equal(new Set(names).size, names.length, `duplicate nickname in ${resource}`);
    for (const name of names) assert.equal(findOperation(resource, name)?.nickname, name);
  }
  assert.equal(findOperation('channels', 'nope'), undefined);
  assert.equal(findOperation('bridges', 'originate'), undefined);
});

test('every {segment} of a path has a path parameter and every path parameter a segment', () => {
  for (const op of ALL_OPERATIONS) {
    const segments = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const params = op.params
      .filter((p) => p.in === 'path')
      .map((p) => p.name)
      .sort();
    assert.deepEqual(params, segments, `${op.resource}.${op.nickname} ${op.path}`);
  }
});

test('parameter names are unique within an operation', () => {
  for (const op of ALL_OPERATIONS) {
    const names = op.params.map((p) => p.name);
    assert.equal(new Set(names).size, names.length, `${op.resource}.${op.nickname}`);
  }
});

test('success statuses follow the implementation: 204 void, 200 bodies, 201 play/record, 202 messaging, 101 ws', () => {
  for (const op of ALL_OPERATIONS) {
    if (op.upgrade) assert.equal(op.success, 101);
    else if (op.responseClass === 'void') assert.ok([202, 204].includes(op.success), `${op.nickname}`);
    else assert.ok([200, 201].includes(op.success), `${op.nickname}`);
  }
  assert.equal(findOperation('channels', 'play')?.success, 201);
  assert.equal(findOperation('bridges', 'record')?.success, 201);
  assert.equal(findOperation('endpoints', 'sendMessage')?.success, 202);
  assert.equal(findOperation('endpoints', 'referToEndpoint')?.success, 202);
  assert.equal(findOperation('channels', 'originate')?.success, 200);
  assert.equal(findOperation('asterisk', 'reloadModule')?.success, 204);
});

test('only the events WebSocket upgrades', () => {
  const upgrades = ALL_OPERATIONS.filter((op) => op.upgrade);
  assert.deepEqual(
    upgrades.map((op) => `${op.method} ${op.path} ${op.nickname} ${op.responseClass}`),
    ['GET /events eventWebsocket Message'],
  );
});

test('allowed values, ranges, defaults and multi flags are parsed into plain values', () => {
  const reason = findOperation('channels', 'hangup')?.params.find((p) => p.name === 'reason');
  assert.deepEqual(reason?.allowed, [
    'normal',
    'busy',
    'congestion',
    'no_answer',
    'timeout',
    'rejected',
    'unallocated',
    'normal_unspecified',
    'number_incomplete',
    'codec_mismatch',
    'interworking',
    'failure',
    'answered_elsewhere',
  ]);
  const play = findOperation('bridges', 'play');
  assert.deepEqual(
    play?.params.find((p) => p.name === 'skipms'),
    {
      name: 'skipms',
      in: 'query',
      type: 'int',
      required: false,
      description: 'ms to move for forward/reverse',
      default: 3000,
      range: { min: 0 },
    },
  );
  assert.equal(play?.params.find((p) => p.name === 'media')?.multi, true);
  assert.deepEqual(play?.params.find((p) => p.name === 'announcer_format')?.since, ['20.17.0', '22.7.0', '23.1.0']);
  const toSelf = findOperation('endpoints', 'refer')?.params.find((p) => p.name === 'to_self');
  assert.equal(toSelf?.default, false);
  assert.deepEqual(findOperation('channels', 'externalMedia')?.params.find((p) => p.name === 'transport')?.allowed, [
    'udp',
    'tcp',
    'websocket',
  ]);
});

test('documented errors map status to a short reason, without version notes', () => {
  assert.deepEqual(findOperation('channels', 'answer')?.errors, {
    404: 'channel not found',
    409: 'channel not in Stasis',
    412: 'channel Down/Reserved/Ringing (not yet answered outbound)',
  });
  assert.deepEqual(findOperation('channels', 'move')?.errors, {
    404: 'channel not found',
    409: 'channel not in Stasis',
  });
  assert.deepEqual(findOperation('bridges', 'create')?.errors, { 409: 'bridge id already in use' });
  assert.equal(
    findOperation('channels', 'record')?.errors[409],
    'channel not in Stasis; bridged; or name in use (in progress / ifExists=fail)',
  );
  assert.deepEqual(findOperation('channels', 'list')?.errors, {});
});

test('body parameters are the documented JSON bodies', () => {
  const body = ALL_OPERATIONS.flatMap((op) => op.params.filter((p) => p.in === 'body').map((p) => p.name));
  assert.deepEqual([...new Set(body)].sort(), ['fields', 'filter', 'variables']);
});

test('the models cover all 85 models and event types, each in the resource file that defines it', () => {
  assert.equal(ALL_MODELS.length, 85);
  assert.equal(new Set(ALL_MODELS.map((m) => m.id)).size, 85);
  assert.deepEqual(
    modelsOf('channels').map((m) => m.id),
    ['Dialed', 'DialplanCEP', 'CallerID', 'RTPstat', 'Channel'],
  );
  assert.equal(findModel('Channel')?.properties.state?.allowed?.includes('Ringing'), true);
  assert.equal(findModel('Channel')?.properties.creationtime?.type, 'Date');
  assert.equal(findModel('Channel')?.properties.tenantid?.required, undefined);
  const message = findModel('Message');
  assert.equal(message?.discriminator, 'type');
  assert.deepEqual(message?.subTypes, ['MissingParams', 'Event']);
  assert.equal(findModel('Event')?.extends, 'Message');
});

test('every event type named by Event extends Event and is defined in events.json', () => {
  const subTypes = findModel('Event')?.subTypes ?? [];
  assert.equal(subTypes.length, 45);
  for (const id of subTypes) {
    const model = findModel(id);
    assert.equal(model?.extends, 'Event', id);
    assert.equal(model?.resource, 'events', id);
  }
  const extendingEvent = ALL_MODELS.filter((m) => m.extends === 'Event').map((m) => m.id);
  assert.deepEqual(extendingEvent.sort(), [...subTypes].sort());
});

test('every model type names a primitive or a declared model', () => {
  const primitives = new Set(['string', 'int', 'long', 'double', 'boolean', 'Date', 'object']);
  const known = (t: string): boolean => primitives.has(t) || findModel(t) !== undefined;
  for (const m of ALL_MODELS) {
    for (const [name, p] of Object.entries(m.properties)) {
      const inner = /^List\[(.+)\]$/.exec(p.type)?.[1] ?? p.type;
      assert.ok(known(inner), `${m.id}.${name}: ${p.type}`);
    }
  }
  for (const op of ALL_OPERATIONS) {
    const inner = /^List\[(.+)\]$/.exec(op.responseClass)?.[1] ?? op.responseClass;
    assert.ok(inner === 'void' || inner === 'binary' || known(inner), `${op.nickname}: ${op.responseClass}`);
  }
});
