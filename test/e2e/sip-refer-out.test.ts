// ARI endpoints.refer / referToEndpoint: an out-of-dialog REFER (RFC 3515) to a SIP peer the test runs on a raw
// UDP socket — Refer-To (with the display name), From, the variables as headers — and the implicit subscription's
// NOTIFYs answered until one terminates it; the errors as Asterisk 22.10.1 answers them.
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { ari } from '../helpers/ari.js';
import { parseSip, type SipMsg } from '../helpers/sip-peer.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let peer: Socket;
const inbox: { msg: SipMsg; text: string }[] = [];

before(async () => {
  server = await startTestServer({ 'ari.conf': ARI_CONF, 'pjsip.conf': EMBEDDED_PJSIP });
  peer = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', r));
  peer.on('message', (m) => inbox.push({ msg: parseSip(m.toString()), text: m.toString() }));
});
after(async () => {
  peer.close();
  await server.close();
});

async function next(pred: (m: SipMsg, text: string) => boolean): Promise<{ msg: SipMsg; text: string }> {
  for (let i = 0; i < 300; i++) {
    const found = inbox.find((x) => pred(x.msg, x.text));
    if (found) {
      inbox.splice(inbox.indexOf(found), 1);
      return found;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('timed out waiting for a SIP message');
}

const line = (text: string, name: string): string | undefined =>
  new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(text.split('\r\n\r\n')[0]!)?.[1]?.trim();

function send(text: string): void {
  peer.send(text, server.sip.port, '127.0.0.1');
}

test('refer: the REFER reaches the peer with Refer-To, From and the variables; its NOTIFYs are answered', async () => {
  const port = peer.address().port;
  const to = encodeURIComponent(`pjsip:anonymous/sip:carol@127.0.0.1:${port}`);
  const referTo = encodeURIComponent('sip:dave@example.com');
  const r = await ari(
    server,
    'POST',
    `/endpoints/refer?to=${to}&from=${encodeURIComponent('sip:ops@127.0.0.1')}&refer_to=${referTo}`,
    {
      variables: { 'X-Ticket': '42', Via: 'not allowed' },
      display_name: 'Dave "D"',
    },
  );
  assert.equal(r.status, 202, r.text);
  const { text } = await next((m) => m.method === 'REFER');
  assert.match(text, new RegExp(`^REFER sip:carol@127\\.0\\.0\\.1:${port} SIP/2\\.0\\r\\n`));
  assert.equal(line(text, 'Refer-To'), '"Dave \\"D\\"" <sip:dave@example.com>');
  assert.match(line(text, 'From') ?? '', /^<?sip:ops@127\.0\.0\.1>?;tag=/);
  assert.equal(line(text, 'X-Ticket'), '42');
  assert.equal(text.match(/^Via:/gim)?.length, 1, 'a variable cannot add a Via');
  assert.ok(line(text, 'Contact'), 'a REFER creates a dialog: it has a Contact');

  // 202 Accepted with our tag, then the sipfrag NOTIFYs of the implicit subscription (RFC 3515 §2.4.4).
  const head = (name: string): string => line(text, name)!;
  const toTag = 'peer1';
  const via = head('Via');
  send(`SIP/2.0 202 Accepted\r\nVia: ${via}\r\nFrom: ${head('From')}\r\nTo: ${head('To')};tag=${toTag}\r\nCall-ID: ${head('Call-ID')}\r\nCSeq: ${head('CSeq')}\r\nContact: <sip:carol@127.0.0.1:${port}>\r\nContent-Length: 0\r\n\r\n`); // prettier-ignore
  const notify = (cseq: number, state: string, frag: string): void =>
    send(
      `NOTIFY sip:ops@127.0.0.1:${server.sip.port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKn${cseq}\r\n` +
        `From: <sip:carol@127.0.0.1>;tag=${toTag}\r\nTo: ${head('From')}\r\nCall-ID: ${head('Call-ID')}\r\nCSeq: ${cseq} NOTIFY\r\n` +
        `Event: refer\r\nSubscription-State: ${state}\r\nContent-Type: message/sipfrag;version=2.0\r\n` +
        `Content-Length: ${frag.length}\r\n\r\n${frag}`,
    );
  notify(1, 'active;expires=60', 'SIP/2.0 100 Trying\r\n');
  assert.match((await next((m) => m.method === '' && /NOTIFY/.test(m.header('cseq') ?? ''))).text, /^SIP\/2\.0 200 OK/);
  notify(2, 'terminated;reason=noresource', 'SIP/2.0 200 OK\r\n');
  assert.match((await next((m) => m.method === '' && /NOTIFY/.test(m.header('cseq') ?? ''))).text, /^SIP\/2\.0 200 OK/);
  notify(3, 'active', 'SIP/2.0 200 OK\r\n');
  assert.match(
    (await next((m) => m.method === '' && /NOTIFY/.test(m.header('cseq') ?? ''))).text,
    /^SIP\/2\.0 481 /,
    'after the terminating NOTIFY the subscription is gone',
  );
});

test('refer errors as Asterisk answers them: no to 400; an unknown technology, destination or no refer_to 404', async () => {
  const bad = await ari(server, 'POST', '/endpoints/refer');
  assert.deepEqual([bad.status, bad.json], [400, { message: 'To must be specified' }]);
  for (const q of [
    'to=pjsip:anonymous&from=x',
    'to=pjsip:nosuch&from=x&refer_to=sip:bob@127.0.0.1',
    'to=foo:bar&from=x&refer_to=sip:b@h',
    'to=pjsip:anonymous/sip:peer@127.0.0.1:5999&from=x&refer_to=garbage',
  ]) {
    const r = await ari(server, 'POST', `/endpoints/refer?${q}`);
    assert.deepEqual([r.status, r.json], [404, { message: 'Endpoint not found' }], q);
  }
  // A value with a line break would write headers of its own into the REFER: refused, nothing sent.
  const port = peer.address().port;
  const to = encodeURIComponent(`pjsip:anonymous/sip:carol@127.0.0.1:${port}`);
  for (const [q, body] of [
    [`to=${to}&from=x&refer_to=${encodeURIComponent('sip:a@1.2.3.4\r\nX-Evil: 1')}`, undefined],
    [`to=${to}&from=x&refer_to=sip:a@1.2.3.4`, { display_name: 'A\r\nX-Evil: 1' }],
    [`to=${to}&from=x&refer_to=sip:a@1.2.3.4`, { variables: { 'X-Ok': 'a\nb' } }],
  ] as const) {
    const r = await ari(server, 'POST', `/endpoints/refer?${q}`, body);
    assert.deepEqual([r.status, r.json], [404, { message: 'Endpoint not found' }], q);
  }
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(inbox.filter((m) => m.msg.method === 'REFER').length, 0, 'no REFER went out');
  const unknown = await ari(server, 'POST', '/endpoints/PJSIP/nosuch/refer?from=x&refer_to=sip:b@h');
  assert.deepEqual([unknown.status, unknown.json], [404, { message: 'Endpoint not found' }]);
});
