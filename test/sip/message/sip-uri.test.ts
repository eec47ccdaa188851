import assert from 'node:assert/strict';
import test from 'node:test';

import { parseUri, serializeUri, uriParam } from '../../../src/sip/message/sip-uri.js';

function ok(text: string) {
  const r = parseUri(text);
  if (!r.ok) assert.fail(`${text}: ${r.error}`);
  return r.value;
}

test('a full sip URI: user, password, host, port, params, headers', () => {
  const u = ok('sip:alice:secret@example.com:5070;transport=tcp;lr?Subject=hi%20there&Priority=urgent');
  assert.equal(u.scheme, 'sip');
  assert.equal(u.user, 'alice');
  assert.equal(u.password, 'secret');
  assert.equal(u.host, 'example.com');
  assert.equal(u.port, 5070);
  assert.equal(uriParam(u, 'TRANSPORT'), 'tcp');
  assert.equal(uriParam(u, 'lr'), null);
  assert.equal(uriParam(u, 'maddr'), undefined);
  assert.deepEqual(u.headers, [
    { name: 'Subject', value: 'hi there' },
    { name: 'Priority', value: 'urgent' },
  ]);
});

test('IPv6 references keep their brackets, with and without a port', () => {
  assert.deepEqual([ok('sips:[2001:db8::10]').host, ok('sips:[2001:db8::10]').port], ['[2001:db8::10]', undefined]);
  const u = ok('sip:bob@[::ffff:192.0.2.1]:5061;transport=tls');
  assert.equal(u.host, '[::ffff:192.0.2.1]');
  assert.equal(u.port, 5061);
  assert.equal(u.scheme, 'sip');
});

test('a host without a user, and the scheme is case-insensitive', () => {
  const u = ok('SIP:127.0.0.1:35060');
  assert.equal(u.scheme, 'sip');
  assert.equal(u.user, undefined);
  assert.equal(u.host, '127.0.0.1');
});

test('tel URIs keep the number and its parameters', () => {
  const u = ok('tel:+1-201-555-0123;phone-context=example.com;ext=42');
  assert.equal(u.scheme, 'tel');
  assert.equal(u.user, '+1-201-555-0123');
  assert.equal(uriParam(u, 'ext'), '42');
  assert.equal(serializeUri(u), 'tel:+1-201-555-0123;phone-context=example.com;ext=42');
});

test('escapes are decoded on parse and re-applied on serialize', () => {
  const u = ok('sip:I%20have%20spaces@example.net;n%61me=v%61lue%25');
  assert.equal(u.user, 'I have spaces');
  assert.deepEqual(u.params, [{ name: 'name', value: 'value%' }]);
  assert.equal(serializeUri(u), 'sip:I%20have%20spaces@example.net;name=value%25');
  assert.equal(ok('sip:%C3%A9l%C3%A8ve@example.com').user, 'élève');
  assert.equal(serializeUri(ok('sip:%C3%A9l%C3%A8ve@example.com')), 'sip:%C3%A9l%C3%A8ve@example.com');
});

const ROUND_TRIP = [
  'sip:alice@example.com',
  'sips:alice:pw@example.com:5061;transport=tls',
  'sip:100@127.0.0.1:35060;user=phone;lr',
  'sip:[2001:db8::1]:5060',
  'sip:user;par=u%40example.net@example.com',
  'sip:user@example.com?Route=%3Csip:sip.example.com%3E',
];
for (const text of ROUND_TRIP) {
  test(`${text} round-trips`, () => {
    assert.equal(serializeUri(ok(text)), text);
  });
}

const BAD: [string, RegExp][] = [
  ['http://example.com', /unsupported URI scheme/],
  ['sip:', /bad host/],
  ['sip:@example.com', /bad URI user/],
  ['sip:alice@exa mple.com', /whitespace/],
  ['sip:alice@example.com:99999', /port out of range/],
  ['sip:alice@example.com:50a', /bad port/],
  ['sip:alice@[2001:db8::1', /unterminated IPv6/],
  ['sip:alice@[zz::1]', /bad IPv6/],
  ['sip:al%zzice@example.com', /bad URI user/],
  ['sip:alice@example.com;=x', /bad URI parameter name/],
  ['sip:alice@example.com?', /empty URI headers/],
  ['sip:alice@example.com?Subject', /URI header without =/],
  ['sip:<alice>@example.com', /whitespace, <, > or "/],
  ['tel:call-me', /bad tel number/],
];
for (const [text, reason] of BAD) {
  test(`${JSON.stringify(text)} is refused with a reason`, () => {
    const r = parseUri(text);
    assert.ok(!r.ok);
    assert.match(r.error, reason);
  });
}
