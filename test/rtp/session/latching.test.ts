import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceLatch } from '../../../src/rtp/session/latching.js';

test('strict: the SDP address is accepted while learning; after probation others are dropped', () => {
  const latch = new SourceLatch(true, 4);
  latch.expect('10.0.0.1', 4000);
  for (let seq = 1; seq <= 3; seq++) assert.equal(latch.accept('10.0.0.1', 4000, seq), true);
  assert.equal(latch.isLocked, false);
  assert.equal(latch.accept('10.0.0.9', 5000, 77), false, 'another source while learning');
  // the stranger interrupted the run: the SDP source needs `probation` consecutive packets again
  for (let seq = 4; seq <= 6; seq++) assert.equal(latch.accept('10.0.0.1', 4000, seq), true);
  assert.equal(latch.isLocked, false);
  assert.equal(latch.accept('10.0.0.1', 4000, 7), true);
  assert.equal(latch.isLocked, true);
  assert.equal(latch.accept('10.0.0.9', 5000, 78), false);
  assert.equal(latch.accept('10.0.0.1', 4001, 8), false, 'same address, other port');
  assert.equal(latch.accept('10.0.0.1', 4000, 999), true, 'the locked source, whatever its sequence');
});

test('strict: a source other than the SDP one is adopted after probation consecutive packets (NAT)', () => {
  const latch = new SourceLatch(true, 4);
  latch.expect('192.168.1.10', 4000);
  assert.deepEqual(
    [65534, 65535, 0, 1].map((seq) => latch.accept('203.0.113.5', 31000, seq)),
    [false, false, false, true],
  );
  assert.equal(latch.sourceAddress, '203.0.113.5');
  assert.equal(latch.sourcePort, 31000);
  assert.equal(latch.accept('192.168.1.10', 4000, 2), false);
});

test('strict: a gap in the sequence restarts the count', () => {
  const latch = new SourceLatch(true, 3);
  latch.expect('192.168.1.10', 4000);
  assert.deepEqual(
    [10, 11, 13, 14, 15].map((seq) => latch.accept('203.0.113.5', 31000, seq)),
    [false, false, false, false, true],
  );
});

test('strict: a new SDP address starts learning again', () => {
  const latch = new SourceLatch(true, 2);
  latch.expect('10.0.0.1', 4000);
  latch.accept('10.0.0.1', 4000, 1);
  latch.accept('10.0.0.1', 4000, 2);
  assert.equal(latch.isLocked, true);
  latch.expect('10.0.0.2', 6000);
  assert.equal(latch.isLocked, false);
  assert.equal(latch.accept('10.0.0.2', 6000, 50), true);
});

test('not strict: everything is accepted and the latest source is answered', () => {
  const latch = new SourceLatch(false, 4);
  latch.expect('10.0.0.1', 4000);
  assert.equal(latch.sourceAddress, undefined);
  assert.equal(latch.accept('10.0.0.7', 7000, 1), true);
  assert.equal(latch.accept('10.0.0.8', 8000, 9), true);
  assert.equal(latch.sourceAddress, '10.0.0.8');
  assert.equal(latch.sourcePort, 8000);
});
