import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientAuth } from '../../../src/sip/auth/client-auth.js';
import { parseChallenges, parseCredentials, serializeCredentials } from '../../../src/sip/auth/digest-header.js';
import type { DigestSecret } from '../../../src/sip/auth/digest.js';
import { ServerAuth } from '../../../src/sip/auth/server-auth.js';
import type { AuthRequest } from '../../../src/sip/auth/server-auth.js';

const REGISTER: AuthRequest = { method: 'REGISTER', uri: 'sip:127.0.0.1:5060' };
const lookup = (username: string, realm: string): DigestSecret | undefined =>
  realm === 'asterisk' && username === 'alice' ? { password: 's3cret' } : undefined;

function setup(): { server: ServerAuth; clock: { now: number } } {
  const clock = { now: 1_795_397_455_000 };
  return { server: new ServerAuth({ now: () => clock.now }), clock };
}

test('challenge: one value per algorithm, SHA-256 first and MD5 last, in Asterisk 22 shape', () => {
  const { server } = setup();
  const values = server.challenge('asterisk', ['MD5', 'SHA-512-256', 'SHA-256']);
  assert.equal(values.length, 3);
  assert.deepEqual(
    values.map((v) => /algorithm=([^,]+)/.exec(v)?.[1]),
    ['SHA-256', 'SHA-512-256', 'MD5'],
  );
  assert.match(
    values[2]!,
    /^Digest realm="asterisk",nonce="[A-Za-z0-9_-]{43}",opaque="[0-9a-f]{16}",algorithm=MD5,qop="auth"$/,
  );
  assert.match(server.challenge('asterisk', ['MD5'], true)[0]!, /,stale=true,algorithm=MD5,/);
});

for (const algorithm of ['MD5', 'SHA-256', 'SHA-512-256'] as const) {
  test(`round trip ${algorithm}: challenge → client answer → verify, then nc counts up`, () => {
    const { server } = setup();
    const client = new ClientAuth([{ username: 'alice', secret: { password: 's3cret' } }], [algorithm]);
    const answered = client.answer(401, server.challenge('asterisk', ['SHA-256', 'SHA-512-256', 'MD5']), REGISTER);
    assert.ok(answered.ok);
    assert.equal(answered.headers.length, 1);
    const { name, value } = answered.headers[0]!;
    assert.equal(name, 'Authorization');
    assert.match(
      value,
      new RegExp(`algorithm=${algorithm}, cnonce="[0-9a-f]{24}", opaque="[0-9a-f]{16}", qop=auth, nc=00000001$`),
    );
    assert.deepEqual(server.verify(value, REGISTER, lookup), { ok: true, username: 'alice', realm: 'asterisk' });
    // The same header again is a replay; the next pre-emptive one (nc=2) is accepted.
    assert.deepEqual(server.verify(value, REGISTER, lookup), { ok: false, reason: 'replay' });
    const next = client.authorize(REGISTER);
    assert.match(next[0]!.value, /nc=00000002$/);
    assert.deepEqual(server.verify(next[0]!.value, REGISTER, lookup), {
      ok: true,
      username: 'alice',
      realm: 'asterisk',
    });
  });
}

test('the client picks the strongest algorithm offered; SHA-512-256 beats SHA-256 and MD5', () => {
  const { server } = setup();
  const client = new ClientAuth([{ username: 'alice', secret: { password: 's3cret' } }]);
  const answered = client.answer(401, server.challenge('asterisk', ['MD5', 'SHA-256', 'SHA-512-256']), REGISTER);
  assert.ok(answered.ok);
  assert.match(answered.headers[0]!.value, /algorithm=SHA-512-256/);
  assert.ok(server.verify(answered.headers[0]!.value, REGISTER, lookup).ok);
});

test('a user stored as md5_cred authenticates with MD5 and is refused for SHA-256', () => {
  const { server } = setup();
  const bobSecret = { md5Hash: hashOf('bob:asterisk:pa55') };
  const look = (u: string, r: string) => (u === 'bob' && r === 'asterisk' ? bobSecret : undefined);
  const md5 = new ClientAuth([{ username: 'bob', secret: { password: 'pa55' } }], ['MD5']);
  const a = md5.answer(401, server.challenge('asterisk', ['MD5']), REGISTER);
  assert.ok(a.ok);
  assert.ok(server.verify(a.headers[0]!.value, REGISTER, look).ok);
  const sha = new ClientAuth([{ username: 'bob', secret: { password: 'pa55' } }], ['SHA-256']);
  const b = sha.answer(401, server.challenge('asterisk', ['SHA-256']), REGISTER);
  assert.ok(b.ok);
  assert.deepEqual(server.verify(b.headers[0]!.value, REGISTER, look), { ok: false, reason: 'unsupported-algorithm' });
});

test('a correct answer to an expired nonce is stale; a wrong one is bad-response (Asterisk: fresh 401)', () => {
  const { server, clock } = setup();
  const good = answer(server, 'alice', 's3cret');
  const bad = answer(server, 'alice', 'wrong');
  clock.now += 32_001;
  assert.deepEqual(server.verify(good, REGISTER, lookup), { ok: false, reason: 'stale' });
  assert.deepEqual(server.verify(bad, REGISTER, lookup), { ok: false, reason: 'bad-response' });
});

test('the client answers a stale=true challenge with the same realm again, and gives up on a repeated nonce', () => {
  const { server } = setup();
  const client = new ClientAuth([{ username: 'alice', secret: { password: 'wrong' } }], ['MD5']);
  const challenge = server.challenge('asterisk', ['MD5']);
  assert.ok(client.answer(401, challenge, REGISTER).ok);
  assert.deepEqual(client.answer(401, challenge, REGISTER), { ok: false, error: 'rejected' });
  const stale = challenge.map((v) => v.replace(',algorithm', ',stale=true,algorithm'));
  assert.ok(client.answer(401, stale, REGISTER).ok);
});

const FAILURES: readonly (readonly [string, (s: ServerAuth) => string | string[] | undefined, string])[] = [
  ['no Authorization header', () => undefined, 'missing'],
  ['Basic credentials (torture regaut01)', () => 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'malformed'],
  ['garbage', () => 'Digest username="alice", realm=', 'malformed'],
  ['wrong password', (s) => answer(s, 'alice', 'nope'), 'bad-response'],
  ['unknown user', (s) => answer(s, 'mallory', 's3cret'), 'unknown-user'],
  [
    'wrong realm (nonce issued for another realm)',
    (s) => answer(s, 'alice', 's3cret', 'other', 'asterisk'),
    'bad-nonce',
  ],
  ['realm we do not serve', (s) => answer(s, 'alice', 's3cret', 'other'), 'unknown-user'],
  [
    'a nonce we never issued',
    (s) => edit(answer(s, 'alice', 's3cret'), { nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093' }),
    'bad-nonce',
  ],
  [
    'uri of another request',
    (s) => edit(answer(s, 'alice', 's3cret'), { uri: 'sip:evil.example.com' }),
    'uri-mismatch',
  ],
  ['unsupported algorithm', (s) => edit(answer(s, 'alice', 's3cret'), { algorithm: 'SHA-1' }), 'unsupported-algorithm'],
  ['response of the wrong length', (s) => edit(answer(s, 'alice', 's3cret'), { response: 'abc' }), 'malformed'],
  ['tampered nc', (s) => edit(answer(s, 'alice', 's3cret'), { nc: '00000002' }), 'bad-response'],
  [
    'several headers: the most actionable failure is reported',
    (s) => ['Basic x', answer(s, 'alice', 'nope')],
    'bad-response',
  ],
];

for (const [name, make, reason] of FAILURES) {
  test(`verify refuses: ${name} → ${reason}`, () => {
    const { server } = setup();
    assert.deepEqual(server.verify(make(server), REGISTER, lookup), { ok: false, reason });
  });
}

test('several Authorization headers: one good one is enough (RFC 3261 §22.4)', () => {
  const { server } = setup();
  const r = server.verify([answer(server, 'mallory', 'x'), answer(server, 'alice', 's3cret')], REGISTER, lookup);
  assert.deepEqual(r, { ok: true, username: 'alice', realm: 'asterisk' });
});

test('a 407 is answered with Proxy-Authorization, one header per realm challenged', () => {
  const proxy = setup().server;
  const client = new ClientAuth([
    { username: 'alice', secret: { password: 's3cret' }, realm: 'asterisk' },
    { username: 'carol', secret: { password: 'x' }, realm: 'proxy.example' },
  ]);
  const values = [...proxy.challenge('proxy.example', ['MD5']), ...proxy.challenge('asterisk', ['SHA-256'])];
  const invite = { method: 'INVITE', uri: 'sip:100@asterisk', body: 'v=0\r\n' };
  const a = client.answer(407, values, invite);
  assert.ok(a.ok);
  assert.deepEqual(
    a.headers.map((h) => [h.name, parseCredentials(h.value).ok && /username="(\w+)"/.exec(h.value)?.[1]]),
    [
      ['Proxy-Authorization', 'carol'],
      ['Proxy-Authorization', 'alice'],
    ],
  );
  const look = (u: string, r: string) =>
    u === 'alice' && r === 'asterisk'
      ? { password: 's3cret' }
      : u === 'carol' && r === 'proxy.example'
        ? { password: 'x' }
        : undefined;
  assert.ok(proxy.verify(a.headers[0]!.value, invite, look).ok);
  assert.ok(proxy.verify(a.headers[1]!.value, invite, look).ok);
});

test('client errors: no challenge, unsupported algorithm, no credentials for the realm', () => {
  const { server } = setup();
  assert.deepEqual(new ClientAuth([]).answer(401, ['Basic realm="x"'], REGISTER), { ok: false, error: 'no-challenge' });
  assert.deepEqual(new ClientAuth([]).answer(401, ['Digest realm='], REGISTER), { ok: false, error: 'malformed' });
  const md5Only = new ClientAuth([{ username: 'a', secret: { password: 'p' } }], ['MD5']);
  assert.deepEqual(md5Only.answer(401, server.challenge('asterisk', ['SHA-256']), REGISTER), {
    ok: false,
    error: 'unsupported-algorithm',
  });
  const otherRealm = new ClientAuth([{ username: 'a', secret: { password: 'p' }, realm: 'elsewhere' }]);
  assert.deepEqual(otherRealm.answer(401, server.challenge('asterisk'), REGISTER), {
    ok: false,
    error: 'no-credentials',
  });
});

test('qop=auth-int: the body is part of the response', () => {
  const { server } = setup();
  const challenge = server.challenge('asterisk', ['MD5']).map((v) => v.replace('qop="auth"', 'qop="auth-int"'));
  const client = new ClientAuth([{ username: 'alice', secret: { password: 's3cret' } }]);
  const invite = { method: 'INVITE', uri: 'sip:100@asterisk', body: 'v=0\r\n' };
  const a = client.answer(401, challenge, invite);
  assert.ok(a.ok);
  assert.match(a.headers[0]!.value, /qop=auth-int/);
  assert.ok(server.verify(a.headers[0]!.value, invite, lookup).ok);
  assert.deepEqual(server.verify(client.authorize(invite)[0]!.value, { ...invite, body: 'v=1\r\n' }, lookup), {
    ok: false,
    reason: 'bad-response',
  });
});

test('the server keeps at most maxTrackedNonces nc records; an evicted nonce gets stale, never a replay', () => {
  const clock = { now: 1_000_000 };
  const server = new ServerAuth({ now: () => clock.now, maxTrackedNonces: 50 });
  const first = answer(server, 'alice', 's3cret');
  assert.ok(server.verify(first, REGISTER, lookup).ok);
  for (let i = 0; i < 200; i++) {
    clock.now += 1;
    assert.ok(server.verify(answer(server, 'alice', 's3cret'), REGISTER, lookup).ok);
    assert.ok(server.trackedNonces <= 50);
  }
  assert.deepEqual(server.verify(first, REGISTER, lookup), { ok: false, reason: 'stale' });
});

// Helpers: a client answer for one fresh MD5 challenge, and a field edit that keeps the rest of the header.
function answer(
  server: ServerAuth,
  username: string,
  password: string,
  realm = 'asterisk',
  challengeRealm = realm,
): string {
  const [value] = server.challenge(challengeRealm, ['MD5']);
  const parsed = parseChallenges(value!);
  assert.ok(parsed.ok);
  const retargeted = value!.replace(`realm="${challengeRealm}"`, `realm="${realm}"`);
  const a = new ClientAuth([{ username, secret: { password } }], ['MD5']).answer(401, [retargeted], REGISTER);
  assert.ok(a.ok);
  return a.headers[0]!.value;
}

function edit(value: string, changes: Record<string, string>): string {
  const parsed = parseCredentials(value);
  assert.ok(parsed.ok);
  return serializeCredentials({ ...parsed.value, ...changes });
}

function hashOf(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

test('3000 mutated Authorization and challenge values never throw in verify or answer', () => {
  const { server } = setup();
  const client = new ClientAuth([{ username: 'alice', secret: { password: 's3cret' } }]);
  const credentials = answer(server, 'alice', 's3cret');
  const challenge = server.challenge('asterisk', ['SHA-256', 'MD5']).join(', ');
  let seed = 0xa11ce;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const alphabet = '",\\ =aZ0-/=\u00e9';
  for (let i = 0; i < 3000; i++) {
    let s = i % 2 === 0 ? credentials : challenge;
    for (let e = 0; e < 1 + Math.floor(rnd() * 4); e++) {
      const at = Math.floor(rnd() * s.length);
      s =
        rnd() < 0.5
          ? s.slice(0, at) + s.slice(at + 1)
          : s.slice(0, at) + alphabet[Math.floor(rnd() * alphabet.length)]! + s.slice(at);
    }
    const v = server.verify(s, REGISTER, lookup);
    const a = client.answer(401, [s], REGISTER);
    assert.equal(typeof v.ok, 'boolean');
    assert.equal(typeof a.ok, 'boolean');
  }
});
