import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ContactStore,
  type BindingInput,
  type ContactChange,
  contactKey,
} from '../../../../src/channels/pjsip/registrar/contact-store.js';
import { ManualClock, aor } from './helpers.js';

function binding(uri: string, clock: ManualClock, expiresInMs: number, aorName = 'alice'): BindingInput {
  return {
    uri,
    aor: aorName,
    expiresAt: clock.now() + expiresInMs,
    callId: 'c1',
    cseq: 1,
    viaAddr: '192.0.2.10:5060',
    registeredAt: clock.now(),
    status: 'NonQualified',
  };
}

test('a binding expires on time with a Removed event; one timer serves the whole store', () => {
  const clock = new ManualClock();
  const events: ContactChange[] = [];
  const store = new ContactStore({ clock, onChange: (ev) => events.push(ev) });
  store.upsert(binding('sip:a@192.0.2.10', clock, 60_000));
  store.upsert(binding('sip:b@192.0.2.10', clock, 30_000));
  store.upsert(binding('sip:c@192.0.2.10', clock, 90_000, 'bob'));
  assert.equal(clock.pending, 1);
  clock.advance(29_999);
  assert.equal(store.size, 3);
  clock.advance(1);
  assert.deepEqual(
    store.list('alice').map((b) => b.uri),
    ['sip:a@192.0.2.10'],
  );
  assert.deepEqual(events.at(-1), { aor: 'alice', uri: 'sip:b@192.0.2.10', status: 'Removed', roundtripUsec: 0 });
  assert.equal(clock.pending, 1);
  clock.advance(30_000);
  assert.deepEqual(store.list('alice'), []);
  clock.advance(30_000);
  assert.equal(store.size, 0);
  assert.equal(clock.pending, 0);
});

test('a refresh moves the expiry later; the early wake-up finds nothing to remove and re-arms', () => {
  const clock = new ManualClock();
  const store = new ContactStore({ clock });
  store.upsert(binding('sip:a@192.0.2.10', clock, 10_000));
  clock.advance(5_000);
  assert.equal(store.upsert(binding('sip:a@192.0.2.10', clock, 10_000)), 'updated');
  clock.advance(5_000);
  assert.equal(store.size, 1);
  clock.advance(5_000);
  assert.equal(store.size, 0);
});

test('Created then the initial status; setStatus reports only changes; remove gives Removed', () => {
  const clock = new ManualClock();
  const events: string[] = [];
  const store = new ContactStore({ clock, onChange: (ev) => events.push(`${ev.status}:${ev.roundtripUsec}`) });
  store.upsert({ ...binding('sip:a@192.0.2.10', clock, 60_000), status: 'Unknown' });
  store.setStatus('alice', 'sip:a@192.0.2.10', 'Reachable', 1200);
  store.setStatus('alice', 'sip:a@192.0.2.10', 'Reachable', 1300);
  store.setStatus('alice', 'sip:a@192.0.2.10', 'Unreachable', 0);
  assert.equal(store.remove('alice', 'sip:a@192.0.2.10'), true);
  assert.equal(store.remove('alice', 'sip:a@192.0.2.10'), false);
  assert.deepEqual(events, ['Created:0', 'Unknown:0', 'Reachable:1200', 'Unreachable:0', 'Removed:0']);
});

test('available: everything but Unreachable (Unknown and NonQualified are dialled)', () => {
  const clock = new ManualClock();
  const store = new ContactStore({ clock });
  store.setStatic(aor('alice', { contacts: ['sip:static@203.0.113.5'] }));
  store.upsert({ ...binding('sip:a@192.0.2.10', clock, 60_000), status: 'Unknown' });
  store.upsert({ ...binding('sip:b@192.0.2.10', clock, 60_000), status: 'Unknown' });
  store.setStatus('alice', 'sip:b@192.0.2.10', 'Unreachable', 0);
  assert.deepEqual(
    store.available('alice').map((b) => b.uri),
    ['sip:static@203.0.113.5', 'sip:a@192.0.2.10'],
  );
});

test('bounded: beyond maxBindings new bindings are refused, refreshes still work', () => {
  const clock = new ManualClock();
  const store = new ContactStore({ clock, maxBindings: 2 });
  assert.equal(store.upsert(binding('sip:a@192.0.2.10', clock, 60_000)), 'created');
  assert.equal(store.upsert(binding('sip:b@192.0.2.10', clock, 60_000, 'bob')), 'created');
  assert.equal(store.upsert(binding('sip:c@192.0.2.10', clock, 60_000)), 'full');
  assert.equal(store.upsert(binding('sip:a@192.0.2.10', clock, 60_000)), 'updated');
  store.remove('bob', 'sip:b@192.0.2.10');
  assert.equal(store.upsert(binding('sip:c@192.0.2.10', clock, 60_000)), 'created');
});

test('contact URIs compare as RFC 3261 §19.1.4 says: host case and parameter order do not matter', () => {
  assert.equal(
    contactKey('sip:alice@EXAMPLE.com;transport=TCP;ob'),
    contactKey('sip:alice@example.com;ob;transport=tcp'),
  );
  assert.notEqual(contactKey('sip:Alice@example.com'), contactKey('sip:alice@example.com'));
  assert.notEqual(contactKey('sip:alice@example.com:5060'), contactKey('sip:alice@example.com'));
});

test('close() stops expiry and is idempotent; a throwing listener does not break the store', () => {
  const clock = new ManualClock();
  const store = new ContactStore({
    clock,
    onChange: () => {
      throw new Error('listener bug');
    },
  });
  store.upsert(binding('sip:a@192.0.2.10', clock, 1_000));
  store.close();
  store.close();
  assert.equal(clock.pending, 0);
  clock.advance(10_000);
  assert.equal(store.size, 1);
});
