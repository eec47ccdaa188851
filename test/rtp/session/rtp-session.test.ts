import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpPortPool } from '../../../src/rtp/session/port-pool.js';
import { RtpSession } from '../../../src/rtp/session/rtp-session.js';
import type { RtpConfig } from '../../../src/config/pjsip-types.js';
import { Peer, hasIpv6Loopback, rtpBytes, rtpConfig, sleep, waitFor } from './helpers.js';

const config = rtpConfig();
const pool = new RtpPortPool(config.rtpStart, config.rtpEnd);

async function open(opts: { host?: string; symmetric?: boolean; config?: RtpConfig } = {}): Promise<RtpSession> {
  const s = await RtpSession.open({
    host: opts.host ?? '127.0.0.1',
    pool,
    config: opts.config ?? config,
    symmetric: opts.symmetric ?? false,
  });
  if ('error' in s) throw new Error(s.message);
  s.setFormat({ payloadType: 0, sampleRate: 8000 });
  return s;
}

interface Heard {
  payload: Buffer;
  pt: number;
  samples: number;
}
function listen(s: RtpSession): Heard[] {
  const heard: Heard[] = [];
  s.onAudio = (payload, pt, samples) => heard.push({ payload: Buffer.from(payload), pt, samples });
  return heard;
}

const frame = (fill: number): Buffer => Buffer.alloc(160, fill);

for (const host of ['127.0.0.1', '::1']) {
  test(`two sessions on ${host} exchange G.711 both ways`, async (t) => {
    if (host === '::1' && !(await hasIpv6Loopback())) return t.skip('no ::1');
    const a = await open({ host });
    const b = await open({ host });
    a.setRemote(host, b.localPort);
    b.setRemote(host, a.localPort);
    const atA = listen(a);
    const atB = listen(b);
    for (let i = 0; i < 5; i++) {
      assert.equal(a.sendAudio(frame(i), 160), true);
      assert.equal(b.sendAudio(frame(0x80 + i), 160), true);
    }
    await waitFor(() => atA.length === 5 && atB.length === 5, 'five frames each way');
    assert.deepEqual(
      atB.map((h) => h.payload[0]),
      [0, 1, 2, 3, 4],
    );
    assert.deepEqual(
      atA.map((h) => h.payload[0]),
      [0x80, 0x81, 0x82, 0x83, 0x84],
    );
    assert.ok(atB.every((h) => h.pt === 0 && h.samples === 160 && h.payload.length === 160));
    assert.equal(a.stats().txcount, 5);
    assert.equal(b.stats().rxcount, 5);
    assert.equal(b.stats().rxoctetcount, 800);
    assert.equal(b.stats().remote_ssrc, a.localSsrc);
    assert.equal(b.dropCount, 0);
    await Promise.all([a.close(), b.close()]);
  });
}

test('one SSRC, consecutive sequence numbers, timestamps by samples, marker on the first packet', async () => {
  const s = await open();
  const peer = await Peer.open();
  s.setRemote('127.0.0.1', peer.port);
  for (let i = 0; i < 4; i++) s.sendAudio(frame(i), 160);
  await waitFor(() => peer.received.length === 4, '4 packets');
  const p = peer.rtp();
  assert.deepEqual(
    p.map((x) => x.marker),
    [true, false, false, false],
  );
  for (let i = 1; i < 4; i++) {
    assert.equal(p[i]!.sequenceNumber, (p[0]!.sequenceNumber + i) & 0xffff);
    assert.equal(p[i]!.timestamp, (p[0]!.timestamp + 160 * i) >>> 0);
    assert.equal(p[i]!.ssrc, s.localSsrc);
    assert.equal(p[i]!.payloadType, 0);
  }
  // after a silence the next packet starts a talkspurt: marker, and the timestamp moved with the clock
  await sleep(300);
  s.sendAudio(frame(9), 160);
  await waitFor(() => peer.received.length === 5, 'the packet after silence');
  const after = peer.rtp()[4]!;
  assert.equal(after.marker, true);
  assert.equal(after.sequenceNumber, (p[3]!.sequenceNumber + 1) & 0xffff);
  const jump = (after.timestamp - p[3]!.timestamp) >>> 0;
  assert.ok(jump >= 290 * 8 && jump <= 1000 * 8, `timestamp advanced ${jump}`);
  peer.close();
  await s.close();
});

test('strict RTP: after probation a third socket is ignored', async () => {
  const s = await open();
  const heard = listen(s);
  const peer = await Peer.open();
  const intruder = await Peer.open();
  s.setRemote('127.0.0.1', peer.port);
  for (let seq = 100; seq < 104; seq++) await peer.send(rtpBytes(0, seq, seq * 160, 0x1111, frame(1)), s.localPort);
  await waitFor(() => heard.length === 4, 'the SDP peer');
  for (let seq = 0; seq < 6; seq++) await intruder.send(rtpBytes(0, seq, seq * 160, 0x2222, frame(2)), s.localPort);
  await peer.send(rtpBytes(0, 104, 104 * 160, 0x1111, frame(3)), s.localPort);
  await waitFor(() => heard.length === 5, "the peer's next packet");
  assert.deepEqual(
    heard.map((h) => h.payload[0]),
    [1, 1, 1, 1, 3],
  );
  assert.equal(s.drops.get('source'), 6);
  assert.equal(s.stats().remote_ssrc, 0x1111);
  peer.close();
  intruder.close();
  await s.close();
});

test('symmetric RTP: packets go to the learned source, not the SDP address', async () => {
  const s = await open({ symmetric: true });
  const sdpPeer = await Peer.open();
  const natPeer = await Peer.open();
  s.setRemote('127.0.0.1', sdpPeer.port);
  for (let seq = 0; seq < 4; seq++) await natPeer.send(rtpBytes(0, seq, seq * 160, 0x3333, frame(1)), s.localPort);
  await waitFor(() => s.remote.port === natPeer.port, 'latching onto the NAT address');
  assert.equal(s.drops.get('source'), 3, 'dropped while on probation');
  s.sendAudio(frame(7), 160);
  await waitFor(() => natPeer.received.length === 1, 'audio at the learned source');
  await sleep(20);
  assert.equal(sdpPeer.received.length, 0);
  sdpPeer.close();
  natPeer.close();
  await s.close();
});

test('not strict, not symmetric: any source is heard, audio still goes to the SDP address', async () => {
  const s = await open({ config: { ...config, strictRtp: false } });
  const heard = listen(s);
  const sdpPeer = await Peer.open();
  const other = await Peer.open();
  s.setRemote('127.0.0.1', sdpPeer.port);
  await other.send(rtpBytes(0, 5, 800, 0x4444, frame(4)), s.localPort);
  await waitFor(() => heard.length === 1, 'audio from anyone');
  s.sendAudio(frame(7), 160);
  await waitFor(() => sdpPeer.received.length === 1, 'audio at the SDP address');
  assert.equal(other.received.length, 0);
  sdpPeer.close();
  other.close();
  await s.close();
});

test('garbage, oversize, wrong-version and RTCP-on-RTP datagrams are counted and dropped', async () => {
  const s = await open({ config: { ...config, strictRtp: false } });
  const heard = listen(s);
  const peer = await Peer.open();
  const v1 = rtpBytes(0, 1, 160, 0x5555, frame(0));
  v1[0] = 0x40;
  const rtcpRr = Buffer.from('81c90007deadbeef' + '00'.repeat(24), 'hex');
  const bad: Buffer[] = [
    Buffer.from('abc'),
    v1,
    rtpBytes(0, 2, 320, 0x5555, Buffer.alloc(1600)),
    rtcpRr,
    Buffer.from('a0000001000000000000000000', 'hex'), // padding count 0
  ];
  for (const b of bad) await peer.send(b, s.localPort);
  await peer.send(rtpBytes(0, 3, 480, 0x5555, frame(5)), s.localPort);
  await waitFor(() => heard.length === 1, 'the good packet after the bad ones');
  assert.deepEqual(Object.fromEntries(s.drops), {
    'short-header': 1,
    'bad-version': 1,
    oversize: 1,
    'rtcp-on-rtp-port': 1,
    'bad-padding': 1,
  });
  assert.equal(s.dropCount, 5);
  assert.equal(s.stats().rxcount, 1);
  await peer.send(Buffer.from('not rtcp at all'), s.localRtcpPort);
  await waitFor(() => s.drops.get('rtcp') === 1, 'the bad RTCP datagram');
  peer.close();
  await s.close();
});

test('nothing is sent before a remote or a format is known, nor after close', async () => {
  const r = await RtpSession.open({ host: '127.0.0.1', pool, config, symmetric: false });
  if ('error' in r) throw new Error(r.message);
  assert.equal(r.sendAudio(frame(0), 160), false, 'no format');
  r.setFormat({ payloadType: 8, sampleRate: 8000 });
  assert.equal(r.sendAudio(frame(0), 160), false, 'no remote');
  const closing = r.close();
  assert.equal(r.close(), closing, 'close is idempotent');
  await closing;
  r.setRemote('127.0.0.1', 9);
  assert.equal(r.sendAudio(frame(0), 160), false, 'closed');
});
