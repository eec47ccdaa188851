import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createRtcpCompound,
  parseRtcpCompound,
  rtcpCompoundSize,
  writeRtcpCompound,
  type RtcpParseError,
} from '../../src/rtp/rtcp/compound.js';
import { compactNtp } from '../../src/rtp/rtcp/reports.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RR from 0x11223344 about 0x55667788: fraction 2, cumulative 3, ext seq 0x00010010, jitter 32, LSR, DLSR 0.5 s.
const RR = '81c90007 11223344  55667788 02000003 00010010 00000020 12345678 00008000';
// SDES, one chunk for 0x11223344 with CNAME "abcdefgh", null item + one pad octet.
const SDES = '81ca0004 11223344 0108 6162636465666768 0000';
// SR from 0x11223344: NTP 0xe8f1a2b3.80000000, RTP ts 16000, 50 packets, 8000 octets, no report blocks.
const SR = '80c80006 11223344 e8f1a2b3 80000000 00003e80 00000032 00001f40';
// BYE for 0x11223344 with reason "bye" (length octet + 3 octets = 4).
const BYE = '81cb0002 11223344 03627965';

test('RR + SDES (what Asterisk sends when it is not sending media) parses field by field', () => {
  const c = createRtcpCompound();
  assert.equal(parseRtcpCompound(hex(RR + SDES), c), undefined);
  assert.equal(c.receiverReports.length, 1);
  const rr = c.receiverReports[0]!;
  assert.equal(rr.ssrc, 0x11223344);
  assert.deepEqual(rr.reports, [
    {
      ssrc: 0x55667788,
      fractionLost: 2,
      cumulativeLost: 3,
      extendedHighestSeq: 0x10010,
      jitter: 32,
      lastSr: 0x12345678,
      delaySinceLastSr: 0x8000,
    },
  ]);
  assert.deepEqual(c.sdes, [{ ssrc: 0x11223344, cname: 'abcdefgh' }]);
  assert.equal(c.senderReports.length, 0);
});

test('SR + SDES + BYE parses, and LSR is the middle 32 bits of the NTP timestamp', () => {
  const c = createRtcpCompound();
  assert.equal(parseRtcpCompound(hex(SR + SDES + BYE), c), undefined);
  const sr = c.senderReports[0]!;
  assert.equal(sr.ntpSeconds, 0xe8f1a2b3);
  assert.equal(sr.ntpFraction, 0x80000000);
  assert.equal(sr.rtpTimestamp, 16000);
  assert.equal(sr.packetCount, 50);
  assert.equal(sr.octetCount, 8000);
  assert.deepEqual(sr.reports, []);
  assert.equal(compactNtp(sr), 0xa2b38000);
  assert.deepEqual(c.byes, [{ ssrcs: [0x11223344], reason: 'bye' }]);
});

test('parse → write round-trips byte for byte; size is exact', () => {
  for (const raw of [hex(RR + SDES), hex(SR + SDES + BYE), hex(RR)]) {
    const c = createRtcpCompound();
    assert.equal(parseRtcpCompound(raw, c), undefined);
    assert.equal(rtcpCompoundSize(c), raw.length);
    const dst = Buffer.alloc(raw.length + 4);
    assert.equal(writeRtcpCompound(c, dst, 2), raw.length);
    assert.deepEqual(dst.subarray(2, 2 + raw.length), raw);
  }
});

test('negative cumulative lost and a multi-byte CNAME survive a round trip', () => {
  const c = createRtcpCompound();
  c.receiverReports.push({
    ssrc: 1,
    reports: [
      {
        ssrc: 2,
        fractionLost: 0,
        cumulativeLost: -5,
        extendedHighestSeq: 70000,
        jitter: 7,
        lastSr: 0,
        delaySinceLastSr: 0,
      },
    ],
  });
  c.sdes.push({ ssrc: 1, cname: 'sw@例え.jp' });
  c.byes.push({ ssrcs: [1], reason: '' });
  const dst = Buffer.alloc(rtcpCompoundSize(c));
  writeRtcpCompound(c, dst, 0);
  assert.equal(dst.length % 4, 0);
  const back = createRtcpCompound();
  assert.equal(parseRtcpCompound(dst, back), undefined);
  assert.deepEqual(back, { ...c, otherCount: 0 });
});

test('unknown packet types (APP, XR, PSFB) are counted and skipped; a trailing padded packet is accepted', () => {
  const c = createRtcpCompound();
  // RR (empty) + APP "name" + padded BYE (P=1, 4 padding octets counted in length)
  const raw = hex('80c90001 11223344  80cc0002 11223344 6e616d65  a1cb0002 11223344 00000004');
  assert.equal(parseRtcpCompound(raw, c), undefined);
  assert.equal(c.otherCount, 1);
  assert.deepEqual(c.byes, [{ ssrcs: [0x11223344], reason: '' }]);
});

test('a reused compound drops items from the previous datagram', () => {
  const c = createRtcpCompound();
  parseRtcpCompound(hex(SR + SDES + BYE), c);
  assert.equal(parseRtcpCompound(hex(RR), c), undefined);
  assert.equal(c.senderReports.length, 0);
  assert.equal(c.sdes.length, 0);
  assert.equal(c.byes.length, 0);
  assert.equal(c.receiverReports.length, 1);
});

const MALFORMED: [string, string, RtcpParseError][] = [
  ['empty datagram', '', 'short-header'],
  ['3 bytes', '81c900', 'short-header'],
  ['version 1', '41c90001 11223344', 'bad-version'],
  ['length past the datagram', '81c90007 11223344', 'bad-length'],
  ['first packet is SDES', SDES, 'first-not-report'],
  ['RR with RC=2 and one block', '82c90007 11223344 55667788 02000003 00010010 00000020 12345678 00008000', 'short-rr'],
  ['SR shorter than the sender info', '80c80003 11223344 e8f1a2b3 80000000 00003e80', 'short-sr'],
  ['SDES item length past the chunk', RR + '81ca0002 11223344 01200000', 'bad-sdes-item'],
  ['SDES chunk without null item', RR + '81ca0002 11223344 01026162', 'short-sdes'],
  ['SDES with SC=2 and one chunk', RR + '82ca0002 11223344 00000000', 'short-sdes'],
  ['BYE with SC=2 and one SSRC', RR + '82cb0001 11223344', 'short-bye'],
  ['BYE reason longer than the packet', RR + '81cb0002 11223344 09627965', 'short-bye'],
  ['padding on a packet that is not last', 'a0c90002 11223344 00000004' + SDES, 'padding-not-last'],
  ['padding count 0', 'a0c90002 11223344 00000000', 'bad-padding'],
  ['padding count larger than the body', 'a0c90001 11223344', 'bad-padding'],
  ['2 stray bytes after a valid RR', RR + '81ca', 'short-header'],
];

for (const [name, bytes, reason] of MALFORMED) {
  test(`malformed RTCP: ${name} → ${reason}`, () => {
    assert.equal(parseRtcpCompound(hex(bytes), createRtcpCompound()), reason);
  });
}

test('5000 random datagrams (half starting like RTCP) never throw', () => {
  let seed = 0x9e3779b9;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const c = createRtcpCompound();
  const buf = Buffer.alloc(96);
  for (let i = 0; i < 5000; i++) {
    const n = rand() % 97;
    for (let j = 0; j < n; j++) buf[j] = rand() & 0xff;
    if (i % 2 === 0 && n >= 4) {
      buf[0] = 0x80 | (buf[0]! & 0x3f);
      buf[1] = 200 + (rand() % 5);
      buf.writeUInt16BE(Math.min(rand() % 24, (n >> 2) - 1), 2);
    }
    parseRtcpCompound(buf.subarray(0, n), c);
  }
});

test('writeRtcpCompound refuses a compound without a report', () => {
  const c = createRtcpCompound();
  c.byes.push({ ssrcs: [1], reason: '' });
  assert.throws(() => writeRtcpCompound(c, Buffer.alloc(64), 0), RangeError);
});
