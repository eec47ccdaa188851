// The sipp harness and scenarios, proven by pairing sipp with sipp on loopback (no Switchyard involved).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeDtmfPcap, makeUlawPcap, readRtpPcap } from '../helpers/pcap.js';
import { killAllSipp, runSipp, sipStartLines, sippAvailable, startSipp } from '../helpers/sipp.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';
const dir = mkdtempSync(join(tmpdir(), 'switchyard-sipp-test-'));

describe('pcap writer', () => {
  test('a 1 s 440 Hz tone is 50 PCMU packets of 160 bytes, 20 ms / 160 samples apart', () => {
    const path = join(dir, 'tone.pcap');
    assert.equal(makeUlawPcap(path, { durationMs: 1000, freqHz: 440 }), 50);
    const { linkType, packets } = readRtpPcap(path);
    assert.equal(linkType, 1);
    assert.equal(packets.length, 50);
    packets.forEach((p, i) => {
      assert.equal(p.payloadType, 0);
      assert.equal(p.marker, i === 0);
      assert.equal(p.payload.length, 160);
      assert.equal(p.seq, packets[0]!.seq + i);
      assert.equal(p.timestamp, packets[0]!.timestamp + 160 * i);
      assert.equal(p.atUs, 20_000 * i);
    });
    assert.ok(new Set(packets[0]!.payload).size > 20, 'a tone, not silence');
  });

  test('a DTMF digit is an RFC 4733 event: growing durations, then three end packets', () => {
    const path = join(dir, 'dtmf.pcap');
    assert.equal(makeDtmfPcap(path, { digit: '#', durationMs: 200 }), 13);
    const { packets } = readRtpPcap(path);
    assert.deepEqual(
      packets.map((p) => p.payloadType),
      packets.map(() => 101),
    );
    assert.ok(packets.every((p) => p.timestamp === packets[0]!.timestamp && p.payload[0] === 11));
    assert.equal(packets[0]!.marker, true);
    const ends = packets.filter((p) => (p.payload[1]! & 0x80) !== 0);
    assert.equal(ends.length, 3);
    assert.ok(ends.every((p) => p.payload.readUInt16BE(2) === 1600));
    assert.equal(packets[1]!.payload.readUInt16BE(2), 320);
  });

  test("reads sipp's own sample captures", { skip: skip && 'no sipp samples' }, () => {
    const { packets } = readRtpPcap('/usr/share/sip-tester/dtmf_2833_1.pcap');
    assert.ok(packets.length > 0 && packets.every((p) => p.payloadType === 101 && p.payload[0] === 1));
  });
});

describe('sipp against sipp', { skip }, () => {
  after(killAllSipp);

  test('uac-call against uas-answer: one call, INVITE/100/180/200/ACK/BYE/200 on the wire', async () => {
    const uas = await startSipp({ scenario: 'uas-answer', timeoutS: 10 });
    await uas.ready;
    const uac = await runSipp({
      scenario: 'uac-call',
      remote: `127.0.0.1:${uas.port}`,
      service: '1000',
      vars: { holdms: '300' },
      timeoutS: 10,
    });
    const server = await uas.done;
    assert.equal(uac.code, 0, uac.errors + uac.stdout.slice(-2000));
    assert.equal(server.code, 0, server.errors);
    assert.equal(uac.stats.successfulCalls, 1);
    assert.equal(uac.stats.failedCalls, 0);
    assert.equal(server.stats.successfulCalls, 1);
    assert.deepEqual(sipStartLines(uac.messages), ['INVITE', '100', '180', '200', 'ACK', 'BYE', '200']);
    assert.match(uac.messages, /m=audio \d+ RTP\/AVP 0 8 101/);
  });

  test('uac-call hangup=uas: the called side sends BYE, the caller answers it', async () => {
    const uas = await startSipp({ scenario: 'uas-answer', vars: { hangup: 'uas', holdms: '300' }, timeoutS: 10 });
    await uas.ready;
    const uac = await runSipp({
      scenario: 'uac-call',
      remote: `127.0.0.1:${uas.port}`,
      vars: { hangup: 'uas' },
      timeoutS: 10,
    });
    const server = await uas.done;
    assert.equal(uac.code, 0, uac.errors);
    assert.equal(server.code, 0, server.errors);
    assert.deepEqual(sipStartLines(server.messages), ['INVITE', '100', '180', '200', 'ACK', 'BYE', '200']);
  });

  test('uac-cancel against uas-ring: CANCEL → 200, 487 → ACK on the INVITE branch', async () => {
    const uas = await startSipp({ scenario: 'uas-ring', timeoutS: 10 });
    await uas.ready;
    const uac = await runSipp({ scenario: 'uac-cancel', remote: `127.0.0.1:${uas.port}`, timeoutS: 10 });
    const server = await uas.done;
    assert.equal(uac.code, 0, uac.errors);
    assert.equal(server.code, 0, server.errors);
    assert.deepEqual(sipStartLines(uac.messages), ['INVITE', '100', '180', 'CANCEL', '200', '487', 'ACK']);
    const branches = [...uac.messages.matchAll(/^Via: .*;branch=(\S+)/gm)].map((m) => m[1]);
    assert.equal(new Set(branches).size, 1, 'INVITE, CANCEL and the ACK of the 487 share one branch');
  });

  test('uac-expect-busy against uas-busy: 486 then ACK', async () => {
    const uas = await startSipp({ scenario: 'uas-busy', timeoutS: 10 });
    await uas.ready;
    const uac = await runSipp({ scenario: 'uac-expect-busy', remote: `127.0.0.1:${uas.port}`, timeoutS: 10 });
    const server = await uas.done;
    assert.equal(uac.code, 0, uac.errors);
    assert.equal(server.code, 0, server.errors);
    assert.deepEqual(sipStartLines(uac.messages), ['INVITE', '100', '486', 'ACK']);
  });

  test('uac-info-dtmf: INFO application/dtmf-relay answered 200 (sipp -aa on the far end)', async () => {
    const uas = await startSipp({ scenario: 'uas-answer', extraArgs: ['-aa'], timeoutS: 10 });
    await uas.ready;
    const uac = await runSipp({
      scenario: 'uac-info-dtmf',
      remote: `127.0.0.1:${uas.port}`,
      keys: { digit: '5', duration: '250' },
      vars: { holdms: '200' },
      timeoutS: 10,
    });
    assert.equal(uac.code, 0, uac.errors);
    assert.equal((await uas.done).code, 0);
    assert.deepEqual(sipStartLines(uac.messages), ['INVITE', '100', '180', '200', 'ACK', 'INFO', '200', 'BYE', '200']);
    assert.match(uac.messages, /Content-Type: application\/dtmf-relay[\s\S]*Signal=5\r?\nDuration=250/);
  });

  test('uac-dtmf: the RFC 4733 pcap is played, then the far end hangs up', async () => {
    const dtmf = join(dir, 'dtmf-5.pcap');
    makeDtmfPcap(dtmf, { digit: '5', durationMs: 100 });
    const uas = await startSipp({ scenario: 'uas-answer', vars: { hangup: 'uas', holdms: '400' }, timeoutS: 10 });
    await uas.ready;
    const uac = await runSipp({ scenario: 'uac-dtmf', remote: `127.0.0.1:${uas.port}`, keys: { dtmf }, timeoutS: 10 });
    assert.equal(uac.code, 0, uac.errors);
    assert.equal((await uas.done).code, 0);
    assert.deepEqual(sipStartLines(uac.messages).slice(-2), ['BYE', '200']);
  });

  test('a call that gets no answer fails within the timeout instead of hanging', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((res) => silent.bind(0, '127.0.0.1', res));
    try {
      const started = Date.now();
      const uac = await runSipp({ scenario: 'uac-call', remote: `127.0.0.1:${silent.address().port}`, timeoutS: 2 });
      assert.notEqual(uac.code, 0);
      assert.ok(Date.now() - started < 8000);
    } finally {
      silent.close();
    }
  });

  test('the generated pcap is played by sipp: RTP arrives on a plain dgram socket', async () => {
    const pcap = join(dir, 'play.pcap');
    makeUlawPcap(pcap, { durationMs: 400, freqHz: 1000 });
    const sink = createSocket('udp4');
    const got: Buffer[] = [];
    sink.on('message', (m) => got.push(m));
    await new Promise<void>((res) => sink.bind(0, '127.0.0.1', res));
    try {
      // The called sipp advertises the sink's port in its SDP; the caller plays the pcap there after ACK.
      const uas = await startSipp({
        scenario: 'uas-answer',
        keys: { sdp_port: String(sink.address().port) },
        timeoutS: 10,
      });
      await uas.ready;
      const uac = await runSipp({
        scenario: 'uac-call',
        remote: `127.0.0.1:${uas.port}`,
        keys: { pcap },
        vars: { holdms: '800' },
        timeoutS: 10,
      });
      assert.equal(uac.code, 0, uac.errors);
      assert.equal((await uas.done).code, 0);
      assert.equal(got.length, 20);
      const first = got[0]!;
      assert.equal(first[0]! >> 6, 2);
      assert.equal(first[1]! & 0x7f, 0);
      assert.equal(first.length, 12 + 160);
    } finally {
      sink.close();
    }
  });
});
