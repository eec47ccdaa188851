// The RTP sockets' lookup: literals answered at once, so a packet leaves inside socket.send and the sender's
// header ring can be reused without waiting for a completion callback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { literalLookup } from '../../../src/rtp/session/literal-lookup.js';
import { RtpPortPool } from '../../../src/rtp/session/port-pool.js';
import { RtpSession } from '../../../src/rtp/session/rtp-session.js';
import { Peer, rtpConfig, waitFor } from './helpers.js';

test('an IPv4 or IPv6 literal is answered before literalLookup returns', () => {
  const answers: Array<[string, number]> = [];
  literalLookup('192.0.2.7', 4, (err, address, family) => {
    assert.equal(err, null);
    answers.push([address, family]);
  });
  literalLookup('2001:db8::1', 6, (_err, address, family) => answers.push([address, family]));
  assert.deepEqual(answers, [
    ['192.0.2.7', 4],
    ['2001:db8::1', 6],
  ]);
});

test('a name goes through dns.lookup, answered later', async () => {
  let answered = false;
  const done = new Promise<[string, number]>((resolve, reject) =>
    literalLookup('localhost', 4, (err, address, family) => {
      answered = true;
      if (err) reject(err);
      else resolve([address, family]);
    }),
  );
  assert.equal(answered, false);
  const [address, family] = await done;
  assert.equal(family, 4);
  assert.match(address, /^127\./);
});

test('forty packets sent in one synchronous burst each keep their own header (the ring holds sixteen)', async () => {
  const config = rtpConfig();
  const pool = new RtpPortPool(config.rtpStart, config.rtpEnd);
  const s = await RtpSession.open({ host: '127.0.0.1', pool, config, symmetric: false });
  if ('error' in s) throw new Error(s.message);
  const peer = await Peer.open();
  try {
    s.setFormat({ payloadType: 0, sampleRate: 8000 });
    s.setRemote('127.0.0.1', peer.port);
    const payload = Buffer.alloc(160, 0xff);
    for (let i = 0; i < 40; i++) assert.equal(s.sendAudio(payload, 160), true);
    await waitFor(() => peer.received.length >= 40, '40 packets');
    const packets = peer.rtp();
    for (let i = 1; i < packets.length; i++) {
      assert.equal(packets[i]!.sequenceNumber, (packets[i - 1]!.sequenceNumber + 1) & 0xffff);
      assert.equal(packets[i]!.timestamp, (packets[i - 1]!.timestamp + 160) >>> 0);
    }
  } finally {
    peer.close();
    await s.close();
  }
});

test('a host name from SDP is looked up once: nothing is sent before it answers, then the packets go to its address', async () => {
  const config = rtpConfig();
  const pool = new RtpPortPool(config.rtpStart, config.rtpEnd);
  const s = await RtpSession.open({ host: '127.0.0.1', pool, config, symmetric: false });
  if ('error' in s) throw new Error(s.message);
  const peer = await Peer.open();
  try {
    s.setFormat({ payloadType: 0, sampleRate: 8000 });
    s.setRemote('localhost', peer.port);
    const payload = Buffer.alloc(160, 0xff);
    assert.equal(s.sendAudio(payload, 160), false, 'no remote until the name answers');
    await waitFor(() => s.remote.port === peer.port, 'the name resolved');
    assert.match(s.remote.address, /^127\./);
    for (let i = 0; i < 5; i++) assert.equal(s.sendAudio(payload, 160), true);
    await waitFor(() => peer.rtp().length >= 5, '5 packets');
    assert.equal(s.socketErrors, 0);
  } finally {
    peer.close();
    await s.close();
  }
});

test('a name that does not resolve leaves no remote and counts a socket error; a later literal wins', async () => {
  const config = rtpConfig();
  const pool = new RtpPortPool(config.rtpStart, config.rtpEnd);
  const s = await RtpSession.open({ host: '127.0.0.1', pool, config, symmetric: false });
  if ('error' in s) throw new Error(s.message);
  const peer = await Peer.open();
  try {
    s.setFormat({ payloadType: 0, sampleRate: 8000 });
    s.setRemote('no-such-host.invalid', 4000);
    await waitFor(() => s.socketErrors === 1, 'the failed lookup counted');
    assert.equal(s.sendAudio(Buffer.alloc(160), 160), false);
    // A lookup overtaken by a re-INVITE's literal address does not replace it.
    s.setRemote('localhost', 4002);
    s.setRemote('127.0.0.1', peer.port);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual([s.remote.address, s.remote.port], ['127.0.0.1', peer.port]);
    assert.equal(s.sendAudio(Buffer.alloc(160), 160), true);
    await waitFor(() => peer.rtp().length >= 1, 'a packet');
  } finally {
    peer.close();
    await s.close();
  }
});
