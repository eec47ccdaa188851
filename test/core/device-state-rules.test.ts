// The device-state facts of main/devicestate.c and chan_pjsip.c, checked as tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChannelState } from '../../src/core/channel/channel-state.js';
import {
  DeviceStateAggregate,
  channelDeviceState,
  deviceOfChannel,
  endpointDeviceState,
  firstChannelDeviceState,
  parseDeviceState,
  type DeviceStateValue,
} from '../../src/core/device-state-rules.js';

function aggregate(...states: DeviceStateValue[]): DeviceStateValue {
  const agg = new DeviceStateAggregate();
  for (const s of states) agg.add(s);
  return agg.result;
}

test('a channel state stands for a device state (chan2dev)', () => {
  const table: [ChannelState, DeviceStateValue][] = [
    ['Down', 'NOT_INUSE'],
    ['Rsrvd', 'INUSE'],
    ['OffHook', 'INUSE'],
    ['Dialing', 'INUSE'],
    ['Ring', 'INUSE'],
    ['Ringing', 'RINGING'],
    ['Up', 'INUSE'],
    ['Busy', 'BUSY'],
    ['Dialing Offhook', 'INUSE'],
    ['Pre-ring', 'RINGING'],
    ['Unknown', 'UNKNOWN'],
  ];
  for (const [channel, device] of table) assert.equal(channelDeviceState(channel), device, channel);
});

test('the device of a channel is its name up to the last dash', () => {
  assert.equal(deviceOfChannel('PJSIP/alice-00000001'), 'PJSIP/alice');
  assert.equal(deviceOfChannel('PJSIP/ds-phone-0000000d'), 'PJSIP/ds-phone');
  assert.equal(deviceOfChannel('Local/ds-park@ds-000000e5;1'), 'Local/ds-park@ds');
  assert.equal(deviceOfChannel('nodash'), 'nodash');
});

test('aggregation: the higher rank wins; ringing with in use, on hold or busy is RINGINUSE', () => {
  assert.equal(aggregate(), 'INVALID');
  assert.equal(aggregate('NOT_INUSE', 'UNAVAILABLE'), 'NOT_INUSE');
  assert.equal(aggregate('ONHOLD', 'NOT_INUSE'), 'ONHOLD');
  assert.equal(aggregate('ONHOLD', 'INUSE'), 'INUSE');
  assert.equal(aggregate('RINGING', 'NOT_INUSE'), 'RINGING');
  assert.equal(aggregate('INUSE', 'BUSY'), 'BUSY');
  assert.equal(aggregate('RINGING', 'INUSE'), 'RINGINUSE');
  assert.equal(aggregate('INUSE', 'RINGING'), 'RINGINUSE');
  assert.equal(aggregate('ONHOLD', 'RINGING'), 'RINGINUSE');
  assert.equal(aggregate('RINGING', 'BUSY'), 'RINGINUSE');
  // Once ringing and in use were both seen, a later lower state does not undo it.
  assert.equal(aggregate('RINGING', 'INUSE', 'NOT_INUSE'), 'RINGINUSE');
  assert.equal(aggregate('UNKNOWN', 'INVALID'), 'UNKNOWN');
});

test('an endpoint: offline is UNAVAILABLE, online NOT_INUSE; its channels decide when it has some', () => {
  const notHeld = (): boolean => false;
  assert.equal(endpointDeviceState('offline', [], notHeld, 0), 'UNAVAILABLE');
  assert.equal(endpointDeviceState('online', [], notHeld, 0), 'NOT_INUSE');
  assert.equal(endpointDeviceState('unknown', [], notHeld, 0), 'UNKNOWN');
  // An anonymous caller's endpoint is offline, yet its call is INUSE.
  assert.equal(endpointDeviceState('offline', [{ state: 'Up' }], notHeld, 0), 'INUSE');
  assert.equal(endpointDeviceState('online', [{ state: 'Up' }, { state: 'Ringing' }], notHeld, 0), 'RINGINUSE');
  const up = { state: 'Up' as const };
  assert.equal(
    endpointDeviceState('online', [up], (ch) => ch === up, 0),
    'ONHOLD',
  );
});

test('device_state_busy_at: that many channels past Down/Rsrvd make the endpoint BUSY', () => {
  const notHeld = (): boolean => false;
  assert.equal(endpointDeviceState('online', [{ state: 'Ring' }], notHeld, 1), 'BUSY');
  assert.equal(endpointDeviceState('online', [{ state: 'Down' }, { state: 'Rsrvd' }], notHeld, 1), 'INUSE');
  assert.equal(endpointDeviceState('online', [{ state: 'Up' }], notHeld, 2), 'INUSE');
  assert.equal(endpointDeviceState('online', [{ state: 'Up' }, { state: 'Ringing' }], notHeld, 2), 'BUSY');
});

test('without a rule of its own, a device is its first channel (ONHOLD while held), else UNKNOWN', () => {
  const ch = { state: 'Ringing' as const };
  assert.equal(
    firstChannelDeviceState([], () => false),
    'UNKNOWN',
  );
  assert.equal(
    firstChannelDeviceState([ch, { state: 'Up' }], () => false),
    'RINGING',
  );
  assert.equal(
    firstChannelDeviceState([ch], () => true),
    'ONHOLD',
  );
});

test('state names parse in any case; anything else is UNKNOWN', () => {
  assert.equal(parseDeviceState('inuse'), 'INUSE');
  assert.equal(parseDeviceState('Ringinuse'), 'RINGINUSE');
  assert.equal(parseDeviceState('IN_USE'), 'UNKNOWN');
  assert.equal(parseDeviceState(''), 'UNKNOWN');
});
