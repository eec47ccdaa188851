// SIP transfers received on a call (RFC 3515 REFER inside an INVITE dialog), end to end: a test UAC on a raw UDP
// socket calls into a Stasis app, is bridged with a second call, and sends REFER. Checked: the response to the
// REFER, the sipfrag NOTIFYs of the implicit subscription, BridgeBlindTransfer / BridgeAttendedTransfer, and for
// `PJSIP_TRANSFER_HANDLING()=ari-only` the ChannelTransfer event and `POST /channels/{id}/transfer_progress`.
//
// Wire facts relied on, recorded from Asterisk 22.10.1 with the same scenarios (run this file with
// XFER_ORACLE=1 to point it at a running Asterisk on 127.0.0.1:8090 / SIP 5080 instead):
// - 202 Accepted to the REFER, then NOTIFY `Event: refer`, `Content-Type: message/sipfrag;version=2.0`;
//   a failed blind transfer (unknown extension) gets its final NOTIFY `SIP/2.0 404 Not Found`, terminated.
// - `Refer-Sub: false`: the final response carries `Refer-Sub: false` and no NOTIFY follows.
// - `Refer-Sub: false` on a transfer that goes ahead: `200 OK` (not 202).
// - allow_transfer=no: 603; no Refer-To, `<garbage>` or a tel: Refer-To: 400.
// - ari-only: no NOTIFY until the app's first report; a report on a channel with nothing pending is 204.
// - hung up by ARI with the app's transfer pending: NOTIFY 503 terminated goes out before the BYE.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { parseSip, type SipMsg } from '../helpers/sip-peer.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';

const ON_ORACLE = process.env.XFER_ORACLE === '1';
const APP = 'xfer-app';

const PJSIP_CONF = `
[global]
type=global
endpoint_identifier_order=ip,username,anonymous
[transport-udp]
type=transport
protocol=udp
bind=127.0.0.1:5060
[xfer-core]
type=endpoint
context=xfer
disallow=all
allow=ulaw
direct_media=no
rtp_symmetric=yes
[xfer-deny]
type=endpoint
context=xfer
disallow=all
allow=ulaw
direct_media=no
rtp_symmetric=yes
allow_transfer=no
`;

const EXTENSIONS_CONF = `
[xfer]
exten => xfer-app,1,Stasis(${APP})
 same => n,Hangup()
exten => xfer-ari-app,1,Set(PJSIP_TRANSFER_HANDLING()=ari-only)
 same => n,Stasis(${APP})
 same => n,Hangup()
exten => xfer-echo,1,Answer()
 same => n,Echo()
 same => n,Hangup()
exten => xfer-ring,1,Ringing()
 same => n,Wait(1)
 same => n,Answer()
 same => n,Echo()
 same => n,Hangup()
exten => xfer-busy,1,Busy()
exten => xfer-park,1,Answer()
 same => n,Wait(300)
 same => n,Hangup()
`;

type Target = Pick<TestServer, 'url' | 'ariBase' | 'auth'> & { sip: { port: number } };

let target: Target;
let server: TestServer | undefined;
let events: EventSocket;

before(async () => {
  if (ON_ORACLE) {
    const url = 'http://127.0.0.1:8090';
    target = { url, ariBase: `${url}/ari`, auth: 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64'), sip: { port: 5080 } }; // prettier-ignore
  } else {
    server = await startTestServer({ 'ari.conf': ARI_CONF, 'pjsip.conf': PJSIP_CONF, 'extensions.conf': EXTENSIONS_CONF }); // prettier-ignore
    target = server;
  }
  events = await EventSocket.open(target as TestServer, APP);
});

after(async () => {
  events.close();
  await server?.close();
});

const SDP = (port: number): string =>
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
  `m=audio ${port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n`;

/** A phone on one call: dials an extension, answers the server's requests with 200, and can send REFER. */
class Uac {
  readonly inbox: SipMsg[] = [];
  readonly callId = randomUUID();
  readonly fromTag = randomUUID().slice(0, 8);
  toTag = '';
  #cseq = 1;
  #waiters: { pred: (m: SipMsg) => boolean; resolve: (m: SipMsg) => void }[] = [];

  private constructor(
    readonly sock: Socket,
    readonly exten: string,
    readonly user: string,
  ) {
    sock.on('message', (buf) => {
      const m = parseSip(buf.toString('latin1'));
      if (['NOTIFY', 'BYE', 'OPTIONS', 'INFO', 'UPDATE'].includes(m.method)) this.#reply(m, '');
      if (m.method === 'INVITE') this.#reply(m, SDP(this.port + 1));
      this.inbox.push(m);
      this.#waiters = this.#waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
  }

  get port(): number {
    return this.sock.address().port;
  }

  static async dial(exten: string, user = 'xfer-core'): Promise<Uac> {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const uac = new Uac(sock, exten, user);
    const sdp = SDP(uac.port + 1);
    uac.#send(uac.#head('INVITE', 1) + `Content-Type: application/sdp\r\nContent-Length: ${sdp.length}\r\n\r\n${sdp}`);
    const ok = await uac.next((m) => m.status >= 200 && m.header('CSeq') === '1 INVITE', 5000);
    if (ok.status !== 200) throw new Error(`call refused: ${ok.start}`);
    uac.toTag = /;tag=([^;>\s]+)/.exec(ok.header('To') ?? '')?.[1] ?? '';
    uac.#send(uac.#head('ACK', 1) + 'Content-Length: 0\r\n\r\n');
    return uac;
  }

  #head(method: string, cseq: number): string {
    const to = `<sip:${this.exten}@127.0.0.1>${this.toTag === '' ? '' : `;tag=${this.toTag}`}`;
    return (
      `${method} sip:${this.exten}@127.0.0.1:${target.sip.port} SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${randomUUID()};rport\r\n` +
      `From: <sip:${this.user}@127.0.0.1>;tag=${this.fromTag}\r\nTo: ${to}\r\n` +
      `Call-ID: ${this.callId}\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:${this.user}@127.0.0.1:${this.port}>\r\n` +
      'Max-Forwards: 70\r\n'
    );
  }

  #send(text: string): void {
    this.sock.send(Buffer.from(text, 'latin1'), target.sip.port, '127.0.0.1');
  }

  #reply(req: SipMsg, body: string): void {
    const to = req.header('To') ?? '';
    const lines = [
      'SIP/2.0 200 OK',
      ...req.all('Via').map((v) => `Via: ${v}`),
      `From: ${req.header('From')}`,
      `To: ${to}`,
      `Call-ID: ${req.header('Call-ID')}`,
      `CSeq: ${req.header('CSeq')}`,
      `Contact: <sip:${this.user}@127.0.0.1:${this.port}>`,
      ...(body === '' ? [] : ['Content-Type: application/sdp']),
      `Content-Length: ${body.length}`,
    ];
    this.#send(lines.join('\r\n') + '\r\n\r\n' + body);
  }

  next(pred: (m: SipMsg) => boolean, ms = 5000): Promise<SipMsg> {
    const seen = this.inbox.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.exten}: no matching SIP message in ${ms} ms`)), ms);
      this.#waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  /** REFER inside the call's dialog; resolves to its final response. */
  async refer(headers: readonly string[]): Promise<SipMsg> {
    const cseq = ++this.#cseq;
    const extra = headers.map((h) => `${h}\r\n`).join('');
    this.#send(this.#head('REFER', cseq) + extra + 'Content-Length: 0\r\n\r\n');
    return this.next((m) => m.status >= 200 && m.header('CSeq') === `${cseq} REFER`);
  }

  /** The sipfrag NOTIFYs received so far: their status line and Subscription-State. */
  notifies(): string[] {
    return this.inbox
      .filter((m) => m.method === 'NOTIFY')
      .map((m) => `${m.body.split('\r\n')[0]} | ${(m.header('Subscription-State') ?? '').split(';')[0]}`);
  }

  async hangup(): Promise<void> {
    if (!this.inbox.some((m) => m.method === 'BYE')) {
      const cseq = ++this.#cseq;
      this.#send(this.#head('BYE', cseq) + 'Content-Length: 0\r\n\r\n');
      await this.next((m) => m.status >= 200 && m.header('CSeq') === `${cseq} BYE`).catch(() => undefined);
    }
    this.sock.close();
  }
}

/** Two phones calling the app, both answered and put in one mixing bridge. */
async function bridgedPair(
  firstExten = 'xfer-app',
): Promise<{ a: Uac; b: Uac; aId: string; bId: string; bridgeId: string }> {
  const from = events.events.length;
  const startOf = (exten: string): Promise<AriEvent> =>
    events.wait((e) => e.type === 'StasisStart' && e.channel?.dialplan.exten === exten && events.events.indexOf(e) >= from && !taken.has(e.channel.id)); // prettier-ignore
  const aStart = startOf(firstExten);
  const aCall = Uac.dial(firstExten);
  const aId = (await aStart).channel!.id;
  taken.add(aId);
  const a = await answered(aCall, aId);
  const bStart = startOf('xfer-app');
  const bCall = Uac.dial('xfer-app');
  const bId = (await bStart).channel!.id;
  taken.add(bId);
  const b = await answered(bCall, bId);
  const made = await ari(target as TestServer, 'POST', '/bridges?type=mixing');
  const bridgeId = (made.json as { id: string }).id;
  const added = await ari(target as TestServer, 'POST', `/bridges/${bridgeId}/addChannel?channel=${aId},${bId}`);
  assert.equal(added.status, 204, added.text);
  await events.wait((e) => e.type === 'ChannelEnteredBridge' && e.channel?.id === bId);
  return { a, b, aId, bId, bridgeId };
}

const taken = new Set<string>();

async function answered(call: Promise<Uac>, id: string): Promise<Uac> {
  const r = await ari(target as TestServer, 'POST', `/channels/${id}/answer`);
  assert.equal(r.status, 204, r.text);
  return call;
}

const since = (mark: number, pred: (e: AriEvent) => boolean) => (e: AriEvent) => events.events.indexOf(e) >= mark && pred(e); // prettier-ignore
const referTo = (user: string, headers = ''): string =>
  `Refer-To: <sip:${user}@127.0.0.1:${target.sip.port}${headers}>`;
const terminated = (m: SipMsg): boolean =>
  m.method === 'NOTIFY' && /^terminated/.test(m.header('Subscription-State') ?? '');

type ChannelJson = { id: string; name: string; dialplan: { exten: string } };
async function channelsNamed(pattern: RegExp): Promise<ChannelJson[]> {
  const all = (await ari(target as TestServer, 'GET', '/channels')).json as ChannelJson[];
  return all.filter((c) => pattern.test(c.name));
}

async function hangupAll(...uacs: Uac[]): Promise<void> {
  for (const u of uacs) await u.hangup();
}

test('blind transfer: 202, NOTIFY 100 then 200, BridgeBlindTransfer; a Local channel takes the transferer’s place', async () => {
  const { a, b, aId, bId, bridgeId } = await bridgedPair();
  const mark = events.events.length;
  const res = await a.refer([referTo('xfer-echo')]);
  assert.equal(res.status, 202);
  assert.equal(res.header('Expires'), '600');
  await a.next(terminated);
  assert.deepEqual(a.notifies(), ['SIP/2.0 100 Trying | active', 'SIP/2.0 200 OK | terminated']);
  const notify = a.inbox.find((m) => m.method === 'NOTIFY')!;
  assert.equal(notify.header('Event'), 'refer');
  assert.equal(notify.header('Content-Type'), 'message/sipfrag;version=2.0');
  assert.equal(notify.header('Call-ID'), a.callId, 'the NOTIFYs are in the call’s dialog');

  const xfer = await events.wait(since(mark, (e) => e.type === 'BridgeBlindTransfer'));
  assert.equal(xfer.channel!.id, aId);
  assert.equal(xfer.transferee.id, bId);
  assert.match(xfer.replace_channel.name, /^Local\/xfer-echo@xfer-[0-9a-f]{8};1$/);
  assert.deepEqual([xfer.exten, xfer.context, xfer.result, xfer.is_external], ['xfer-echo', 'xfer', 'Success', true]);
  assert.equal(xfer.bridge.id, bridgeId);
  assert.deepEqual([...xfer.bridge.channels].sort(), [aId, bId].sort(), 'the bridge as it was');

  // The Local ;1 enters the app and the bridge in the transferer's place; the transferer stays in Stasis.
  const localName = xfer.replace_channel.name as string;
  const order = events.events
    .filter(since(mark, (e) => ['StasisStart', 'ChannelLeftBridge', 'ChannelEnteredBridge'].includes(e.type)))
    .map((e) => `${e.type} ${e.channel!.id === aId ? 'A' : (e.channel as unknown as { name: string }).name === localName ? 'L1' : '?'}`); // prettier-ignore
  assert.deepEqual(order.slice(0, 3), ['StasisStart L1', 'ChannelLeftBridge A', 'ChannelEnteredBridge L1']);
  const bridge = (await ari(target as TestServer, 'GET', `/bridges/${bridgeId}`)).json as { channels: string[] };
  assert.deepEqual([...bridge.channels].sort(), [bId, xfer.replace_channel.id].sort());
  const half2 = await channelsNamed(new RegExp(`^${localName.slice(0, -2).replace(/[/.]/g, '\\$&')};2$`));
  assert.equal(half2[0]?.dialplan.exten, 'xfer-echo', 'the Local ;2 runs the extension');
  assert.ok(!a.inbox.some((m) => m.method === 'BYE'), 'the transferer is not hung up');
  assert.ok(!events.events.some(since(mark, (e) => e.type === 'StasisEnd' && e.channel?.id === aId)));
  await hangupAll(a, b);
});

test('blind transfer to an extension that does not exist: 202, then NOTIFY 100 and 404 terminated', async () => {
  const { a, b, bridgeId } = await bridgedPair();
  const mark = events.events.length;
  const res = await a.refer([referTo('xfer-nosuch')]);
  assert.equal(res.status, 202);
  await a.next(terminated);
  assert.deepEqual(a.notifies(), ['SIP/2.0 100 Trying | active', 'SIP/2.0 404 Not Found | terminated']);
  assert.ok(!events.events.some(since(mark, (e) => e.type === 'BridgeBlindTransfer')));
  const bridge = (await ari(target as TestServer, 'GET', `/bridges/${bridgeId}`)).json as { channels: string[] };
  assert.equal(bridge.channels.length, 2, 'nothing moved');
  await hangupAll(a, b);
});

test('Refer-Sub: false: the outcome is the final response, with Refer-Sub: false, and no NOTIFY', async () => {
  const { a, b, aId } = await bridgedPair();
  const bad = await a.refer([referTo('xfer-nosuch'), 'Refer-Sub: false']);
  assert.deepEqual([bad.status, bad.header('Refer-Sub')], [404, 'false']);
  const ok = await a.refer([referTo('xfer-echo'), 'Refer-Sub: false']);
  assert.deepEqual([ok.status, ok.header('Refer-Sub')], [200, 'false']);
  await events.wait((e) => e.type === 'BridgeBlindTransfer' && e.channel?.id === aId);
  assert.deepEqual(a.notifies(), []);
  await hangupAll(a, b);
});

test('REFER refused: 400 without Refer-To or with a non-SIP one, 603 when the endpoint has allow_transfer=no', async () => {
  const { a, b } = await bridgedPair();
  assert.equal((await a.refer([])).status, 400);
  assert.equal((await a.refer(['Refer-To: <tel:+15551234>'])).status, 400);
  assert.equal((await a.refer(['Refer-To: <garbage>'])).status, 400);
  await hangupAll(a, b);
  const startDeny = events.wait((e) => e.type === 'StasisStart' && /^PJSIP\/xfer-deny-/.test(String((e.channel as { name?: string }).name))); // prettier-ignore
  const denyCall = Uac.dial('xfer-app', 'xfer-deny');
  const denyId = (await startDeny).channel!.id;
  taken.add(denyId);
  const deny = await answered(denyCall, denyId);
  assert.equal((await deny.refer([referTo('xfer-echo')])).status, 603);
  await deny.hangup();
});

test('ari-only: ChannelTransfer, nothing on the wire until transfer_progress; its states as NOTIFYs', async () => {
  const { a, b, aId, bId, bridgeId } = await bridgedPair('xfer-ari-app');
  const mark = events.events.length;
  const replaces = '?Replaces=abc%40host%3Bto-tag%3Dtt%3Bfrom-tag%3Dff';
  const res = await a.refer([referTo('xfer-echo', replaces), 'Referred-By: <sip:xfer-core@127.0.0.1>']);
  assert.equal(res.status, 202);
  const first = await events.wait(since(mark, (e) => e.type === 'ChannelTransfer'));
  assert.equal(first.state, undefined);
  assert.deepEqual(first.refer_to, {
    requested_destination: {
      destination: 'xfer-echo',
      protocol_id: 'abc@host',
      additional_protocol_params: [
        { parameter_name: 'from', parameter_value: 'ff' },
        { parameter_name: 'to', parameter_value: 'tt' },
      ],
    },
  });
  assert.equal(first.referred_by.source_channel.id, aId);
  assert.equal(first.referred_by.connected_channel.id, bId);
  assert.equal(first.referred_by.bridge.id, bridgeId);
  assert.deepEqual(a.notifies(), [], 'nothing is sent before the app reports');

  const post = (id: string, q: string) => ari(target as TestServer, 'POST', `/channels/${id}/transfer_progress${q}`);
  const expectReply = async (id: string, q: string, status: number, message?: string): Promise<void> => {
    const r = await post(id, q);
    assert.deepEqual([r.status, r.json?.message], [status, message], `${id} ${q}`);
  };
  await expectReply('nosuch', '?states=channel_progress', 404, 'Channel not found');
  await expectReply(aId, '', 400, 'states must not be empty');
  await expectReply(aId, '?states=bogus', 400, 'Invalid states value');
  await expectReply(bId, '?states=channel_progress', 204); // no transfer pending on it: accepted, nothing happens

  await expectReply(aId, '?states=channel_progress', 204);
  const progress = await events.wait(
    since(mark, (e) => e.type === 'ChannelTransfer' && e.state === 'channel_progress'),
  );
  assert.equal(progress.referred_by.source_channel.id, aId);
  await a.next((m) => m.method === 'NOTIFY');
  await expectReply(aId, '?states=channel_answered', 204);
  await a.next(terminated);
  await events.wait(since(mark, (e) => e.type === 'ChannelTransfer' && e.state === 'channel_answered'));
  await expectReply(aId, '?states=channel_declined', 204); // after the final report: nothing more
  assert.deepEqual(a.notifies(), ['SIP/2.0 100 Trying | active', 'SIP/2.0 200 OK | terminated']);
  assert.ok(!events.events.some(since(mark, (e) => e.type === 'BridgeBlindTransfer')), 'the core does no transfer');
  await hangupAll(a, b);
});

test('ari-only: channel_unavailable is NOTIFY 503 (100 Trying first) and the event says channel_declined', async () => {
  const { a, b, aId } = await bridgedPair('xfer-ari-app');
  const mark = events.events.length;
  assert.equal((await a.refer([referTo('xfer-echo')])).status, 202);
  const first = await events.wait(since(mark, (e) => e.type === 'ChannelTransfer'));
  assert.equal(first.refer_to.requested_destination.protocol_id, undefined);
  const r = await ari(target as TestServer, 'POST', `/channels/${aId}/transfer_progress?states=CHANNEL_UNAVAILABLE`);
  assert.equal(r.status, 204);
  await a.next(terminated);
  assert.deepEqual(a.notifies(), ['SIP/2.0 100 Trying | active', 'SIP/2.0 503 Service Unavailable | terminated']);
  const last = await events.wait(since(mark, (e) => e.type === 'ChannelTransfer' && e.state !== undefined));
  assert.equal(last.state, 'channel_declined');
  await hangupAll(a, b);
});

test('attended transfer: the two calls’ bridges are linked by a Local pair; the second leg is hung up', async () => {
  const one = await bridgedPair();
  const two = await bridgedPair();
  const mark = events.events.length;
  const replaces = encodeURIComponent(`${two.a.callId};to-tag=${two.a.toTag};from-tag=${two.a.fromTag}`);
  const res = await one.a.refer([referTo('xfer-app', `?Replaces=${replaces}`)]);
  assert.equal(res.status, 202);
  await one.a.next(terminated);
  assert.deepEqual(one.a.notifies(), ['SIP/2.0 100 Trying | active', 'SIP/2.0 200 OK | terminated']);
  const ev = await events.wait(since(mark, (e) => e.type === 'BridgeAttendedTransfer'));
  assert.deepEqual(
    [ev.transferer_first_leg.id, ev.transferer_second_leg.id, ev.transferee.id, ev.transfer_target.id],
    [one.aId, two.aId, one.bId, two.bId],
  );
  assert.deepEqual([ev.result, ev.is_external, ev.destination_type], ['Success', false, 'link']);
  assert.equal(ev.transferer_first_leg_bridge.id, one.bridgeId);
  assert.equal(ev.transferer_second_leg_bridge.id, two.bridgeId);
  assert.match(ev.destination_link_first_leg.name, /^Local\/_attended@transfer-[0-9a-f]{8};1$/);
  assert.match(ev.destination_link_second_leg.name, /^Local\/_attended@transfer-[0-9a-f]{8};2$/);
  await two.a.next((m) => m.method === 'BYE');
  const b1 = (await ari(target as TestServer, 'GET', `/bridges/${one.bridgeId}`)).json as { channels: string[] };
  const b2 = (await ari(target as TestServer, 'GET', `/bridges/${two.bridgeId}`)).json as { channels: string[] };
  assert.deepEqual([...b1.channels].sort(), [one.bId, ev.destination_link_first_leg.id].sort());
  assert.deepEqual([...b2.channels].sort(), [two.bId, ev.destination_link_second_leg.id].sort());
  assert.ok(!one.a.inbox.some((m) => m.method === 'BYE'), 'the first leg stays up');
  await hangupAll(one.a, one.b, two.a, two.b);
});

test('ari-only: the transferor hung up by ARI while the app has its transfer: NOTIFY 503 terminated, then BYE', async () => {
  const { a, b, aId } = await bridgedPair('xfer-ari-app');
  const mark = events.events.length;
  assert.equal((await a.refer([referTo('xfer-echo')])).status, 202);
  await events.wait(since(mark, (e) => e.type === 'ChannelTransfer'));
  assert.equal((await ari(target as TestServer, 'DELETE', `/channels/${aId}`)).status, 204);
  await a.next((m) => m.method === 'BYE');
  await a.next(terminated);
  assert.deepEqual(a.notifies(), ['SIP/2.0 100 Trying | active', 'SIP/2.0 503 Service Unavailable | terminated']);
  const order = a.inbox.filter((m) => m.method !== '').map((m) => m.method);
  assert.deepEqual(order, ['NOTIFY', 'NOTIFY', 'BYE'], 'the subscription ends before the call');
  await hangupAll(a, b);
});

test('blind transfer out of a Stasis bridge is done once swapped: 200 for a ringing or a busy extension too', async () => {
  for (const exten of ['xfer-ring', 'xfer-busy']) {
    const { a, b, aId } = await bridgedPair();
    assert.equal((await a.refer([referTo(exten)])).status, 202);
    await a.next(terminated);
    assert.deepEqual(a.notifies(), ['SIP/2.0 100 Trying | active', 'SIP/2.0 200 OK | terminated'], exten);
    const xfer = await events.wait((e) => e.type === 'BridgeBlindTransfer' && e.channel?.id === aId);
    assert.equal(xfer.exten, exten);
    await hangupAll(a, b);
  }
});
