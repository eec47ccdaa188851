import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSdp } from '../../../src/sip/sdp/build-sdp.js';
import { answerDirection } from '../../../src/sip/sdp/direction.js';
import { negotiate, offerCodecs } from '../../../src/sip/sdp/negotiate.js';
import { parseRemoteSdp } from '../../../src/sip/sdp/remote-sdp.js';
import { SdpSessionVersion } from '../../../src/sip/sdp/session-version.js';

const sdp = (...lines: string[]): string => lines.join('\r\n') + '\r\n';

test('our offer is byte for byte the layout Asterisk 22 sends (originate, allow=ulaw, rfc4733)', () => {
  const session = SdpSessionVersion.forOffer(() => 1731395253);
  const { codecs, telephoneEventPt } = offerCodecs(['ulaw'], 'rfc4733');
  const text = buildSdp({
    owner: '-',
    sessionName: 'Asterisk',
    sessionId: session.sessionId,
    sessionVersion: session.version,
    address: '127.0.0.1',
    audioPort: 31970,
    codecs,
    ...(telephoneEventPt !== undefined ? { telephoneEventPt } : {}),
    direction: 'sendrecv',
  });
  assert.equal(
    text,
    sdp(
      'v=0',
      'o=- 1731395253 1731395253 IN IP4 127.0.0.1',
      's=Asterisk',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=audio 31970 RTP/AVP 0 101',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=ptime:20',
      'a=maxptime:140',
      'a=sendrecv',
    ),
  );
});

test('the answer to sipp’s offer without telephone-event matches the recorded 200 OK', () => {
  const offer = parseRemoteSdp(
    sdp('v=0', 'o=user1 53655765 2353687637 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0 8', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000'), // prettier-ignore
  );
  assert.ok(offer.ok);
  const n = negotiate(offer.value, ['ulaw', 'alaw'], 'rfc4733');
  assert.ok(n.ok);
  const session = SdpSessionVersion.forAnswer(offer.value);
  const text = buildSdp({
    owner: '-',
    sessionName: 'Asterisk',
    sessionId: session.sessionId,
    sessionVersion: session.version,
    address: '127.0.0.1',
    audioPort: 12086,
    codecs: n.answerCodecs,
    direction: answerDirection(offer.value.audio!.direction, offer.value.audio!.address),
  });
  assert.equal(
    text,
    sdp(
      'v=0',
      'o=- 53655765 2353687639 IN IP4 127.0.0.1',
      's=Asterisk',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      'm=audio 12086 RTP/AVP 0 8',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=ptime:20',
      'a=maxptime:140',
      'a=sendrecv',
    ),
  );
});

test('an answer repeats the offer’s other m-lines in place with port 0; IPv6 addresses say IP6', () => {
  const offer = parseRemoteSdp(
    sdp('v=0', 'o=- 10 20 IN IP6 ::1', 's=-', 'c=IN IP6 ::1', 't=0 0', 'm=video 9000 RTP/AVP 31', 'm=audio 9002 RTP/AVP 8 96', 'a=rtpmap:96 telephone-event/8000', 'a=sendonly', 'm=application 9004 UDP/DTLS/SCTP webrtc-datachannel'), // prettier-ignore
  );
  assert.ok(offer.ok);
  const n = negotiate(offer.value, ['ulaw', 'alaw'], 'auto');
  assert.ok(n.ok);
  const text = buildSdp({
    owner: '-',
    sessionName: 'Asterisk',
    sessionId: '10',
    sessionVersion: '22',
    address: '::1',
    audioPort: 10000,
    codecs: n.answerCodecs,
    telephoneEventPt: n.telephoneEventPt!,
    direction: answerDirection(offer.value.audio!.direction),
    rejected: offer.value.otherMedia,
  });
  assert.equal(
    text,
    sdp(
      'v=0',
      'o=- 10 22 IN IP6 ::1',
      's=Asterisk',
      'c=IN IP6 ::1',
      't=0 0',
      'm=video 0 RTP/AVP 31',
      'm=audio 10000 RTP/AVP 8 96',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:96 telephone-event/8000',
      'a=fmtp:96 0-16',
      'a=ptime:20',
      'a=maxptime:140',
      'a=recvonly',
      'm=application 0 UDP/DTLS/SCTP webrtc-datachannel',
    ),
  );
  const reparsed = parseRemoteSdp(text);
  assert.ok(reparsed.ok);
  assert.equal(reparsed.value.audio?.direction, 'recvonly');
});

test('session version: offerer uses one random number twice, answerer copies the id with version + 2', () => {
  const offer = SdpSessionVersion.forOffer(() => 0xffffffff);
  assert.deepEqual([offer.sessionId, offer.version], ['4294967295', '4294967295']);
  assert.equal(offer.bump(), '4294967296');
  const random = SdpSessionVersion.forOffer();
  assert.match(random.sessionId, /^\d+$/);
  assert.ok(Number(random.sessionId) < 2 ** 32);
  assert.equal(random.version, random.sessionId);

  const answer = SdpSessionVersion.forAnswer({ sessionId: '1000', version: '1' });
  assert.deepEqual([answer.sessionId, answer.version], ['1000', '3']);
  assert.equal(answer.bump(), '4'); // hold answer
  assert.equal(answer.bump(), '5'); // unhold answer
  assert.equal(answer.version, '5');
});

test('session version arithmetic is exact beyond 2^53', () => {
  const v = SdpSessionVersion.forAnswer({ sessionId: '18446744073709551615', version: '9007199254740993' });
  assert.equal(v.sessionId, '18446744073709551615');
  assert.equal(v.version, '9007199254740995');
  assert.equal(v.bump(), '9007199254740996');
});
