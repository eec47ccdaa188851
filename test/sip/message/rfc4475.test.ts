// RFC 4475 SIP torture test messages, one fixture per test named after it, with the RFC's text — except mpart01,
// whose S/MIME-signed body is replaced by an equivalent multipart/mixed body of our own.
import assert from 'node:assert/strict';
import test from 'node:test';

import { type SipParseErrorCode, parseSipMessage } from '../../../src/sip/message/parse-message.js';
import type { SipMessage } from '../../../src/sip/message/sip-message.js';
import { parseUri } from '../../../src/sip/message/sip-uri.js';
import { serializeSipMessage } from '../../../src/sip/message/serialize-message.js';
import { fixture } from './fixture.js';

function accept(name: string): SipMessage {
  const r = parseSipMessage(fixture(`rfc4475/${name}.sip`));
  if (!r.ok) assert.fail(`${name}: ${r.error}`);
  return r.value;
}

function uri(text: string) {
  const r = parseUri(text);
  if (!r.ok) assert.fail(r.error);
  return r.value;
}

const VALID: Record<string, (m: SipMessage) => void> = {
  // 3.1.1.1 A short tortuous INVITE
  wsinv(m) {
    assert.ok(m.kind === 'request');
    assert.equal(m.uri, 'sip:vivekg@chair-dnrc.example.com;unknownparam');
    assert.equal(m.to.tag, '1918181833n');
    assert.equal(m.from.displayName, 'J Rosenberg \\"');
    assert.equal(m.from.tag, '98asjd8');
    assert.equal(m.maxForwards, 68);
    assert.deepEqual(m.cseq, { seq: 9, method: 'INVITE' });
    assert.equal(m.body.length, 150);
    assert.deepEqual(
      m.via.map((v) => [v.transport, v.host, v.branch]),
      [
        ['UDP', '192.0.2.2', '390skdjuw'],
        ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
        ['UDP', '192.168.255.111', 'z9hG4bK30239'],
      ],
    );
    assert.equal(m.header('Subject'), '');
    assert.equal(m.header('NewFangledHeader'), 'newfangled value continued newfangled value');
    assert.equal(m.header('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
    const c = m.contacts();
    assert.ok(c.ok && c.value !== '*');
    assert.equal(c.value[0]?.displayName, 'Quoted string ""');
    assert.deepEqual(
      c.value[0]?.params.map((p) => [p.name, p.value]),
      [
        ['newparam', 'newvalue'],
        ['secondparam', undefined],
        ['q', '0.33'],
      ],
    );
  },
  // 3.1.1.2 Wide range of valid characters
  intmeth(m) {
    assert.ok(m.kind === 'request');
    assert.equal(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
    const u = uri(m.uri);
    assert.equal(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(u.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assert.equal(m.to.displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
    assert.equal(m.from.displayName, "token1~` token2'+_ token3*%!.-");
    assert.equal(m.from.tag, "_token~1'+`*%!-.");
    assert.equal(m.callId, 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    assert.equal(m.header("extensionHeader-!.%*+_`'~"), '\ufeff大停電');
  },
  // 3.1.1.3 Valid use of the % escaping mechanism
  esc01(m) {
    assert.ok(m.kind === 'request');
    assert.equal(uri(m.uri).user, 'sips:user@example.com');
    assert.equal(uri(m.to.uri).user, 'user');
    assert.equal(uri(m.from.uri).user, 'I have spaces');
    const c = m.contacts();
    assert.ok(c.ok && c.value !== '*');
    const cu = uri(c.value[0]!.uri);
    assert.equal(cu.user, 'caller');
    assert.deepEqual(cu.params, [
      { name: 'lr', value: undefined },
      { name: 'name', value: 'value%41' },
    ]);
  },
  // 3.1.1.4 Escaped nulls in URIs
  escnull(m) {
    assert.equal(uri(m.to.uri).user, 'null-\0-null');
    const c = m.contacts();
    assert.ok(c.ok && c.value !== '*');
    assert.deepEqual(
      c.value.map((a) => uri(a.uri).user),
      ['\0', '\0\0'],
    );
  },
  // 3.1.1.5 Use of % when it is not an escape
  esc02(m) {
    assert.ok(m.kind === 'request');
    assert.equal(m.method, 'RE%47IST%45R');
    assert.equal(m.to.displayName, '%Z%45');
    assert.equal(m.via[0]?.branch, 'z9hG4bK209%fzsnel234');
    assert.equal(m.headerValues('Contact').length, 2); // C%6Fntact is another header
    assert.equal(m.header('C%6Fntact'), '<sip:alias2@host2.example.com>');
  },
  // 3.1.1.6 Message with no LWS between display name and <
  lwsdisp(m) {
    assert.equal(m.from.displayName, 'caller');
    assert.equal(m.from.uri, 'sip:caller@example.com');
  },
  // 3.1.1.7 Long values in header fields
  longreq(m) {
    assert.equal(m.via.length, 34);
    assert.equal(m.via[33]?.received, '192.0.2.5');
    assert.equal(m.to.displayName, `I have a user name of ${'extreme'.repeat(10)} proportion`);
    assert.equal(uri(m.to.uri).port, 6000);
    assert.equal(uri(m.to.uri).params.length, 3);
    assert.equal(m.header('Unknown-' + 'Long'.repeat(20) + '-Name')?.length, 306);
    assert.equal(m.from.tag, `12${'982'.repeat(50)}424`);
    assert.equal(m.body.length, 150);
  },
  // 3.1.1.8 Extra trailing octets in a UDP datagram
  dblreq(m) {
    assert.ok(m.kind === 'request');
    assert.equal(m.method, 'REGISTER');
    assert.equal(m.body.length, 0);
  },
  // 3.1.1.9 Semicolon-separated parameters in URI user part
  semiuri(m) {
    assert.equal(uri((m as { uri: string }).uri).user, 'user;par=u@example.net');
    assert.equal(m.headerValues('Accept').length, 6);
  },
  // 3.1.1.10 Varied and unknown transport types
  transports(m) {
    assert.deepEqual(
      m.via.map((v) => v.transport),
      ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP'],
    );
  },
  // 3.1.1.11 Multipart MIME message
  mpart01(m) {
    assert.equal(m.header('Content-Type'), 'multipart/mixed;boundary=boundary42');
    assert.match(m.body.toString(), /--boundary42--\r\n$/);
  },
  // 3.1.1.12 Unusual reason phrase
  unreason(m) {
    assert.ok(m.kind === 'response');
    assert.equal(m.status, 200);
    assert.equal(m.reason, '= 2**3 * 5**2 но сто девяносто девять - простое');
  },
  // 3.1.1.13 Empty reason phrase
  noreason(m) {
    assert.ok(m.kind === 'response');
    assert.equal(m.status, 100);
    assert.equal(m.reason, '');
  },
  // 3.2.1 Transaction layer: branch is only the magic cookie (accepted by the parser)
  badbranch(m) {
    assert.equal(m.via[0]?.branch, 'z9hG4bK');
  },
  // 3.3.2 / 3.3.3 Unknown and novel Request-URI schemes: parse, then 416 above the parser
  unkscm(m) {
    assert.equal((m as { uri: string }).uri, 'nobodyKnowsThisScheme:totallyopaquecontent');
    assert.ok(!parseUri((m as { uri: string }).uri).ok);
  },
  novelsc(m) {
    assert.equal((m as { uri: string }).uri, 'soap.beep://192.0.2.103:3002');
  },
  // 3.3.4 Unknown schemes in To, From and Contact
  unksm2(m) {
    assert.equal(m.to.uri, 'isbn:2983792873');
    assert.equal(m.from.uri, 'http://www.example.com');
    const c = m.contacts();
    assert.ok(c.ok && c.value !== '*' && c.value[0]?.uri === 'name:John_Smith');
  },
  // 3.3.5 Proxy-Require and Require
  bext01(m) {
    assert.deepEqual(m.headerValues('Require'), ['nothingSupportsThis', 'nothingSupportsThisEither']);
  },
  // 3.3.6 Unknown Content-Type
  invut(m) {
    assert.equal(m.header('c'), 'application/unknownformat');
  },
  // 3.3.7 Unknown authorization scheme
  regaut01(m) {
    assert.equal(m.header('Authorization'), 'NoOneKnowsThisScheme opaque-data=here');
  },
  // 3.3.10 200 OK response with broadcast Via sent-by
  bcast(m) {
    assert.equal(m.via[1]?.host, '255.255.255.255');
  },
  // 3.3.11 Max-Forwards of zero
  zeromf(m) {
    assert.equal(m.maxForwards, 0);
  },
  // 3.3.12 REGISTER with a contact parameter (bare URI: ;unknownparam is a header parameter)
  cparam01(m) {
    const c = m.contacts();
    assert.ok(c.ok && c.value !== '*');
    assert.equal(c.value[0]?.uri, 'sip:+19725552222@gw1.example.net');
    assert.deepEqual(c.value[0]?.params, [{ name: 'unknownparam', value: undefined }]);
  },
  // 3.3.13 REGISTER with a URL parameter (inside <>: a URI parameter)
  cparam02(m) {
    const c = m.contacts();
    assert.ok(c.ok && c.value !== '*');
    assert.deepEqual(c.value[0]?.params, []);
    assert.deepEqual(uri(c.value[0].uri).params, [{ name: 'unknownparam', value: undefined }]);
  },
  // 3.3.14 REGISTER with a URL escaped header
  regescrt(m) {
    const c = m.contacts();
    assert.ok(c.ok && c.value !== '*');
    assert.deepEqual(uri(c.value[0]!.uri).headers, [{ name: 'Route', value: '<sip:sip.example.com>' }]);
  },
  // 3.3.15 Unacceptable Accept offering
  sdp01(m) {
    assert.equal(m.header('Accept'), 'text/nobodyKnowsThis');
  },
  // 3.4.1 INVITE with RFC 2543 syntax
  inv2543(m) {
    assert.equal(m.via[0]?.branch, undefined);
    assert.equal(m.from.tag, undefined);
    assert.equal(m.to.uri, 'sip:+16505552222@ss1.example.net');
    assert.deepEqual(m.to.params, [{ name: 'user', value: 'phone' }]);
    assert.equal(m.contentLength, undefined); // no Content-Length on UDP: the body is the rest of the datagram
    assert.equal(m.body.length, 105);
    assert.match(serializeSipMessage(m).toString(), /\r\nContent-Length: 105\r\n\r\nv=0/);
  },
};

for (const [name, check] of Object.entries(VALID)) {
  test(`RFC 4475 ${name} is accepted with the right values`, () => {
    const m = accept(name);
    check(m);
    if (name !== 'dblreq' && name !== 'inv2543')
      assert.deepEqual(serializeSipMessage(m), fixture(`rfc4475/${name}.sip`));
  });
}

const INVALID: [string, SipParseErrorCode][] = [
  ['badinv01', 'BAD_HEADER'], // 3.1.2.1 extraneous header field separators
  ['clerr', 'BODY_TRUNCATED'], // 3.1.2.2 Content-Length larger than the message
  ['ncl', 'BAD_CONTENT_LENGTH'], // 3.1.2.3 negative Content-Length
  ['scalar02', 'BAD_HEADER'], // 3.1.2.4 request scalar fields with overlarge values
  ['scalarlg', 'BAD_HEADER'], // 3.1.2.5 response scalar fields with overlarge values
  ['quotbal', 'BAD_HEADER'], // 3.1.2.6 unterminated quoted string in display name
  ['ltgtruri', 'BAD_REQUEST_URI'], // 3.1.2.7 <> enclosing Request-URI
  ['lwsruri', 'BAD_START_LINE'], // 3.1.2.8 malformed SIP Request-URI (embedded LWS)
  ['lwsstart', 'BAD_START_LINE'], // 3.1.2.9 multiple SP separating Request-Line elements
  ['trws', 'BAD_START_LINE'], // 3.1.2.10 SP characters at end of Request-Line
  ['escruri', 'BAD_REQUEST_URI'], // 3.1.2.11 escaped headers in SIP Request-URI
  ['baddate', 'BAD_HEADER'], // 3.1.2.12 invalid timezone in Date header field
  ['badaspec', 'BAD_HEADER'], // 3.1.2.14 spaces within addr-spec
  ['baddn', 'BAD_HEADER'], // 3.1.2.15 non-token characters in display name
  ['badvers', 'UNSUPPORTED_VERSION'], // 3.1.2.16 unknown protocol version (→ 505)
  ['mismatch01', 'CSEQ_METHOD_MISMATCH'], // 3.1.2.17 start line and CSeq method mismatch
  ['mismatch02', 'CSEQ_METHOD_MISMATCH'], // 3.1.2.18 unknown method with CSeq method mismatch (400, not 501)
  ['bigcode', 'BAD_START_LINE'], // 3.1.2.19 overlarge response code
  ['insuf', 'MISSING_HEADER'], // 3.3.1 missing required header fields
  ['multi01', 'DUPLICATE_HEADER'], // 3.3.8 multiple values in single value required fields
  ['mcl01', 'DUPLICATE_HEADER'], // 3.3.9 multiple Content-Length values
];

for (const [name, code] of INVALID) {
  test(`RFC 4475 ${name} is rejected with ${code}`, () => {
    const r = parseSipMessage(fixture(`rfc4475/${name}.sip`));
    assert.ok(!r.ok, `${name} was accepted`);
    assert.equal(r.code, code, r.error);
  });
}

test('RFC 4475 regbadct (3.1.2.13): the message parses, its Contact is refused on access', () => {
  const m = accept('regbadct');
  const c = m.contacts();
  assert.ok(!c.ok);
  assert.match(c.error, /must be in <>/);
});
