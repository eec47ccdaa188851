import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRemoteSdp, type RemoteSdp } from '../../../src/sip/sdp/remote-sdp.js';

const sdp = (...lines: string[]): string => lines.join('\r\n') + '\r\n';

/** What sipp's uac scenario sends (o= numbers as in the recorded trace of sip-reference §4.2). */
const SIPP_OFFER = sdp(
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 0 8 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
);

const ok = (body: string): RemoteSdp => {
  const r = parseRemoteSdp(body);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
};

test('a sipp offer: o= kept as strings, c= address, the payloads in offer order', () => {
  const r = ok(SIPP_OFFER);
  assert.deepEqual(
    [r.owner, r.sessionId, r.version, r.connectionAddress],
    ['user1', '53655765', '2353687637', '127.0.0.1'],
  );
  assert.deepEqual(r.audio, {
    index: 0,
    port: 6000,
    address: '127.0.0.1',
    addressFamily: 'ipv4',
    payloads: [
      { pt: 0, encoding: 'pcmu', clockRate: 8000 },
      { pt: 8, encoding: 'pcma', clockRate: 8000 },
      { pt: 101, encoding: 'telephone-event', clockRate: 8000, fmtp: '0-15' },
    ],
    direction: 'sendrecv',
    ptimeMs: 20,
  });
  assert.deepEqual(r.otherMedia, []);
});

test('static payload types need no rtpmap; LF line endings are accepted', () => {
  const r = ok('v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=audio 4000 RTP/AVP 8 0 18\n');
  assert.deepEqual(r.audio?.payloads, [
    { pt: 8, encoding: 'pcma', clockRate: 8000 },
    { pt: 0, encoding: 'pcmu', clockRate: 8000 },
    { pt: 18, encoding: 'g729', clockRate: 8000 },
  ]);
});

test('session ids beyond 2^53 survive exactly', () => {
  const r = ok(sdp('v=0', 'o=x 18446744073709551615 9007199254740993 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 5000 RTP/AVP 0')); // prettier-ignore
  assert.equal(r.sessionId, '18446744073709551615');
  assert.equal(r.version, '9007199254740993');
});

test('media-level c=, IPv6, a=rtcp, a session-level direction, a dynamic PCMU', () => {
  const r = ok(
    sdp(
      'v=0',
      'o=- 5 5 IN IP6 ::1',
      's=-',
      't=0 0',
      'a=sendonly',
      'm=audio 7000 RTP/AVP 96',
      'c=IN IP6 2001:db8::5',
      'a=rtpmap:96 pcmu/8000',
      'a=rtcp:7003',
    ),
  );
  assert.equal(r.connectionAddress, '');
  assert.deepEqual(
    [r.audio?.address, r.audio?.addressFamily, r.audio?.direction, r.audio?.rtcpPort],
    ['2001:db8::5', 'ipv6', 'sendonly', 7003],
  );
  assert.deepEqual(r.audio?.payloads, [{ pt: 96, encoding: 'pcmu', clockRate: 8000 }]);
});

test('other m-lines are kept for the answer: video, SRTP audio, a second audio, declined audio', () => {
  const r = ok(
    sdp(
      'v=0',
      'o=- 7 7 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=video 9000 RTP/AVP 31 34',
      'm=audio 0 RTP/AVP 0',
      'm=audio 9002 RTP/SAVP 0',
      'm=audio 9004 RTP/AVP 8',
      'm=audio 9006 RTP/AVP 0',
    ),
  );
  assert.equal(r.audio?.index, 3);
  assert.equal(r.audio?.port, 9004);
  assert.deepEqual(r.otherMedia, [
    { index: 0, type: 'video', protocol: 'RTP/AVP', formats: '31 34' },
    { index: 1, type: 'audio', protocol: 'RTP/AVP', formats: '0' },
    { index: 2, type: 'audio', protocol: 'RTP/SAVP', formats: '0' },
    { index: 4, type: 'audio', protocol: 'RTP/AVP', formats: '0' },
  ]);
});

test('an offer with only video has no audio', () => {
  const r = ok(sdp('v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=video 9000 RTP/AVP 31'));
  assert.equal(r.audio, undefined);
  assert.equal(r.otherMedia.length, 1);
});

const HEAD = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0'];
const BAD: Record<string, [string, RegExp]> = {
  'empty body': ['', /v=0/],
  'not SDP': ['hello world', /v=0/],
  'binary junk': ['\u0000\u00ff\u0001', /v=0/],
  'version 1': [sdp('v=1', ...HEAD.slice(1)), /v=0/],
  'no o= line': [sdp('v=0', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 5000 RTP/AVP 0'), /o= line/],
  'o= without numbers': [sdp('v=0', 'o=- x y IN IP4 127.0.0.1', 's=-', 't=0 0'), /o= line/],
  'bad c= address': [sdp('v=0', 'o=- 1 1 IN IP4 1.2.3.4', 's=-', 'c=IN IP4 nowhere', 't=0 0'), /c= line/],
  'port out of range': [sdp(...HEAD, 'm=audio 70000 RTP/AVP 0'), /m= line 1/],
  'port not a number': [sdp(...HEAD, 'm=audio x RTP/AVP 0'), /m= line 1/],
  'no formats': [sdp(...HEAD, 'm=audio 5000 RTP/AVP'), /m= line 1/],
  'payload type 200': [sdp(...HEAD, 'm=audio 5000 RTP/AVP 0 200'), /payload type '200'/],
  'payload type not a number': [sdp(...HEAD, 'm=audio 5000 RTP/AVP 0 abc'), /payload type 'abc'/],
  'audio without c=': [sdp('v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', 'm=audio 5000 RTP/AVP 0'), /no c= line/],
};
for (const [name, [body, reason]] of Object.entries(BAD)) {
  test(`malformed SDP is an error, not an exception: ${name}`, () => {
    const r = parseRemoteSdp(body);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, reason);
  });
}
