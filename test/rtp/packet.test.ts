import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRtpPacket, parseRtp, rtpSize, writeRtp, type RtpParseError } from '../../src/rtp/packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// A PCMU packet as Asterisk sends it: V=2, M=1, PT=0, seq 0x1234, ts 0x000000a0, SSRC 0xdeadbeef, 4 payload bytes.
const PCMU = hex('80 80 1234 000000a0 deadbeef  ff ff 7f 00');
// V=2 P=1 X=1 CC=2, PT=101, extension 0xBEDE with one word, 3 payload bytes, 4 padding bytes.
const FULL = hex('b2 65 ffff fffffffe 01020304  0000000a 0000000b  bede 0001 10ab0000  01 02 03  000000 04');

test('a PCMU packet parses field by field with the payload as a view', () => {
  const p = createRtpPacket();
  assert.equal(parseRtp(PCMU, p), undefined);
  assert.equal(p.version, 2);
  assert.equal(p.marker, true);
  assert.equal(p.payloadType, 0);
  assert.equal(p.sequenceNumber, 0x1234);
  assert.equal(p.timestamp, 160);
  assert.equal(p.ssrc, 0xdeadbeef);
  assert.deepEqual(p.csrc, []);
  assert.equal(p.hasExtension, false);
  assert.deepEqual(p.payload, hex('ffff7f00'));
  assert.equal(p.payload.buffer, PCMU.buffer, 'payload shares the packet memory');
});

test('CSRCs, a header extension and padding parse and strip correctly', () => {
  const p = createRtpPacket();
  assert.equal(parseRtp(FULL, p), undefined);
  assert.equal(p.hasPadding, true);
  assert.equal(p.paddingSize, 4);
  assert.equal(p.marker, false);
  assert.equal(p.payloadType, 101);
  assert.equal(p.sequenceNumber, 0xffff);
  assert.equal(p.timestamp, 0xfffffffe);
  assert.deepEqual(p.csrc, [10, 11]);
  assert.equal(p.extensionProfile, 0xbede);
  assert.deepEqual(p.extensionData, hex('10ab0000'));
  assert.deepEqual(p.payload, hex('010203'));
});

test('parse → write round-trips byte for byte, at an offset, and rtpSize is exact', () => {
  for (const raw of [PCMU, FULL]) {
    const p = createRtpPacket();
    assert.equal(parseRtp(raw, p), undefined);
    assert.equal(rtpSize(p), raw.length);
    const dst = Buffer.alloc(raw.length + 7, 0xee);
    assert.equal(writeRtp(p, dst, 5), raw.length);
    assert.deepEqual(dst.subarray(5, 5 + raw.length), raw);
    assert.equal(dst[4], 0xee);
    assert.equal(dst[5 + raw.length], 0xee);
  }
});

test('a reused out object drops the previous packet CSRCs and extension', () => {
  const p = createRtpPacket();
  parseRtp(FULL, p);
  assert.equal(parseRtp(PCMU, p), undefined);
  assert.deepEqual(p.csrc, []);
  assert.equal(p.extensionData.length, 0);
  assert.equal(p.paddingSize, 0);
});

test('writeRtp refuses programmer errors with RangeError', () => {
  const p = createRtpPacket();
  p.payload = Buffer.alloc(160);
  assert.throws(() => writeRtp(p, Buffer.alloc(100), 0), RangeError);
  p.hasExtension = true;
  p.extensionData = Buffer.alloc(3);
  assert.throws(() => writeRtp(p, Buffer.alloc(400), 0), RangeError);
});

const MALFORMED: [string, Buffer, RtpParseError][] = [
  ['empty', Buffer.alloc(0), 'short-header'],
  ['11 bytes', hex('80001234000000a0deadbe'), 'short-header'],
  ['version 1', hex('40001234000000a0deadbeef'), 'bad-version'],
  ['version 0 (STUN-like)', hex('00011234000000a0deadbeef'), 'bad-version'],
  ['CC=1 without the CSRC', hex('81001234000000a0deadbeef'), 'short-csrc'],
  ['CC=15 with 2 CSRCs', hex('8f001234000000a0deadbeef 00000001 00000002'), 'short-csrc'],
  ['X=1 without extension header', hex('90001234000000a0deadbeef bede'), 'short-extension-header'],
  ['extension length 2, 1 word present', hex('90001234000000a0deadbeef bede0002 00000000'), 'short-extension'],
  ['padding count 0', hex('a0001234000000a0deadbeef 0102 00'), 'bad-padding'],
  ['padding count beyond payload', hex('a0001234000000a0deadbeef 0102 04'), 'bad-padding'],
  ['padding count 255 in a short packet', hex('a0001234000000a0deadbeef ff'), 'bad-padding'],
];

for (const [name, bytes, reason] of MALFORMED) {
  test(`malformed RTP: ${name} → ${reason}`, () => {
    assert.equal(parseRtp(bytes, createRtpPacket()), reason);
  });
}

test('every truncation of a valid packet returns a reason or a shorter valid parse, never throws', () => {
  const p = createRtpPacket();
  for (let n = 0; n < FULL.length; n++) assert.doesNotThrow(() => parseRtp(FULL.subarray(0, n), p));
});

test('5000 random byte strings never throw (seeded, reproducible)', () => {
  let seed = 0x2545f491;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const p = createRtpPacket();
  const buf = Buffer.alloc(64);
  for (let i = 0; i < 5000; i++) {
    const n = rand() % 65;
    for (let j = 0; j < n; j++) buf[j] = rand() & 0xff;
    if (i % 2 === 0 && n > 0) buf[0] = 0x80 | (buf[0]! & 0x3f); // half of them with V=2, to reach deeper checks
    const reason = parseRtp(buf.subarray(0, n), p);
    if (reason === undefined) assert.ok(p.payload.length <= n);
  }
});
