// SIP transfers (RFC 3515 REFER) on calls joined by the dialplan's Dial(): phone A calls phone B through
// Dial(PJSIP/…), and one of them transfers. Real audio: each phone sends its own tone and the tests measure
// (Goertzel) whom it hears before and after; an Echo() extension proves the transferee reached it.
//
// Recorded from Asterisk 22.10.1 with the same scenarios (run this file with XFERD_ORACLE=1 to point it at a
// running Asterisk on 127.0.0.1:8090 / SIP 5080 that has the same endpoints and extensions):
// - blind: 202, NOTIFY `100 Trying` (active) then `200 OK` (terminated) right away; the transferee runs the
//   extension; the transferer's channel is destroyed but no BYE is sent to it (the phone sends its own; Asterisk
//   would after 60 s); BLINDTRANSFER on both (the other's name), SIPTRANSFER=yes and SIPREFERRINGCONTEXT on the
//   transferee; BridgeBlindTransfer names the transferer as `channel`, the transferee, no replace_channel,
//   is_external true;
// - attended: the transferor holds A, calls C through Dial() and REFERs with Replaces of that call on the A–B
//   dialog: A and C talk, the second leg gets a BYE, the first does not; BridgeAttendedTransfer with
//   destination_type `bridge`, is_external false; ATTENDEDTRANSFER on the first leg (A's name).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { toneRatio } from '../helpers/audio.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { Leg } from './sip-transfer-dial-phone.js';

const ON_ORACLE = process.env.XFERD_ORACLE === '1';
const APP = 'xferd-obs';

const ENDPOINT = (name: string): string =>
  `[${name}]\ntype=endpoint\ncontext=xferd\ndisallow=all\nallow=ulaw\ndirect_media=no\nrtp_symmetric=yes\n`;
const PJSIP_CONF =
  '[global]\ntype=global\nendpoint_identifier_order=ip,username,anonymous\n' +
  '[transport-udp]\ntype=transport\nprotocol=udp\nbind=127.0.0.1:5060\n' +
  ['xferd-a', 'xferd-b', 'xferd-c'].map(ENDPOINT).join('');

// `_dial-b-X.`: the phone's port follows the prefix (x and X are pattern characters, hence not `xferd-`).
const EXTENSIONS_CONF = `
[xferd]
exten => _dial-b-X.,1,Dial(PJSIP/xferd-b/sip:b@127.0.0.1:\${EXTEN:7})
 same => n,Hangup()
exten => _dial-c-X.,1,Dial(PJSIP/xferd-c/sip:c@127.0.0.1:\${EXTEN:7})
 same => n,Hangup()
exten => xferd-echo,1,Answer()
 same => n,Echo()
 same => n,Hangup()
`;

/** Tones each phone sends, far apart so that each is told from the others. */
const TONE_A = 700;
const TONE_B = 1200;
const TONE_B2 = 900;
const TONE_C = 1500;
/** A tone heard is nearly all of the power (≈1 for a clean tone after G.711); one not heard is nearly none. */
const HEARD = 0.8;
const NOT_HEARD = 0.05;
/** Audio measured over this long, after the media has settled. */
const LISTEN_MS = 600;
const SETTLE_MS = 300;

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
  events = await EventSocket.open(target as TestServer, APP, '&subscribeAll=true');
});

after(async () => {
  events.close();
  await server?.close();
});

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Which of the tones `leg` heard over the next LISTEN_MS, as Goertzel ratios. */
async function listen(leg: Leg): Promise<Record<number, number>> {
  await wait(SETTLE_MS);
  const from = Date.now();
  await wait(LISTEN_MS);
  const heard = leg.heardSince(from);
  assert.ok(heard.length > 0, `${leg.user} heard no audio`);
  return Object.fromEntries([TONE_A, TONE_B, TONE_B2, TONE_C].map((f) => [f, toneRatio(heard, f)]));
}

const terminated = (m: { method: string; header(n: string): string | undefined }): boolean =>
  m.method === 'NOTIFY' && /^terminated/.test(m.header('Subscription-State') ?? '');
const notifies = (leg: Leg): string[] =>
  leg.inbox
    .filter((m) => m.method === 'NOTIFY')
    .map((m) => `${m.body.split('\r\n')[0]} | ${(m.header('Subscription-State') ?? '').split(';')[0]}`);

/** Events about a channel named `name` since `mark`. */
function about(mark: number, name: string, type: string): AriEvent[] {
  return events.events.slice(mark).filter((e) => e.type === type && nameOf(e) === name);
}
type ChannelJson = { name: string; connected: { number: string } };
function nameOf(e: AriEvent): string | undefined {
  return (e.channel as { name?: string } | undefined)?.name;
}
const varsOf = (mark: number, name: string): Record<string, string> =>
  Object.fromEntries(about(mark, name, 'ChannelVarset').map((e) => [e.variable as string, e.value as string]));

/** A calls B through Dial(); both answered and sending their tones. Returns the channel names. */
async function dialledPair(): Promise<{ a: Leg; b: Leg; aName: string; bName: string; mark: number }> {
  const mark = events.events.length;
  const a = await Leg.open('xferd-a', target.sip.port);
  const b = await Leg.open('xferd-b', target.sip.port);
  await a.dial(`dial-b-${b.port}`);
  await b.answered();
  const answered = await events.wait(
    (e) => events.events.indexOf(e) >= mark && e.type === 'Dial' && e.dialstatus === 'ANSWER' && e.peer?.name.startsWith('PJSIP/xferd-b'), // prettier-ignore
  );
  a.startTone(TONE_A);
  b.startTone(TONE_B);
  return { a, b, aName: answered.caller.name as string, bName: answered.peer.name as string, mark };
}

test('blind transfer by the callee: NOTIFY 100 then 200, the caller runs the extension, the callee’s BYE is left to it', async () => {
  const { a, b, aName, bName, mark } = await dialledPair();
  const before = await listen(a);
  assert.ok(before[TONE_B]! > HEARD, `A hears B before the transfer (${before[TONE_B]})`);
  const res = await b.request('REFER', [`Refer-To: <sip:xferd-echo@127.0.0.1:${target.sip.port}>`]);
  assert.equal(res.status, 202);
  await b.next(terminated);
  assert.deepEqual(notifies(b), ['SIP/2.0 100 Trying | active', 'SIP/2.0 200 OK | terminated']);

  // A is in xferd-echo: it hears its own tone back, no longer B's.
  const afterwards = await listen(a);
  assert.ok(afterwards[TONE_A]! > HEARD, `A hears itself echoed (${afterwards[TONE_A]})`);
  assert.ok(afterwards[TONE_B]! < NOT_HEARD, `A no longer hears B (${afterwards[TONE_B]})`);

  const xfer = await events.wait((e) => events.events.indexOf(e) >= mark && e.type === 'BridgeBlindTransfer');
  assert.equal(nameOf(xfer), bName);
  assert.equal(xfer.transferee.name, aName);
  assert.equal(xfer.replace_channel, undefined);
  assert.deepEqual([xfer.exten, xfer.context, xfer.result, xfer.is_external], ['xferd-echo', 'xferd', 'Success', true]);
  const aVars = varsOf(mark, aName);
  assert.equal(aVars.BLINDTRANSFER, bName);
  assert.equal(aVars.SIPTRANSFER, 'yes');
  assert.equal(aVars.SIPREFERRINGCONTEXT, 'xferd');
  assert.equal(aVars.SIPREFERTOHDR, `sip:xferd-echo@127.0.0.1:${target.sip.port}`);
  assert.equal(varsOf(mark, bName).BLINDTRANSFER, aName);
  assert.equal(about(mark, bName, 'ChannelUnhold').length, 1, 'the transferer is taken off hold, held or not');

  // B's channel is gone, but its dialog waits for B's own BYE (none was sent to B), which is answered.
  await events.wait((e) => events.events.indexOf(e) >= mark && e.type === 'ChannelDestroyed' && nameOf(e) === bName); // prettier-ignore
  assert.equal(b.inbox.filter((m) => m.method === 'BYE').length, 0);
  assert.equal(about(mark, bName, 'ChannelHangupRequest').length, 0, 'a callee leaving is released, not asked');
  b.stopTone();
  const bye = await b.request('BYE');
  assert.equal(bye.status, 200);
  await a.close();
  await b.close();
});

test('blind transfer by the caller: the callee runs the extension', async () => {
  const { a, b, bName, mark } = await dialledPair();
  const res = await a.request('REFER', [`Refer-To: <sip:xferd-echo@127.0.0.1:${target.sip.port}>`]);
  assert.equal(res.status, 202);
  await a.next(terminated);
  assert.deepEqual(notifies(a), ['SIP/2.0 100 Trying | active', 'SIP/2.0 200 OK | terminated']);
  const heard = await listen(b);
  assert.ok(heard[TONE_B]! > HEARD, `B hears itself echoed (${heard[TONE_B]})`);
  assert.ok(heard[TONE_A]! < NOT_HEARD, `B no longer hears A (${heard[TONE_A]})`);
  await events.wait((e) => events.events.indexOf(e) >= mark && e.type === 'ChannelDialplan' && nameOf(e) === bName && e.dialplan_app === 'Echo'); // prettier-ignore
  assert.equal(a.inbox.filter((m) => m.method === 'BYE').length, 0);
  await a.close();
  await b.close();
});

test('attended transfer: B holds A, calls C through Dial(), REFERs with Replaces; A and C talk, B’s legs end', async () => {
  const { a, b, aName, bName, mark } = await dialledPair();
  const held = await b.hold();
  assert.equal(held.status, 200);
  const b2 = await Leg.open('xferd-b', target.sip.port);
  const c = await Leg.open('xferd-c', target.sip.port);
  await b2.dial(`dial-c-${c.port}`);
  await c.answered();
  b2.startTone(TONE_B2);
  c.startTone(TONE_C);
  // What each of B's legs is shown as connected to, before the transfer.
  const shown = new Map(((await ari(target as TestServer, 'GET', '/channels')).json as ChannelJson[]).map((ch) => [ch.name, ch.connected.number])); // prettier-ignore
  const replaces = encodeURIComponent(b2.replaces());
  const res = await b.request('REFER', [`Refer-To: <sip:xferd-c@127.0.0.1:${target.sip.port}?Replaces=${replaces}>`]);
  assert.equal(res.status, 202);
  await b.next(terminated);
  assert.deepEqual(notifies(b), ['SIP/2.0 100 Trying | active', 'SIP/2.0 200 OK | terminated']);
  // The second leg is hung up with a BYE; the first leg's BYE is left to B.
  await b2.next((m) => m.method === 'BYE');

  const [heardA, heardC] = await Promise.all([listen(a), listen(c)]);
  assert.ok(heardA[TONE_C]! > HEARD, `A hears C (${heardA[TONE_C]})`);
  assert.ok(heardC[TONE_A]! > HEARD, `C hears A (${heardC[TONE_A]})`);
  for (const f of [TONE_B, TONE_B2]) {
    assert.ok(heardA[f]! < NOT_HEARD, `A does not hear B (${f} Hz: ${heardA[f]})`);
    assert.ok(heardC[f]! < NOT_HEARD, `C does not hear B (${f} Hz: ${heardC[f]})`);
  }

  const xfer = await events.wait((e) => events.events.indexOf(e) >= mark && e.type === 'BridgeAttendedTransfer');
  assert.equal(xfer.transferer_first_leg.name, bName);
  const secondLeg = xfer.transferer_second_leg.name as string;
  assert.match(secondLeg, /^PJSIP\/xferd-b-/);
  assert.equal(xfer.transferee.name, aName);
  assert.match(xfer.transfer_target.name, /^PJSIP\/xferd-c-/);
  assert.deepEqual([xfer.result, xfer.is_external, xfer.destination_type], ['Success', false, 'bridge']);
  assert.equal(varsOf(mark, bName).ATTENDEDTRANSFER, aName);
  for (const leg of [bName, secondLeg]) assert.equal(about(mark, leg, 'ChannelUnhold').length, 1, `${leg} off hold`);
  const aTransferVars = about(mark, aName, 'ChannelVarset').filter((e) => e.variable === 'ATTENDEDTRANSFER');
  assert.deepEqual(
    aTransferVars.map((e) => e.value),
    [bName, ''],
    'set, then cleared as A joins C',
  );
  // A is shown what B's second leg was connected to (Asterisk: the number B dialled), C what the first leg was.
  const lines = await Promise.all(
    [aName, xfer.transfer_target.name as string].map(
      (name) =>
    events.wait((e) => events.events.indexOf(e) > events.events.indexOf(xfer) && e.type === 'ChannelConnectedLine' && nameOf(e) === name), // prettier-ignore
    ),
  );
  assert.equal((lines[0] as unknown as { channel: ChannelJson }).channel.connected.number, shown.get(secondLeg));
  assert.equal((lines[1] as unknown as { channel: ChannelJson }).channel.connected.number, shown.get(bName));
  await events.wait((e) => events.events.indexOf(e) >= mark && e.type === 'ChannelDestroyed' && nameOf(e) === bName); // prettier-ignore
  assert.equal(b.inbox.filter((m) => m.method === 'BYE').length, 0);

  // A hangs up: C is hung up with it.
  a.stopTone();
  await a.request('BYE');
  await c.next((m) => m.method === 'BYE');
  for (const leg of [a, b, b2, c]) await leg.close();
});

test('blind transfer to an extension that does not exist: NOTIFY 404, and the call goes on', async () => {
  const { a, b } = await dialledPair();
  const res = await b.request('REFER', [`Refer-To: <sip:xferd-nowhere@127.0.0.1:${target.sip.port}>`]);
  assert.equal(res.status, 202);
  await b.next(terminated);
  assert.deepEqual(notifies(b), ['SIP/2.0 100 Trying | active', 'SIP/2.0 404 Not Found | terminated']);
  const heard = await listen(a);
  assert.ok(heard[TONE_B]! > HEARD, `A still hears B (${heard[TONE_B]})`);
  await a.close();
  await b.close();
});
