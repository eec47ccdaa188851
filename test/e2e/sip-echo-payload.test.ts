// Echo() on a SIP call returns the very audio it received: a hand-written UAC on a plain UDP socket sends G.711
// packets with known payloads from its own RTP socket and compares what comes back, byte for byte.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';

const PJSIP = `
[udp]
type=transport
protocol=udp
bind=127.0.0.1:5060
; Only written into our SDP (NAT): nothing is ever sent to it.
external_media_address=192.0.2.1
[anonymous]
type=endpoint
context=default
disallow=all
allow=alaw,ulaw
`;

let server: TestServer;
let sip: Socket;
let rtp: Socket;
const sipInbox: string[] = [];
const rtpInbox: Buffer[] = [];

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf':
      '[default]\nexten => echo,1,Answer()\n same => n,Echo()\nexten => app,1,Stasis(raw)\n same => n,Hangup()\n',
    'pjsip.conf': PJSIP,
    'rtp.conf': '[general]\nrtpstart=30000\nrtpend=30999\n',
  });
  sip = createSocket('udp4');
  rtp = createSocket('udp4');
  sip.on('message', (b) => sipInbox.push(b.toString()));
  rtp.on('message', (b) => rtpInbox.push(Buffer.from(b)));
  await new Promise<void>((r) => sip.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => rtp.bind(0, '127.0.0.1', r));
});

after(async () => {
  sip.close();
  rtp.close();
  await server.close();
});

async function waitFor<T>(find: () => T | undefined, ms = 4000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('Echo() sends back every G.711 payload it receives, in order, to the latched source', async () => {
  const me = sip.address().port;
  const sdp =
    'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    `m=audio ${rtp.address().port} RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n`;
  const head = (method: string, cseq: number, branch: string, toTag = ''): string =>
    `${method} sip:echo@127.0.0.1:${server.sip.port} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bK${branch};rport\r\n` +
    `From: <sip:tester@127.0.0.1>;tag=uac1\r\nTo: <sip:echo@127.0.0.1>${toTag}\r\n` +
    `Call-ID: echo-payload-1\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:tester@127.0.0.1:${me}>\r\nMax-Forwards: 70\r\n`;
  sip.send(
    head('INVITE', 1, 'inv1') +
      'Supported: timer\r\nSession-Expires: 1800\r\n' +
      `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`,
    server.sip.port,
    '127.0.0.1',
  );
  const ok = await waitFor(() => sipInbox.find((m) => m.startsWith('SIP/2.0 200')));
  const toTag = /^To: .*(;tag=[^\r\n;]+)/m.exec(ok)![1]!;
  // RFC 4028 §9: the caller supports timers and chose no refresher, so it refreshes; the 200 says so.
  assert.match(ok, /\r\nSession-Expires: 1800;refresher=uac\r\n/);
  assert.match(ok, /\r\nRequire: timer\r\n/);
  const port = Number(/m=audio (\d+)/.exec(ok)![1]);
  // The answer lists the shared codecs in the endpoint's allow order (alaw, ulaw) with the offer's numbers.
  assert.match(ok, /m=audio \d+ RTP\/AVP 8 0\r\n/);
  assert.match(ok, /\r\nc=IN IP4 192\.0\.2\.1\r\n/, 'external_media_address in c=');
  sip.send(head('ACK', 1, 'ack1', toTag) + 'Content-Length: 0\r\n\r\n', server.sip.port, '127.0.0.1');

  // 40 packets of PCMA, each payload distinct.
  const sent: Buffer[] = [];
  for (let i = 0; i < 40; i++) {
    const pkt = Buffer.alloc(12 + 160);
    pkt[0] = 0x80;
    pkt[1] = 8 | (i === 0 ? 0x80 : 0);
    pkt.writeUInt16BE(i, 2);
    pkt.writeUInt32BE(i * 160, 4);
    pkt.writeUInt32BE(0xcafe, 8);
    for (let j = 0; j < 160; j++) pkt[12 + j] = (i * 7 + j) & 0xff;
    sent.push(pkt.subarray(12));
    rtp.send(pkt, port, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 20));
  }
  // Answer() reads the first packet while it waits for media (as Asterisk's does); Echo() returns the rest.
  await waitFor(() => (rtpInbox.length >= 39 ? true : undefined)).catch(() => {
    throw new Error(`echoed ${rtpInbox.length}; SIP seen: ${sipInbox.map((m) => m.split('\r\n')[0]).join(' | ')}`);
  });
  const back = rtpInbox.filter((p) => (p[1]! & 0x7f) === 8);
  assert.ok(back.length >= 39, `echoed ${back.length}`);
  const skipped = sent.length - back.length;
  back.forEach((p, i) => assert.ok(p.subarray(12).equals(sent[skipped + i]!), `payload ${skipped + i}`));
  // Our own stream: one SSRC, consecutive sequence numbers, timestamps 160 apart.
  const ssrc = back[0]!.readUInt32BE(8);
  back.forEach((p, i) => {
    assert.equal(p.readUInt32BE(8), ssrc);
    assert.equal(p.readUInt16BE(2), (back[0]!.readUInt16BE(2) + i) & 0xffff);
    assert.equal(p.readUInt32BE(4), (back[0]!.readUInt32BE(4) + i * 160) >>> 0);
  });

  // A session refresh by UPDATE without a body: 200 with the timer echoed; an UPDATE with an offer: 200 + answer.
  sip.send(
    head('UPDATE', 2, 'upd2', toTag) + 'Supported: timer\r\nSession-Expires: 90\r\nContent-Length: 0\r\n\r\n',
    server.sip.port,
    '127.0.0.1',
  );
  const refreshed = await waitFor(() =>
    sipInbox.find((m) => m.startsWith('SIP/2.0 200') && m.includes('CSeq: 2 UPDATE')),
  );
  assert.match(refreshed, /\r\nSession-Expires: 90;refresher=uac\r\n/);
  assert.match(refreshed, /\r\nContent-Length: 0\r\n/);
  const holdOffer = sdp.replace('a=sendrecv', 'a=sendonly');
  sip.send(
    head('UPDATE', 3, 'upd3', toTag) +
      `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(holdOffer)}\r\n\r\n${holdOffer}`,
    server.sip.port,
    '127.0.0.1',
  );
  const held = await waitFor(() => sipInbox.find((m) => m.startsWith('SIP/2.0 200') && m.includes('CSeq: 3 UPDATE')));
  assert.match(held, /a=recvonly/);

  // MESSAGE inside the dialog: text/* and application/* are accepted (202), anything else is 415 (§4.11).
  const message = (cseq: number, type: string): void =>
    sip.send(
      head('MESSAGE', cseq, `msg${cseq}`, toTag) + `Content-Type: ${type}\r\nContent-Length: 2\r\n\r\nhi`,
      server.sip.port,
      '127.0.0.1',
    );
  message(4, 'text/plain');
  message(5, 'image/png');
  await waitFor(() => sipInbox.find((m) => m.startsWith('SIP/2.0 202') && m.includes('CSeq: 4 MESSAGE')));
  await waitFor(() => sipInbox.find((m) => m.startsWith('SIP/2.0 415') && m.includes('CSeq: 5 MESSAGE')));

  sip.send(head('BYE', 6, 'bye1', toTag) + 'Content-Length: 0\r\n\r\n', server.sip.port, '127.0.0.1');
  await waitFor(() => sipInbox.find((m) => m.startsWith('SIP/2.0 200') && m.includes('CSeq: 6 BYE')));
});

test('a hangup before our 2xx is ACKed waits for the ACK before the BYE (RFC 3261 §15)', async () => {
  const me = sip.address().port;
  const sdp =
    'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
    `m=audio ${rtp.address().port} RTP/AVP 0\r\na=sendrecv\r\n`;
  const head = (method: string, cseq: number, branch: string, toTag = ''): string =>
    `${method} sip:app@127.0.0.1:${server.sip.port} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bK${branch};rport\r\n` +
    `From: <sip:tester@127.0.0.1>;tag=uac2\r\nTo: <sip:app@127.0.0.1>${toTag}\r\n` +
    `Call-ID: bye-after-ack\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:tester@127.0.0.1:${me}>\r\nMax-Forwards: 70\r\n`;
  const ws = await import('../helpers/ari.js');
  const events = await ws.EventSocket.open(server, 'raw');
  try {
    sip.send(
      head('INVITE', 1, 'inv2') +
        `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`,
      server.sip.port,
      '127.0.0.1',
    );
    const start = await events.wait((e) => e.type === 'StasisStart');
    const id = start.channel!.id;
    await ws.ari(server, 'POST', `/channels/${id}/answer`);
    const ok = await waitFor(() => sipInbox.find((m) => m.startsWith('SIP/2.0 200') && m.includes('bye-after-ack')));
    const toTag = /^To: .*(;tag=[^\r\n;]+)/m.exec(ok)![1]!;
    await ws.ari(server, 'DELETE', `/channels/${id}`);
    await new Promise((r) => setTimeout(r, 700));
    const isBye = (m: string): boolean => m.startsWith('BYE ') && m.includes('bye-after-ack');
    assert.equal(sipInbox.filter(isBye).length, 0, 'no BYE before the ACK');
    assert.ok(
      sipInbox.filter((m) => m.startsWith('SIP/2.0 200') && m.includes('bye-after-ack')).length >= 2,
      '2xx retransmitted',
    );
    sip.send(head('ACK', 1, 'ack2', toTag) + 'Content-Length: 0\r\n\r\n', server.sip.port, '127.0.0.1');
    const bye = await waitFor(() => sipInbox.find(isBye));
    assert.match(bye, /Reason: Q\.850;cause=16/);
  } finally {
    events.close();
  }
});
