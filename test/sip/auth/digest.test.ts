import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeHa1, computeHa2, computeResponse, digestEquals, parseAlgorithm } from '../../../src/sip/auth/digest.js';
import type { DigestAlgorithm, DigestSecret } from '../../../src/sip/auth/digest.js';

interface Vector {
  name: string;
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  secret: DigestSecret;
  method: string;
  uri: string;
  nonce: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  body?: string;
  response: string;
}

const RFC7616 = {
  username: 'Mufasa',
  realm: 'http-auth@example.org',
  secret: { password: 'Circle of Life' },
  method: 'GET',
  uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  qop: 'auth',
  nc: '00000001',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

const VECTORS: readonly Vector[] = [
  {
    name: 'RFC 2617 §3.5 (MD5, qop=auth)',
    algorithm: 'MD5',
    username: 'Mufasa',
    realm: 'testrealm@host.com',
    secret: { password: 'Circle Of Life' },
    method: 'GET',
    uri: '/dir/index.html',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    qop: 'auth',
    nc: '00000001',
    cnonce: '0a4f113b',
    response: '6629fae49393a05397450978507c4ef1',
  },
  { name: 'RFC 7616 §3.9.1 (MD5)', algorithm: 'MD5', ...RFC7616, response: '8ca523f5e9506fed4657c9700eebdbec' },
  {
    name: 'RFC 7616 §3.9.1 (SHA-256)',
    algorithm: 'SHA-256',
    ...RFC7616,
    response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
  },
  // Not in an RFC: the §3.9.1 inputs with SHA-512-256, derived with `openssl dgst -sha512-256` on HA1, HA2, response.
  {
    name: 'RFC 7616 §3.9.1 inputs (SHA-512-256, openssl)',
    algorithm: 'SHA-512-256',
    ...RFC7616,
    response: '430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0',
  },
  // Derived with `openssl dgst -md5`: H(HA1:nonce:nc:cnonce:auth-int:H(INVITE:uri:H(body))).
  {
    name: 'qop=auth-int hashes the body (MD5, openssl)',
    algorithm: 'MD5',
    username: 'alice',
    realm: 'asterisk',
    secret: { password: 's3cret' },
    method: 'INVITE',
    uri: 'sip:100@example.com',
    nonce: 'abc',
    qop: 'auth-int',
    nc: '00000002',
    cnonce: 'xyz',
    body: 'v=0',
    response: 'de2621c7d7e9f29d2dbcc9b30462070d',
  },
  {
    name: 'no qop, RFC 2069 style (MD5, openssl)',
    algorithm: 'MD5',
    username: 'alice',
    realm: 'asterisk',
    secret: { password: 's3cret' },
    method: 'REGISTER',
    uri: 'sip:example.com',
    nonce: 'abc',
    response: '27be6d381cdbae0ff274ca28c1ae7b1b',
  },
  {
    name: "pjsip md5_cred (MD5('alice:asterisk:s3cret')) instead of the password",
    algorithm: 'MD5',
    username: 'alice',
    realm: 'asterisk',
    secret: { md5Hash: '6C996E5D23A7C77C54FE4796FEC69980' },
    method: 'REGISTER',
    uri: 'sip:example.com',
    nonce: 'abc',
    response: '27be6d381cdbae0ff274ca28c1ae7b1b',
  },
];

for (const v of VECTORS) {
  test(`digest response: ${v.name}`, () => {
    const ha1 = computeHa1(v);
    assert.ok(ha1 !== undefined);
    const ha2 = computeHa2(v.algorithm, v.method, v.uri, v.qop, v.body);
    const response = computeResponse({
      algorithm: v.algorithm,
      ha1,
      ha2,
      nonce: v.nonce,
      qop: v.qop,
      nc: v.nc,
      cnonce: v.cnonce,
    });
    assert.equal(response, v.response);
  });
}

test('the RFC 2617 §3.5 HA1 equals what a md5_cred line would store', () => {
  const fromPassword = computeHa1({
    algorithm: 'MD5',
    username: 'Mufasa',
    realm: 'testrealm@host.com',
    secret: { password: 'Circle Of Life' },
  });
  assert.equal(fromPassword, '939e7578ed9e3c518a452acee763bce9');
});

test('a stored md5 hash cannot serve SHA-256, nor can a malformed one serve MD5', () => {
  const md5Hash = '6c996e5d23a7c77c54fe4796fec69980';
  assert.equal(computeHa1({ algorithm: 'SHA-256', username: 'a', realm: 'r', secret: { md5Hash } }), undefined);
  assert.equal(computeHa1({ algorithm: 'MD5', username: 'a', realm: 'r', secret: { md5Hash: 'xyz' } }), undefined);
});

test('-sess algorithms fold nonce and cnonce into HA1 (RFC 7616 §3.4.2)', () => {
  const base = { username: 'a', realm: 'r', secret: { password: 'p' } };
  const plain = computeHa1({ algorithm: 'MD5', ...base });
  const sess = computeHa1({ algorithm: 'MD5-sess', ...base, nonce: 'n', cnonce: 'c' });
  assert.equal(
    sess,
    computeHa1({
      algorithm: 'MD5-sess',
      secret: { md5Hash: plain! },
      username: 'a',
      realm: 'r',
      nonce: 'n',
      cnonce: 'c',
    }),
  );
  assert.notEqual(sess, plain);
  assert.equal(computeHa1({ algorithm: 'SHA-256-sess', ...base }), undefined); // no cnonce
});

test('algorithm names are case-insensitive and default to MD5', () => {
  assert.equal(parseAlgorithm(undefined), 'MD5');
  assert.equal(parseAlgorithm('md5'), 'MD5');
  assert.equal(parseAlgorithm('sha-256'), 'SHA-256');
  assert.equal(parseAlgorithm('SHA-512-256-Sess'), 'SHA-512-256-sess');
  assert.equal(parseAlgorithm('SHA-1'), undefined);
  assert.equal(parseAlgorithm('AKAv1-MD5'), undefined);
});

test('digestEquals compares hex case-insensitively and refuses other lengths', () => {
  assert.equal(digestEquals('6629FAE49393A05397450978507C4EF1', '6629fae49393a05397450978507c4ef1'), true);
  assert.equal(digestEquals('6629fae49393a05397450978507c4ef1', '6629fae49393a05397450978507c4ef2'), false);
  assert.equal(digestEquals('6629fae4', '6629fae49393a05397450978507c4ef1'), false);
  assert.equal(digestEquals('', ''), true);
});
