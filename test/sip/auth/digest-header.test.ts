import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseAuthItems,
  parseChallenges,
  parseCredentials,
  serializeChallenge,
  serializeCredentials,
} from '../../../src/sip/auth/digest-header.js';
import type { DigestHeaderError } from '../../../src/sip/auth/digest-header.js';

// Recorded from Asterisk 22 (sip-reference §4.10).
const ASTERISK_401 =
  'Digest realm="asterisk",nonce="1795397455/b334d0da744e565171adb1e0b5dd68fb",opaque="7c7db8101db01249",algorithm=MD5,qop="auth"';
// The shape pjsip/Linphone/Zoiper send back.
const PJSIP_AUTHORIZATION =
  'Digest username="alice", realm="asterisk", nonce="1795397455/b334d0da744e565171adb1e0b5dd68fb", ' +
  'uri="sip:127.0.0.1", response="0b2d4ae1bdfa2f5e44a9b0b3b3b0c1a7", algorithm=MD5, ' +
  'cnonce="2e8b4d3f", opaque="7c7db8101db01249", qop=auth, nc=00000001';

test("Asterisk 22's challenge parses and re-serializes byte for byte", () => {
  const r = parseChallenges(ASTERISK_401);
  assert.ok(r.ok);
  assert.deepEqual(r.value, [
    {
      realm: 'asterisk',
      nonce: '1795397455/b334d0da744e565171adb1e0b5dd68fb',
      opaque: '7c7db8101db01249',
      algorithm: 'MD5',
      qop: ['auth'],
      stale: false,
      userhash: false,
    },
  ]);
  assert.equal(serializeChallenge(r.value[0]!), ASTERISK_401);
});

test('a pjsip-style Authorization parses and re-serializes byte for byte', () => {
  const r = parseCredentials(PJSIP_AUTHORIZATION);
  assert.ok(r.ok);
  assert.equal(r.value.username, 'alice');
  assert.equal(r.value.uri, 'sip:127.0.0.1');
  assert.equal(r.value.qop, 'auth');
  assert.equal(r.value.nc, '00000001');
  assert.equal(serializeCredentials(r.value), PJSIP_AUTHORIZATION);
});

test('stale=true goes between opaque and algorithm, as pjsip prints it', () => {
  const r = parseChallenges('Digest realm="asterisk",nonce="n",opaque="o",stale=true,algorithm=MD5,qop="auth"');
  assert.ok(r.ok);
  assert.equal(r.value[0]!.stale, true);
  assert.equal(
    serializeChallenge(r.value[0]!),
    'Digest realm="asterisk",nonce="n",opaque="o",stale=true,algorithm=MD5,qop="auth"',
  );
});

test('names, scheme and stale are case-insensitive; whitespace around = and commas is allowed', () => {
  const r = parseChallenges('digest  REALM = "x" ,\tNonce="y",STALE=TRUE , qop="auth, auth-int"');
  assert.ok(r.ok);
  assert.deepEqual(r.value[0], { realm: 'x', nonce: 'y', stale: true, qop: ['auth', 'auth-int'], userhash: false });
});

test('quoted strings keep commas and unescape quoted-pairs; serialization escapes them again', () => {
  const r = parseChallenges('Digest realm="a \\"b\\", c\\\\d", nonce="n,1"');
  assert.ok(r.ok);
  assert.equal(r.value[0]!.realm, 'a "b", c\\d');
  assert.equal(r.value[0]!.nonce, 'n,1');
  assert.equal(serializeChallenge(r.value[0]!), 'Digest realm="a \\"b\\", c\\\\d",nonce="n,1"');
});

test('several challenges in one value, other schemes skipped (RFC 7235 §4.1)', () => {
  const r = parseChallenges(
    'Digest realm="r",nonce="1",algorithm=SHA-256,qop="auth", Basic realm="b", Newauth, Digest realm="r",nonce="2",algorithm=MD5',
  );
  assert.ok(r.ok);
  assert.deepEqual(
    r.value.map((c) => [c.nonce, c.algorithm]),
    [
      ['1', 'SHA-256'],
      ['2', 'MD5'],
    ],
  );
  const items = parseAuthItems('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==, Digest realm="r"');
  assert.ok(items.ok);
  assert.equal(items.value[0]!.token68, 'QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  assert.equal(items.value[1]!.params.get('realm'), 'r');
});

test('credentials without qop (RFC 2069 style) need no nc/cnonce', () => {
  const r = parseCredentials('Digest username="bob",realm="asterisk",nonce="n",uri="sip:a@b",response="abc"');
  assert.ok(r.ok);
  assert.equal(r.value.qop, undefined);
  assert.equal(r.value.nc, undefined);
});

const BAD_CHALLENGES: readonly (readonly [string, string, DigestHeaderError])[] = [
  ['empty', '', 'empty'],
  ['only commas', ' , ,', 'empty'],
  ['no Digest', 'Basic realm="x"', 'no-digest'],
  ['no realm', 'Digest nonce="n"', 'missing-realm'],
  ['no nonce', 'Digest realm="r"', 'missing-nonce'],
  ['unterminated quote', 'Digest realm="r, nonce=n', 'unterminated-quote'],
  ['escape at the end', 'Digest realm="r\\', 'unterminated-quote'],
  ['missing equals', 'Digest realm="r" nonce="n"', 'expected-comma'],
  ['name without value', 'Digest realm=, nonce="n"', 'empty-value'],
  ['duplicate realm', 'Digest realm="a",realm="b",nonce="n"', 'duplicate-param'],
  ['bad stale', 'Digest realm="a",nonce="n",stale=maybe', 'bad-stale'],
  ['no space after scheme', 'Digest"realm"', 'bad-scheme'],
  ['starts with =', '=x', 'bad-scheme'],
  ['param name missing', 'Digest realm="r", ="x"', 'bad-param'],
  ['too long', `Digest realm="${'a'.repeat(9000)}",nonce="n"`, 'too-long'],
  ['too many params', `Digest ${Array.from({ length: 40 }, (_, i) => `p${i}=1`).join(',')}`, 'too-many-params'],
];

for (const [name, value, error] of BAD_CHALLENGES) {
  test(`challenge refused: ${name} → ${error}`, () => {
    assert.deepEqual(parseChallenges(value), { ok: false, error });
  });
}

const BASE = 'username="a",realm="r",nonce="n",uri="sip:x",response="00"';
const BAD_CREDENTIALS: readonly (readonly [string, string, DigestHeaderError])[] = [
  ['other scheme (torture regaut01)', 'NoOneKnowsThisScheme opaque-data=here', 'unsupported-scheme'],
  ['Basic', 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==', 'unsupported-scheme'],
  ['two credentials', `Digest ${BASE}, Digest ${BASE}`, 'multiple-credentials'],
  ['no username', 'Digest realm="r",nonce="n",uri="sip:x",response="00"', 'missing-username'],
  ['no realm', 'Digest username="a",nonce="n",uri="sip:x",response="00"', 'missing-realm'],
  ['no nonce', 'Digest username="a",realm="r",uri="sip:x",response="00"', 'missing-nonce'],
  ['no uri', 'Digest username="a",realm="r",nonce="n",response="00"', 'missing-uri'],
  ['no response', 'Digest username="a",realm="r",nonce="n",uri="sip:x"', 'missing-response'],
  ['qop without nc', `Digest ${BASE},qop=auth,cnonce="c"`, 'bad-nc'],
  ['nc not 8 hex', `Digest ${BASE},qop=auth,cnonce="c",nc=1`, 'bad-nc'],
  ['nc not hex', `Digest ${BASE},qop=auth,cnonce="c",nc=0000000g`, 'bad-nc'],
  ['qop without cnonce', `Digest ${BASE},qop=auth,nc=00000001`, 'missing-cnonce'],
  ['unknown qop', `Digest ${BASE},qop=auth-conf,nc=00000001,cnonce="c"`, 'bad-qop'],
  ['duplicate response', `Digest ${BASE},response="11"`, 'duplicate-param'],
  ['garbage after value', `Digest ${BASE} junk`, 'expected-comma'],
];

for (const [name, value, error] of BAD_CREDENTIALS) {
  test(`credentials refused: ${name} → ${error}`, () => {
    assert.deepEqual(parseCredentials(value), { ok: false, error });
  });
}

// A small deterministic PRNG (mulberry32) so a failure can be replayed from its seed.
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('3000 random mutations of real headers never throw', () => {
  const rnd = seeded(0x5eed);
  const alphabet = 'Digest realm=",\\ \t\r\n=abc0123/+-_é\u0000';
  const seeds = [ASTERISK_401, PJSIP_AUTHORIZATION, `Digest ${BASE},qop=auth,nc=00000001,cnonce="c"`];
  for (let i = 0; i < 3000; i++) {
    let s = seeds[i % seeds.length]!;
    const edits = 1 + Math.floor(rnd() * 6);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rnd() * (s.length + 1));
      const op = rnd();
      if (op < 0.4) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 5));
      else if (op < 0.8) s = s.slice(0, at) + alphabet[Math.floor(rnd() * alphabet.length)]! + s.slice(at);
      else s = s.slice(0, at);
    }
    if (i % 10 === 0) s = Array.from({ length: 40 }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    const c = parseChallenges(s);
    const k = parseCredentials(s);
    assert.equal(typeof c.ok, 'boolean', s);
    assert.equal(typeof k.ok, 'boolean', s);
    if (c.ok) assert.ok(c.value.every((x) => typeof x.realm === 'string' && typeof x.nonce === 'string'));
  }
});
