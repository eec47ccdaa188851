import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTelephoneEvent, type TelephoneEvent } from '../../../src/rtp/dtmf-4733.js';
import { RtpPortPool } from '../../../src/rtp/session/port-pool.js';
import { RtpSession } from '../../../src/rtp/session/rtp-session.js';
import { Peer, rtpBytes, rtpConfig, sleep, waitFor } from './helpers.js';

const config = rtpConfig({ dtmfTimeout: 60 });
const pool = new RtpPortPool(config.rtpStart, config.rtpEnd);

async function open(telephoneEventPt?: number): Promise<RtpSession> {
  const s = await RtpSession.open({ host: '127.0.0.1', pool, config, symmetric: false });
  if ('error' in s) throw new Error(s.message);
  s.setFormat({ payloadType: 0, sampleRate: 8000, telephoneEventPt });
  return s;
}

function event(payload: Buffer): TelephoneEvent {
  const ev: TelephoneEvent = { event: 0, isEnd: false, volume: 0, duration: 0 };
  assert.equal(parseTelephoneEvent(payload, ev), undefined);
  return ev;
}

const te = (digitEvent: number, isEnd: boolean, duration: number): Buffer => {
  const b = Buffer.alloc(4);
  b[0] = digitEvent;
  b[1] = (isEnd ? 0x80 : 0) | 10;
  b.writeUInt16BE(duration, 2);
  return b;
};

test('DTMF out is what Asterisk sends: 2 begin packets, 3 end packets, one timestamp', async () => {
  const s = await open(101);
  const peer = await Peer.open();
  s.setRemote('127.0.0.1', peer.port);
  s.sendAudio(Buffer.alloc(160, 0xff), 160);
  s.sendAudio(Buffer.alloc(160, 0xff), 160);
  assert.equal(s.beginDtmf('5'), true);
  await waitFor(() => peer.received.length === 4, 'the begin packets');
  assert.equal(s.sendAudio(Buffer.alloc(160, 0xff), 160), false, 'no audio during a digit');
  assert.equal(s.endDtmf('5', 200), true);
  s.sendAudio(Buffer.alloc(160, 0xff), 160);
  await waitFor(() => peer.received.length === 8, 'the end packets and the audio after');
  const p = peer.rtp();
  const digit = p.slice(2, 7);
  assert.ok(digit.every((x) => x.payloadType === 101 && x.ssrc === s.localSsrc));
  assert.deepEqual(
    digit.map((x) => x.marker),
    [true, false, false, false, false],
  );
  assert.deepEqual(
    digit.map((x) => event(x.payload)),
    [
      { event: 5, isEnd: false, volume: 10, duration: 160 },
      { event: 5, isEnd: false, volume: 10, duration: 320 },
      { event: 5, isEnd: true, volume: 10, duration: 1600 },
      { event: 5, isEnd: true, volume: 10, duration: 1600 },
      { event: 5, isEnd: true, volume: 10, duration: 1600 },
    ],
  );
  const eventTs = (p[1]!.timestamp + 160) >>> 0; // where audio stood when the digit began
  assert.ok(digit.every((x) => x.timestamp === eventTs));
  for (let i = 1; i < p.length; i++) assert.equal(p[i]!.sequenceNumber, (p[0]!.sequenceNumber + i) & 0xffff);
  const resumed = p[7]!;
  assert.equal(resumed.payloadType, 0);
  assert.equal(resumed.marker, true);
  assert.equal(resumed.timestamp, (eventTs + 1600) >>> 0);
  peer.close();
  await s.close();
});

test('DTMF out without a negotiated telephone-event is dropped silently', async () => {
  const s = await open(undefined);
  const peer = await Peer.open();
  s.setRemote('127.0.0.1', peer.port);
  assert.equal(s.beginDtmf('1'), false);
  assert.equal(s.endDtmf('1', 100), false);
  await sleep(30);
  assert.equal(peer.received.length, 0);
  assert.equal(s.stats().txcount, 0);
  peer.close();
  await s.close();
});

test('DTMF in: begin on the first packet, end once on the end packets with duration / 8 ms', async () => {
  const s = await open(101);
  const peer = await Peer.open();
  s.setRemote('127.0.0.1', peer.port);
  const calls: string[] = [];
  s.onDtmfBegin = (d) => calls.push(`begin ${d}`);
  s.onDtmfEnd = (d, ms) => calls.push(`end ${d} ${ms}`);
  const audio: number[] = [];
  s.onAudio = (_p, pt) => audio.push(pt);
  const ts = 48000;
  const packets = [
    rtpBytes(101, 10, ts, 0x77, te(11, false, 160), true),
    rtpBytes(101, 11, ts, 0x77, te(11, false, 320)),
    rtpBytes(101, 12, ts, 0x77, te(11, false, 480)),
    rtpBytes(101, 13, ts, 0x77, te(11, true, 1440)),
    rtpBytes(101, 14, ts, 0x77, te(11, true, 1440)),
    rtpBytes(101, 15, ts, 0x77, te(11, true, 1440)),
  ];
  for (const p of packets) await peer.send(p, s.localPort);
  await waitFor(() => calls.length === 2, 'begin and end');
  await sleep(100); // past dtmfTimeout: nothing more
  assert.deepEqual(calls, ['begin #', 'end # 180']);
  assert.deepEqual(audio, [], 'telephone-events are not audio');
  assert.equal(s.stats().rxcount, 6);
  peer.close();
  await s.close();
});

test('DTMF in whose end packets are lost ends after dtmfTimeout with the last duration', async () => {
  const s = await open(96);
  const peer = await Peer.open();
  s.setRemote('127.0.0.1', peer.port);
  const ends: [string, number][] = [];
  s.onDtmfEnd = (d, ms) => ends.push([d, ms]);
  await peer.send(rtpBytes(96, 1, 8000, 0x78, te(7, false, 160), true), s.localPort);
  await peer.send(rtpBytes(96, 2, 8000, 0x78, te(7, false, 320)), s.localPort);
  const sentAt = Date.now();
  await waitFor(() => ends.length === 1, 'the timeout');
  assert.ok(Date.now() - sentAt >= 50, 'not before dtmfTimeout');
  assert.deepEqual(ends, [['7', 40]]);
  // a second lost end: the timer is re-armed
  await peer.send(rtpBytes(96, 3, 16000, 0x78, te(1, false, 160), true), s.localPort);
  await waitFor(() => ends.length === 2, 'the second timeout');
  assert.deepEqual(ends[1], ['1', 20]);
  peer.close();
  await s.close();
});

test('DTMF between two sessions', async () => {
  const a = await open(101);
  const b = await open(101);
  a.setRemote('127.0.0.1', b.localPort);
  b.setRemote('127.0.0.1', a.localPort);
  const calls: string[] = [];
  b.onDtmfBegin = (d) => calls.push(`begin ${d}`);
  b.onDtmfEnd = (d, ms) => calls.push(`end ${d} ${ms}`);
  for (const [digit, ms] of [
    ['1', 100],
    ['A', 250],
  ] as const) {
    a.beginDtmf(digit);
    a.endDtmf(digit, ms);
  }
  await waitFor(() => calls.length === 4, 'two digits');
  assert.deepEqual(calls, ['begin 1', 'end 1 100', 'begin A', 'end A 250']);
  await Promise.all([a.close(), b.close()]);
});
