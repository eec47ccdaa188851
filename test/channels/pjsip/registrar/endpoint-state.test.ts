import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContactStore } from '../../../../src/channels/pjsip/registrar/contact-store.js';
import {
  EndpointStateTracker,
  ariContactStatus,
  endpointState,
} from '../../../../src/channels/pjsip/registrar/endpoint-state.js';
import { handleRegister, type RegisterContext } from '../../../../src/channels/pjsip/registrar/registrar.js';
import { ManualClock, aor, endpoint, register } from './helpers.js';

function setup(qualifyFrequency = 0) {
  const clock = new ManualClock();
  const store = new ContactStore({ clock });
  const a = aor('alice', { maxContacts: 2, qualifyFrequency });
  const ep = endpoint('alice');
  const peer: string[] = [];
  const tracker = new EndpointStateTracker(store, new Map([[ep.name, ep]]), (name, status) =>
    peer.push(`${name}:${status}`),
  );
  const ctx = (): RegisterContext => ({
    endpoint: ep,
    aors: new Map([[a.name, a]]),
    store,
    source: { host: '192.0.2.10', port: 5062, protocol: 'udp' },
    now: clock.now(),
    rewriteContact: false,
  });
  return { clock, store, ep, peer, tracker, ctx };
}

test('first binding → online + Reachable; second binding → nothing; last removal → offline + Unreachable', () => {
  const { store, ep, peer, tracker, ctx } = setup();
  assert.equal(endpointState(ep, store), 'offline');
  handleRegister(register(['Contact: <sip:a@192.0.2.10>']), ctx());
  assert.equal(tracker.state('alice'), 'online');
  handleRegister(register(['Contact: <sip:b@192.0.2.10>']), ctx());
  handleRegister(register(['Contact: <sip:a@192.0.2.10>', 'Expires: 0']), ctx());
  assert.deepEqual(peer, ['alice:Reachable']);
  handleRegister(register(['Contact: *', 'Expires: 0']), ctx());
  assert.deepEqual(peer, ['alice:Reachable', 'alice:Unreachable']);
  assert.equal(endpointState(ep, store), 'offline');
});

test('expiry of the last binding takes the endpoint offline', () => {
  const { clock, peer, ctx } = setup();
  handleRegister(register(['Contact: <sip:a@192.0.2.10>', 'Expires: 60']), ctx());
  clock.advance(60_000);
  assert.deepEqual(peer, ['alice:Reachable', 'alice:Unreachable']);
});

test('with qualify, an Unknown contact is not online until its first answer', () => {
  const { store, peer, tracker, ctx } = setup(30);
  handleRegister(register(['Contact: <sip:a@192.0.2.10>']), ctx());
  assert.equal(tracker.state('alice'), 'offline');
  store.setStatus('alice', 'sip:a@192.0.2.10', 'Reachable', 900);
  store.setStatus('alice', 'sip:a@192.0.2.10', 'Unreachable', 0);
  assert.deepEqual(peer, ['alice:Reachable', 'alice:Unreachable']);
});

test('ARI contact_status leaves out Created and Updated', () => {
  assert.equal(ariContactStatus({ aor: 'a', uri: 'sip:a@h', status: 'Created', roundtripUsec: 0 }), undefined);
  assert.equal(ariContactStatus({ aor: 'a', uri: 'sip:a@h', status: 'Updated', roundtripUsec: 0 }), undefined);
  assert.equal(ariContactStatus({ aor: 'a', uri: 'sip:a@h', status: 'Removed', roundtripUsec: 0 }), 'Removed');
  assert.equal(
    ariContactStatus({ aor: 'a', uri: 'sip:a@h', status: 'NonQualified', roundtripUsec: 0 }),
    'NonQualified',
  );
});
