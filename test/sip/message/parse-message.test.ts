import assert from 'node:assert/strict';
import test from 'node:test';

import { parseSipMessage } from '../../../src/sip/message/parse-message.js';
import { COMPACT_HEADER_NAMES, SipRequest, makeHeader } from '../../../src/sip/message/sip-message.js';
import { messageSize, serializeSipMessage } from '../../../src/sip/message/serialize-message.js';
import { fixture } from './fixture.js';

const CALL = ['invite.sip', 'ok-200-invite.sip', 'ack.sip', 'bye.sip', 'register.sip', 'options.sip'];

function parse(text: string) {
  const r = parseSipMessage(Buffer.from(text.replace(/\r?\n/g, '\r\n')));
  if (!r.ok) assert.fail(r.error);
  return r.value;
}

const MINIMAL = [
  'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
  'From: <sip:a@example.com>;tag=1',
  'To: <sip:b@example.com>',
];

for (const name of CALL) {
  test(`${name} round-trips byte for byte`, () => {
    const raw = fixture(name);
    const r = parseSipMessage(raw);
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(messageSize(r.value), raw.length);
    assert.deepEqual(serializeSipMessage(r.value), raw);
  });
}

test('the INVITE exposes its start line, eager headers and body', () => {
  const r = parseSipMessage(fixture('invite.sip'));
  assert.ok(r.ok && r.value.kind === 'request');
  const m = r.value;
  assert.equal(m.method, 'INVITE');
  assert.equal(m.uri, 'sip:100@127.0.0.1:35060');
  assert.equal(m.callId, '1-26660@127.0.0.1');
  assert.deepEqual(m.cseq, { seq: 1, method: 'INVITE' });
  assert.equal(m.fromTag, '26660SIPpTag001');
  assert.equal(m.toTag, undefined);
  assert.equal(m.from.displayName, 'Alice');
  assert.equal(m.maxForwards, 70);
  assert.equal(m.via[0]?.branch, 'z9hG4bK-26660-1-0');
  assert.equal(m.via[0]?.rport, true);
  assert.equal(m.contentLength, m.body.length);
  assert.ok(m.body.toString().startsWith('v=0\r\n'));
  assert.deepEqual(m.headerValues('Allow').slice(0, 3), ['INVITE', 'ACK', 'CANCEL']);
  assert.equal(m.header('content-type'), 'application/sdp');
});

test('the 200 OK carries status, reason, received and rport', () => {
  const r = parseSipMessage(fixture('ok-200-invite.sip'));
  assert.ok(r.ok && r.value.kind === 'response');
  assert.equal(r.value.status, 200);
  assert.equal(r.value.reason, 'OK');
  assert.equal(r.value.via[0]?.received, '127.0.0.1');
  assert.equal(r.value.via[0]?.rport, 5061);
  assert.equal(r.value.toTag, '0f3a4b2c-7d1e-4a8b-9c55-1c2d3e4f5a6b');
});

test('a REGISTER with a folded two-element Contact and an IPv6 Via', () => {
  const r = parseSipMessage(fixture('register.sip'));
  assert.ok(r.ok);
  assert.equal(r.value.via[0]?.host, '[2001:db8::10]');
  assert.equal(r.value.via[0]?.port, 5062);
  assert.equal(r.value.via[0]?.transport, 'TCP');
  const c = r.value.contacts();
  assert.ok(c.ok && c.value !== '*');
  assert.equal(c.value.length, 2);
  assert.equal(
    c.value[0]?.params.find((p) => p.name === '+sip.instance')?.value,
    '"<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
  );
  assert.equal(c.value[1]?.params[0]?.value, '0.5');
  assert.match(r.value.header('Authorization') ?? '', /^Digest username="alice", realm="asterisk"/);
});

test('every compact header form maps to its long name', () => {
  for (const [short, long] of Object.entries(COMPACT_HEADER_NAMES)) {
    if ('ftvil'.includes(short)) continue; // eager headers: covered with real values below
    const m = parse(
      ['OPTIONS sip:b@example.com SIP/2.0', ...MINIMAL, 'i: c1', 'CSeq: 1 OPTIONS', `${short}: x-value`, '', ''].join(
        '\n',
      ),
    );
    assert.equal(m.header(long), 'x-value', short);
    assert.equal(m.header(short.toUpperCase()), 'x-value', short);
  }
});

test('compact forms of the eager headers are parsed like the long ones', () => {
  const raw = fixture('options.sip');
  const r = parseSipMessage(raw);
  assert.ok(r.ok);
  assert.equal(r.value.via[0]?.branch, 'z9hG4bKPj4f2d');
  assert.equal(r.value.fromTag, '5d0b9e1a');
  assert.equal(r.value.callId, '58a2d1c9-8f0c-4b8a-b9a2-1f1e8f0b2d3c');
  assert.equal(r.value.contentLength, 0);
  assert.deepEqual(r.value.headerValues('Supported'), ['replaces', 'timer']);
});

test('folded header lines are joined with one space and kept raw', () => {
  const m = parse(
    [
      'INFO sip:b@example.com SIP/2.0',
      ...MINIMAL,
      'Call-ID: fold',
      'CSeq: 2',
      '\tINFO',
      'Subject: first',
      '   second',
      '\t third',
      'Content-Length: 0',
      '',
      '',
    ].join('\n'),
  );
  assert.deepEqual(m.cseq, { seq: 2, method: 'INFO' });
  assert.equal(m.header('Subject'), 'first second third');
  assert.equal(m.headers.find((h) => h.key === 'subject')?.raw?.toString(), 'Subject: first\r\n   second\r\n\t third');
});

test('header names are case-insensitive and whitespace before the colon is allowed', () => {
  const m = parse(
    [
      'OPTIONS sip:b@example.com SIP/2.0',
      ...MINIMAL,
      'CALL-id  : x1',
      'cSeQ:1 OPTIONS',
      'max-FORWARDS:\t0068',
      '',
      '',
    ].join('\n'),
  );
  assert.equal(m.callId, 'x1');
  assert.equal(m.maxForwards, 68);
});

test('Via lists split across lines and commas keep their order', () => {
  const m = parse(
    [
      'OPTIONS sip:b@example.com SIP/2.0',
      'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5070;branch=z9hG4bK2',
      'v: SIP/2.0/TLS c.example.com;branch=z9hG4bK3;maddr=224.2.0.1;ttl=16',
      ...MINIMAL.slice(1),
      'i: v',
      'CSeq: 1 OPTIONS',
      '',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    m.via.map((v) => `${v.transport} ${v.host}:${v.port ?? ''}`),
    ['UDP a.example.com:', 'TCP b.example.com:5070', 'TLS c.example.com:'],
  );
  assert.equal(m.via[2]?.maddr, '224.2.0.1');
  assert.equal(m.via[2]?.ttl, 16);
});

test('a missing Content-Length on a datagram takes the rest; extra octets past it are ignored', () => {
  const head = ['MESSAGE sip:b@example.com SIP/2.0', ...MINIMAL, 'Call-ID: m', 'CSeq: 1 MESSAGE'].join('\r\n');
  const r1 = parseSipMessage(Buffer.from(`${head}\r\n\r\nhello`));
  assert.ok(r1.ok);
  assert.equal(r1.value.body.toString(), 'hello');
  assert.equal(r1.value.contentLength, undefined);
  const r2 = parseSipMessage(Buffer.from(`${head}\r\nContent-Length: 2\r\n\r\nhello`));
  assert.ok(r2.ok);
  assert.equal(r2.value.body.toString(), 'he');
});

test('the serializer recomputes Content-Length and adds it when missing', () => {
  const m = parse(
    ['MESSAGE sip:b@example.com SIP/2.0', ...MINIMAL, 'Call-ID: m', 'CSeq: 1 MESSAGE', 'l: 2', '', 'hi'].join('\n'),
  );
  m.body = Buffer.from('hello world');
  assert.match(serializeSipMessage(m).toString(), /\r\nl: 11\r\n\r\nhello world$/);
  m.headers = m.headers.filter((h) => h.key !== 'content-length');
  m.headers.push(makeHeader('X-Added', 'yes'));
  const out = serializeSipMessage(m).toString();
  assert.match(out, /\r\nX-Added: yes\r\nContent-Length: 11\r\n\r\nhello world$/);
  const again = parseSipMessage(Buffer.from(out));
  assert.ok(again.ok && again.value instanceof SipRequest);
  assert.equal(again.value.body.toString(), 'hello world');
});

test('serializeSipMessage writes into a caller buffer at an offset', () => {
  const raw = fixture('bye.sip');
  const r = parseSipMessage(raw);
  assert.ok(r.ok);
  const dst = Buffer.alloc(messageSize(r.value) + 10);
  const view = serializeSipMessage(r.value, dst, 10);
  assert.deepEqual(view, raw);
  assert.equal(view.buffer, dst.buffer);
  assert.throws(() => serializeSipMessage(r.value, Buffer.alloc(10)), RangeError);
});

test('size limits are enforced with a reason', () => {
  const big = [
    'OPTIONS sip:b@example.com SIP/2.0',
    ...MINIMAL,
    'Call-ID: s',
    'CSeq: 1 OPTIONS',
    `X-Big: ${'a'.repeat(5000)}`,
    '',
    '',
  ].join('\r\n');
  const r = parseSipMessage(Buffer.from(big), { maxHeaderBytes: 1024 });
  assert.ok(!r.ok && r.code === 'TOO_LARGE');
  const body = [
    'MESSAGE sip:b@example.com SIP/2.0',
    ...MINIMAL,
    'Call-ID: s',
    'CSeq: 1 MESSAGE',
    'l: 100',
    '',
    'x'.repeat(100),
  ].join('\r\n');
  const r2 = parseSipMessage(Buffer.from(body), { maxBodyBytes: 99 });
  assert.ok(!r2.ok && r2.code === 'TOO_LARGE');
  const many = [
    'OPTIONS sip:b@example.com SIP/2.0',
    ...MINIMAL,
    'Call-ID: s',
    'CSeq: 1 OPTIONS',
    ...Array.from({ length: 20 }, (_, i) => `X-${i}: v`),
    '',
    '',
  ].join('\r\n');
  const r3 = parseSipMessage(Buffer.from(many), { maxHeaders: 10 });
  assert.ok(!r3.ok && r3.code === 'TOO_LARGE');
});

const BAD: [string, string, string][] = [
  ['empty datagram', '', 'BAD_START_LINE'],
  ['only CRLF', '\r\n\r\n', 'BAD_START_LINE'],
  ['headers without the empty line', 'OPTIONS sip:b@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h', 'NO_END_OF_HEADERS'],
  ['garbage start line', 'HELLO\r\n\r\n', 'BAD_START_LINE'],
  ['header without colon', 'OPTIONS sip:b@example.com SIP/2.0\r\nVia\r\n\r\n', 'BAD_HEADER'],
  ['continuation as first header', 'OPTIONS sip:b@example.com SIP/2.0\r\n folded\r\n\r\n', 'BAD_HEADER'],
  ['status 099', 'SIP/2.0 099 Low\r\n\r\n', 'BAD_START_LINE'],
  [
    'no Via',
    ['OPTIONS sip:b@example.com SIP/2.0', ...MINIMAL.slice(1), 'Call-ID: x', 'CSeq: 1 OPTIONS', '', ''].join('\r\n'),
    'MISSING_HEADER',
  ],
  ['no CSeq', ['OPTIONS sip:b@example.com SIP/2.0', ...MINIMAL, 'Call-ID: x', '', ''].join('\r\n'), 'MISSING_HEADER'],
  [
    'Max-Forwards 256',
    [
      'OPTIONS sip:b@example.com SIP/2.0',
      ...MINIMAL,
      'Call-ID: x',
      'CSeq: 1 OPTIONS',
      'Max-Forwards: 256',
      '',
      '',
    ].join('\r\n'),
    'BAD_HEADER',
  ],
  [
    'Call-ID with a space',
    ['OPTIONS sip:b@example.com SIP/2.0', ...MINIMAL, 'Call-ID: a b', 'CSeq: 1 OPTIONS', '', ''].join('\r\n'),
    'BAD_HEADER',
  ],
  [
    'Via without sent-by',
    [
      'OPTIONS sip:b@example.com SIP/2.0',
      'Via: SIP/2.0/UDP',
      ...MINIMAL.slice(1),
      'Call-ID: x',
      'CSeq: 1 OPTIONS',
      '',
      '',
    ].join('\r\n'),
    'BAD_HEADER',
  ],
  [
    'Via port 70000',
    [
      'OPTIONS sip:b@example.com SIP/2.0',
      'Via: SIP/2.0/UDP h:70000',
      ...MINIMAL.slice(1),
      'Call-ID: x',
      'CSeq: 1 OPTIONS',
      '',
      '',
    ].join('\r\n'),
    'BAD_HEADER',
  ],
];
for (const [name, text, code] of BAD) {
  test(`rejects ${name} with ${code}`, () => {
    const r = parseSipMessage(Buffer.from(text, 'latin1'));
    assert.ok(!r.ok);
    assert.equal(r.code, code, r.error);
    assert.ok(r.error.startsWith(code));
  });
}

test('lazy accessors: Request-URI parts, top Via, Record-Route list', () => {
  const m = parse(
    [
      'INVITE sips:bob@[2001:db8::2]:5061;transport=tls SIP/2.0',
      ...MINIMAL,
      'Call-ID: rr',
      'CSeq: 1 INVITE',
      'Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
      'Record-Route: <sip:p3.example.com;lr>',
      '',
      '',
    ].join('\n'),
  );
  assert.ok(m.kind === 'request');
  const u = m.requestUri();
  assert.ok(u.ok);
  assert.deepEqual([u.value.scheme, u.value.user, u.value.host, u.value.port], ['sips', 'bob', '[2001:db8::2]', 5061]);
  assert.equal(m.topVia?.branch, 'z9hG4bK1');
  const rr = m.nameAddrs('Record-Route');
  assert.ok(rr.ok);
  assert.deepEqual(
    rr.value.map((a) => a.uri),
    ['sip:p1.example.com;lr', 'sip:p2.example.com;lr', 'sip:p3.example.com;lr'],
  );
  assert.equal(m.nameAddrs('record-route'), rr); // parsed once
});
