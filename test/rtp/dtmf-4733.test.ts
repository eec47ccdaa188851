import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  digitToEvent,
  eventToDigit,
  parseTelephoneEvent,
  telephoneEventPackets,
  writeTelephoneEvent,
  type TelephoneEvent,
} from '../../src/rtp/dtmf-4733.js';
import { DtmfReceiver } from '../../src/rtp/dtmf-receiver.js';
import { createRtpPacket, parseRtp } from '../../src/rtp/packet.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const blank = (): TelephoneEvent => ({ event: 0, isEnd: false, volume: 0, duration: 0 });

test('a telephone-event RTP packet parses: digit 5, E bit, volume 10, duration 1440', () => {
  // PT 101, seq 0x0102, ts 0x0000c350, SSRC 0x11223344; payload 05 8a 05a0
  const rtp = createRtpPacket();
  assert.equal(parseRtp(hex('80 65 0102 0000c350 11223344 05 8a 05a0'), rtp), undefined);
  const ev = blank();
  assert.equal(parseTelephoneEvent(rtp.payload, ev), undefined);
  assert.deepEqual(ev, { event: 5, isEnd: true, volume: 10, duration: 1440 });
  const out = Buffer.alloc(4);
  assert.equal(writeTelephoneEvent(ev, out, 0), 4);
  assert.deepEqual(out, hex('058a05a0'));
});

test('the R bit is ignored, short payloads return a reason', () => {
  const ev = blank();
  assert.equal(parseTelephoneEvent(hex('0b 4a 00a0'), ev), undefined);
  assert.deepEqual(ev, { event: 11, isEnd: false, volume: 10, duration: 160 });
  for (let n = 0; n < 4; n++) assert.equal(parseTelephoneEvent(Buffer.alloc(n), ev), 'short-payload');
});

test('event codes map to DTMF characters and back', () => {
  const pairs: [number, string][] = [
    [0, '0'],
    [9, '9'],
    [10, '*'],
    [11, '#'],
    [12, 'A'],
    [15, 'D'],
    [16, '!'],
  ];
  for (const [code, digit] of pairs) {
    assert.equal(eventToDigit(code), digit);
    assert.equal(digitToEvent(digit), code);
  }
  assert.equal(digitToEvent('b'), 13);
  assert.equal(eventToDigit(17), undefined);
  assert.equal(digitToEvent('x'), undefined);
  assert.equal(digitToEvent('12'), undefined);
});

test('the sender yields marker first, growing durations, then three identical end packets (Asterisk, 200 ms)', () => {
  const steps = [...telephoneEventPackets({ digit: '1', durationMs: 200 })];
  assert.equal(steps.length, 9 + 3);
  assert.deepEqual(
    steps.map((s) => s.duration),
    [160, 320, 480, 640, 800, 960, 1120, 1280, 1440, 1600, 1600, 1600],
  );
  assert.deepEqual(
    steps.map((s) => s.marker),
    [true, ...Array<boolean>(11).fill(false)],
  );
  assert.deepEqual(
    steps.map((s) => s.isEnd),
    [...Array<boolean>(9).fill(false), true, true, true],
  );
  assert.deepEqual(
    steps.map((s) => s.sendAtMs),
    [0, 20, 40, 60, 80, 100, 120, 140, 160, 200, 200, 200],
  );
  assert.ok(steps.every((s) => s.event === 1 && s.volume === 10));
  assert.throws(() => [...telephoneEventPackets({ digit: 'x', durationMs: 100 })], RangeError);
  assert.throws(() => [...telephoneEventPackets({ digit: '1', durationMs: 9000 })], RangeError);
});

function recorder(): { log: string[]; rx: DtmfReceiver } {
  const log: string[] = [];
  const rx = new DtmfReceiver({
    onDigitBegin: (d) => log.push(`begin ${d}`),
    onDigitEnd: (d, ms) => log.push(`end ${d} ${ms}`),
  });
  return { log, rx };
}

const ev = (event: number, duration: number, isEnd = false): TelephoneEvent => ({ event, isEnd, volume: 10, duration });

test('the sender output fed to the receiver gives one begin and one end with the duration in ms', () => {
  const { log, rx } = recorder();
  for (const s of telephoneEventPackets({ digit: '#', durationMs: 180 })) rx.receive(s, 48000);
  assert.deepEqual(log, ['begin #', 'end # 180']);
});

test('a lost start packet still begins the digit; triple ends are reported once', () => {
  const { log, rx } = recorder();
  // the marker packet (duration 160) is lost
  rx.receive(ev(5, 320), 1000);
  rx.receive(ev(5, 480), 1000);
  rx.receive(ev(5, 1440, true), 1000);
  rx.receive(ev(5, 1440, true), 1000);
  rx.receive(ev(5, 1440, true), 1000);
  assert.deepEqual(log, ['begin 5', 'end 5 180']);
});

test('a digit whose only surviving packet is an end begins and ends at once', () => {
  const { log, rx } = recorder();
  rx.receive(ev(7, 800, true), 2000);
  rx.receive(ev(7, 800, true), 2000);
  assert.deepEqual(log, ['begin 7', 'end 7 100']);
});

test('when all end packets are lost, the next digit ends the previous one with its last duration', () => {
  const { log, rx } = recorder();
  rx.receive(ev(1, 160), 1000);
  rx.receive(ev(1, 640), 1000);
  rx.receive(ev(2, 160), 3000);
  assert.equal(rx.isActive, true);
  rx.expire();
  rx.expire();
  assert.deepEqual(log, ['begin 1', 'end 1 80', 'begin 2', 'end 2 20']);
});

test('late and reordered packets of an ended or older event are absorbed', () => {
  const { log, rx } = recorder();
  rx.receive(ev(3, 160), 5000);
  rx.receive(ev(3, 800, true), 5000);
  rx.receive(ev(3, 480), 5000); // reordered update after the end
  rx.receive(ev(9, 160), 4000); // an older event
  rx.receive(ev(4, 160), 6000);
  rx.receive(ev(3, 960), 5000); // older event while 4 is active
  rx.receive(ev(4, 800, true), 6000);
  assert.deepEqual(log, ['begin 3', 'end 3 100', 'begin 4', 'end 4 100']);
});

test('the same digit pressed twice is two events (two timestamps), across timestamp wrap', () => {
  const { log, rx } = recorder();
  rx.receive(ev(8, 400, true), 0xffffff00);
  rx.receive(ev(8, 400, true), 0x00000100);
  assert.deepEqual(log, ['begin 8', 'end 8 50', 'begin 8', 'end 8 50']);
});
