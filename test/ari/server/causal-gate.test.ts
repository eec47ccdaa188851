import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CausalGate, HOLD_LIMIT_MS } from '../../../src/ari/server/causal-gate.js';
import { HeldEvents } from '../../../src/ari/server/held-events.js';

function setup(now: () => number = () => 0): { gate: CausalGate; held: HeldEvents; out: string[] } {
  const gate = new CausalGate(now);
  const out: string[] = [];
  return { gate, held: new HeldEvents(gate, (json) => out.push(json)), out };
}

test('no request in flight: an event goes at once', () => {
  const { held, out } = setup();
  held.push('e1');
  assert.deepEqual(out, ['e1']);
});

test('an event published while a request runs waits for its response, then goes in order', () => {
  const { gate, held, out } = setup();
  const a = gate.open();
  held.push('e1');
  held.push('e2');
  assert.deepEqual(out, []);
  assert.equal(held.size, 2);
  a.close();
  assert.deepEqual(out, ['e1', 'e2']);
  held.push('e3');
  assert.deepEqual(out, ['e1', 'e2', 'e3']);
});

test('an event waits only for the requests in flight when it was published', () => {
  const { gate, held, out } = setup();
  const a = gate.open();
  held.push('e1'); // waits for a
  const b = gate.open();
  held.push('e2'); // waits for a and b
  a.close();
  assert.deepEqual(out, ['e1']);
  const c = gate.open(); // started after e2: does not hold it
  b.close();
  assert.deepEqual(out, ['e1', 'e2']);
  c.close();
});

test('a later event never overtakes an earlier one that is still held', () => {
  const { gate, held, out } = setup();
  const a = gate.open();
  held.push('e1');
  a.close();
  const b = gate.open();
  held.push('e2');
  b.close();
  assert.deepEqual(out, ['e1', 'e2']);
  const c = gate.open();
  held.push('e3');
  const d = gate.open();
  d.close(); // e3 still waits for c
  held.push('e4');
  assert.deepEqual(out, ['e1', 'e2']);
  c.close();
  assert.deepEqual(out, ['e1', 'e2', 'e3', 'e4']);
});

test('a response goes ahead of the events its request caused, behind those published before it', () => {
  const { gate, held, out } = setup();
  const other = gate.open();
  held.push('before'); // held by the other request
  const mine = gate.open();
  held.push('caused');
  held.respond('response', mine);
  assert.deepEqual(out, []);
  assert.equal(mine.isOpen, true, 'the ticket stays open until the response is written');
  other.close();
  assert.deepEqual(out, ['before', 'response', 'caused']);
  assert.equal(mine.isOpen, false);
});

test('a response with nothing held ahead of it is written at once and releases what it held', () => {
  const { gate, held, out } = setup();
  const mine = gate.open();
  held.push('caused');
  held.respond('response', mine);
  assert.deepEqual(out, ['response', 'caused']);
});

test(`a request that does not answer holds events back for ${HOLD_LIMIT_MS} ms at most`, (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let now = 1000;
  const { gate, held, out } = setup(() => now);
  const slow = gate.open();
  held.push('e1');
  now += HOLD_LIMIT_MS - 1;
  t.mock.timers.tick(HOLD_LIMIT_MS - 1);
  assert.deepEqual(out, []);
  const fresh = gate.open();
  held.push('e2'); // also waits for the fresh request
  now += 1;
  t.mock.timers.tick(1);
  assert.deepEqual(out, ['e1']);
  fresh.close();
  assert.deepEqual(out, ['e1', 'e2']);
  slow.close();
  held.push('e3');
  assert.deepEqual(out, ['e1', 'e2', 'e3']);
});

test('a closed holder drops its events and releases its pending response ticket', () => {
  const { gate, held, out } = setup();
  const other = gate.open();
  held.push('e1');
  const mine = gate.open();
  held.respond('response', mine);
  held.close();
  assert.equal(mine.isOpen, false);
  other.close();
  assert.deepEqual(out, []);
  assert.equal(gate.isIdle, true);
});
