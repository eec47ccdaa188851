// PJSIP/<endpoint> with two registered contacts: the INVITE forks to both (as Asterisk calls every contact), the
// first 200 wins and the other fork is cancelled; the call then ends with a BYE to the winner only.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { SipPeer, type SipMsg } from '../helpers/sip-peer.js';

const PJSIP = `
[udp]
type=transport
protocol=udp
bind=127.0.0.1:5060
[duo]
type=endpoint
context=default
disallow=all
allow=ulaw
aors=duo
[duo]
type=aor
max_contacts=2
`;

let server: TestServer;
let events: EventSocket;
let desk: SipPeer;
let mobile: SipPeer;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => s,1,Hangup()\n',
    'pjsip.conf': PJSIP,
    'rtp.conf': '[general]\nrtpstart=32000\nrtpend=32999\n',
  });
  events = await EventSocket.open(server, 'fork');
  desk = await SipPeer.open(() => server.sip.port);
  mobile = await SipPeer.open(() => server.sip.port);
  for (const phone of [desk, mobile]) {
    const r = await phone.request('REGISTER', {
      user: 'duo',
      headers: [`Contact: <sip:duo@127.0.0.1:${phone.port}>`, 'Expires: 600'],
    });
    assert.equal(r.status, 200);
  }
});

after(async () => {
  desk?.close();
  mobile?.close();
  events?.close();
  await server?.close();
});

const sdp = (port: number): string =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\na=sendrecv\r\n`;

test('both contacts get the INVITE; the first 200 wins, the other fork is CANCELled; BYE goes to the winner', async () => {
  const made = await ari(server, 'POST', '/channels?endpoint=PJSIP/duo&app=fork');
  assert.equal(made.status, 200, made.text);
  const id = (made.json as { id: string }).id;
  const isInvite = (m: SipMsg): boolean => m.method === 'INVITE';
  const [inviteDesk, inviteMobile] = await Promise.all([desk.next(isInvite), mobile.next(isInvite)]);
  // One call: the same Call-ID and From tag on both forks, each to its own contact.
  assert.equal(inviteDesk.header('Call-ID'), inviteMobile.header('Call-ID'));
  assert.equal(inviteDesk.header('From'), inviteMobile.header('From'));
  assert.match(inviteDesk.start, new RegExp(`^INVITE sip:duo@127\\.0\\.0\\.1:${desk.port} `));
  assert.match(inviteMobile.start, new RegExp(`^INVITE sip:duo@127\\.0\\.0\\.1:${mobile.port} `));

  desk.respond(inviteDesk, 180, 'Ringing');
  mobile.respond(inviteMobile, 180, 'Ringing');
  await events.wait((e) => e.type === 'ChannelStateChange' && e.channel?.id === id && e.channel.state === 'Ringing');
  mobile.respond(
    inviteMobile,
    200,
    'OK',
    [`Contact: <sip:duo@127.0.0.1:${mobile.port}>`, 'Content-Type: application/sdp'],
    sdp(40000),
  );
  await mobile.next((m) => m.method === 'ACK');
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);

  const cancel = await desk.next((m) => m.method === 'CANCEL');
  assert.match(cancel.header('Reason') ?? '', /cause=26/);
  desk.respond(cancel, 200, 'OK');
  desk.respond(inviteDesk, 487, 'Request Terminated');
  await desk.next((m) => m.method === 'ACK');

  assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
  const bye = await mobile.next((m) => m.method === 'BYE');
  mobile.respond(bye, 200, 'OK');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(desk.inbox.filter((m) => m.method === 'BYE').length, 0, 'no BYE to the cancelled fork');
  // The dials show a single Ringing and one answer.
  const dials = events.events.filter((e) => e.type === 'Dial' && e.peer?.id === id).map((e) => e.dialstatus);
  assert.deepEqual(dials, ['', 'RINGING', 'ANSWER']);
});

test('one fork busy does not end the call; when the last fork fails too, the call fails with its status', async () => {
  const made = await ari(server, 'POST', '/channels?endpoint=PJSIP/duo&app=fork');
  const id = (made.json as { id: string }).id;
  const callId = (made.json as { protocol_id: string }).protocol_id;
  const isInvite = (m: SipMsg): boolean => m.method === 'INVITE' && m.header('Call-ID') === callId;
  const [inviteDesk, inviteMobile] = await Promise.all([desk.next(isInvite), mobile.next(isInvite)]);
  desk.respond(inviteDesk, 486, 'Busy Here');
  await desk.next((m) => m.method === 'ACK' && m.header('Call-ID') === callId);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(events.events.filter((e) => e.type === 'ChannelDestroyed' && e.channel?.id === id).length, 0);
  mobile.respond(inviteMobile, 480, 'Temporarily Unavailable');
  const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === id);
  assert.equal(destroyed.cause, 19);
  assert.equal(destroyed.tech_cause, 480);
});
