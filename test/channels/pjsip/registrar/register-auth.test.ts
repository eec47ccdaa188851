import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientAuth } from '../../../../src/sip/auth/client-auth.js';
import { InboundAuthenticator, needsAuth } from '../../../../src/channels/pjsip/registrar/register-auth.js';
import type { SipRequest } from '../../../../src/sip/message/sip-message.js';
import { auth, endpoint, register, request } from './helpers.js';

const alice = endpoint('alice', { auth: ['alice-auth'] });

function setup(over: Parameters<typeof auth>[1] = {}) {
  const clock = { now: 1_795_397_455_000 };
  const a = auth('alice-auth', { username: 'alice', ...over });
  const authenticator = new InboundAuthenticator(new Map([[a.name, a]]), { now: () => clock.now });
  return { clock, authenticator };
}

/** The same REGISTER again with the client's Authorization added. */
function answered(req: SipRequest, challenge: string[], client: ClientAuth, cseq: number): SipRequest {
  const r = client.answer(401, challenge, { method: req.method, uri: req.uri });
  assert.ok(r.ok);
  return register([`Authorization: ${r.headers[0]!.value}`, 'Contact: <sip:alice@192.0.2.10:5062>'], { cseq });
}

const wwwAuth = (headers: { name: string; value: string }[]) =>
  headers.filter((h) => h.name === 'WWW-Authenticate').map((h) => h.value);

test('a REGISTER without credentials gets the Asterisk-shaped 401; the client answer is accepted', () => {
  const { authenticator } = setup();
  const req = register(['Contact: <sip:alice@192.0.2.10:5062>'], { cseq: 1 });
  const first = authenticator.check(req, alice);
  assert.equal(first.ok, false);
  assert.ok(!first.ok);
  assert.equal(first.status, 401);
  const challenge = wwwAuth(first.headers);
  assert.equal(challenge.length, 1);
  assert.match(challenge[0]!, /^Digest realm="asterisk",nonce="[^"]+",opaque="[0-9a-f]+",algorithm=MD5,qop="auth"$/);
  const client = new ClientAuth([{ username: 'alice', secret: { password: 's3cret' } }]);
  const second = authenticator.check(answered(req, challenge, client, 2), alice);
  assert.deepEqual(second, { ok: true, username: 'alice' });
});

test('a wrong password gets a fresh 401 (not stale)', () => {
  const { authenticator } = setup();
  const req = register([], { cseq: 1 });
  const first = authenticator.check(req, alice);
  assert.ok(!first.ok);
  const client = new ClientAuth([{ username: 'alice', secret: { password: 'wrong' } }]);
  const second = authenticator.check(answered(req, wwwAuth(first.headers), client, 2), alice);
  assert.ok(!second.ok);
  assert.doesNotMatch(wwwAuth(second.headers)[0]!, /stale/);
});

test('a correct answer to an expired nonce is re-challenged with stale=true', () => {
  const { authenticator, clock } = setup({ nonceLifetime: 32 });
  const req = register([], { cseq: 1 });
  const first = authenticator.check(req, alice);
  assert.ok(!first.ok);
  clock.now += 33_000;
  const client = new ClientAuth([{ username: 'alice', secret: { password: 's3cret' } }]);
  const second = authenticator.check(answered(req, wwwAuth(first.headers), client, 2), alice);
  assert.ok(!second.ok);
  assert.match(wwwAuth(second.headers)[0]!, /,stale=true,/);
});

test('md5_cred and an explicit realm are honoured', () => {
  const md5Cred = createHash('md5').update('alice:example.com:s3cret').digest('hex');
  const { authenticator } = setup({ password: '', md5Cred, realm: 'example.com' });
  const req = register([], { cseq: 1 });
  const first = authenticator.check(req, alice);
  assert.ok(!first.ok);
  assert.match(wwwAuth(first.headers)[0]!, /^Digest realm="example.com",/);
  const client = new ClientAuth([{ username: 'alice', secret: { password: 's3cret' } }]);
  assert.deepEqual(authenticator.check(answered(req, wwwAuth(first.headers), client, 2), alice), {
    ok: true,
    username: 'alice',
  });
});

test('the artificial challenge for unidentified sources looks normal and nothing answers it', () => {
  const { authenticator } = setup();
  const art = authenticator.artificialChallenge();
  const challenge = wwwAuth(art.headers);
  assert.match(challenge[0]!, /^Digest realm="asterisk",nonce="[^"]+",opaque="[0-9a-f]+",algorithm=MD5,qop="auth"$/);
  const client = new ClientAuth([{ username: 'alice', secret: { password: 's3cret' } }]);
  const req = answered(register([], { cseq: 1 }), challenge, client, 2);
  // Even the real endpoint's check refuses an answer to the artificial nonce (another secret).
  assert.equal(authenticator.check(req, alice).ok, false);
  // An endpoint whose auth= names no existing section gets the artificial challenge, never "no password".
  const broken = authenticator.check(req, endpoint('nobody', { auth: ['missing-section'] }));
  assert.equal(broken.ok, false);
});

test('endpoints without auth pass; needsAuth is false in dialog and for OPTIONS when allow_unauthenticated_options', () => {
  const { authenticator } = setup();
  assert.deepEqual(authenticator.check(register([]), endpoint('bob')), { ok: true, username: undefined });
  const opts = request([
    'OPTIONS sip:192.0.2.1 SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-o',
    'From: <sip:alice@192.0.2.10>;tag=a',
    'To: <sip:192.0.2.1>',
    'Call-ID: o1',
    'CSeq: 1 OPTIONS',
  ]);
  assert.equal(needsAuth(register([]), alice, false), true);
  assert.equal(needsAuth(register([]), alice, true), false);
  assert.equal(needsAuth(register([]), endpoint('bob'), false), false);
  assert.equal(needsAuth(opts, alice, false), true);
  assert.equal(needsAuth(opts, { ...alice, allowUnauthenticatedOptions: true }, false), false);
});

test('supported_algorithms_uas=SHA-256,MD5: both challenges (SHA-256 first, RFC 8760) and a SHA-256 answer passes', () => {
  const { authenticator } = setup({ algorithmsUas: ['SHA-256', 'MD5'] });
  const req = register([], { cseq: 1 });
  const first = authenticator.check(req, alice);
  assert.ok(!first.ok);
  const challenge = wwwAuth(first.headers);
  assert.equal(challenge.length, 2);
  assert.match(challenge[0]!, /algorithm=SHA-256/);
  assert.match(challenge[1]!, /algorithm=MD5/);
  const client = new ClientAuth([{ username: 'alice', secret: { password: 's3cret' } }]);
  const r = client.answer(401, challenge, { method: req.method, uri: req.uri });
  assert.ok(r.ok);
  assert.match(r.headers[0]!.value, /algorithm=SHA-256/);
  const second = authenticator.check(register([`Authorization: ${r.headers[0]!.value}`], { cseq: 2 }), alice);
  assert.deepEqual(second, { ok: true, username: 'alice' });
});
