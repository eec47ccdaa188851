import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventValidator, INVALID_MESSAGE } from '../../src/ari/server/event-validator.js';

const channel = {
  id: 'c1',
  protocol_id: '',
  name: 'Local/echo@default-00000000;1',
  state: 'Up',
  caller: { name: '', number: '' },
  connected: { name: '', number: '' },
  accountcode: '',
  dialplan: { context: 'default', exten: 'echo', priority: 1, app_name: 'Stasis', app_data: 'test' },
  creationtime: '2026-01-01T00:00:00.000+0000',
  language: 'en',
};
const envelope = { timestamp: '2026-01-01T00:00:00.000+0000', asterisk_id: '02:fc:00:00:00:01', application: 'test' };

test('an event as Asterisk sends it passes its schema', () => {
  const v = new EventValidator();
  const json = JSON.stringify({ type: 'StasisStart', args: ['a'], channel, ...envelope });
  assert.equal(v.check(json), json);
  assert.deepEqual(v.violations, []);
  assert.equal(v.checked, 1);
});

test('a missing required field, a wrong type, an unknown field and an unknown event are each caught', () => {
  const v = new EventValidator();
  const cases: Record<string, unknown> = {
    missing: { type: 'StasisStart', channel, ...envelope },
    wrongType: { type: 'ChannelDestroyed', cause: '16', cause_txt: 'Normal Clearing', channel, ...envelope },
    unknownField: { type: 'StasisEnd', channel, colour: 'red', ...envelope },
    nestedUnknown: { type: 'StasisEnd', channel: { ...channel, extra: 1 }, ...envelope },
    unknownType: { type: 'NoSuchEvent', ...envelope },
  };
  for (const [name, event] of Object.entries(cases)) {
    assert.equal(v.check(JSON.stringify(event)), INVALID_MESSAGE, name);
  }
  assert.equal(v.violations.length, Object.keys(cases).length);
  assert.match(v.violations[0]!.errors.join(), /args/);
  assert.match(v.violations[1]!.errors.join(), /cause/);
  assert.match(v.report(), /5 events checked, 5 invalid/);
});

test('optional fields may be absent; the envelope is required', () => {
  const v = new EventValidator();
  const hangup = { type: 'ChannelHangupRequest', channel, ...envelope };
  assert.deepEqual(v.errorsOf(JSON.stringify(hangup)), []);
  const noId: Record<string, unknown> = { ...hangup };
  delete noId.asterisk_id;
  assert.notDeepEqual(v.errorsOf(JSON.stringify(noId)), []);
});
