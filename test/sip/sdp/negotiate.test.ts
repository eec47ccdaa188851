import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerDirection, isHold } from '../../../src/sip/sdp/direction.js';
import { negotiate, offerCodecs } from '../../../src/sip/sdp/negotiate.js';
import { parseRemoteSdp, type RemoteSdp } from '../../../src/sip/sdp/remote-sdp.js';

/** An offer from 127.0.0.1 with the given m=audio formats and extra lines. */
const offer = (formats: string, ...extra: string[]): RemoteSdp => {
  const body = ['v=0', 'o=user1 53655765 2353687637 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0']
    .concat(`m=audio 6000 RTP/AVP ${formats}`, extra)
    .join('\r\n');
  const r = parseRemoteSdp(body + '\r\n');
  assert.ok(r.ok);
  return r.value;
};
const SIPP = offer('0 8 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-15'); // prettier-ignore

test('sipp offer 0 8 101 with allow=ulaw,alaw: PCMU, both codecs answered, telephone-event 101', () => {
  assert.deepEqual(negotiate(SIPP, ['ulaw', 'alaw'], 'rfc4733'), {
    ok: true,
    codec: { pt: 0, name: 'ulaw' },
    telephoneEventPt: 101,
    answerCodecs: [
      { pt: 0, name: 'ulaw' },
      { pt: 8, name: 'alaw' },
    ],
  });
});

test('the answer follows our allow order, not the offer’s', () => {
  const r = negotiate(SIPP, ['alaw', 'ulaw'], 'rfc4733');
  assert.ok(r.ok);
  assert.deepEqual(r.answerCodecs, [
    { pt: 8, name: 'alaw' },
    { pt: 0, name: 'ulaw' },
  ]);
  assert.deepEqual(r.codec, { pt: 8, name: 'alaw' });
});

test('an offer without telephone-event: no DTMF payload in the answer (recorded 200 answered 0 8)', () => {
  const r = negotiate(offer('0 8'), ['ulaw', 'alaw'], 'rfc4733');
  assert.ok(r.ok);
  assert.equal(r.telephoneEventPt, undefined);
  assert.equal(r.answerCodecs.length, 2);
});

test('telephone-event only for the DTMF modes that use RFC 4733, under the offerer’s number', () => {
  const dyn = offer('0 96', 'a=rtpmap:96 telephone-event/8000');
  for (const mode of ['rfc4733', 'auto', 'auto_info'] as const) {
    assert.equal((negotiate(dyn, ['ulaw'], mode) as { telephoneEventPt?: number }).telephoneEventPt, 96);
  }
  for (const mode of ['inband', 'info', 'none'] as const) {
    assert.equal((negotiate(dyn, ['ulaw'], mode) as { telephoneEventPt?: number }).telephoneEventPt, undefined);
  }
  const wideband = offer('0 97', 'a=rtpmap:97 telephone-event/16000');
  assert.equal((negotiate(wideband, ['ulaw'], 'rfc4733') as { telephoneEventPt?: number }).telephoneEventPt, undefined);
});

test('an offer with only PCMA', () => {
  assert.deepEqual(negotiate(offer('8', 'a=rtpmap:8 PCMA/8000'), ['ulaw', 'alaw'], 'rfc4733'), {
    ok: true,
    codec: { pt: 8, name: 'alaw' },
    answerCodecs: [{ pt: 8, name: 'alaw' }],
  });
  assert.deepEqual(negotiate(offer('8'), ['ulaw'], 'rfc4733'), { ok: false, reason: 'no-codec' });
});

test('a dynamic payload type named PCMU is ulaw under its number', () => {
  const r = negotiate(offer('98', 'a=rtpmap:98 PCMU/8000'), ['ulaw'], 'none');
  assert.deepEqual(r, { ok: true, codec: { pt: 98, name: 'ulaw' }, answerCodecs: [{ pt: 98, name: 'ulaw' }] });
});

test('only G729 offered, or no codecs allowed: no-codec (the INVITE gets 488)', () => {
  const g729 = offer('18 101', 'a=rtpmap:18 G729/8000', 'a=rtpmap:101 telephone-event/8000');
  assert.deepEqual(negotiate(g729, ['ulaw', 'alaw'], 'rfc4733'), { ok: false, reason: 'no-codec' });
  assert.deepEqual(negotiate(SIPP, [], 'rfc4733'), { ok: false, reason: 'no-codec' });
});

test('no usable audio stream: no-audio', () => {
  const video = parseRemoteSdp('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 5000 RTP/AVP 31\r\n'); // prettier-ignore
  assert.ok(video.ok);
  assert.deepEqual(negotiate(video.value, ['ulaw'], 'rfc4733'), { ok: false, reason: 'no-audio' });
});

test('our offer: allow order with static payload types, then 101 when DTMF uses RFC 4733', () => {
  assert.deepEqual(offerCodecs(['ulaw', 'alaw'], 'rfc4733'), {
    codecs: [
      { pt: 0, name: 'ulaw' },
      { pt: 8, name: 'alaw' },
    ],
    telephoneEventPt: 101,
  });
  assert.deepEqual(offerCodecs(['alaw'], 'info'), { codecs: [{ pt: 8, name: 'alaw' }] });
});

test('hold: sendonly, inactive and c=0.0.0.0 are hold; recvonly and sendrecv are not', () => {
  assert.equal(isHold(SIPP), false);
  assert.equal(isHold(offer('0', 'a=sendonly')), true);
  assert.equal(isHold(offer('0', 'a=inactive')), true);
  assert.equal(isHold(offer('0', 'a=recvonly')), false);
  assert.equal(isHold(offer('0', 'a=sendrecv')), false);
  const zero = parseRemoteSdp('v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n'); // prettier-ignore
  assert.ok(zero.ok);
  assert.equal(isHold(zero.value), true);
  assert.equal(answerDirection(zero.value.audio!.direction, zero.value.audio!.address), 'recvonly');
});

test('the answer mirrors the offer’s direction', () => {
  assert.equal(answerDirection('sendonly'), 'recvonly');
  assert.equal(answerDirection('recvonly'), 'sendonly');
  assert.equal(answerDirection('inactive'), 'inactive');
  assert.equal(answerDirection('sendrecv'), 'sendrecv');
  assert.equal(answerDirection('sendrecv', '127.0.0.1'), 'sendrecv');
  assert.equal(answerDirection('inactive', '0.0.0.0'), 'inactive');
});
