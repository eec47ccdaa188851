// The device-state engine in the core: what re-evaluates a device, what is cached, what is published.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel } from '../../src/core/channel/channel.js';
import type { ChannelState } from '../../src/core/channel/channel-state.js';
import type { ChannelTech } from '../../src/core/channel/channel-tech.js';
import { Core } from '../../src/core/core.js';
import type { EndpointAvailability } from '../../src/core/device-state-rules.js';
import { endpointDeviceSource, type DeviceStateSource } from '../../src/core/device-states.js';
import type { ChannelDriver, EventSink } from '../../src/core/ports.js';

interface Fixture {
  core: Core;
  /** `name=STATE` of every DeviceStateChanged the subscribe-all app received. */
  seen: string[];
  channel: (name: string, state: ChannelState) => Channel;
}

function fixture(...technologies: string[]): Fixture {
  const core = new Core({ asteriskId: 'x' });
  for (const technology of technologies) {
    core.registerDriver({ technology, request: () => ({ error: 'no' }) } satisfies ChannelDriver);
  }
  const seen: string[] = [];
  const sink: EventSink = {
    send(json: string) {
      const e = JSON.parse(json) as { type: string; device_state?: { name: string; state: string } };
      if (e.type === 'DeviceStateChanged') seen.push(`${e.device_state!.name}=${e.device_state!.state}`);
    },
  };
  core.apps.connect(['watcher'], true, sink);
  let n = 0;
  const channel = (name: string, state: ChannelState): Channel => {
    const technology = name.slice(0, name.indexOf('/'));
    const tech: ChannelTech = {
      technology,
      call: () => ({ ok: true }),
      answer: () => {},
      hangup: () => {},
      indicate: () => {},
      write: () => {},
    };
    const location = { context: 'default', exten: 's', priority: 1, appName: '', appData: '' };
    return core.newChannel({ id: `c${n++}`, name, tech, state, location });
  };
  return { core, seen, channel };
}

/** One turn of the event loop: queued re-evaluations have run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function endpointSource(availability: Map<string, EndpointAvailability>, busyAt = 0): DeviceStateSource {
  return endpointDeviceSource('Phone', (resource) => {
    const state = availability.get(resource);
    return state === undefined ? undefined : { availability: state, busyAt };
  });
}

test('an endpoint device follows its channels; only changes are published', async () => {
  const { core, seen, channel } = fixture('Phone');
  const availability = new Map<string, EndpointAvailability>([['alice', 'online']]);
  core.deviceStates.register(endpointSource(availability));
  core.deviceStates.changed('Phone/alice');
  assert.deepEqual(seen, [], 'evaluated on the next turn');
  await settle();
  assert.deepEqual(seen.splice(0), ['Phone/alice=NOT_INUSE']);

  const out = channel('Phone/alice-00000001', 'Down');
  await settle();
  assert.deepEqual(seen, [], 'a new channel re-evaluates nothing');
  out.setState('Ringing');
  await settle();
  const inbound = channel('Phone/alice-00000002', 'Ring');
  inbound.setState('Up');
  inbound.setState('Up'); // no change of channel state: nothing
  await settle();
  assert.deepEqual(seen.splice(0), ['Phone/alice=RINGING', 'Phone/alice=RINGINUSE']);

  inbound.indicate('hold');
  await settle();
  assert.deepEqual(seen.splice(0), [], 'RINGING + ONHOLD is still RINGINUSE');
  out.destroy();
  await settle();
  assert.deepEqual(seen.splice(0), ['Phone/alice=ONHOLD']);
  inbound.indicate('unhold');
  await settle();
  assert.equal(core.deviceStates.get('Phone/alice'), 'INUSE');
  // A ringing channel put on hold counts ONHOLD, not RINGING.
  const third = channel('Phone/alice-00000003', 'Down');
  third.setState('Ringing');
  await settle();
  third.indicate('hold');
  await settle();
  assert.deepEqual(seen.splice(0), ['Phone/alice=INUSE', 'Phone/alice=RINGINUSE', 'Phone/alice=INUSE']);
  third.destroy();
  inbound.destroy();
  await settle();
  availability.set('alice', 'offline');
  core.deviceStates.changed('Phone/alice');
  await settle();
  assert.deepEqual(seen.splice(0), ['Phone/alice=NOT_INUSE', 'Phone/alice=UNAVAILABLE']);
});

test('GET reads the cached state: a channel created ringing is not seen until something re-evaluates', async () => {
  const { core, seen, channel } = fixture('Phone');
  core.deviceStates.register(endpointSource(new Map([['bob', 'online']])));
  core.deviceStates.changed('Phone/bob');
  await settle();
  const ch = channel('Phone/bob-00000001', 'Ring');
  await settle();
  assert.equal(core.deviceStates.get('Phone/bob'), 'NOT_INUSE');
  ch.indicate('ringing'); // chan_pjsip re-evaluates on a ringing indication
  await settle();
  assert.equal(core.deviceStates.get('Phone/bob'), 'INUSE');
  assert.deepEqual(seen, ['Phone/bob=NOT_INUSE', 'Phone/bob=INUSE']);
});

test('busy_at: enough channels in use make the endpoint BUSY', async () => {
  const { core, seen, channel } = fixture('Phone');
  core.deviceStates.register(endpointSource(new Map([['carol', 'online']]), 1));
  channel('Phone/carol-00000001', 'Ring').setState('Up');
  await settle();
  assert.deepEqual(seen, ['Phone/carol=BUSY']);
});

test('a source that is not cachable publishes every evaluation, and is never read from a cache', async () => {
  const { core, seen, channel } = fixture('Pair');
  let state: 'INUSE' | 'NOT_INUSE' = 'INUSE';
  core.deviceStates.register({
    technology: 'Pair',
    cachable: false,
    evaluatesOnIndication: false,
    state: () => state,
  });
  const a = channel('Pair/x@y-00000001;1', 'Down');
  const b = channel('Pair/x@y-00000001;2', 'Ring');
  b.setState('Up');
  a.setState('Up');
  a.indicate('hold'); // no re-evaluation on indications
  await settle();
  state = 'NOT_INUSE';
  assert.equal(core.deviceStates.get('Pair/x@y'), 'NOT_INUSE');
  a.destroy();
  b.destroy();
  await settle();
  assert.deepEqual(seen, ['Pair/x@y=INUSE', 'Pair/x@y=INUSE', 'Pair/x@y=NOT_INUSE', 'Pair/x@y=NOT_INUSE']);
});

test('a technology without a rule: the first channel decides, held is ONHOLD, none is UNKNOWN', async () => {
  const { core, seen, channel } = fixture('Other');
  const ch = channel('Other/thing-00000001', 'Down');
  ch.indicate('hold'); // marks the channel; this technology does not re-evaluate on indications
  await settle();
  assert.deepEqual(seen.splice(0), []);
  assert.equal(core.deviceStates.get('Other/thing'), 'ONHOLD');
  ch.indicate('unhold');
  ch.setState('Up');
  await settle();
  ch.destroy();
  await settle();
  assert.deepEqual(seen, ['Other/thing=INUSE', 'Other/thing=UNKNOWN']);
  assert.equal(core.deviceStates.get('Other/thing'), 'UNKNOWN');
});

test('names no technology or provider knows are INVALID; an unset Stasis or Custom device is UNKNOWN', async () => {
  const { core } = fixture('Phone');
  core.deviceStates.register(endpointSource(new Map()));
  assert.equal(core.deviceStates.get('Phone/nobody'), 'INVALID');
  assert.equal(core.deviceStates.get('Nope/x'), 'INVALID');
  assert.equal(core.deviceStates.get('foo'), 'INVALID');
  assert.equal(core.deviceStates.get('Queue:sales'), 'INVALID');
  assert.equal(core.deviceStates.get('Stasis:never'), 'UNKNOWN');
  assert.equal(core.deviceStates.get('custom:never'), 'UNKNOWN');
});

test('Stasis devices: the same state twice publishes once; delete publishes nothing; the list has only them', async () => {
  const { core, seen } = fixture();
  core.deviceStates.set('stasis:lamp', 'NOT_INUSE');
  core.deviceStates.set('Stasis:lamp', 'NOT_INUSE');
  core.deviceStates.set('Stasis:lamp', 'BUSY');
  core.deviceStates.set('Custom:other', 'INUSE');
  assert.deepEqual(seen.splice(0), ['Stasis:lamp=NOT_INUSE', 'Stasis:lamp=BUSY', 'Custom:other=INUSE']);
  assert.deepEqual(core.deviceStates.listControlled(), [{ name: 'Stasis:lamp', state: 'BUSY' }]);
  assert.equal(core.deviceStates.get('stasis:lamp'), 'BUSY');
  core.deviceStates.delete('Stasis:lamp');
  assert.deepEqual(seen, []);
  assert.equal(core.deviceStates.get('Stasis:lamp'), 'UNKNOWN');
  assert.deepEqual(core.deviceStates.listControlled(), []);
  // Set again after a delete: news again.
  core.deviceStates.set('Stasis:lamp', 'BUSY');
  assert.deepEqual(seen, ['Stasis:lamp=BUSY']);
});

test('DEVICE_STATE() reads any device and writes Custom: ones only', async () => {
  const { core, seen } = fixture('Phone');
  core.deviceStates.register(endpointSource(new Map([['dave', 'offline']])));
  assert.equal(core.variables.read(undefined, 'DEVICE_STATE(Phone/dave)'), 'UNAVAILABLE');
  assert.equal(core.variables.read(undefined, 'DEVICE_STATE(Nope/x)'), 'INVALID');
  const ch = core.newChannel({
    id: 'f1',
    name: 'Phone/dave-00000001',
    tech: { technology: 'Phone', call: () => ({ ok: true }), answer() {}, hangup() {}, indicate() {}, write() {} },
    state: 'Down',
    location: { context: 'default', exten: 's', priority: 1, appName: '', appData: '' },
  });
  core.variables.write(ch, 'DEVICE_STATE(Custom:door)', 'ringing');
  assert.equal(core.variables.read(ch, 'DEVICE_STATE(custom:door)'), 'RINGING');
  assert.deepEqual(seen, ['Custom:door=RINGING']);
  assert.throws(() => core.variables.write(ch, 'DEVICE_STATE(Stasis:door)', 'BUSY'), /Custom:/);
  assert.throws(() => core.variables.write(ch, 'DEVICE_STATE(Custom:)', 'BUSY'), /Custom:/);
});

test('changes are evaluated when they are processed: a device whose channels came and went at once', async () => {
  const { core, seen, channel } = fixture('Pair');
  core.deviceStates.register({
    technology: 'Pair',
    cachable: false,
    evaluatesOnIndication: false,
    state: (resource, view) => ([...view.channelsOf(`Pair/${resource}`)].length > 0 ? 'NOT_INUSE' : 'INVALID'),
  });
  const a = channel('Pair/gone@nowhere-00000001;1', 'Down');
  const b = channel('Pair/gone@nowhere-00000001;2', 'Ring');
  b.destroy();
  a.destroy();
  await settle();
  assert.deepEqual(seen, ['Pair/gone@nowhere=INVALID', 'Pair/gone@nowhere=INVALID']);
});

test('a technology with channels but no driver (Snoop) has devices; once they are gone nothing stays cached', async () => {
  const { core, seen, channel } = fixture();
  assert.equal(core.deviceStates.get('Spy/abc'), 'INVALID', 'no driver and no channel seen yet');
  const ch = channel('Spy/abc-00000001', 'Down');
  ch.setState('Up');
  await settle();
  assert.equal(core.deviceStates.get('Spy/abc'), 'INUSE');
  ch.destroy();
  await settle();
  assert.deepEqual(seen, ['Spy/abc=INUSE', 'Spy/abc=UNKNOWN']);
  assert.equal(core.deviceStates.get('Spy/abc'), 'UNKNOWN');
});
