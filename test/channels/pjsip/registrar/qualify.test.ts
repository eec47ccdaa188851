import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AorConfig } from '../../../../src/config/pjsip-types.js';
import { ContactStore, type ContactChange } from '../../../../src/channels/pjsip/registrar/contact-store.js';
import { type OptionsResult, Qualifier } from '../../../../src/channels/pjsip/registrar/qualify.js';
import { ManualClock, aor } from './helpers.js';

/** A sendOptions whose answers the test settles by hand. */
function fakeSender() {
  const sent: { uri: string; at: number; settle: (r: OptionsResult) => void }[] = [];
  return {
    sent,
    fn(clock: ManualClock) {
      return (uri: string, _aor: AorConfig) =>
        new Promise<OptionsResult>((resolve) => sent.push({ uri, at: clock.now(), settle: resolve }));
    },
  };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function setup(over: Partial<AorConfig> = {}) {
  const clock = new ManualClock(0);
  const events: ContactChange[] = [];
  const store = new ContactStore({ clock, onChange: (ev) => events.push(ev) });
  const a = aor('alice', { qualifyFrequency: 60, qualifyTimeout: 3, maxContacts: 5, ...over });
  const sender = fakeSender();
  return { clock, events, store, a, sender };
}

function add(store: ContactStore, clock: ManualClock, uri: string) {
  store.upsert({
    uri,
    aor: 'alice',
    expiresAt: clock.now() + 3_600_000,
    callId: 'c',
    cseq: 1,
    viaAddr: '192.0.2.10:5060',
    registeredAt: clock.now(),
    status: 'Unknown',
  });
}

test('first OPTIONS at a random moment inside the first period, then every qualify_frequency; any answer = Reachable', async () => {
  const { clock, events, store, a, sender } = setup();
  const q = new Qualifier({
    store,
    aors: new Map([[a.name, a]]),
    sendOptions: sender.fn(clock),
    clock,
    random: () => 0.5,
  });
  add(store, clock, 'sip:a@192.0.2.10');
  assert.equal(q.size, 1);
  clock.advance(29_999);
  assert.equal(sender.sent.length, 0);
  clock.advance(1);
  assert.equal(sender.sent.length, 1);
  clock.advance(12); // the 404 still proves the contact alive
  sender.sent[0]!.settle({ status: 404 });
  await flush();
  assert.deepEqual(events.at(-1), {
    aor: 'alice',
    uri: 'sip:a@192.0.2.10',
    status: 'Reachable',
    roundtripUsec: 12_000,
  });
  clock.advance(59_988);
  assert.equal(sender.sent.length, 2);
  assert.equal(sender.sent[1]!.at, 90_000);
  sender.sent[1]!.settle({ status: 200 });
  await flush();
  assert.equal(events.filter((e) => e.status === 'Reachable').length, 1, 'no event without a change');
  q.close();
});

test('no answer within qualify_timeout = Unreachable; a late answer is ignored; the next answer makes it Reachable', async () => {
  const { clock, events, store, a, sender } = setup({ qualifyFrequency: 10, qualifyTimeout: 3 });
  const q = new Qualifier({
    store,
    aors: new Map([[a.name, a]]),
    sendOptions: sender.fn(clock),
    clock,
    random: () => 0,
  });
  add(store, clock, 'sip:a@192.0.2.10');
  clock.advance(0);
  assert.equal(sender.sent.length, 1);
  clock.advance(3_000);
  assert.equal(events.at(-1)?.status, 'Unreachable');
  sender.sent[0]!.settle({ status: 200 });
  await flush();
  assert.equal(events.at(-1)?.status, 'Unreachable');
  clock.advance(7_000);
  assert.equal(sender.sent.length, 2);
  sender.sent[1]!.settle({ status: 200 });
  await flush();
  assert.equal(events.at(-1)?.status, 'Reachable');
  q.close();
});

test("the sender's 'error' or 'timeout' or a rejected promise = Unreachable", async () => {
  for (const outcome of ['error', 'timeout', 'reject'] as const) {
    const { clock, events, store, a } = setup();
    const sendOptions = () =>
      outcome === 'reject' ? Promise.reject(new Error('ENETUNREACH')) : Promise.resolve(outcome);
    const q = new Qualifier({ store, aors: new Map([[a.name, a]]), sendOptions, clock, random: () => 0 });
    add(store, clock, 'sip:a@192.0.2.10');
    clock.advance(0);
    await flush();
    assert.equal(events.at(-1)?.status, 'Unreachable', outcome);
    q.close();
  }
});

test('one timer for all contacts; removed contacts stop being qualified; AORs without qualify are skipped', async () => {
  const { clock, store, a, sender } = setup();
  const plain = aor('bob', { maxContacts: 5 });
  let r = 0;
  const q = new Qualifier({
    store,
    aors: new Map([
      [a.name, a],
      [plain.name, plain],
    ]),
    sendOptions: sender.fn(clock),
    clock,
    random: () => (r = (r + 0.37) % 1),
  });
  for (let i = 0; i < 50; i++) add(store, clock, `sip:u${i}@192.0.2.10`);
  store.upsert({
    uri: 'sip:bob@192.0.2.11',
    aor: 'bob',
    expiresAt: clock.now() + 3_600_000,
    callId: 'c',
    cseq: 1,
    viaAddr: '192.0.2.11:5060',
    registeredAt: clock.now(),
    status: 'NonQualified',
  });
  assert.equal(q.size, 50);
  assert.equal(clock.pending, 2); // the store's expiry timer and the qualifier's
  store.remove('alice', 'sip:u0@192.0.2.10');
  assert.equal(q.size, 49);
  clock.advance(60_000);
  assert.equal(sender.sent.length, 49);
  assert.ok(!sender.sent.some((s) => s.uri === 'sip:bob@192.0.2.11' || s.uri === 'sip:u0@192.0.2.10'));
  q.close();
  assert.equal(clock.pending, 1);
});

test('static contacts of a qualified AOR are qualified from the start', () => {
  const { clock, store, sender } = setup();
  const a = aor('alice', { qualifyFrequency: 30, contacts: ['sip:pbx@203.0.113.5'] });
  store.setStatic(a);
  const q = new Qualifier({
    store,
    aors: new Map([[a.name, a]]),
    sendOptions: sender.fn(clock),
    clock,
    random: () => 0.1,
  });
  clock.advance(3_000);
  assert.deepEqual(
    sender.sent.map((s) => s.uri),
    ['sip:pbx@203.0.113.5'],
  );
  q.close();
});

test('qualify_2xx_only: a 404 to the OPTIONS makes the contact Unreachable, a 200 Reachable', async () => {
  const { clock, events, store, a, sender } = setup({ qualify2xxOnly: true });
  const q = new Qualifier({
    store,
    aors: new Map([[a.name, a]]),
    sendOptions: sender.fn(clock),
    clock,
    random: () => 0,
  });
  add(store, clock, 'sip:a@192.0.2.10');
  clock.advance(100);
  assert.equal(sender.sent.length, 1);
  sender.sent[0]!.settle({ status: 404 });
  await flush();
  assert.equal(events.at(-1)!.status, 'Unreachable');
  clock.advance(60_000);
  sender.sent[1]!.settle({ status: 200 });
  await flush();
  assert.equal(events.at(-1)!.status, 'Reachable');
  q.close();
});
