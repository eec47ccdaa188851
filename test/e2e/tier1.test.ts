/**
 * Tier-1 scenarios of the conformance plan (testsuite.md): ids, the 404/409/412 rules, request bodies,
 * the dialplan-entered channel and `continue` location rules — raw HTTP and `ws` against a running server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { ari, EventSocket } from '../helpers/ari.js';

let server: TestServer;
let events: EventSocket;

const DIALPLAN = `
[default]
exten => s,1,NoOp(entering s)
 same => n,Answer()
 same => n(stasis),Stasis(t1,from-dialplan,arg2)
 same => n,NoOp(after stasis \${STASISSTATUS})
 same => n(named),Wait(30)
exten => wait,1,Answer()
 same => n,Wait(60)
exten => echo,1,Answer()
 same => n,Echo()
exten => target,1,NoOp(one)
 same => n,NoOp(two)
 same => n(lbl),Wait(30)
exten => s2,1,Answer()
 same => n,Stasis(t1)
 same => n,Wait(30)
[other]
exten => s,1,Wait(30)
exten => x,1,Wait(30)
`;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': DIALPLAN,
  });
  events = await EventSocket.open(server, 't1');
});

after(async () => {
  events.close();
  await server.close();
});

test('channelId and otherChannelId name both Local halves; duplicates are 409 everywhere', async () => {
  let r = await ari(server, 'POST', '/channels?endpoint=Local/wait@default&app=t1&channelId=id1&otherChannelId=id1b');
  assert.equal(r.status, 200);
  assert.equal(r.json.id, 'id1');
  assert.equal((await ari(server, 'GET', '/channels/id1b')).json.name.endsWith(';2'), true);
  for (const path of [
    '/channels?endpoint=Local/wait@default&app=t1&channelId=id1',
    '/channels?endpoint=Local/wait@default&app=t1&channelId=fresh&otherChannelId=id1b',
    '/channels/id1?endpoint=Local/wait@default&app=t1',
    '/channels/create?endpoint=Local/wait@default&app=t1&channelId=id1',
  ]) {
    r = await ari(server, 'POST', path);
    assert.equal(r.status, 409, path);
    assert.deepEqual(r.json, { message: 'Channel with given unique ID already exists' });
  }
  r = await ari(server, 'POST', '/channels/id2?endpoint=Local/wait@default&app=t1');
  assert.equal(r.status, 200);
  assert.ok((await ari(server, 'GET', '/channels/id2;2')).status === 200, 'default ;2 id is <id>;2');
  r = await ari(server, 'POST', `/channels?endpoint=Local/wait@default&app=t1&channelId=${'x'.repeat(150)}`);
  assert.equal(r.status, 400);
  await ari(server, 'DELETE', '/channels/id1');
  await ari(server, 'DELETE', '/channels/id2');
});

test('a created, undialed channel answers 412 to the dialplan and media operations, hangup works', async () => {
  await ari(server, 'POST', '/channels/create?endpoint=Local/wait@default&app=t1&channelId=down1');
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'down1');
  const ops: [string, string][] = [
    ['POST', 'continue'],
    ['POST', 'redirect?endpoint=Local/x@y'],
    ['POST', 'answer'],
    ['POST', 'dtmf?dtmf=1'],
    ['POST', 'ring'],
    ['DELETE', 'ring'],
    ['POST', 'progress'],
    ['POST', 'mute?direction=both'],
    ['DELETE', 'mute?direction=both'],
    ['POST', 'hold'],
    ['DELETE', 'hold'],
  ];
  for (const [method, op] of ops) {
    const r = await ari(server, method, `/channels/down1/${op}`);
    assert.equal(r.status, 412, `${method} ${op}`);
    assert.deepEqual(r.json, { message: 'Channel in invalid state' });
  }
  assert.equal((await ari(server, 'POST', '/channels/nope/answer')).status, 404);
  assert.equal((await ari(server, 'DELETE', '/channels/down1')).status, 204);
  await events.wait((e) => e.type === 'StasisEnd' && e.channel?.id === 'down1');
});

test('a channel outside Stasis is 409 for control operations but readable', async () => {
  await ari(server, 'POST', '/channels?endpoint=Local/echo@default&extension=wait&context=default&channelId=plain1');
  await new Promise((r) => setTimeout(r, 100));
  const answer = await ari(server, 'POST', '/channels/plain1/answer');
  assert.equal(answer.status, 409);
  assert.deepEqual(answer.json, { message: 'Channel not in Stasis application' });
  assert.equal((await ari(server, 'GET', '/channels/plain1')).status, 200);
  assert.equal((await ari(server, 'GET', '/channels/plain1/variable?variable=CHANNEL(state)')).status, 200);
  assert.equal((await ari(server, 'POST', '/channels/plain1/variable?variable=X&value=1')).status, 409);
  assert.equal((await ari(server, 'DELETE', '/channels/plain1')).status, 204);
});

test('variables in the body set functions too: CALLERID(name) shows in the 200 snapshot', async () => {
  const r = await ari(server, 'POST', '/channels?endpoint=Local/wait@default&app=t1&channelId=v1', {
    variables: { 'CALLERID(name)': 'Alice', PLAIN: 'p' },
  });
  assert.equal(r.status, 200);
  assert.equal(r.json.caller.name, 'Alice');
  assert.deepEqual((await ari(server, 'GET', '/channels/v1/variable?variable=PLAIN')).json, { value: 'p' });
  const bad = await ari(server, 'POST', '/channels?endpoint=Local/wait@default&app=t1', { variables: { X: 1 } });
  assert.equal(bad.status, 400);
  await ari(server, 'DELETE', '/channels/v1');
});

test('the same parameter via query, form and JSON; JSON wins; charset in Content-Type is accepted', async () => {
  const form = await ari(server, 'POST', '/channels', 'endpoint=Local/wait@default&app=t1&channelId=f1', {
    'Content-Type': 'application/x-www-form-urlencoded',
  });
  assert.equal(form.status, 200);
  assert.equal(form.json.id, 'f1');
  const json = await ari(
    server,
    'POST',
    '/channels?channelId=q1&endpoint=Local/wait@default',
    '{"app":"t1","channelId":"j1"}',
    {
      'Content-Type': 'application/json; charset=utf-8',
    },
  );
  assert.equal(json.status, 200);
  assert.equal(json.json.id, 'j1');
  const broken = await ari(server, 'POST', '/channels', '{"endpoint":', { 'Content-Type': 'application/json' });
  assert.deepEqual([broken.status, broken.json], [400, { message: 'Error parsing request body' }]);
  await ari(server, 'DELETE', '/channels/f1');
  await ari(server, 'DELETE', '/channels/j1');
});

test('a dialplan-entered channel gets StasisStart with args; continue ends Stasis with no further events', async () => {
  await ari(server, 'POST', '/channels?endpoint=Local/s@default&extension=wait&context=default&channelId=dp1');
  const start = await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'dp1;2');
  assert.deepEqual(start.args, ['from-dialplan', 'arg2']);
  assert.equal(start.channel!.dialplan.app_name, 'Stasis');
  assert.equal((await ari(server, 'POST', '/channels/dp1;2/continue')).status, 204);
  await events.wait((e) => e.type === 'StasisEnd' && e.channel?.id === 'dp1;2');
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(events.typesFor('dp1;2'), ['StasisStart', 'StasisEnd']);
  await ari(server, 'DELETE', '/channels/dp1');
});

/** Enter Stasis from `s2` (priority 2), continue with `query`, and read where the channel went. */
async function continueTo(query: string): Promise<{ context: string; exten: string; priority: number }> {
  const id = `cont${Math.random().toString(36).slice(2, 8)}`;
  await ari(server, 'POST', `/channels?endpoint=Local/s2@default&extension=wait&context=default&channelId=${id}`);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === `${id};2`);
  const r = await ari(server, 'POST', `/channels/${id};2/continue${query}`);
  assert.equal(r.status, 204, query);
  await events.wait((e) => e.type === 'StasisEnd' && e.channel?.id === `${id};2`);
  await new Promise((resolve) => setTimeout(resolve, 30));
  const ch = await ari(server, 'GET', `/channels/${id};2`);
  await ari(server, 'DELETE', `/channels/${id}`);
  const { context, exten, priority } = ch.json.dialplan;
  return { context, exten, priority };
}

test('continue resolves its location like Asterisk: label > priority > next priority; context alone means s', async () => {
  assert.deepEqual(await continueTo(''), { context: 'default', exten: 's2', priority: 3 });
  assert.deepEqual(await continueTo('?priority=3'), { context: 'default', exten: 's2', priority: 3 });
  assert.deepEqual(await continueTo('?extension=target'), { context: 'default', exten: 'target', priority: 3 });
  assert.deepEqual(await continueTo('?extension=target&label=lbl'), {
    context: 'default',
    exten: 'target',
    priority: 3,
  });
  assert.deepEqual(await continueTo('?context=other'), { context: 'other', exten: 's', priority: 1 });
  assert.deepEqual(await continueTo('?context=other&extension=x'), { context: 'other', exten: 'x', priority: 1 });
});
