import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Core } from '../../src/core/core.js';
import type { EventSink } from '../../src/core/ports.js';

function collector(): EventSink & { events: any[]; raw: string[] } {
  const raw: string[] = [];
  const events: any[] = [];
  return {
    raw,
    events,
    send(json: string) {
      raw.push(json);
      events.push(JSON.parse(json));
    },
  };
}

test('an event is serialized once with application last, once per subscribed app', () => {
  const core = new Core({ asteriskId: '02:fc:00:00:00:01' });
  const a = collector();
  const b = collector();
  const conn = core.apps.connect(['a', 'b'], false, a);
  assert.ok(!('error' in conn));
  core.apps.connect(['c'], false, b);
  core.bus.publish('ChannelUserevent', { eventname: 'x', userevent: {} }, { app: core.apps.get('a')! });
  assert.equal(a.events.length, 1);
  assert.equal(b.events.length, 0);
  assert.match(a.raw[0]!, /"asterisk_id":"02:fc:00:00:00:01","application":"a"}$/);
  assert.match(a.events[0].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/);
});

test('subscribeAll apps see channel events; the sentinel ids show in the Application model', () => {
  const core = new Core({ asteriskId: 'x' });
  const all = collector();
  core.apps.connect(['allapp'], true, all);
  core.bus.publish('ChannelVarset', { variable: 'G', value: '1' }, { channels: [] });
  assert.equal(all.events.length, 1);
  const model = core.apps.get('allapp')!.toJSON() as Record<string, unknown>;
  assert.deepEqual(model.channel_ids, ['__AST_CHANNEL_ALL_TOPIC']);
  assert.deepEqual(model.bridge_ids, ['__AST_BRIDGE_ALL_TOPIC']);
  assert.deepEqual(model.endpoint_ids, ['__AST_ENDPOINT_ALL_TOPIC']);
  assert.deepEqual(model.device_names, ['__AST_DEVICE_STATE_ALL_TOPIC']);
});

test('a second connection for an app takes it over; the first gets ApplicationReplaced and nothing more', () => {
  const core = new Core({ asteriskId: 'x' });
  const first = collector();
  const second = collector();
  core.apps.connect(['rep'], false, first);
  core.apps.connect(['rep'], false, second);
  assert.deepEqual(
    first.events.map((e) => e.type),
    ['ApplicationReplaced'],
  );
  core.bus.publish('ChannelUserevent', { eventname: 'y', userevent: {} }, { app: core.apps.get('rep')! });
  assert.equal(first.events.length, 1);
  assert.equal(second.events.length, 1);
});

test('event filters: disallowed wins, an allow list restricts', () => {
  const core = new Core({ asteriskId: 'x' });
  const sink = collector();
  core.apps.connect(['f'], false, sink);
  const app = core.apps.get('f')!;
  app.allowed = [{ type: 'ApplicationReplaced' }, { type: 'ChannelUserevent' }];
  app.disallowed = [{ type: 'ChannelUserevent' }];
  core.bus.publish('ApplicationReplaced', {}, { app });
  core.bus.publish('ChannelUserevent', { eventname: 'u', userevent: {} }, { app });
  core.bus.publish('ApplicationMoveFailed', { channel: { x: 1 } as never, destination: 'd', args: [] }, { app });
  assert.deepEqual(
    sink.events.map((e) => e.type),
    ['ApplicationReplaced'],
  );
});

test('a closed connection deactivates its apps: events are dropped, a subscribed app stays listed', () => {
  const core = new Core({ asteriskId: 'x' });
  const sink = collector();
  const conn = core.apps.connect(['gone'], false, sink);
  assert.ok(!('error' in conn));
  // Without a channel, bridge or endpoint subscription the app would be unregistered (test/stasis).
  core.index.subscribe(core.apps.get('gone')!, 'bridge:b1');
  conn.close();
  core.bus.publish('ApplicationReplaced', {}, { app: core.apps.get('gone')! });
  assert.equal(sink.events.length, 0);
  assert.equal(core.apps.get('gone')!.isActive, false);
});

test('invalid application names are refused', () => {
  const core = new Core({ asteriskId: 'x' });
  assert.ok('error' in core.apps.connect([''], false, collector()));
  assert.ok('error' in core.apps.connect(['x'.repeat(74)], false, collector()));
  assert.ok(!('error' in core.apps.connect(['x'.repeat(73)], false, collector())));
});
