// Device states of real calls, end to end: a raw UDP phone registers as PJSIP/lamp, calls into Stasis and is called
// back; Local channels come and go. The DeviceStateChanged sequence an app subscribed to the devices receives, and
// the GET /deviceStates answers, are those recorded on Asterisk 22.10.1 for the same steps.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket, type AriEvent } from '../helpers/ari.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { SipPeer } from '../helpers/sip-peer.js';

const PJSIP = `
[lamp]
type = endpoint
context = ds
disallow = all
allow = ulaw
aors = lamp

[lamp]
type = aor
max_contacts = 1
remove_existing = yes

; one call makes it busy
[desk]
type = endpoint
context = ds
disallow = all
allow = ulaw
aors = desk
device_state_busy_at = 1

[desk]
type = aor
max_contacts = 1
`;

const EXTENSIONS = `[ds]
exten => ds-stasis,1,Stasis(dsapp)
 same => n,Hangup()
exten => park,1,Answer()
 same => n,Wait(300)
 same => n,Hangup()
exten => func,1,Answer()
 same => n,Set(PARK=\${DEVICE_STATE(Local/park@ds)})
 same => n,Set(NONE=\${DEVICE_STATE(Nope/x)})
 same => n,Stasis(dsapp)
 same => n,Hangup()
`;

let server: TestServer;
let events: EventSocket;
let phone: SipPeer;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'pjsip.conf': EMBEDDED_PJSIP + PJSIP,
    'extensions.conf': EXTENSIONS,
  });
  events = await EventSocket.open(server, 'dsapp');
  phone = await SipPeer.open(() => server.sip.port);
  for (const device of ['PJSIP/lamp', 'Local/park@ds', 'PJSIP/desk']) {
    const sub = await ari(
      server,
      'POST',
      `/applications/dsapp/subscription?eventSource=deviceState:${encodeURIComponent(device)}`,
    );
    assert.equal(sub.status, 200);
  }
});

after(async () => {
  events?.close();
  phone?.close();
  await server?.close();
});

/** `name=STATE` of the DeviceStateChanged events received so far. */
function deviceEvents(): string[] {
  return events.events
    .filter((e) => e.type === 'DeviceStateChanged')
    .map((e) => `${e.device_state.name}=${e.device_state.state}`);
}

/** Waits until `n` DeviceStateChanged events have arrived, then gives the ones after index `from`. */
async function deviceEventsUpTo(n: number, from: number): Promise<string[]> {
  await events.wait(() => deviceEvents().length >= n);
  return deviceEvents().slice(from);
}

async function state(device: string): Promise<string> {
  const r = await ari(server, 'GET', `/deviceStates/${encodeURIComponent(device)}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.name, device);
  return r.json.state as string;
}

async function register(expires: number): Promise<void> {
  const res = await phone.request('REGISTER', {
    user: 'lamp',
    headers: [`Contact: <sip:lamp@127.0.0.1:${phone.port}>`, `Expires: ${expires}`],
  });
  assert.equal(res.status, 200);
}

test('PJSIP/lamp follows its registration and calls; Local/park@ds its pairs', async () => {
  assert.equal(await state('PJSIP/lamp'), 'UNAVAILABLE');
  assert.deepEqual((await ari(server, 'GET', '/deviceStates')).json, [], 'only Stasis: devices are listed');

  await register(300);
  assert.deepEqual(await deviceEventsUpTo(1, 0), ['PJSIP/lamp=NOT_INUSE']);

  // An inbound call rests in Ring inside Stasis: no re-evaluation yet, so the cached NOT_INUSE is still read.
  const calling = RtpCall.dial(server, 'ds-stasis', { from: 'lamp' });
  const start = await events.wait((e) => e.type === 'StasisStart' && e.channel?.dialplan.exten === 'ds-stasis');
  const id = start.channel!.id;
  assert.equal(await state('PJSIP/lamp'), 'NOT_INUSE');
  assert.equal((await ari(server, 'POST', `/channels/${id}/ring`)).status, 204);
  assert.deepEqual(await deviceEventsUpTo(2, 1), ['PJSIP/lamp=INUSE']);
  assert.equal((await ari(server, 'POST', `/channels/${id}/answer`)).status, 204);
  const call = await calling;
  assert.equal((await ari(server, 'POST', `/channels/${id}/hold`)).status, 204);
  assert.deepEqual(await deviceEventsUpTo(3, 2), ['PJSIP/lamp=ONHOLD']);
  assert.equal(await state('PJSIP/lamp'), 'ONHOLD');
  assert.equal((await ari(server, 'DELETE', `/channels/${id}/hold`)).status, 204);
  assert.deepEqual(await deviceEventsUpTo(4, 3), ['PJSIP/lamp=INUSE']);

  // Called back while in a call: ringing and in use, then the refusal leaves it in use.
  const originated = await ari(server, 'POST', '/channels?endpoint=PJSIP/lamp&app=dsapp&channelId=ds-out');
  assert.equal(originated.status, 200);
  const invite = await phone.next((m) => m.method === 'INVITE');
  phone.respond(invite, 180, 'Ringing');
  assert.deepEqual(await deviceEventsUpTo(5, 4), ['PJSIP/lamp=RINGINUSE']);
  assert.equal(await state('PJSIP/lamp'), 'RINGINUSE');
  phone.respond(invite, 486, 'Busy Here');
  assert.deepEqual(await deviceEventsUpTo(6, 5), ['PJSIP/lamp=INUSE']);

  await call.hangup();
  assert.deepEqual(await deviceEventsUpTo(7, 6), ['PJSIP/lamp=NOT_INUSE']);

  // Local channels do not cache: both halves' state changes and hangups publish, the same state each time.
  assert.equal(await state('Local/park@ds'), 'NOT_INUSE');
  assert.equal(await state('Local/nowhere@ds'), 'INVALID');
  assert.equal((await ari(server, 'POST', '/channels?endpoint=Local/park@ds&app=dsapp&channelId=ds-loc')).status, 200);
  assert.deepEqual(await deviceEventsUpTo(9, 7), ['Local/park@ds=INUSE', 'Local/park@ds=INUSE']);
  assert.equal(await state('Local/park@ds/n'), 'INUSE');
  assert.equal((await ari(server, 'DELETE', '/channels/ds-loc')).status, 204);
  assert.deepEqual(await deviceEventsUpTo(11, 9), ['Local/park@ds=NOT_INUSE', 'Local/park@ds=NOT_INUSE']);

  await register(0);
  assert.deepEqual(await deviceEventsUpTo(12, 11), ['PJSIP/lamp=UNAVAILABLE']);
  assert.equal(await state('PJSIP/lamp'), 'UNAVAILABLE');
  assert.equal(await state('PJSIP/nobody'), 'INVALID');
});

test('DEVICE_STATE() reads the same states, in the dialplan and through ARI', async () => {
  const calling = RtpCall.dial(server, 'func', { from: 'lamp' });
  const start: AriEvent = await events.wait((e) => e.type === 'StasisStart' && e.channel?.dialplan.exten === 'func');
  const id = start.channel!.id;
  const read = async (name: string): Promise<string> =>
    (await ari(server, 'GET', `/channels/${id}/variable?variable=${encodeURIComponent(name)}`)).json.value as string;
  assert.equal(await read('PARK'), 'NOT_INUSE');
  assert.equal(await read('NONE'), 'INVALID');
  // The phone unregistered, so its endpoint is offline; its one call, answered, makes it in use all the same.
  assert.deepEqual(await deviceEventsUpTo(13, 12), ['PJSIP/lamp=INUSE']);
  assert.equal(await read('DEVICE_STATE(PJSIP/lamp)'), 'INUSE');
  const call = await calling;
  await call.hangup();
  assert.deepEqual(await deviceEventsUpTo(14, 13), ['PJSIP/lamp=UNAVAILABLE']);
});

test('device_state_busy_at = 1: one call makes the endpoint BUSY', async () => {
  const desk = await SipPeer.open(() => server.sip.port);
  try {
    const from = deviceEvents().length;
    const res = await desk.request('REGISTER', {
      user: 'desk',
      headers: [`Contact: <sip:desk@127.0.0.1:${desk.port}>`, 'Expires: 300'],
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await deviceEventsUpTo(from + 1, from), ['PJSIP/desk=NOT_INUSE']);
    const call = await RtpCall.dial(server, 'park', { from: 'desk' });
    assert.deepEqual(await deviceEventsUpTo(from + 2, from + 1), ['PJSIP/desk=BUSY']);
    assert.equal(await state('PJSIP/desk'), 'BUSY');
    await call.hangup();
    assert.deepEqual(await deviceEventsUpTo(from + 3, from + 2), ['PJSIP/desk=NOT_INUSE']);
  } finally {
    desk.close();
  }
});
