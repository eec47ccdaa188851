import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonceCounts, NonceIssuer } from '../../../src/sip/auth/nonce.js';

test('a nonce is base64url, bound to its realm and to this process secret', () => {
  let now = 1_795_397_455_000;
  const issuer = new NonceIssuer(32_000, () => now);
  const nonce = issuer.issue('asterisk');
  assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(issuer.check(nonce, 'asterisk'), { ok: true, issuedAtMs: now, isExpired: false });
  assert.deepEqual(issuer.check(nonce, 'other'), { ok: false, error: 'bad-nonce' });
  assert.deepEqual(new NonceIssuer(32_000, () => now).check(nonce, 'asterisk'), { ok: false, error: 'bad-nonce' });
  assert.notEqual(issuer.issue('asterisk'), nonce); // salted: two challenges in the same ms differ
  now += 32_000; // exactly the lifetime: still valid
  assert.deepEqual(issuer.check(nonce, 'asterisk'), { ok: true, issuedAtMs: now - 32_000, isExpired: false });
  now += 1;
  assert.deepEqual(issuer.check(nonce, 'asterisk'), { ok: true, issuedAtMs: now - 32_001, isExpired: true });
});

test('tampered, truncated, foreign and future nonces are refused', () => {
  let now = 1_000_000;
  const issuer = new NonceIssuer(32_000, () => now);
  const nonce = issuer.issue('r');
  const flipped = (nonce[5] === 'A' ? 'B' : 'A') + '';
  for (const bad of [
    '',
    nonce.slice(1),
    nonce + 'A',
    nonce.slice(0, 5) + flipped + nonce.slice(6),
    '1795397455/b334d0da744e565171adb1e0b5dd68fb', // Asterisk's format
    '!'.repeat(43),
  ]) {
    assert.deepEqual(issuer.check(bad, 'r'), { ok: false, error: 'bad-nonce' }, bad);
  }
  now -= 10_000; // the nonce now looks issued 10 s in the future
  assert.deepEqual(issuer.check(nonce, 'r'), { ok: false, error: 'bad-nonce' });
});

test('nc must grow per nonce (RFC 7616 §5.4)', () => {
  const counts = new NonceCounts(10);
  assert.equal(counts.accept('n1', 1, 1), 'ok');
  assert.equal(counts.accept('n1', 1, 1), 'replay');
  assert.equal(counts.accept('n1', 1, 2), 'ok');
  assert.equal(counts.accept('n1', 1, 2), 'replay');
  assert.equal(counts.accept('n2', 1, 5), 'ok'); // a first use may skip counts
  assert.equal(counts.accept('n1', 1, 3), 'ok');
});

test('memory stays bounded under 100k distinct nonces and evicted ones can never be replayed', () => {
  const counts = new NonceCounts(1_000);
  for (let i = 0; i < 100_000; i++) {
    assert.equal(counts.accept(`n${i}`, i, 1), 'ok');
    assert.ok(counts.size <= 1_000);
  }
  assert.equal(counts.size, 1_000);
  assert.equal(counts.accept('n5', 5, 2), 'forgotten'); // evicted: refused, the UA gets stale=true
  assert.equal(counts.accept('n99999', 99_999, 1), 'replay');
  assert.equal(counts.accept('n99999', 99_999, 2), 'ok');
  assert.equal(counts.accept('fresh', 100_000, 1), 'ok');
});

test('prune drops expired entries only', () => {
  const counts = new NonceCounts(100);
  counts.accept('old', 10, 1);
  counts.accept('new', 50, 1);
  counts.prune(40);
  assert.equal(counts.size, 1);
  assert.equal(counts.accept('new', 50, 1), 'replay');
  assert.equal(counts.accept('old', 10, 2), 'forgotten');
});
