import assert from 'node:assert/strict';
import test from 'node:test';

import {
  parseCSeq,
  parseContentLength,
  parseMaxForwards,
  parseNameAddr,
  parseVia,
  serializeNameAddr,
  serializeVia,
} from '../../../src/sip/message/header-values.js';
import { parseParams, splitCommaList, unquote } from '../../../src/sip/message/sip-lexer.js';

test('Via: sent-protocol, sent-by, branch, received, rport, maddr, ttl', () => {
  const r = parseVia(
    'SIP/2.0/udp 192.0.2.1:5060;branch=z9hG4bKabc;received=198.51.100.7;rport=40000;maddr=224.0.1.75;ttl=1',
  );
  assert.ok(r.ok);
  assert.deepEqual(
    { ...r.value, params: r.value.params.length },
    {
      protocol: 'SIP/2.0',
      transport: 'UDP',
      host: '192.0.2.1',
      port: 5060,
      params: 5,
      branch: 'z9hG4bKabc',
      received: '198.51.100.7',
      rport: 40000,
      maddr: '224.0.1.75',
      ttl: 1,
    },
  );
  assert.equal(
    serializeVia(r.value),
    'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;received=198.51.100.7;rport=40000;maddr=224.0.1.75;ttl=1',
  );
});

test('Via: whitespace around slashes and equals (RFC 3261 SLASH / EQUAL), IPv6 sent-by, bare rport', () => {
  const r = parseVia('SIP / 2.0 / WSS  [2001:db8::9] : 443 ; rport ; branch = z9hG4bK1');
  assert.ok(r.ok);
  assert.equal(r.value.host, '[2001:db8::9]');
  assert.equal(r.value.port, 443);
  assert.equal(r.value.rport, true);
  assert.equal(r.value.branch, 'z9hG4bK1');
});

test('Via: bad values give reasons', () => {
  for (const [v, reason] of [
    ['SIP/2.0 host', /sent-protocol/],
    ['SIP/2.0/UDP', /sent-by/],
    ['SIP/2.0/UDP host;rport=abc', /rport/],
    ['SIP/2.0/UDP host;ttl=300', /ttl/],
    ['SIP/2.0/UDP host;;branch=1', /empty parameter/],
  ] as const) {
    const r = parseVia(v);
    assert.ok(!r.ok, v);
    assert.match(r.error, reason);
  }
});

test('name-addr: quoted display name with escapes, tag and other params', () => {
  const r = parseNameAddr(
    '"Bob \\"the\\" Builder" <sip:bob@example.com;transport=tcp> ;tag=a1b2;x-custom="quoted, value"',
  );
  assert.ok(r.ok);
  assert.equal(r.value.displayName, 'Bob "the" Builder');
  assert.equal(r.value.uri, 'sip:bob@example.com;transport=tcp');
  assert.equal(r.value.tag, 'a1b2');
  assert.equal(unquote(r.value.params[1]!.value!), 'quoted, value');
  assert.equal(
    serializeNameAddr(r.value),
    '"Bob \\"the\\" Builder" <sip:bob@example.com;transport=tcp>;tag=a1b2;x-custom="quoted, value"',
  );
});

test('name-addr: token display names, bare addr-spec with header params, no display name', () => {
  const a = parseNameAddr('Anonymous User <sip:anonymous@anonymous.invalid>;tag=x');
  assert.ok(a.ok && a.value.displayName === 'Anonymous User' && a.value.tag === 'x');
  const b = parseNameAddr('sip:alice@example.com;tag=9');
  assert.ok(b.ok && !b.value.isNameAddr && b.value.uri === 'sip:alice@example.com' && b.value.tag === '9');
  assert.equal(serializeNameAddr(b.value), 'sip:alice@example.com;tag=9');
  const c = parseNameAddr('<sips:[2001:db8::1]:5061>');
  assert.ok(c.ok && c.value.displayName === undefined && c.value.uri === 'sips:[2001:db8::1]:5061');
});

test('name-addr: malformed values give reasons', () => {
  for (const v of [
    '"unterminated <sip:a@b>',
    '"x" sip:a@b',
    '<sip:a@b',
    '< sip:a@b>',
    'sip:a@b?x=y',
    'a@b',
    'sip:a@b;tag',
    'sip:a@b;tag=a"b',
  ]) {
    const r = parseNameAddr(v);
    assert.ok(!r.ok, v);
    assert.ok(r.error.length > 0);
  }
});

test('CSeq, Max-Forwards and Content-Length scalars and their ranges', () => {
  assert.deepEqual(parseCSeq('4294967295 BYE'), { ok: true, value: { seq: 4294967295, method: 'BYE' } });
  assert.ok(!parseCSeq('4294967296 BYE').ok);
  assert.ok(!parseCSeq('1').ok);
  assert.ok(!parseCSeq('-1 BYE').ok);
  assert.deepEqual(parseMaxForwards(' 70 '), { ok: true, value: 70 });
  assert.ok(!parseMaxForwards('256').ok);
  assert.deepEqual(parseContentLength('0'), { ok: true, value: 0 });
  assert.ok(!parseContentLength('1e3').ok);
  assert.ok(!parseContentLength('100', 99).ok);
});

test('generic params and comma lists respect quotes and angle brackets', () => {
  assert.deepEqual(splitCommaList('<sip:a@b;x=1,2>, "c, d" <sip:c@d>,sip:e@f'), [
    '<sip:a@b;x=1,2>',
    '"c, d" <sip:c@d>',
    'sip:e@f',
  ]);
  const p = parseParams(' ; a ; b = 1;c="x;y"', 0);
  assert.ok('params' in p);
  assert.deepEqual(p.params, [
    { name: 'a', value: undefined },
    { name: 'b', value: '1' },
    { name: 'c', value: '"x;y"' },
  ]);
  assert.ok('error' in parseParams(';a=', 0));
  assert.ok('error' in parseParams(';a="x', 0));
  assert.ok('error' in parseParams('x', 0));
});
