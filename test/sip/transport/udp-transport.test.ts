import assert from 'node:assert/strict';
import test from 'node:test';

import { parseSipMessage } from '../../../src/sip/message/parse-message.js';
import { responseDestination } from '../../../src/sip/transport/received-rport.js';
import { UdpTransport } from '../../../src/sip/transport/udp-transport.js';
import { Inbox, answer, hasIpv6Loopback, options, udpPeer } from './helpers.js';

async function roundTrip(host: string): Promise<void> {
  const uasInbox = new Inbox();
  const uacInbox = new Inbox();
  const uas = await UdpTransport.open({ host, port: 0 }, uasInbox);
  const uac = await UdpTransport.open({ host, port: 0 }, uacInbox);
  uasInbox.onEach = ({ msg }) => {
    assert.equal(msg.kind, 'request');
    if (msg.kind !== 'request') return;
    const res = answer(msg, 200, 'OK');
    uas.send(res, responseDestination(res)!);
  };
  try {
    const sentBy = host.includes(':') ? `[${host}]` : host;
    // Sent-by names the UAC's own address, but a wrong port: rport must bring the answer back regardless.
    const req = options({ via: `${sentBy}:1;rport;branch=z9hG4bK-rt` });
    uac.send(Buffer.from(req), { host: uas.local.host, port: uas.local.port });
    const got = await uasInbox.message(0);
    assert.equal(got.source.protocol, 'udp');
    assert.equal(got.source.port, uac.local.port);
    const res = await uacInbox.message(0);
    assert.equal(res.msg.kind, 'response');
    if (res.msg.kind !== 'response') return;
    assert.equal(res.msg.status, 200);
    assert.equal(res.msg.callId, 'opt-1@client.invalid');
    assert.equal(res.msg.topVia?.rport, uac.local.port);
    assert.equal(res.msg.topVia?.branch, 'z9hG4bK-rt');
  } finally {
    await Promise.all([uas.close(), uac.close()]);
  }
}

test('an OPTIONS over UDP on 127.0.0.1 is delivered and its 200 comes back to the rport', () => roundTrip('127.0.0.1'));

test('an OPTIONS over UDP on ::1 is delivered and its 200 comes back to the rport', async (t) => {
  if (!(await hasIpv6Loopback())) return t.skip('IPv6 loopback (::1) is not available on this host');
  await roundTrip('::1');
});

test('a received request gets received= and its empty rport filled with the source address', async () => {
  const inbox = new Inbox();
  const uas = await UdpTransport.open({ host: '127.0.0.1', port: 0 }, inbox);
  const peer = await udpPeer();
  try {
    peer.send(options(), uas.local.port);
    const { msg } = await inbox.message(0);
    assert.equal(msg.topVia?.received, '127.0.0.1');
    assert.equal(msg.topVia?.rport, peer.port);
    assert.match(
      msg.header('via') ?? '',
      new RegExp(`^SIP/2.0/UDP client.invalid:5099;rport=${peer.port};branch=z9hG4bK-opt-1;received=127.0.0.1$`),
    );
  } finally {
    await Promise.all([uas.close(), peer.close()]);
  }
});

test('a garbage datagram is dropped and counted, and the socket keeps working', async () => {
  const inbox = new Inbox();
  const uas = await UdpTransport.open({ host: '127.0.0.1', port: 0 }, inbox);
  const peer = await udpPeer();
  try {
    peer.send(Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x0a, 0xff]), uas.local.port);
    peer.send('SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n', uas.local.port); // a broken response: never answered
    peer.send(options(), uas.local.port);
    await inbox.message(0); // loopback keeps order: the garbage has been handled by now
    assert.equal(uas.drops.MALFORMED, 2);
    assert.equal(uas.drops.MALFORMED_ANSWERED, 0);
    assert.equal(inbox.messages.length, 1);
  } finally {
    await Promise.all([uas.close(), peer.close()]);
  }
});

test('a broken request whose Via, Call-ID and CSeq can be read is answered 400', async () => {
  const inbox = new Inbox();
  const uas = await UdpTransport.open({ host: '127.0.0.1', port: 0 }, inbox);
  const peer = await udpPeer();
  try {
    // RFC 4475 §3.1.2.2 clerr: Content-Length larger than the body
    const broken = options().replace('Content-Length: 0', 'Content-Length: 9999');
    peer.send(broken, uas.local.port);
    const reply = parseSipMessage(await peer.next());
    assert.ok(reply.ok, reply.ok ? '' : reply.error);
    assert.equal(reply.value.kind, 'response');
    if (reply.value.kind !== 'response') return;
    assert.equal(reply.value.status, 400);
    assert.match(reply.value.reason, /^Bad Request/);
    assert.equal(reply.value.callId, 'opt-1@client.invalid');
    assert.deepEqual(reply.value.cseq, { seq: 1, method: 'OPTIONS' });
    assert.equal(reply.value.topVia?.branch, 'z9hG4bK-opt-1');
    assert.ok(reply.value.toTag, 'a To tag is added (RFC 3261 §8.2.6.2)');
    assert.equal(uas.drops.MALFORMED_ANSWERED, 1);
    assert.equal(inbox.messages.length, 0);
  } finally {
    await Promise.all([uas.close(), peer.close()]);
  }
});

test('a request with another SIP-Version is answered 505', async () => {
  const uas = await UdpTransport.open({ host: '127.0.0.1', port: 0 }, new Inbox());
  const peer = await udpPeer();
  try {
    peer.send(options().replace('127.0.0.1 SIP/2.0', '127.0.0.1 SIP/7.0'), uas.local.port);
    const reply = parseSipMessage(await peer.next());
    assert.ok(reply.ok && reply.value.kind === 'response');
    assert.equal(reply.value.status, 505);
  } finally {
    await Promise.all([uas.close(), peer.close()]);
  }
});

test('a datagram over the size limit is dropped unread', async () => {
  const inbox = new Inbox();
  const uas = await UdpTransport.open({ host: '127.0.0.1', port: 0, maxDatagramBytes: 4096 }, inbox);
  const peer = await udpPeer();
  try {
    const big = options({ callId: 'big@client.invalid' }).replace(
      'Max-Forwards: 70',
      `X-Pad: ${'a'.repeat(5000)}\r\nMax-Forwards: 70`,
    );
    peer.send(big, uas.local.port);
    // A message larger than a typical MTU but under the limit is still accepted.
    const mid = options({ callId: 'mid@client.invalid' }).replace(
      'Max-Forwards: 70',
      `X-Pad: ${'a'.repeat(2000)}\r\nMax-Forwards: 70`,
    );
    peer.send(mid, uas.local.port);
    const { msg } = await inbox.message(0);
    assert.equal(msg.callId, 'mid@client.invalid');
    assert.equal(uas.drops.OVERSIZE, 1);
    assert.equal((await inbox.error('OVERSIZE')).source?.port, peer.port);
  } finally {
    await Promise.all([uas.close(), peer.close()]);
  }
});

test('CRLF keep-alive datagrams are ignored, sending after close is reported, close is idempotent', async () => {
  const inbox = new Inbox();
  const uas = await UdpTransport.open({ host: '127.0.0.1', port: 0 }, inbox);
  const peer = await udpPeer();
  peer.send('\r\n\r\n', uas.local.port);
  peer.send(options(), uas.local.port);
  await inbox.message(0);
  assert.equal(inbox.errors.length, 0);
  await Promise.all([uas.close(), uas.close(), peer.close()]);
  uas.send(Buffer.from('x'), { host: '127.0.0.1', port: 9 });
  assert.equal(uas.drops.SEND_FAILED, 1);
});
