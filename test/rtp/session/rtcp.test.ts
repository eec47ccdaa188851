import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRtcpCompound, parseRtcpCompound, type RtcpCompound } from '../../../src/rtp/rtcp/compound.js';
import { RtpPortPool } from '../../../src/rtp/session/port-pool.js';
import { RtpSession } from '../../../src/rtp/session/rtp-session.js';
import type { RtpConfig } from '../../../src/config/pjsip-types.js';
import { Peer, rtpBytes, rtpConfig, waitFor } from './helpers.js';

const config = rtpConfig();
const pool = new RtpPortPool(config.rtpStart, config.rtpEnd);

async function open(cfg: RtpConfig = config): Promise<RtpSession> {
  const s = await RtpSession.open({ host: '127.0.0.1', pool, config: cfg, symmetric: false, cname: 'test-cname' });
  if ('error' in s) throw new Error(s.message);
  s.setFormat({ payloadType: 0, sampleRate: 8000 });
  return s;
}

function rtcp(buf: Buffer): RtcpCompound {
  const c = createRtcpCompound();
  assert.equal(parseRtcpCompound(buf, c), undefined);
  return c;
}

// ARI RTPstat (ari-models.md), without channel_uniqueid which the channel adds.
const RTPSTAT_FIELDS = [
  'txcount', 'rxcount', 'txjitter', 'rxjitter',
  'remote_maxjitter', 'remote_minjitter', 'remote_normdevjitter', 'remote_stdevjitter',
  'local_maxjitter', 'local_minjitter', 'local_normdevjitter', 'local_stdevjitter',
  'txploss', 'rxploss',
  'remote_maxrxploss', 'remote_minrxploss', 'remote_normdevrxploss', 'remote_stdevrxploss',
  'local_maxrxploss', 'local_minrxploss', 'local_normdevrxploss', 'local_stdevrxploss',
  'rtt', 'maxrtt', 'minrtt', 'normdevrtt', 'stdevrtt',
  'local_ssrc', 'remote_ssrc', 'txoctetcount', 'rxoctetcount',
]; // prettier-ignore

test('an SR/RR exchange between two sessions gives the round-trip time and every RTPstat field', async () => {
  const a = await open();
  const b = await open();
  a.setRemote('127.0.0.1', b.localPort);
  b.setRemote('127.0.0.1', a.localPort);
  for (let i = 0; i < 10; i++) {
    a.sendAudio(Buffer.alloc(160, i), 160);
    b.sendAudio(Buffer.alloc(160, i), 160);
  }
  await waitFor(() => a.stats().rxcount === 10 && b.stats().rxcount === 10, 'audio both ways');
  assert.equal(a.sendRtcpReport(), true); // SR: A sent RTP
  await waitFor(() => b.rtcpCounters().received === 1, "A's SR at B");
  assert.equal(b.sendRtcpReport(), true); // SR with a block about A echoing A's SR (LSR/DLSR)
  await waitFor(() => a.rtcpCounters().rttSamples === 1, 'an RTT at A');
  const sa = a.stats();
  assert.deepEqual(Object.keys(sa).sort(), [...RTPSTAT_FIELDS].sort());
  assert.ok(sa.rtt >= 0 && sa.rtt < 0.05, `rtt ${sa.rtt}`);
  assert.equal(sa.maxrtt, sa.rtt);
  assert.equal(sa.minrtt, sa.rtt);
  assert.equal(sa.normdevrtt, sa.rtt);
  assert.equal(sa.stdevrtt, 0);
  assert.equal(sa.txcount, 10);
  assert.equal(sa.txoctetcount, 1600);
  assert.equal(sa.rxoctetcount, 1600);
  assert.equal(sa.txploss, 0, 'B lost nothing of ours');
  assert.equal(sa.rxploss, 0);
  assert.equal(sa.local_ssrc, a.localSsrc);
  assert.equal(sa.remote_ssrc, b.localSsrc);
  assert.ok(sa.txjitter >= 0 && sa.remote_maxjitter === sa.txjitter);
  assert.ok(Object.values(sa).every((v) => typeof v === 'number' && Number.isFinite(v)));
  const sb = b.stats();
  assert.equal(sb.local_maxrxploss, 0);
  assert.ok(sb.local_maxjitter >= sb.local_minjitter);
  await Promise.all([a.close(), b.close()]);
});

test('loss on the received stream shows in rxploss and in the report block sent about it', async () => {
  const s = await open();
  const peer = await Peer.open();
  const peerRtcp = await Peer.open();
  s.setRemote('127.0.0.1', peer.port, peerRtcp.port);
  const seqs = [1, 2, 3, 4, 5, 8, 9, 10]; // 6 and 7 lost
  for (const seq of seqs) await peer.send(rtpBytes(0, seq, seq * 160, 0xabc, Buffer.alloc(160)), s.localPort);
  await waitFor(() => s.stats().rxcount === seqs.length, 'the packets');
  assert.equal(s.stats().rxploss, 2);
  s.sendRtcpReport();
  await waitFor(() => peerRtcp.received.length === 1, 'the report');
  const c = rtcp(peerRtcp.received[0]!);
  assert.equal(c.senderReports.length, 0, 'an RR: the session sent no RTP');
  const rr = c.receiverReports[0]!;
  assert.equal(rr.ssrc, s.localSsrc);
  assert.equal(rr.reports.length, 1);
  const block = rr.reports[0]!;
  assert.equal(block.ssrc, 0xabc);
  assert.equal(block.cumulativeLost, 2);
  assert.equal(block.extendedHighestSeq, 10);
  assert.equal(block.lastSr, 0);
  assert.deepEqual(c.sdes, [{ ssrc: s.localSsrc, cname: 'test-cname' }]);
  assert.equal(s.stats().local_maxrxploss, 2);
  peer.close();
  peerRtcp.close();
  await s.close();
});

test('a sending session reports with an SR carrying its packet and octet counts', async () => {
  const s = await open();
  const peer = await Peer.open();
  const peerRtcp = await Peer.open();
  s.setRemote('127.0.0.1', peer.port, peerRtcp.port);
  for (let i = 0; i < 3; i++) s.sendAudio(Buffer.alloc(160), 160);
  await waitFor(() => peer.received.length === 3, 'the audio');
  s.sendRtcpReport();
  await waitFor(() => peerRtcp.received.length === 1, 'the SR');
  const sr = rtcp(peerRtcp.received[0]!).senderReports[0]!;
  assert.equal(sr.ssrc, s.localSsrc);
  assert.equal(sr.packetCount, 3);
  assert.equal(sr.octetCount, 480);
  assert.equal(sr.reports.length, 0, 'nothing received, no block');
  const nowNtp = Math.floor(Date.now() / 1000) + 2208988800;
  assert.ok(Math.abs(sr.ntpSeconds - nowNtp) <= 2, 'NTP time is wall-clock time');
  const lastTs = peer.rtp()[2]!.timestamp;
  assert.ok((sr.rtpTimestamp - lastTs) >>> 0 < 8000, 'RTP timestamp extrapolated from the last packet');
  peer.close();
  peerRtcp.close();
  await s.close();
});

test('reports go out every rtcpInterval on their own once media flows', async () => {
  const s = await open({ ...config, rtcpInterval: 60 });
  const peer = await Peer.open();
  const peerRtcp = await Peer.open();
  s.setRemote('127.0.0.1', peer.port, peerRtcp.port);
  s.sendAudio(Buffer.alloc(160), 160);
  await waitFor(() => peerRtcp.received.length >= 3, 'three timed reports', 2000);
  const kinds = peerRtcp.received.map((b) => (rtcp(b).senderReports.length === 1 ? 'SR' : 'RR'));
  assert.deepEqual(kinds.slice(0, 3), ['SR', 'RR', 'RR'], 'SR only while RTP was sent since the last report');
  peer.close();
  peerRtcp.close();
  await s.close();
});

test('close sends an RTCP BYE, then frees the ports', async () => {
  const cfg = rtpConfig();
  const ownPool = new RtpPortPool(cfg.rtpStart, cfg.rtpEnd);
  const r = await RtpSession.open({ host: '127.0.0.1', pool: ownPool, config: cfg, symmetric: false });
  if ('error' in r) throw new Error(r.message);
  const peerRtcp = await Peer.open();
  r.setRemote('127.0.0.1', 9, peerRtcp.port);
  assert.equal(ownPool.inUseCount, 1);
  await r.close();
  assert.equal(ownPool.inUseCount, 0);
  await waitFor(() => peerRtcp.received.length === 1, 'the BYE');
  const c = rtcp(peerRtcp.received[0]!);
  assert.equal(c.receiverReports.length, 1);
  assert.deepEqual(
    c.byes.map((b) => b.ssrcs),
    [[r.localSsrc]],
  );
  peerRtcp.close();
});

test('with symmetric RTP, RTCP answers to where RTCP came from', async () => {
  const r = await RtpSession.open({ host: '127.0.0.1', pool, config, symmetric: true });
  if ('error' in r) throw new Error(r.message);
  const sdpRtcp = await Peer.open();
  const natRtcp = await Peer.open();
  r.setRemote('127.0.0.1', 9, sdpRtcp.port);
  const rr = Buffer.from('80c9000100000abc', 'hex'); // empty RR from 0xabc
  await natRtcp.send(rr, r.localRtcpPort);
  await waitFor(() => r.rtcpCounters().received === 1, 'the RR');
  r.sendRtcpReport();
  await waitFor(() => natRtcp.received.length === 1, 'the report at the RTCP source');
  assert.equal(sdpRtcp.received.length, 0);
  sdpRtcp.close();
  natRtcp.close();
  await r.close();
});
