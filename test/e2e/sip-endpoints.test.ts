// ARI endpoints of the PJSIP driver seen end to end (sip-reference §4.9, §4.10): GET /endpoints with a raw UDP
// phone registering, the endpoint events an app subscribed to `endpoint:PJSIP/alice` receives, originate to the
// registered contact, inbound OPTIONS and qualify of a static contact.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { after, before, describe, test } from 'node:test';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { SipPeer, type SipMsg } from '../helpers/sip-peer.js';
import { freeUdpPort, killAllSipp, runSipp, sipStartLines, sippAvailable, startSipp } from '../helpers/sipp.js';

// Loopback UDP only; the one sipp test skips without sipp.
const noSipp = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

let server: TestServer;
let events: EventSocket;
let qpeer: SipPeer;

const QUALIFIED = (port: number): string => `
[qpeer]
type = endpoint
context = default
disallow = all
allow = ulaw
aors = qpeer

[qpeer]
type = aor
qualify_frequency = 1
qualify_timeout = 0.5
contact = sip:qpeer@127.0.0.1:${port}

; carol: no auth, a qualified AOR whose bindings may be as short as 1 s
[carol]
type = endpoint
context = default
disallow = all
allow = ulaw
aors = carol

[carol]
type = aor
max_contacts = 1
minimum_expiration = 1
qualify_frequency = 1
qualify_timeout = 0.5
`;

before(async () => {
  qpeer = await SipPeer.open(() => server.sip.port);
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => 100,1,Answer()\n same => n,Wait(30)\n',
    'pjsip.conf': EMBEDDED_PJSIP + QUALIFIED(qpeer.port),
    'rtp.conf': '[general]\nrtpstart=24000\nrtpend=24999\n',
  });
  events = await EventSocket.open(server, 'epapp');
});

after(async () => {
  killAllSipp();
  events?.close();
  qpeer?.close();
  await server?.close();
});

const ALICE = { user: 'alice', pass: 'alice-secret' };
const subscribe = (source: string) =>
  ari(server, 'POST', `/applications/epapp/subscription?eventSource=${encodeURIComponent(source)}`);

async function register(peer: SipPeer, expires: number): Promise<SipMsg> {
  return peer.request('REGISTER', {
    user: 'alice',
    headers: [`Contact: <sip:alice@127.0.0.1:${peer.port}>`, `Expires: ${expires}`],
    auth: ALICE,
  });
}

/** Events after index `from` that concern endpoint PJSIP/<resource>. */
const endpointEvents = (from: number, resource: string): AriEvent[] =>
  events.events.slice(from).filter((e) => e.endpoint?.resource === resource);

describe('GET /endpoints', { timeout: 30_000 }, () => {
  test('lists PJSIP endpoints offline; unknown endpoint and Local → 404', async () => {
    const all = await ari(server, 'GET', '/endpoints');
    assert.equal(all.status, 200);
    const alice = all.json.find((e: any) => e.technology === 'PJSIP' && e.resource === 'alice');
    assert.deepEqual(alice, { technology: 'PJSIP', resource: 'alice', state: 'offline', channel_ids: [] });
    const pjsip = await ari(server, 'GET', '/endpoints/PJSIP');
    assert.equal(pjsip.status, 200);
    assert.deepEqual(pjsip.json.map((e: any) => e.resource).sort(), ['alice', 'anonymous', 'bob', 'carol', 'qpeer']);
    const one = await ari(server, 'GET', '/endpoints/PJSIP/alice');
    assert.equal(one.status, 200);
    assert.deepEqual(one.json, alice);
    const none = await ari(server, 'GET', '/endpoints/PJSIP/nosuch');
    assert.equal(none.status, 404);
    assert.deepEqual(none.json, { message: 'Endpoint not found' });
    const local = await ari(server, 'GET', '/endpoints/Local');
    assert.equal(local.status, 404);
  });
});

describe('registration → endpoint state and events', { timeout: 30_000 }, () => {
  test('REGISTER: online + ContactStatusChange NonQualified, PeerStatusChange Reachable; un-REGISTER: Removed, Unreachable', async () => {
    assert.equal((await subscribe('endpoint:PJSIP/alice')).status, 200);
    const peer = await SipPeer.open(() => server.sip.port);
    try {
      const mark = events.events.length;
      assert.equal((await register(peer, 300)).status, 200);
      const contact = await events.wait(
        (e) => e.type === 'ContactStatusChange' && e.endpoint?.resource === 'alice' && events.events.indexOf(e) >= mark,
      );
      assert.deepEqual(contact.contact_info, {
        uri: `sip:alice@127.0.0.1:${peer.port}`,
        contact_status: 'NonQualified',
        aor: 'alice',
        roundtrip_usec: '0',
      });
      assert.deepEqual(contact.endpoint, { technology: 'PJSIP', resource: 'alice', state: 'online', channel_ids: [] });
      const peerStatus = await events.wait(
        (e) => e.type === 'PeerStatusChange' && e.endpoint?.resource === 'alice' && events.events.indexOf(e) >= mark,
      );
      assert.deepEqual(peerStatus.peer, { peer_status: 'Reachable' });
      await events.wait(
        (e) => e.type === 'EndpointStateChange' && e.endpoint?.resource === 'alice' && events.events.indexOf(e) >= mark,
      );
      assert.deepEqual(
        endpointEvents(mark, 'alice').map((e) => e.type),
        ['ContactStatusChange', 'PeerStatusChange', 'EndpointStateChange'],
      );
      const online = await ari(server, 'GET', '/endpoints/PJSIP/alice');
      assert.equal(online.json.state, 'online');
      // A refresh changes nothing an app sees.
      const refreshMark = events.events.length;
      assert.equal((await register(peer, 300)).status, 200);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(endpointEvents(refreshMark, 'alice'), []);

      const unMark = events.events.length;
      assert.equal((await register(peer, 0)).status, 200);
      const removed = await events.wait((e) => e.type === 'ContactStatusChange' && events.events.indexOf(e) >= unMark);
      assert.equal(removed.contact_info.contact_status, 'Removed');
      assert.equal(removed.contact_info.uri, `sip:alice@127.0.0.1:${peer.port}`);
      const gone = await events.wait((e) => e.type === 'PeerStatusChange' && events.events.indexOf(e) >= unMark);
      assert.deepEqual(gone.peer, { peer_status: 'Unreachable' });
      assert.equal(gone.endpoint.state, 'offline');
      assert.equal((await ari(server, 'GET', '/endpoints/PJSIP/alice')).json.state, 'offline');
      for (const e of endpointEvents(mark, 'alice')) assert.equal(e.application, 'epapp');
    } finally {
      peer.close();
    }
  });
});

describe('originate PJSIP/alice', { timeout: 30_000 }, () => {
  test('the INVITE goes to the registered contact; Up; channel_ids while the call lasts; BYE on DELETE', async () => {
    const peer = await SipPeer.open(() => server.sip.port);
    const media = createSocket('udp4');
    await new Promise<void>((r) => media.bind(0, '127.0.0.1', r));
    try {
      // Not registered: no contact → the originate fails.
      const early = await ari(server, 'POST', '/channels?endpoint=PJSIP/alice&app=epapp');
      assert.notEqual(early.status, 200);
      assert.equal((await register(peer, 300)).status, 200);
      const id = `orig-${randomUUID()}`;
      const mark = events.events.length;
      const created = await ari(server, 'POST', `/channels?endpoint=PJSIP/alice&app=epapp&channelId=${id}`);
      assert.equal(created.status, 200, created.text);
      assert.match(created.json.name, /^PJSIP\/alice-[0-9a-f]{8}$/);
      const invite = await peer.next((m) => m.method === 'INVITE', 5000);
      assert.equal(invite.start, `INVITE sip:alice@127.0.0.1:${peer.port} SIP/2.0`);
      assert.match(invite.header('To') ?? '', /^<sip:alice@127\.0\.0\.1>$/);
      const during = await ari(server, 'GET', '/endpoints/PJSIP/alice');
      assert.deepEqual(during.json.channel_ids, [id]);
      const sdp = [
        'v=0',
        'o=peer 1 1 IN IP4 127.0.0.1',
        's=-',
        'c=IN IP4 127.0.0.1',
        't=0 0',
        `m=audio ${media.address().port} RTP/AVP 0`,
        'a=rtpmap:0 PCMU/8000',
        'a=sendrecv',
        '',
      ].join('\r\n');
      peer.respond(
        invite,
        200,
        'OK',
        [`Contact: <sip:alice@127.0.0.1:${peer.port}>`, 'Content-Type: application/sdp'],
        sdp,
      );
      await peer.next((m) => m.method === 'ACK' && m.header('Call-ID') === invite.header('Call-ID'));
      await events.wait((e) => e.type === 'ChannelStateChange' && e.channel?.id === id && e.channel.state === 'Up');
      const esc = endpointEvents(mark, 'alice').filter((e) => e.type === 'EndpointStateChange');
      assert.ok(
        esc.some((e) => e.endpoint.channel_ids.includes(id)),
        'EndpointStateChange with the new channel',
      );
      assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
      const bye = await peer.next((m) => m.method === 'BYE', 5000);
      peer.respond(bye, 200, 'OK');
      await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === id);
      await events.wait(
        (e) =>
          e.type === 'EndpointStateChange' &&
          e.endpoint?.resource === 'alice' &&
          events.events.indexOf(e) > mark &&
          e.endpoint.channel_ids.length === 0,
      );
      assert.deepEqual((await ari(server, 'GET', '/endpoints/PJSIP/alice')).json.channel_ids, []);
      assert.equal((await register(peer, 0)).status, 200);
    } finally {
      media.close();
      peer.close();
    }
  });
});

describe('inbound OPTIONS', { timeout: 30_000 }, () => {
  test('anonymous endpoint: no user → 200 with Allow/Accept; a user in the context → 200; one not → 404', async () => {
    const peer = await SipPeer.open(() => server.sip.port);
    try {
      const res = await peer.request('OPTIONS', { user: 'somebody' });
      assert.equal(res.status, 200);
      assert.match(res.header('Allow') ?? '', /OPTIONS, REGISTER, .*INVITE, ACK, BYE, CANCEL, .*MESSAGE/);
      assert.match(res.header('Accept') ?? '', /application\/sdp/);
      assert.equal(res.header('Accept-Encoding'), 'identity');
      assert.equal(res.header('Accept-Language'), 'en');
      assert.match(res.header('Supported') ?? '', /100rel, timer, replaces, norefersub/);
      assert.equal((await peer.request('OPTIONS', { user: 'somebody', ruriUser: '100' })).status, 200);
      assert.equal((await peer.request('OPTIONS', { user: 'somebody', ruriUser: 'nosuch' })).status, 404);
      assert.equal((await peer.request('OPTIONS', { user: 'somebody', ruri: 'tel:100' })).status, 416);
      // An unknown Require does not stop an OPTIONS (§4.12).
      assert.equal((await peer.request('OPTIONS', { user: 'somebody', headers: ['Require: foo'] })).status, 200);
      // alice has auth: her OPTIONS is challenged, and answers once authenticated.
      assert.equal((await peer.request('OPTIONS', { user: 'alice' })).status, 401);
      assert.equal((await peer.request('OPTIONS', { user: 'alice', auth: ALICE })).status, 200);
    } finally {
      peer.close();
    }
  });
});

describe('qualify', { timeout: 30_000 }, () => {
  test('a static contact answering OPTIONS is Reachable; once it stops answering, Unreachable', async () => {
    const mark = events.events.length;
    assert.equal((await subscribe('endpoint:PJSIP/qpeer')).status, 200);
    const options = await qpeer.next((m) => m.method === 'OPTIONS', 4000);
    assert.equal(options.start, `OPTIONS sip:qpeer@127.0.0.1:${qpeer.port} SIP/2.0`);
    assert.match(options.header('From') ?? '', /^<sip:qpeer@127\.0\.0\.1>;tag=/);
    assert.equal(options.body, '');
    const endpoint = await ari(server, 'GET', '/endpoints/PJSIP/qpeer');
    assert.equal(endpoint.json.state, 'online');
    // Reachable may have been published before the subscription: wait for the next state change instead.
    qpeer.answersOptions = false;
    const unreachable = await events.wait(
      (e) =>
        e.type === 'ContactStatusChange' &&
        e.endpoint?.resource === 'qpeer' &&
        e.contact_info.contact_status === 'Unreachable' &&
        events.events.indexOf(e) >= mark,
      5000,
    );
    assert.equal(unreachable.contact_info.uri, `sip:qpeer@127.0.0.1:${qpeer.port}`);
    assert.equal(unreachable.contact_info.aor, 'qpeer');
    const down = await events.wait(
      (e) =>
        e.type === 'PeerStatusChange' &&
        e.endpoint?.resource === 'qpeer' &&
        e.peer.peer_status === 'Unreachable' &&
        events.events.indexOf(e) >= mark,
    );
    assert.equal(down.endpoint.state, 'offline');
    qpeer.answersOptions = true;
    const back = await events.wait(
      (e) =>
        e.type === 'ContactStatusChange' &&
        e.endpoint?.resource === 'qpeer' &&
        e.contact_info.contact_status === 'Reachable' &&
        events.events.indexOf(e) >= mark,
      5000,
    );
    assert.match(back.contact_info.roundtrip_usec, /^\d+$/);
    assert.equal(typeof back.contact_info.roundtrip_usec, 'string');
    const up = await events.wait(
      (e) =>
        e.type === 'PeerStatusChange' &&
        e.endpoint?.resource === 'qpeer' &&
        e.peer.peer_status === 'Reachable' &&
        events.events.indexOf(e) >= mark,
    );
    assert.equal(up.endpoint.state, 'online');
  });
});

describe('a qualified, short-lived registration', { timeout: 30_000 }, () => {
  test('Unknown, then Reachable once the OPTIONS is answered; the binding expires: Removed, Unreachable', async () => {
    assert.equal((await subscribe('endpoint:PJSIP/carol')).status, 200);
    const peer = await SipPeer.open(() => server.sip.port);
    try {
      const mark = events.events.length;
      const res = await peer.request('REGISTER', {
        user: 'carol',
        headers: [`Contact: <sip:carol@127.0.0.1:${peer.port}>`, 'Expires: 2'],
      });
      assert.equal(res.status, 200);
      assert.equal(res.header('Expires'), '2');
      const after = (e: AriEvent): boolean => e.endpoint?.resource === 'carol' && events.events.indexOf(e) >= mark;
      const status = (s: string) => (e: AriEvent) =>
        after(e) && e.type === 'ContactStatusChange' && e.contact_info.contact_status === s;
      const unknown = await events.wait(status('Unknown'));
      assert.equal(unknown.endpoint.state, 'offline');
      const reachable = await events.wait(status('Reachable'), 3000);
      assert.equal(reachable.endpoint.state, 'online');
      await events.wait((e) => after(e) && e.type === 'PeerStatusChange' && e.peer.peer_status === 'Reachable');
      await events.wait(status('Removed'), 4000);
      await events.wait((e) => after(e) && e.type === 'PeerStatusChange' && e.peer.peer_status === 'Unreachable');
      assert.equal((await ari(server, 'GET', '/endpoints/PJSIP/carol')).json.state, 'offline');
      // No OPTIONS for a contact that is gone.
      await new Promise((r) => setTimeout(r, 1200));
      const last = peer.inbox.filter((m) => m.method === 'OPTIONS').length;
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(peer.inbox.filter((m) => m.method === 'OPTIONS').length, last);
    } finally {
      peer.close();
    }
  });
});

describe('an inbound call', { skip: noSipp, timeout: 30_000 }, () => {
  test("channel_ids of the anonymous endpoint while sipp's call lasts; it stays offline (no contacts)", async () => {
    assert.equal((await subscribe('endpoint:PJSIP/anonymous')).status, 200);
    const mark = events.events.length;
    const sipp = await startSipp({
      scenario: 'uac-call',
      remote: `127.0.0.1:${server.sip.port}`,
      service: '100',
      vars: { holdms: '1500' },
      timeoutS: 15,
    });
    const withChannel = await events.wait(
      (e) =>
        e.type === 'EndpointStateChange' &&
        e.endpoint?.resource === 'anonymous' &&
        e.endpoint.channel_ids.length === 1 &&
        events.events.indexOf(e) >= mark,
      5000,
    );
    assert.equal(withChannel.endpoint.state, 'offline');
    const id = withChannel.endpoint.channel_ids[0] as string;
    const during = await ari(server, 'GET', '/endpoints/PJSIP/anonymous');
    assert.deepEqual(during.json.channel_ids, [id]);
    const result = await sipp.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    await events.wait(
      (e) =>
        e.type === 'EndpointStateChange' &&
        e.endpoint?.resource === 'anonymous' &&
        e.endpoint.channel_ids.length === 0 &&
        events.events.indexOf(e) > events.events.indexOf(withChannel),
    );
    assert.deepEqual((await ari(server, 'GET', '/endpoints/PJSIP/anonymous')).json.channel_ids, []);
  });
});

describe('a phone re-registering from a new address (remove_existing)', { timeout: 30_000 }, () => {
  test('new contact NonQualified, old one Removed, and the endpoint never goes offline in between', async () => {
    assert.equal((await subscribe('endpoint:PJSIP/alice')).status, 200);
    const a = await SipPeer.open(() => server.sip.port);
    const b = await SipPeer.open(() => server.sip.port);
    try {
      assert.equal((await register(a, 300)).status, 200);
      await events.wait((e) => e.type === 'ContactStatusChange' && e.contact_info.uri.endsWith(`:${a.port}`));
      const mark = events.events.length;
      assert.equal((await register(b, 300)).status, 200);
      await events.wait(
        (e) =>
          e.type === 'ContactStatusChange' &&
          e.contact_info.uri.endsWith(`:${a.port}`) &&
          e.contact_info.contact_status === 'Removed',
      );
      await new Promise((r) => setTimeout(r, 100));
      const seen = endpointEvents(mark, 'alice');
      assert.deepEqual(
        seen.map((e) => [e.type, e.contact_info?.contact_status, e.endpoint.state]),
        [
          ['ContactStatusChange', 'NonQualified', 'online'],
          ['ContactStatusChange', 'Removed', 'online'],
        ],
      );
      const res = await b.request('REGISTER', { user: 'alice', headers: ['Contact: *', 'Expires: 0'], auth: ALICE });
      assert.equal(res.status, 200);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('originate PJSIP/<user>@alice', { timeout: 30_000 }, () => {
  test('the Request-URI user is the one dialled, sent to the registered contact; a 486 ends it', async () => {
    const peer = await SipPeer.open(() => server.sip.port);
    try {
      assert.equal((await register(peer, 300)).status, 200);
      const id = `busy-${randomUUID()}`;
      const created = await ari(server, 'POST', `/channels?endpoint=PJSIP/7000@alice&app=epapp&channelId=${id}`);
      assert.equal(created.status, 200, created.text);
      const invite = await peer.next((m) => m.method === 'INVITE', 5000);
      assert.equal(invite.start, `INVITE sip:7000@127.0.0.1:${peer.port} SIP/2.0`);
      peer.respond(invite, 486, 'Busy Here');
      await peer.next((m) => m.method === 'ACK' && m.header('Call-ID') === invite.header('Call-ID'));
      const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === id);
      assert.equal(destroyed.cause, 17);
      assert.deepEqual((await ari(server, 'GET', '/endpoints/PJSIP/alice')).json.channel_ids, []);
    } finally {
      await register(peer, 0);
      peer.close();
    }
  });
});

describe('originate to a sipp phone', { skip: noSipp, timeout: 60_000 }, () => {
  test('sipp registers as alice, then answers PJSIP/alice on the same port: Up, BYE on DELETE', async () => {
    const localPort = await freeUdpPort();
    const reg = (expires: string) =>
      runSipp({
        scenario: 'uac-register',
        remote: `127.0.0.1:${server.sip.port}`,
        localPort,
        service: 'alice',
        authUser: 'alice',
        authPass: 'alice-secret',
        vars: { expires },
        timeoutS: 10,
      });
    const r = await reg('300');
    assert.equal(r.code, 0, r.errors || r.stderr);
    const uas = await startSipp({ scenario: 'uas-answer', localPort, timeoutS: 20 });
    await uas.ready;
    const id = `sipp-${randomUUID()}`;
    const created = await ari(server, 'POST', `/channels?endpoint=PJSIP/alice&app=epapp&channelId=${id}`);
    assert.equal(created.status, 200, created.text);
    await events.wait((e) => e.type === 'ChannelStateChange' && e.channel?.id === id && e.channel.state === 'Up', 8000);
    assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
    const result = await uas.done;
    assert.equal(result.code, 0, result.errors || result.stderr);
    assert.match(result.messages, new RegExp(`INVITE sip:alice@127\\.0\\.0\\.1:${localPort} SIP/2\\.0`));
    assert.deepEqual(sipStartLines(result.messages).slice(0, 5), ['INVITE', '100', '180', '200', 'ACK']);
    assert.ok(sipStartLines(result.messages).includes('BYE'));
    const un = await reg('0');
    assert.equal(un.code, 0, un.errors || un.stderr);
    assert.equal((await ari(server, 'GET', '/endpoints/PJSIP/alice')).json.state, 'offline');
  });
});
