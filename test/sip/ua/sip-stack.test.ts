// The user-agent core over real loopback UDP: addresses it writes, URIs it can reach, and requests for dialogs and
// transactions it does not know (RFC 3261 §12.2.2, §9.2).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { SipStack, primaryAddress } from '../../../src/sip/ua/sip-stack.js';

test('a wildcard bind is never written into Via/Contact; URIs resolve without DNS or not at all', async () => {
  // Tests bind loopback only: the wildcard case is checked through the address it would write instead.
  assert.doesNotMatch(primaryAddress(false), /^0\.0\.0\.0$/);
  assert.match(primaryAddress(false), /^\d+\.\d+\.\d+\.\d+$/);
  assert.notEqual(primaryAddress(true), '::');
  const stack = await SipStack.open({
    transports: [{ name: 'udp', protocol: 'udp', host: '127.0.0.1', port: 0, externalHost: '192.0.2.10' }],
    userAgent: 'test',
  });
  try {
    const adv = stack.advertised();
    assert.equal(adv.host, '192.0.2.10'); // external_signaling_address wins
    assert.ok(adv.port > 0);
    assert.equal(stack.newVia().host, '192.0.2.10');
    assert.deepEqual(stack.resolve('sip:bob@127.0.0.1:5070'), { host: '127.0.0.1', port: 5070, transport: 'UDP' });
    assert.deepEqual(stack.resolve('sip:bob@localhost'), { host: '127.0.0.1', port: 5060, transport: 'UDP' });
    assert.deepEqual(stack.resolve('sip:[::1]:5062;transport=tcp'), { host: '::1', port: 5062, transport: 'TCP' });
    assert.equal(stack.resolve('sip:bob@example.com'), undefined);
    assert.equal(stack.resolve('tel:+15551234'), undefined);
  } finally {
    await stack.close();
  }
});

test('in-dialog requests for unknown dialogs and CANCELs for unknown INVITEs get 481', async () => {
  const stack = await SipStack.open({
    transports: [{ name: 'udp', protocol: 'udp', host: '127.0.0.1', port: 0 }],
    userAgent: 'test',
  });
  const peer = createSocket('udp4');
  const inbox: string[] = [];
  peer.on('message', (b) => inbox.push(b.toString()));
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
  try {
    const port = stack.advertised().port;
    const me = peer.address().port;
    const req = (method: string, branch: string, toTag: string): string =>
      `${method} sip:x@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bK${branch};rport\r\n` +
      `From: <sip:a@127.0.0.1>;tag=f1\r\nTo: <sip:x@127.0.0.1>${toTag}\r\nCall-ID: unknown-1\r\n` +
      `CSeq: 5 ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
    peer.send(req('BYE', 'b1', ';tag=nosuch'), port, '127.0.0.1');
    peer.send(req('CANCEL', 'c1', ''), port, '127.0.0.1');
    peer.send(req('ACK', 'a1', ';tag=nosuch'), port, '127.0.0.1'); // an ACK is never answered
    for (let i = 0; i < 100 && inbox.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(inbox.length, 2);
    assert.ok(inbox.every((m) => m.startsWith('SIP/2.0 481 ')));
    assert.deepEqual(inbox.map((m) => /CSeq: 5 (\w+)/.exec(m)![1]).sort(), ['BYE', 'CANCEL']);
  } finally {
    peer.close();
    await stack.close();
  }
});
