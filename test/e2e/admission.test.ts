// Admission control (asterisk.conf [options] maxcalls, and Switchyard's maxheapmb): over the limit a new channel
// is refused when it is requested — ARI originate, create and externalMedia answer Asterisk's allocation failure
// (500 {"error":"Allocation failed"}), an INVITE gets 503 with Retry-After — and calls are admitted again as soon
// as channels go. Real peers: ARI over HTTP, a SIP INVITE from a raw UDP socket.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { ari } from '../helpers/ari.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
const MAX_CALLS = 2;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'asterisk.conf': `[options]\nmaxcalls = ${MAX_CALLS}\n`,
    'extensions.conf': '[default]\nexten => park,1,Answer()\n same => n,Wait(30)\n',
    'pjsip.conf': EMBEDDED_PJSIP,
  });
});
after(() => server.close());

/** Sends an INVITE from a fresh socket and resolves with the final response's text. */
async function invite(exten: string): Promise<string> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  const me = sock.address().port;
  const callId = randomUUID();
  const sdp = `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${me + 2} RTP/AVP 0\r\n`;
  const msg =
    `INVITE sip:${exten}@127.0.0.1:${server.sip.port} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${me};branch=z9hG4bK${randomUUID()};rport\r\n` +
    `From: <sip:tester@127.0.0.1>;tag=t1\r\nTo: <sip:${exten}@127.0.0.1>\r\nCall-ID: ${callId}\r\n` +
    `CSeq: 1 INVITE\r\nContact: <sip:tester@127.0.0.1:${me}>\r\nMax-Forwards: 70\r\n` +
    `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(sdp)}\r\n\r\n${sdp}`;
  const final = new Promise<string>((resolve) =>
    sock.on('message', (m) => {
      const text = m.toString();
      if (/^SIP\/2\.0 [2-6]\d\d/.test(text)) resolve(text);
    }),
  );
  sock.send(msg, server.sip.port, '127.0.0.1');
  const text = await final;
  sock.close();
  return text;
}

test('maxcalls: the channels over the limit are refused as failed allocations, then admitted again', async () => {
  // A Local pair is two channels, as `core show channels` counts them: the limit of 2 is reached.
  const first = await ari(server, 'POST', '/channels?endpoint=Local/park@default&extension=park&context=default');
  assert.equal(first.status, 200, first.text);
  assert.equal(server.app.core.channels.size, MAX_CALLS);

  const t0 = performance.now();
  const refused = await ari(server, 'POST', '/channels?endpoint=Local/park@default&extension=park&context=default');
  const heldMs = performance.now() - t0;
  assert.equal(refused.status, 500);
  assert.ok(heldMs >= 190, `an overload refusal is held back 200 ms over HTTP (answered in ${heldMs.toFixed(0)} ms)`);
  assert.deepEqual(refused.json, { error: 'Allocation failed' });
  const created = await ari(server, 'POST', '/channels/create?endpoint=Local/park@default&app=adm');
  assert.equal(created.status, 500);
  const em = await ari(server, 'POST', '/channels/externalMedia?app=adm&external_host=127.0.0.1:40000&format=ulaw');
  assert.equal(em.status, 500, 'externalMedia: a failed request is its 500');
  assert.equal(server.app.core.channels.size, MAX_CALLS, 'nothing was made');

  const answer = await invite('park');
  assert.match(answer, /^SIP\/2\.0 503 Service Unavailable\r\n/);
  assert.match(answer, /\r\nRetry-After: 5\r\n/i);

  // The call goes: new calls are admitted again.
  assert.equal((await ari(server, 'DELETE', `/channels/${first.json.id}`)).status, 204);
  for (let i = 0; i < 100 && server.app.core.channels.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
  const again = await ari(server, 'POST', '/channels?endpoint=Local/park@default&extension=park&context=default');
  assert.equal(again.status, 200, again.text);
  await ari(server, 'DELETE', `/channels/${again.json.id}`);
});

test('a heap ceiling refuses new calls while the heap is over it (maxheapmb)', async () => {
  const { admission } = server.app.core;
  const before = admission.limits;
  admission.configure({ ...before, maxcalls: 0, maxheapMb: 1 }); // any running heap is over 1 MB
  try {
    const r = await ari(server, 'POST', '/channels?endpoint=Local/park@default&extension=park&context=default');
    assert.equal(r.status, 500);
    assert.deepEqual(r.json, { error: 'Allocation failed' });
    assert.match(await invite('park'), /^SIP\/2\.0 503 /);
  } finally {
    admission.configure(before);
  }
});
