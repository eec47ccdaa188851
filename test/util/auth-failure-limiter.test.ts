import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthFailureLimiter, addressKey, type AuthFailureLimits } from '../../src/util/auth-failure-limiter.js';

const LIMITS: AuthFailureLimits = {
  maxFailures: 5,
  windowMs: 10_000,
  blockMs: 30_000,
  delayStepMs: 100,
  maxDelayMs: 250,
  delayAfter: 2,
};

function limiter(limits = LIMITS, maxTracked?: number): { l: AuthFailureLimiter; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { l: new AuthFailureLimiter(limits, () => clock.now, maxTracked), clock };
}

test('failures are answered at once, then held back longer each time, then the address is refused', () => {
  const { l } = limiter();
  const delays = [1, 2, 3, 4].map(() => l.fail('192.0.2.1'));
  assert.deepEqual(
    delays.map((v) => v.delayMs),
    [0, 0, 100, 200],
  );
  assert.ok(delays.every((v) => !v.isBlocked));
  assert.equal(l.retryAfterS('192.0.2.1'), 0);
  assert.deepEqual(l.fail('192.0.2.1'), { delayMs: 0, isBlocked: true });
  assert.equal(l.retryAfterS('192.0.2.1'), 30);
});

test('the hold-back stops growing at its ceiling', () => {
  const { l } = limiter({ ...LIMITS, maxFailures: 100 });
  let last = 0;
  for (let i = 0; i < 20; i++) last = l.fail('192.0.2.1').delayMs;
  assert.equal(last, 250);
});

test('a refused address is let in again once its block ends, with a clean slate', () => {
  const { l, clock } = limiter();
  for (let i = 0; i < 5; i++) l.fail('192.0.2.1');
  clock.now += 29_001;
  assert.equal(l.retryAfterS('192.0.2.1'), 1);
  clock.now += 1_000;
  assert.equal(l.retryAfterS('192.0.2.1'), 0);
  assert.equal(l.fail('192.0.2.1').delayMs, 0);
});

test('failures spread out over time leak away and never get the address refused', () => {
  const { l, clock } = limiter();
  // The bucket leaks 5 failures per 10 s: one failure every 2.5 s never fills it.
  for (let i = 0; i < 50; i++) {
    assert.equal(l.fail('192.0.2.1').isBlocked, false);
    clock.now += 2_500;
  }
});

test('other addresses are not affected by a refused one', () => {
  const { l } = limiter();
  for (let i = 0; i < 5; i++) l.fail('192.0.2.1');
  assert.ok(l.retryAfterS('192.0.2.1') > 0);
  assert.equal(l.retryAfterS('192.0.2.2'), 0);
  assert.equal(l.fail('192.0.2.2').delayMs, 0);
});

test('IPv6 addresses of one /64 count together; IPv4-mapped addresses count as IPv4', () => {
  assert.equal(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:2:ffff:0:0:9'));
  assert.notEqual(addressKey('2001:db8:1:2::1'), addressKey('2001:db8:1:3::1'));
  assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
  assert.equal(addressKey('::1'), '0:0:0:0::/64');
  assert.equal(addressKey('fe80::1%eth0'), addressKey('fe80::2'));
  assert.equal(addressKey('::ffff:0:c000:207'), '0:0:0:0::/64');
  assert.equal(addressKey('not an address'), 'not an address');
  const { l } = limiter();
  for (let i = 0; i < 5; i++) l.fail(`2001:db8:1:2::${i + 1}`);
  assert.ok(l.retryAfterS('2001:db8:1:2::99') > 0);
  assert.equal(l.retryAfterS('2001:db8:1:3::1'), 0);
});

test('the table of addresses stays bounded, keeping refused addresses over forgotten ones', () => {
  // A 10 ms window: each address's one failure has leaked away 10 ms later, well inside the 30 s block.
  const { l, clock } = limiter({ ...LIMITS, windowMs: 10 }, 100);
  for (let i = 0; i < 5; i++) l.fail('198.51.100.1');
  for (let i = 0; i < 1000; i++) {
    l.fail(`10.0.${i >> 8}.${i & 255}`);
    clock.now += 10;
  }
  assert.ok(l.trackedCount <= 100, `tracked ${l.trackedCount}`);
  assert.ok(l.retryAfterS('198.51.100.1') > 0);
});

test('a limit of 0 turns the limiter off', () => {
  const { l } = limiter({ ...LIMITS, maxFailures: 0 });
  for (let i = 0; i < 100; i++) assert.deepEqual(l.fail('192.0.2.1'), { delayMs: 0, isBlocked: false });
  assert.equal(l.retryAfterS('192.0.2.1'), 0);
  assert.equal(l.trackedCount, 0);
});
