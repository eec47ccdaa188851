import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AorConfig, EndpointConfig } from '../../../../src/config/pjsip-types.js';
import { ContactStore, type ContactChange } from '../../../../src/channels/pjsip/registrar/contact-store.js';
import { handleRegister, type RegisterContext } from '../../../../src/channels/pjsip/registrar/registrar.js';
import type { SipHeader } from '../../../../src/sip/message/sip-message.js';
import { ManualClock, aor, endpoint, register } from './helpers.js';

function setup(aorOver: Partial<AorConfig> = {}, epOver: Partial<EndpointConfig> = {}) {
  const clock = new ManualClock();
  const events: ContactChange[] = [];
  const store = new ContactStore({ clock, onChange: (ev) => events.push(ev) });
  const a = aor('alice', aorOver);
  const aors = new Map([[a.name, a]]);
  const ep = endpoint('alice', epOver);
  for (const x of aors.values()) store.setStatic(x);
  const ctx = (over: Partial<RegisterContext> = {}): RegisterContext => ({
    endpoint: ep,
    aors,
    store,
    source: { host: '198.51.100.7', port: 40000, protocol: 'udp' },
    now: clock.now(),
    rewriteContact: false,
    ...over,
  });
  return { clock, store, events, ctx, aors };
}

const values = (headers: SipHeader[], name: string) => headers.filter((h) => h.name === name).map((h) => h.value);

test('OK: 200 lists the binding with its remaining expiry, a Date, and Expires because the request had one', () => {
  const { store, ctx, clock } = setup();
  const r = handleRegister(register(['Contact: <sip:alice@192.0.2.10:5062>', 'Expires: 300']), ctx());
  assert.equal(r.status, 200);
  assert.deepEqual(values(r.headers, 'Contact'), ['<sip:alice@192.0.2.10:5062>;expires=300']);
  assert.deepEqual(values(r.headers, 'Expires'), ['300']);
  assert.match(values(r.headers, 'Date')[0]!, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
  const [b] = store.list('alice');
  assert.equal(b?.expiresAt, clock.now() + 300_000);
  assert.equal(b?.callId, 'reg-call-1');
  assert.equal(b?.userAgent, 'test-ua/1.0');
  assert.equal(b?.viaAddr, '198.51.100.7:40000');
  assert.equal(b?.status, 'NonQualified');
});

test('no Expires header in the request: none in the response, and the default 3600 s applies', () => {
  const { ctx } = setup();
  const r = handleRegister(register(['Contact: <sip:alice@192.0.2.10:5062>']), ctx());
  assert.equal(r.status, 200);
  assert.deepEqual(values(r.headers, 'Expires'), []);
  assert.deepEqual(values(r.headers, 'Contact'), ['<sip:alice@192.0.2.10:5062>;expires=3600']);
});

test('expiry is clamped to [minimum, maximum] — raised to 60, lowered to 7200, never 423', () => {
  for (const [asked, got] of [
    ['1', 60],
    ['59', 60],
    ['60', 60],
    ['7200', 7200],
    ['7201', 7200],
    ['999999', 7200],
  ] as const) {
    const { ctx } = setup();
    const r = handleRegister(register(['Contact: <sip:alice@192.0.2.10:5062>', `Expires: ${asked}`]), ctx());
    assert.equal(r.status, 200, asked);
    assert.deepEqual(values(r.headers, 'Contact'), [`<sip:alice@192.0.2.10:5062>;expires=${got}`], asked);
    assert.deepEqual(values(r.headers, 'Expires'), [String(got)], asked);
  }
});

test('the Contact expires parameter wins over the Expires header, and is clamped too', () => {
  const { ctx } = setup({ maxContacts: 3 });
  const r = handleRegister(
    register(['Contact: <sip:a@192.0.2.10:5062>;expires=120, <sip:b@192.0.2.10:5062>;expires=5', 'Expires: 900']),
    ctx(),
  );
  assert.deepEqual(values(r.headers, 'Contact'), [
    '<sip:a@192.0.2.10:5062>;expires=120',
    '<sip:b@192.0.2.10:5062>;expires=60',
  ]);
});

test('Expires: 0 removes the binding; expires=0 removes only that contact', () => {
  const { ctx, store, events } = setup({ maxContacts: 2 });
  handleRegister(register(['Contact: <sip:a@192.0.2.10>, <sip:b@192.0.2.10>']), ctx());
  assert.equal(store.list('alice').length, 2);
  let r = handleRegister(register(['Contact: <sip:a@192.0.2.10>;expires=0']), ctx());
  assert.equal(r.status, 200);
  assert.deepEqual(values(r.headers, 'Contact'), ['<sip:b@192.0.2.10>;expires=3600']);
  r = handleRegister(register(['Contact: <sip:b@192.0.2.10>', 'Expires: 0']), ctx());
  assert.equal(r.status, 200);
  assert.deepEqual(values(r.headers, 'Contact'), []);
  assert.deepEqual(values(r.headers, 'Expires'), ['0']);
  assert.deepEqual(
    events.filter((e) => e.status === 'Removed').map((e) => e.uri),
    ['sip:a@192.0.2.10', 'sip:b@192.0.2.10'],
  );
});

test('Contact: * with Expires: 0 removes every dynamic binding; static contacts stay listed', () => {
  const { ctx, store } = setup({ maxContacts: 5, contacts: ['sip:alice@203.0.113.5:5060'] });
  handleRegister(register(['Contact: <sip:a@192.0.2.10>, <sip:b@192.0.2.10>']), ctx());
  assert.equal(store.list('alice').length, 3);
  const r = handleRegister(register(['Contact: *', 'Expires: 0']), ctx());
  assert.equal(r.status, 200);
  assert.deepEqual(values(r.headers, 'Contact'), ['<sip:alice@203.0.113.5:5060>']);
  assert.equal(store.size, 0);
});

test('Contact: * with a non-zero or missing Expires is 400', () => {
  const { ctx } = setup();
  assert.equal(handleRegister(register(['Contact: *', 'Expires: 60']), ctx()).status, 400);
  assert.equal(handleRegister(register(['Contact: *']), ctx()).status, 400);
});

test('no Contact is a query: 200 listing current bindings and static contacts, nothing changed', () => {
  const { ctx, store } = setup({ contacts: ['sip:alice@203.0.113.5'] });
  handleRegister(register(['Contact: <sip:alice@192.0.2.10>', 'Expires: 600']), ctx());
  const r = handleRegister(register([]), ctx());
  assert.equal(r.status, 200);
  assert.deepEqual(values(r.headers, 'Contact'), ['<sip:alice@203.0.113.5>', '<sip:alice@192.0.2.10>;expires=600']);
  assert.equal(store.size, 1);
});

test('exceeding max_contacts without remove_existing is 403 and keeps the old binding', () => {
  const { ctx, store } = setup({ maxContacts: 1 });
  handleRegister(register(['Contact: <sip:a@192.0.2.10>']), ctx());
  const r = handleRegister(register(['Contact: <sip:b@192.0.2.10>']), ctx());
  assert.equal(r.status, 403);
  assert.deepEqual(
    store.list('alice').map((b) => b.uri),
    ['sip:a@192.0.2.10'],
  );
  // Refreshing the same contact is not "more": 200.
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>']), ctx()).status, 200);
  // Removing one and adding one in the same request fits.
  const swap = handleRegister(register(['Contact: <sip:a@192.0.2.10>;expires=0, <sip:b@192.0.2.10>']), ctx());
  assert.equal(swap.status, 200);
  assert.deepEqual(
    store.list('alice').map((b) => b.uri),
    ['sip:b@192.0.2.10'],
  );
});

test('remove_existing drops the soonest-expiring bindings to make room', () => {
  const { ctx, store, clock } = setup({ maxContacts: 2, removeExisting: true });
  handleRegister(register(['Contact: <sip:a@192.0.2.10>', 'Expires: 600']), ctx());
  handleRegister(register(['Contact: <sip:b@192.0.2.10>', 'Expires: 300']), ctx());
  clock.advance(1000);
  const r = handleRegister(register(['Contact: <sip:c@192.0.2.10>', 'Expires: 900']), ctx());
  assert.equal(r.status, 200);
  assert.deepEqual(
    store
      .list('alice')
      .map((b) => b.uri)
      .sort(),
    ['sip:a@192.0.2.10', 'sip:c@192.0.2.10'],
  );
  assert.deepEqual(values(r.headers, 'Contact').sort(), [
    '<sip:a@192.0.2.10>;expires=599',
    '<sip:c@192.0.2.10>;expires=900',
  ]);
});

test('max_contacts=0 (the default) and an endpoint without aors are 403', () => {
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>']), setup({ maxContacts: 0 }).ctx()).status, 403);
  const { ctx } = setup({}, { aors: [] });
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>']), ctx()).status, 403);
});

test('To user that is not one of the endpoint AORs is 404; user@domain AOR names match', () => {
  const { ctx } = setup();
  assert.equal(
    handleRegister(register(['Contact: <sip:a@192.0.2.10>'], { to: '<sip:bob@192.0.2.1>' }), ctx()).status,
    404,
  );
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>'], { to: '<sip:192.0.2.1>' }), ctx()).status, 404);
  const a = aor('alice@example.com');
  const r = handleRegister(
    register(['Contact: <sip:a@192.0.2.10>'], { to: '<sip:alice@example.com>' }),
    ctx({ endpoint: endpoint('alice', { aors: ['alice@example.com'] }), aors: new Map([[a.name, a]]) }),
  );
  assert.equal(r.status, 200);
});

test('a non-SIP To URI is 416', () => {
  const { ctx } = setup();
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>'], { to: '<tel:+15551234>' }), ctx()).status, 416);
  assert.equal(
    handleRegister(register(['Contact: <sip:a@192.0.2.10>'], { to: '<mailto:alice@example.com>' }), ctx()).status,
    416,
  );
});

test('an invalid Contact is 400', () => {
  const { ctx } = setup();
  for (const c of ['Contact: <sip:a@192.0.2.10', 'Contact: <mailto:a@example.com>', 'Contact: <tel:+1555>']) {
    assert.equal(handleRegister(register([c]), ctx()).status, 400, c);
  }
});

test('same Call-ID with a CSeq not above the stored one is 500 (RFC 3261 §10.3 step 7); a new Call-ID is fine', () => {
  const { ctx, store } = setup();
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>'], { cseq: 10 }), ctx()).status, 200);
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>'], { cseq: 10 }), ctx()).status, 500);
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>'], { cseq: 9 }), ctx()).status, 500);
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>'], { cseq: 11 }), ctx()).status, 200);
  const other = register(['Contact: <sip:a@192.0.2.10>'], { cseq: 1, callId: 'another' });
  assert.equal(handleRegister(other, ctx()).status, 200);
  assert.equal(store.get('alice', 'sip:a@192.0.2.10')?.callId, 'another');
});

test('rewrite_contact stores the packet source host:port; tcp adds transport=tcp; un-REGISTER still matches', () => {
  const { ctx, store } = setup({ maxContacts: 2 });
  let r = handleRegister(register(['Contact: <sip:alice@10.0.0.5:5062;ob>']), ctx({ rewriteContact: true }));
  assert.deepEqual(values(r.headers, 'Contact'), ['<sip:alice@198.51.100.7:40000;ob>;expires=3600']);
  r = handleRegister(
    register(['Contact: <sip:alice@10.0.0.6:5062;transport=udp>']),
    ctx({ rewriteContact: true, source: { host: '2001:db8::7', port: 5070, protocol: 'tcp' } }),
  );
  assert.equal(r.status, 200);
  assert.ok(store.get('alice', 'sip:alice@[2001:db8::7]:5070;transport=tcp'));
  r = handleRegister(register(['Contact: <sip:alice@10.0.0.5:5062;ob>', 'Expires: 0']), ctx({ rewriteContact: true }));
  assert.deepEqual(values(r.headers, 'Contact'), ['<sip:alice@[2001:db8::7]:5070;transport=tcp>;expires=3600']);
});

test('a qualified AOR registers contacts as Unknown; a refresh keeps the qualify result and emits Updated', () => {
  const { ctx, store, events } = setup({ qualifyFrequency: 30 });
  handleRegister(register(['Contact: <sip:a@192.0.2.10>']), ctx());
  assert.deepEqual(
    events.map((e) => e.status),
    ['Created', 'Unknown'],
  );
  store.setStatus('alice', 'sip:a@192.0.2.10', 'Reachable', 1500);
  handleRegister(register(['Contact: <sip:a@192.0.2.10>']), ctx());
  assert.deepEqual(
    events.map((e) => e.status),
    ['Created', 'Unknown', 'Reachable', 'Updated'],
  );
  assert.equal(store.get('alice', 'sip:a@192.0.2.10')?.status, 'Reachable');
});

test('a full store refuses new bindings with 503 but still refreshes existing ones', () => {
  const clock = new ManualClock();
  const store = new ContactStore({ clock, maxBindings: 1 });
  const a = aor('alice', { maxContacts: 5 });
  const ctx: RegisterContext = {
    endpoint: endpoint('alice'),
    aors: new Map([[a.name, a]]),
    store,
    source: { host: '198.51.100.7', port: 40000, protocol: 'udp' },
    now: clock.now(),
    rewriteContact: false,
  };
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>']), ctx).status, 200);
  assert.equal(handleRegister(register(['Contact: <sip:b@192.0.2.10>']), ctx).status, 503);
  assert.equal(handleRegister(register(['Contact: <sip:a@192.0.2.10>']), ctx).status, 200);
});

test('remove_unavailable: with remove_existing an Unreachable binding is replaced before a sooner-expiring one', () => {
  const { ctx, store } = setup({ maxContacts: 2, removeExisting: true, removeUnavailable: true });
  handleRegister(register(['Contact: <sip:a@192.0.2.10>', 'Expires: 300']), ctx());
  handleRegister(register(['Contact: <sip:b@192.0.2.10>', 'Expires: 900']), ctx());
  store.setStatus('alice', 'sip:b@192.0.2.10', 'Unreachable', 0);
  const r = handleRegister(register(['Contact: <sip:c@192.0.2.10>', 'Expires: 600']), ctx());
  assert.equal(r.status, 200);
  assert.deepEqual(
    store
      .list('alice')
      .map((b) => b.uri)
      .sort(),
    ['sip:a@192.0.2.10', 'sip:c@192.0.2.10'],
  );
});
