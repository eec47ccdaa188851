// Out-of-dialog MESSAGE both ways (sip-reference §4.11): inbound text/plain → 202 + TextMessageReceived for an app
// subscribed to the endpoint, other types → 415, unroutable → 404; PUT /endpoints/sendMessage → a MESSAGE on the
// wire with the variables as headers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { SipPeer } from '../helpers/sip-peer.js';
import { killAllSipp, runSipp, sipStartLines, sippAvailable } from '../helpers/sipp.js';

const noSipp = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

const PROVIDER = `
[provider]
type = endpoint
context = default
disallow = all
allow = ulaw
outbound_auth = provider-auth

[provider-auth]
type = auth
auth_type = digest
username = switchyard
password = s3cret
`;

let server: TestServer;
let events: EventSocket;
let peer: SipPeer;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => inbox,1,NoOp()\n',
    'pjsip.conf': EMBEDDED_PJSIP + PROVIDER,
    'rtp.conf': '[general]\nrtpstart=25000\nrtpend=25999\n',
  });
  events = await EventSocket.open(server, 'msgapp');
  peer = await SipPeer.open(() => server.sip.port);
});

after(async () => {
  killAllSipp();
  peer?.close();
  events?.close();
  await server?.close();
});

const text = (_body: string): string[] => ['Content-Type: text/plain', 'X-Custom: abc'];

describe('inbound MESSAGE', { timeout: 30_000 }, () => {
  test('no dialplan exten and no app listening → 404; an exten in the context → 202', async () => {
    const res = await peer.request('MESSAGE', { user: 'sender', ruriUser: 'nosuch', headers: text('x'), body: 'x' });
    assert.equal(res.status, 404);
    const ok = await peer.request('MESSAGE', { user: 'sender', ruriUser: 'inbox', headers: text('x'), body: 'hi' });
    assert.equal(ok.status, 202);
  });

  test('an app subscribed to the endpoint: 202 and TextMessageReceived with from, to, body, variables', async () => {
    const sub = await ari(server, 'POST', '/applications/msgapp/subscription?eventSource=endpoint:PJSIP/anonymous');
    assert.equal(sub.status, 200);
    const res = await peer.request('MESSAGE', {
      user: 'amsg',
      from: '"Alice SipMsg" <sip:amsg@127.0.0.1:5080>',
      ruriUser: 'nosuch',
      headers: text('hello ari'),
      body: 'hello ari',
    });
    assert.equal(res.status, 202);
    const ev = await events.wait((e) => e.type === 'TextMessageReceived');
    assert.equal(ev.application, 'msgapp');
    assert.deepEqual(ev.endpoint, { technology: 'PJSIP', resource: 'anonymous', state: 'offline', channel_ids: [] });
    assert.equal(ev.message.from, '"Alice SipMsg" <sip:amsg@127.0.0.1>');
    assert.match(ev.message.to, /^pjsip:nosuch@127\.0\.0\.1(:\d+)?$/);
    assert.equal(ev.message.body, 'hello ari');
    const vars = ev.message.variables as Record<string, string>;
    assert.equal(vars.PJSIP_RECVADDR, `127.0.0.1:${peer.port}`);
    assert.equal(vars.PJSIP_TRANSPORT, 'udp');
    assert.equal(vars['X-Custom'], 'abc');
    assert.equal(vars['Call-ID'], res.header('Call-ID'));
    assert.equal(vars['Content-Type'], 'text/plain');
    await ari(server, 'DELETE', '/applications/msgapp/subscription?eventSource=endpoint:PJSIP/anonymous');
  });

  test('an app subscribed to the whole technology (endpoint:PJSIP) also makes the MESSAGE deliverable', async () => {
    const source = 'eventSource=endpoint:PJSIP';
    assert.equal((await ari(server, 'POST', `/applications/msgapp/subscription?${source}`)).status, 200);
    try {
      const res = await peer.request('MESSAGE', {
        user: 'techwide',
        ruriUser: 'nobody',
        headers: ['Content-Type: text/plain'],
        body: 'to all',
      });
      assert.equal(res.status, 202);
      const ev = await events.wait((e) => e.type === 'TextMessageReceived' && e.message.body === 'to all');
      assert.equal(ev.endpoint.resource, 'anonymous');
      assert.equal(ev.message.from, '<sip:techwide@127.0.0.1>');
    } finally {
      await ari(server, 'DELETE', `/applications/msgapp/subscription?${source}`);
    }
    const after = await peer.request('MESSAGE', { user: 'x', ruriUser: 'nobody', headers: text(''), body: 'late' });
    assert.equal(after.status, 404);
  });

  test('text/plain with a charset is accepted; other content types → 415', async () => {
    const withCharset = await peer.request('MESSAGE', {
      user: 'sender',
      ruriUser: 'inbox',
      headers: ['Content-Type: text/plain;charset=UTF-8'],
      body: 'ok',
    });
    assert.equal(withCharset.status, 202);
    const html = await peer.request('MESSAGE', {
      user: 'sender',
      ruriUser: 'inbox',
      headers: ['Content-Type: text/html'],
      body: '<b>no</b>',
    });
    assert.equal(html.status, 415);
  });

  test('alice (auth=) is challenged; with credentials → 202', async () => {
    const opts = { user: 'alice', ruriUser: 'inbox', headers: text('x'), body: 'from alice' };
    assert.equal((await peer.request('MESSAGE', opts)).status, 401);
    const ok = await peer.request('MESSAGE', { ...opts, auth: { user: 'alice', pass: 'alice-secret' } });
    assert.equal(ok.status, 202);
  });

  test('sipp sends a MESSAGE → 202', { skip: noSipp }, async () => {
    const r = await runSipp({
      scenario: 'uac-message',
      remote: `127.0.0.1:${server.sip.port}`,
      service: 'inbox',
      timeoutS: 10,
    });
    assert.equal(r.code, 0, r.errors || r.stderr);
    assert.deepEqual(sipStartLines(r.messages), ['MESSAGE', '202']);
  });
});

describe('PUT /endpoints/sendMessage', { timeout: 30_000 }, () => {
  const target = (): string => `sip:peer@127.0.0.1:${peer.port}`;

  test('to=pjsip:anonymous/sip:… → 202 and a MESSAGE with the body and the variables as headers', async () => {
    const to = encodeURIComponent(`pjsip:anonymous/${target()}`);
    const from = encodeURIComponent('"Ari" <sip:ari@127.0.0.1>');
    const mark = peer.inbox.length;
    const res = await ari(server, 'PUT', `/endpoints/sendMessage?to=${to}&from=${from}&body=hello%20peer`, {
      variables: { 'X-Trace': 't-1', 'X-Other': 'two' },
    });
    assert.equal(res.status, 202, res.text);
    const msg = await peer.next((m) => m.method === 'MESSAGE' && peer.inbox.indexOf(m) >= mark);
    assert.equal(msg.start, `MESSAGE ${target()} SIP/2.0`);
    assert.equal(msg.body, 'hello peer');
    assert.equal(msg.header('Content-Type'), 'text/plain');
    assert.equal(msg.header('X-Trace'), 't-1');
    assert.equal(msg.header('X-Other'), 'two');
    assert.match(msg.header('From') ?? '', /^"Ari" <sip:ari@127\.0\.0\.1>;tag=/);
    assert.match(msg.header('To') ?? '', /^<sip:peer@127\.0\.0\.1>$/);
    assert.equal(msg.header('Max-Forwards'), '70');
    peer.respond(msg, 202, 'Accepted');
  });

  test('to=pjsip:sip:… goes through default_outbound_endpoint', async () => {
    const mark = peer.inbox.length;
    const to = encodeURIComponent(`pjsip:${target()}`);
    const res = await ari(server, 'PUT', `/endpoints/sendMessage?to=${to}&from=ari&body=bare`);
    assert.equal(res.status, 202, res.text);
    const msg = await peer.next((m) => m.method === 'MESSAGE' && peer.inbox.indexOf(m) >= mark);
    assert.equal(msg.body, 'bare');
    peer.respond(msg, 202, 'Accepted');
  });

  test('to a registered endpoint: the MESSAGE goes to its contact (also through /endpoints/PJSIP/alice/sendMessage)', async () => {
    const auth = { user: 'alice', pass: 'alice-secret' };
    const contact = `Contact: <sip:alice@127.0.0.1:${peer.port}>`;
    assert.equal((await peer.request('REGISTER', { user: 'alice', headers: [contact], auth })).status, 200);
    try {
      let mark = peer.inbox.length;
      const res = await ari(server, 'PUT', `/endpoints/sendMessage?to=pjsip:alice&from=ari&body=to%20alice`);
      assert.equal(res.status, 202, res.text);
      let msg = await peer.next((m) => m.method === 'MESSAGE' && peer.inbox.indexOf(m) >= mark);
      assert.equal(msg.start, `MESSAGE sip:alice@127.0.0.1:${peer.port} SIP/2.0`);
      assert.equal(msg.body, 'to alice');
      peer.respond(msg, 202, 'Accepted');
      mark = peer.inbox.length;
      const direct = await ari(server, 'PUT', `/endpoints/PJSIP/alice/sendMessage?from=ari&body=direct`);
      assert.equal(direct.status, 202, direct.text);
      msg = await peer.next((m) => m.method === 'MESSAGE' && peer.inbox.indexOf(m) >= mark);
      assert.equal(msg.body, 'direct');
      peer.respond(msg, 202, 'Accepted');
    } finally {
      await peer.request('REGISTER', { user: 'alice', headers: ['Contact: *', 'Expires: 0'], auth });
    }
  });

  test("a challenged MESSAGE is sent again once with the endpoint's outbound_auth", async () => {
    const mark = peer.inbox.length;
    const to = encodeURIComponent(`pjsip:provider/${target()}`);
    const res = await ari(server, 'PUT', `/endpoints/sendMessage?to=${to}&from=ari&body=secret%20stuff`);
    assert.equal(res.status, 202, res.text);
    const first = await peer.next((m) => m.method === 'MESSAGE' && peer.inbox.indexOf(m) >= mark);
    assert.equal(first.header('Authorization'), undefined);
    peer.respond(first, 401, 'Unauthorized', [
      'WWW-Authenticate: Digest realm="peer",nonce="n0nce",opaque="op",algorithm=MD5,qop="auth"',
    ]);
    const second = await peer.next((m) => m.method === 'MESSAGE' && m.header('Authorization') !== undefined);
    assert.equal(second.header('Call-ID'), first.header('Call-ID'));
    const cseq = Number((first.header('CSeq') ?? '').split(' ')[0]);
    assert.equal(second.header('CSeq'), `${cseq + 1} MESSAGE`);
    assert.equal(second.header('From'), first.header('From'));
    assert.notEqual(second.header('Via'), first.header('Via'));
    const authz = second.header('Authorization') ?? '';
    assert.match(authz, /^Digest /);
    assert.match(authz, /username="switchyard"/);
    assert.match(authz, /realm="peer"/);
    assert.match(authz, /nonce="n0nce"/);
    assert.match(authz, new RegExp(`uri="${target()}"`));
    assert.match(authz, /response="[0-9a-f]{32}"/);
    assert.match(authz, /opaque="op"/);
    assert.match(authz, /qop=auth/);
    assert.equal(second.body, 'secret stuff');
    peer.respond(second, 401, 'Unauthorized', [
      'WWW-Authenticate: Digest realm="peer",nonce="n0nce2",algorithm=MD5,qop="auth"',
    ]);
    // Once only: a second challenge is not answered.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(peer.inbox.filter((m) => m.method === 'MESSAGE' && peer.inbox.indexOf(m) >= mark).length, 2);
  });

  test('unknown endpoint, unregistered endpoint, unknown technology → 404; no `to` → 400', async () => {
    const to = encodeURIComponent(`pjsip:nosuch/${target()}`);
    const unknown = await ari(server, 'PUT', `/endpoints/sendMessage?to=${to}&from=ari&body=x`);
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.json, { message: 'Endpoint not found' });
    const offline = await ari(server, 'PUT', `/endpoints/sendMessage?to=pjsip:bob&from=ari&body=x`);
    assert.equal(offline.status, 404);
    const tech = await ari(server, 'PUT', `/endpoints/sendMessage?to=xmpp:someone&from=ari&body=x`);
    assert.equal(tech.status, 404);
    const byPath = await ari(server, 'PUT', `/endpoints/PJSIP/nosuch/sendMessage?from=ari&body=x`);
    assert.equal(byPath.status, 404);
    assert.deepEqual(byPath.json, { message: 'Endpoint not found' });
    const missing = await ari(server, 'PUT', `/endpoints/sendMessage?from=ari&body=x`);
    assert.equal(missing.status, 400);
  });
});
