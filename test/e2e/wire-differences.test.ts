/**
 * Wire differences found by asking Asterisk 22.10.1 and Switchyard the same questions side by side: channel id
 * matching, /channels/create without an application, a created channel whose dial ends busy, and the one error
 * body that is not `{"message"}`. Each expectation is what the real Asterisk answered.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type TestServer } from '../helpers/server.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { closeAppServer, openAppServer } from '../helpers/app-server.js';

const APP = 'wire';
const CONFLICT = { message: 'Channel with given unique ID already exists' };

let server: TestServer;
let events: EventSocket;

before(async () => ({ server, events } = await openAppServer(APP)));
after(() => closeAppServer(server, events));

/** Originate `Local/park` into the app with the given ids and wait until `;1` is in Stasis. */
async function parked(id: string, otherId: string): Promise<void> {
  const made = await ari(
    server,
    'POST',
    `/channels?endpoint=Local/park@default&app=${APP}&channelId=${id}&otherChannelId=${otherId}`,
  );
  assert.equal(made.status, 200, made.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
}

async function gone(id: string): Promise<void> {
  await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === id);
}

test('channel ids match without regard to case, as Asterisk channel storage compares them', async () => {
  await parked('CaseOne', 'CaseTwo');
  const byLower = await ari(server, 'GET', '/channels/caseone');
  assert.equal(byLower.status, 200, byLower.text);
  assert.equal(byLower.json.id, 'CaseOne', 'the channel keeps the spelling it was given');
  assert.equal((await ari(server, 'GET', '/channels/CASETWO')).json?.id, 'CaseTwo');

  const originate = (q: string) => ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&${q}`);
  for (const q of [
    'channelId=CASEONE',
    'channelId=casetwo',
    'channelId=fresh1&otherChannelId=caseONE',
    'channelId=dup&otherChannelId=dup',
    'channelId=dup&otherChannelId=DUP',
  ]) {
    const r = await originate(q);
    assert.equal(r.status, 409, `${q}: ${r.text}`);
    assert.deepEqual(r.json, CONFLICT, q);
  }
  const created = await ari(
    server,
    'POST',
    `/channels/create?endpoint=Local/park@default&app=${APP}&channelId=caseOne`,
  );
  assert.deepEqual([created.status, created.json], [409, CONFLICT]);
  assert.equal(
    (
      await ari(
        server,
        'POST',
        `/channels/create?endpoint=Local/park@default&app=${APP}&channelId=c1&otherChannelId=C1`,
      )
    ).status,
    409,
  );

  // The Stasis control is found by the exact id (find_control): another spelling is 409 although the channel exists.
  const answer = await ari(server, 'POST', '/channels/CASEONE/answer');
  assert.deepEqual([answer.status, answer.json], [409, { message: 'Channel not in Stasis application' }]);
  assert.equal((await ari(server, 'DELETE', '/channels/caseONE')).status, 204);
  await gone('CaseOne');
  await gone('CaseTwo');
  assert.equal((await ari(server, 'GET', '/channels')).json.length, 0, 'no channel was made by the refused requests');
});

test('POST /channels/create without app makes the channel (200) and it goes at once, both Local halves', async () => {
  const r = await ari(server, 'POST', '/channels/create?endpoint=Local/park@default&channelId=noapp');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, 'noapp');
  assert.equal(r.json.state, 'Down');
  assert.deepEqual(r.json.dialplan, { context: 'default', exten: 'park', priority: 1, app_name: '', app_data: '' });
  // No application sees events of a channel none was named for; the listing is the witness. Stasis() fails on
  // the next turns, so a few turns are allowed before the listing must be empty.
  for (let i = 0; i < 50 && (await ari(server, 'GET', '/channels')).json.length > 0; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.deepEqual((await ari(server, 'GET', '/channels')).json, []);
  assert.equal((await ari(server, 'GET', '/channels/noapp')).status, 404);
});

test('a created channel never dialed takes its Local ;2 half with it when hung up', async () => {
  const r = await ari(server, 'POST', `/channels/create?endpoint=Local/park@default&app=${APP}&channelId=undialed`);
  assert.equal(r.status, 200, r.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'undialed');
  assert.equal((await ari(server, 'GET', '/channels/undialed;2')).status, 200);
  assert.equal((await ari(server, 'DELETE', '/channels/undialed')).status, 204);
  await gone('undialed');
  assert.equal((await ari(server, 'GET', '/channels/undialed;2')).status, 404);
});

for (const [exten, status] of [
  ['busy', 'BUSY'],
  ['congestion', 'CONGESTION'],
] as const) {
  test(`a created channel whose dial ends ${status} stays in Stasis, Down, until the app hangs it up`, async () => {
    const id = `dial-${exten}`;
    const r = await ari(server, 'POST', `/channels/create?endpoint=Local/${exten}@default&app=${APP}&channelId=${id}`);
    assert.equal(r.status, 200, r.text);
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
    assert.equal((await ari(server, 'POST', `/channels/${id}/dial?timeout=5`)).status, 204);
    await events.wait((e) => e.type === 'Dial' && e.peer?.id === id && e.dialstatus === status);
    const now = await ari(server, 'GET', `/channels/${id}`);
    assert.deepEqual([now.status, now.json?.state], [200, 'Down']);
    assert.equal((await ari(server, 'POST', `/channels/${id}/answer`)).status, 412, 'still in Stasis, still Down');
    assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
    await gone(id);
    assert.deepEqual(events.typesFor(id), [
      'ChannelDialplan',
      'ChannelVarset',
      'StasisStart',
      'ChannelHangupRequest',
      'StasisEnd',
      'ChannelVarset',
      'ChannelDestroyed',
    ]);
  });
}

test('an unknown PJSIP endpoint is 500 {"error":"Allocation failed"}, as for an unknown technology (trace s5)', async () => {
  // Trace s5 shows the body for `Bogus/xyz`; 22.10.1 answers the same for `PJSIP/<no such endpoint>`, with or
  // without app, on create and on originate.
  for (const path of [
    `/channels/create?endpoint=PJSIP/nosuch&app=${APP}`,
    '/channels/create?endpoint=PJSIP/nosuch',
    `/channels?endpoint=PJSIP/nosuch&app=${APP}`,
  ]) {
    const r = await ari(server, 'POST', path);
    assert.deepEqual([r.status, r.json], [500, { error: 'Allocation failed' }], path);
  }
});

test('ids are checked at allocation: an unknown technology is 500 even for an id in use', async () => {
  await parked('alloc-live', 'alloc-live-2');
  const r = await ari(server, 'POST', `/channels?endpoint=Bogus/x&app=${APP}&channelId=ALLOC-LIVE`);
  assert.deepEqual([r.status, r.json], [500, { error: 'Allocation failed' }]);
  assert.equal((await ari(server, 'DELETE', '/channels/alloc-live')).status, 204);
  await gone('alloc-live-2');
});

test('a Local originate with otherChannelId but no channelId ignores it: both halves get fresh uniqueids', async () => {
  await parked('kept', 'kept-2');
  const r = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&otherChannelId=kept-2`);
  assert.equal(r.status, 200, r.text);
  const id = r.json.id as string;
  assert.match(id, /^\d+\.\d+$/);
  const start = await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
  assert.ok(start);
  const halves = ((await ari(server, 'GET', '/channels')).json as { id: string; name: string }[]).filter(
    (c) => c.name === r.json.name.replace(/;1$/, ';2'),
  );
  assert.equal(halves.length, 1);
  const [seconds, seq] = id.split('.');
  assert.equal(halves[0]!.id, `${seconds}.${Number(seq) + 1}`, ';2 has the next uniqueid, not `<id>;2`');
  for (const each of [id, 'kept']) assert.equal((await ari(server, 'DELETE', `/channels/${each}`)).status, 204);
  await gone(halves[0]!.id);
  await gone('kept-2');
});

test("originate checks in Asterisk's order and words: id length, endpoint, originator+formats, app, label", async () => {
  const long = 'x'.repeat(150);
  const cases: [string, number, string][] = [
    [`?channelId=${long}`, 400, 'Uniqueid length exceeds maximum of 149'],
    [`?endpoint=Local/park@default&app=${APP}&otherChannelId=${long}`, 400, 'Uniqueid length exceeds maximum of 149'],
    ['?originator=x&formats=ulaw', 400, 'Endpoint must be specified'],
    ['?endpoint=Local/park@default&originator=nosuch', 400, 'Application or extension must be specified'],
    ['?endpoint=Local/park@default&extension=park&label=0', 400, 'Requested priority is illegal'],
    ['?endpoint=Local/park@default&extension=park&label=nolabel', 404, 'Requested label can not be found'],
    [`?endpoint=Local/park@default&app=${APP}&originator=nosuch`, 400, 'Provided originator channel was not found'],
  ];
  for (const [q, status, message] of cases) {
    const r = await ari(server, 'POST', `/channels${q}`);
    assert.deepEqual([r.status, r.json], [status, { message }], q);
  }
});

test('create checks originator+formats before the endpoint, ignores an originator not found and an empty formats', async () => {
  const both = await ari(server, 'POST', '/channels/create?originator=x&formats=ulaw');
  assert.deepEqual(both.json, { message: "Originator and formats can't both be specified" });
  for (const [i, q] of ['originator=nosuch', 'formats=', 'formats=%20ULAW%20,alaw'].entries()) {
    const id = `lenient-create-${i}`;
    const r = await ari(server, 'POST', `/channels/create?endpoint=Local/park@default&app=${APP}&channelId=${id}&${q}`);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
    assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
  }
  const bad = await ari(
    server,
    'POST',
    `/channels/create?endpoint=Local/park@default&app=${APP}&formats=ulaw,%20bogus`,
  );
  assert.deepEqual(bad.json, { message: 'Provided format (bogus) was not found' }, 'names are stripped');
  // A longer id is not refused by create: the channel keeps its first 151 characters.
  const long = 'y'.repeat(160);
  const kept = await ari(
    server,
    'POST',
    `/channels/create?endpoint=Local/park@default&app=${APP}&channelId=${long}&otherChannelId=z`,
  );
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.json.id, 'y'.repeat(151));
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === kept.json.id);
  assert.equal((await ari(server, 'DELETE', `/channels/${kept.json.id}`)).status, 204);
});

test('continue reads a label as originate does: a number is a priority, 0 is illegal, unknown is 404', async () => {
  await parked('cont', 'cont-2');
  await ari(server, 'POST', '/channels/cont/answer');
  const r0 = await ari(server, 'POST', '/channels/cont/continue?label=0');
  assert.deepEqual([r0.status, r0.json], [400, { message: 'Requested priority is illegal' }]);
  const rx = await ari(server, 'POST', '/channels/cont/continue?extension=park&label=nolabel');
  assert.deepEqual([rx.status, rx.json], [404, { message: 'Requested label can not be found' }]);
  assert.equal((await ari(server, 'DELETE', '/channels/cont')).status, 204);
  await gone('cont-2');
});

test('a created channel the app hangs up while its dial rings gets no final Dial event', async () => {
  const r = await ari(server, 'POST', `/channels/create?endpoint=Local/ring@default&app=${APP}&channelId=ringing`);
  assert.equal(r.status, 200, r.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'ringing');
  assert.equal((await ari(server, 'POST', '/channels/ringing/dial?timeout=10')).status, 204);
  await events.wait((e) => e.type === 'Dial' && e.peer?.id === 'ringing' && e.dialstatus === 'RINGING');
  assert.equal((await ari(server, 'DELETE', '/channels/ringing')).status, 204);
  await gone('ringing');
  const dials = events.events.filter((e) => e.type === 'Dial' && e.peer?.id === 'ringing').map((e) => e.dialstatus);
  assert.deepEqual(dials, ['', 'RINGING']);
});

test('subscribing an app to a channel named in another case subscribes the channel by its own id', async () => {
  await parked('SubMe', 'SubMe-2');
  const other = await EventSocket.open(server, 'wire-other');
  try {
    const r = await ari(server, 'POST', '/applications/wire-other/subscription?eventSource=channel:SUBME');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.channel_ids, ['SubMe']);
    const wrong = await ari(server, 'DELETE', '/applications/wire-other/subscription?eventSource=channel:SUBME');
    assert.deepEqual([wrong.status, wrong.json], [422, { message: 'Event source was not subscribed to' }]);
    assert.equal((await ari(server, 'DELETE', '/channels/SubMe')).status, 204);
    await other.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'SubMe');
  } finally {
    other.close();
  }
});
