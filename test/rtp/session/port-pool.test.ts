import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { RtpPortPool, type PortPoolError, type RtpPortPair } from '../../../src/rtp/session/port-pool.js';
import { hasIpv6Loopback, portRange } from './helpers.js';

function ok(r: RtpPortPair | PortPoolError): RtpPortPair {
  if ('error' in r) throw new Error(r.message);
  return r;
}

test('a pair is an even RTP port and RTCP on port + 1, both bound on the host', async () => {
  const { rtpStart, rtpEnd } = portRange();
  const pool = new RtpPortPool(rtpStart, rtpEnd);
  const pair = ok(await pool.allocate('127.0.0.1'));
  assert.equal(pair.rtpPort % 2, 0);
  assert.equal(pair.rtcpPort, pair.rtpPort + 1);
  assert.ok(pair.rtpPort >= rtpStart && pair.rtcpPort <= rtpEnd);
  assert.deepEqual(pair.rtp.address(), { address: '127.0.0.1', family: 'IPv4', port: pair.rtpPort });
  assert.equal(pair.rtcp.address().port, pair.rtcpPort);
  pair.close();
  pair.close(); // idempotent
  assert.equal(pool.inUseCount, 0);
});

test('consecutive allocations move on through the range, even after a release', async () => {
  const { rtpStart, rtpEnd } = portRange();
  const pool = new RtpPortPool(rtpStart, rtpEnd);
  const a = ok(await pool.allocate('127.0.0.1'));
  a.close();
  const b = ok(await pool.allocate('127.0.0.1'));
  const c = ok(await pool.allocate('127.0.0.1'));
  assert.equal(b.rtpPort, a.rtpPort + 2);
  assert.equal(c.rtpPort, a.rtpPort + 4);
  b.close();
  c.close();
});

test('an odd rtpStart begins at the next even port; a port held elsewhere is skipped', async () => {
  const { rtpStart } = portRange();
  const blocker = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => blocker.bind(rtpStart + 2, '127.0.0.1', resolve));
  const pool = new RtpPortPool(rtpStart + 1, rtpStart + 9);
  const pair = ok(await pool.allocate('127.0.0.1'));
  assert.equal(pair.rtpPort, rtpStart + 4);
  pair.close();
  blocker.close();
});

test('an exhausted range returns RANGE_EXHAUSTED instead of throwing; a release makes room again', async () => {
  const { rtpStart } = portRange();
  const pool = new RtpPortPool(rtpStart, rtpStart + 3); // two pairs
  assert.equal(pool.size, 2);
  const pairs: RtpPortPair[] = [ok(await pool.allocate('127.0.0.1')), ok(await pool.allocate('127.0.0.1'))];
  const third = await pool.allocate('127.0.0.1');
  assert.ok('error' in third);
  assert.equal(third.error, 'RANGE_EXHAUSTED');
  pairs[0]!.close();
  const again = ok(await pool.allocate('127.0.0.1'));
  assert.equal(again.rtpPort, pairs[0]!.rtpPort);
  again.close();
  pairs[1]!.close();
});

test('a host that cannot be bound is BIND_FAILED, not a scan of the range', async () => {
  const { rtpStart, rtpEnd } = portRange();
  const r = await new RtpPortPool(rtpStart, rtpEnd).allocate('192.0.2.1'); // TEST-NET-1: not local
  assert.ok('error' in r);
  assert.equal(r.error, 'BIND_FAILED');
});

test('IPv6 loopback pairs', async (t) => {
  if (!(await hasIpv6Loopback())) return t.skip('no ::1');
  const { rtpStart, rtpEnd } = portRange();
  const pair = ok(await new RtpPortPool(rtpStart, rtpEnd).allocate('::1'));
  assert.equal(pair.rtp.address().family, 'IPv6');
  assert.equal(pair.rtcp.address().port, pair.rtpPort + 1);
  pair.close();
});
