// The registry's lifecycle rules, in process (res_stasis.c cleanup / app_is_finished, checked against Asterisk
// 22.10.1 in test/e2e/app-lifecycle.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Core } from '../../src/core/core.js';
import type { EventSink, StasisConnection } from '../../src/core/ports.js';

function sink(): EventSink & { types: string[] } {
  const types: string[] = [];
  return { types, send: (json: string) => void types.push((JSON.parse(json) as { type: string }).type) };
}

function connect(core: Core, names: string[], subscribeAll = false, to: EventSink = sink()): StasisConnection {
  const c = core.apps.connect(names, subscribeAll, to);
  if ('error' in c) throw new Error(c.error);
  return c;
}

function setup(): { core: Core; unregistered: string[] } {
  const core = new Core({ asteriskId: 'x' });
  const unregistered: string[] = [];
  core.apps.onUnregistered = (name) => unregistered.push(name);
  return { core, unregistered };
}

test('an app whose only connection closes is unregistered, once, with every subscription it had', () => {
  const { core, unregistered } = setup();
  const conn = connect(core, ['a', 'b'], true);
  const a = core.apps.get('a')!;
  core.index.subscribe(a, 'deviceState:Stasis:x');
  conn.close();
  conn.close();
  assert.equal(core.apps.get('a'), undefined);
  assert.equal(core.apps.get('b'), undefined);
  assert.deepEqual(unregistered, ['a', 'b']);
  assert.equal(core.apps.size, 0);
  assert.equal(a.subscriptions.size, 0, 'device state subscriptions do not keep an app');
});

test('device state subscriptions stay with the name: an app registered again under it has them back', () => {
  const { core } = setup();
  const conn = connect(core, ['dev'], true);
  core.index.subscribe(core.apps.get('dev')!, 'deviceState:Stasis:x');
  conn.close();
  assert.equal(core.apps.get('dev'), undefined);
  const back = sink();
  connect(core, ['dev'], false, back);
  const model = core.apps.get('dev')!.toJSON() as { device_names: string[] };
  assert.deepEqual(model.device_names, ['Stasis:x'], 'the all-device-states one ended with the first connection');
  core.bus.publish(
    'DeviceStateChanged',
    { device_state: { name: 'Stasis:x', state: 'BUSY' } },
    { deviceName: 'Stasis:x' },
  );
  assert.deepEqual(back.types, ['DeviceStateChanged']);
});

test('channel, bridge and endpoint subscriptions keep a departed app until they are gone and a sweep runs', () => {
  const { core, unregistered } = setup();
  for (const key of ['channel:c1', 'bridge:b1', 'endpoint:PJSIP/alice', 'endpoint:PJSIP']) {
    const conn = connect(core, ['kept']);
    core.index.subscribe(core.apps.get('kept')!, key);
    conn.close();
    assert.equal(core.apps.get('kept')?.isActive, false, key);
    core.index.drop(key);
    assert.ok(core.apps.get('kept'), `${key}: nothing swept yet`);
    core.apps.sweep();
    assert.equal(core.apps.get('kept'), undefined, key);
  }
  assert.deepEqual(unregistered, ['kept', 'kept', 'kept', 'kept']);
});

test('registering and unregistering other apps sweeps departed ones', () => {
  const { core } = setup();
  const conn = connect(core, ['old']);
  core.index.subscribe(core.apps.get('old')!, 'bridge:b1');
  conn.close();
  core.index.drop('bridge:b1');
  const other = connect(core, ['other']);
  assert.equal(core.apps.get('old'), undefined, 'swept by the registration');
  other.close();
  assert.equal(core.apps.size, 0);
});

test('the all-objects subscriptions end with the connection; an explicit one made twice keeps one', () => {
  const { core } = setup();
  const conn = connect(core, ['all'], true);
  const app = core.apps.get('all')!;
  core.index.subscribe(app, 'channel:');
  conn.close();
  assert.deepEqual((app.toJSON() as { channel_ids: string[] }).channel_ids, ['__AST_CHANNEL_ALL_TOPIC']);
  assert.equal(core.apps.get('all'), app, 'kept by the remaining all-channels subscription');
  assert.equal(app.subscriptions.has('bridge:'), false);
});

test('subscribeAll applies when a name is registered, not when a connection takes an existing app over', () => {
  const { core } = setup();
  const first = connect(core, ['x']);
  connect(core, ['x'], true);
  assert.equal(core.apps.get('x')!.subscriptions.size, 0);
  first.close(); // replaced: closing it changes nothing
  assert.equal(core.apps.get('x')!.isActive, true);
});

test('a reconnect before the sweep takes the app back with its subscriptions and filter', () => {
  const { core, unregistered } = setup();
  const conn = connect(core, ['r']);
  const app = core.apps.get('r')!;
  core.index.subscribe(app, 'bridge:b1');
  app.setFilter({ allowed: [{ type: 'StasisStart' }] });
  conn.close();
  const back = sink();
  connect(core, ['r'], false, back);
  assert.equal(core.apps.get('r'), app);
  assert.ok(app.isActive);
  assert.deepEqual(app.allowed, [{ type: 'StasisStart' }]);
  core.index.drop('bridge:b1');
  core.apps.sweep();
  assert.equal(core.apps.get('r'), app, 'active apps are never swept');
  assert.deepEqual(unregistered, []);
});
