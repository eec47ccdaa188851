// ARI snoop (res_stasis_snoop.c / resource_channels.c) without audio: the checks in Asterisk's order with its
// statuses and messages, the snoop channel's name, state and events as Asterisk 22 shows them (trace s4), and
// `Snoop/...` not being dialable.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';

const APP = 'snoopapi';
const EXTENSIONS = `
[default]
exten => echo,1,Answer()
 same => n,Echo()
`;

let server: TestServer;
let events: EventSocket;
/** The target: the `;1` half of a Local channel in the app (Up), its `;2` half in Echo() outside Stasis. */
const TARGET = 'target1';

before(async () => {
  server = await startTestServer({ 'ari.conf': ARI_CONF, 'extensions.conf': EXTENSIONS });
  events = await EventSocket.open(server, APP);
  const made = await ari(server, 'POST', `/channels?endpoint=Local/echo@default&app=${APP}&channelId=${TARGET}`);
  assert.equal(made.status, 200);
  await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === TARGET);
});

after(async () => {
  events.close();
  await server.close();
});

test('bad input is answered in Asterisk’s order, status and words', async () => {
  const table: ReadonlyArray<readonly [string, string, number, string]> = [
    [
      'spy not a direction',
      `/channels/${TARGET}/snoop?spy=bogus&app=${APP}`,
      400,
      'Invalid direction specified for spy',
    ],
    [
      'directions are case-sensitive',
      `/channels/${TARGET}/snoop?spy=IN&app=${APP}`,
      400,
      'Invalid direction specified for spy',
    ],
    [
      'whisper not a direction',
      `/channels/${TARGET}/snoop?whisper=bogus&app=${APP}`,
      400,
      'Invalid direction specified for whisper',
    ],
    [
      'spy checked before whisper',
      `/channels/${TARGET}/snoop?spy=x&whisper=y`,
      400,
      'Invalid direction specified for spy',
    ],
    [
      'no direction',
      `/channels/${TARGET}/snoop?app=${APP}`,
      400,
      'Direction must be specified for at least spy or whisper',
    ],
    [
      'both none',
      `/channels/${TARGET}/snoop?spy=none&whisper=none&app=${APP}`,
      400,
      'Direction must be specified for at least spy or whisper',
    ],
    [
      'empty is none',
      `/channels/${TARGET}/snoop?spy=&whisper=&app=${APP}`,
      400,
      'Direction must be specified for at least spy or whisper',
    ],
    ['no app', `/channels/${TARGET}/snoop?spy=in`, 400, 'Application name is required'],
    ['app checked before the channel', '/channels/nosuch/snoop?spy=in', 400, 'Application name is required'],
    [
      'direction checked before the channel',
      `/channels/nosuch/snoop?spy=up&app=${APP}`,
      400,
      'Invalid direction specified for spy',
    ],
    ['unknown channel', `/channels/nosuch/snoop?spy=in&app=${APP}`, 404, 'Provided channel was not found'],
    [
      'unknown channel, with id',
      `/channels/nosuch/snoop/s9?whisper=out&app=${APP}`,
      404,
      'Provided channel was not found',
    ],
    [
      'id of a live channel',
      `/channels/${TARGET}/snoop/${TARGET}?spy=in&app=${APP}`,
      500,
      'Snoop channel could not be created',
    ],
  ];
  for (const [name, path, status, message] of table) {
    const r = await ari(server, 'POST', path);
    assert.equal(r.status, status, name);
    assert.deepEqual(r.json, { message }, name);
  }
});

test('a snoop channel: Snoop/<target id>-<8 hex>, Up, default/s/1, then StasisStart with Stasis(app,args)', async () => {
  const r = await ari(server, 'POST', `/channels/${TARGET}/snoop/sn1?spy=both&app=${APP}&appArgs=snooping,2`);
  assert.equal(r.status, 200);
  const body = r.json as { id: string; name: string; state: string; dialplan: Record<string, unknown> };
  assert.equal(body.id, 'sn1');
  assert.match(body.name, new RegExp(`^Snoop/${TARGET}-[0-9a-f]{8}$`));
  assert.equal(body.state, 'Up');
  // The answer shows the channel before it runs Stasis (trace s4).
  assert.deepEqual(body.dialplan, { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' });
  const start = await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === 'sn1');
  assert.deepEqual(start.args, ['snooping', '2']);
  assert.equal(start.channel!.dialplan.app_name, 'Stasis');
  assert.equal((start.channel!.dialplan as unknown as { app_data: string }).app_data, `${APP},snooping,2`);
  // Subscribed by entering Stasis: its creation, dialplan and STASISSTATUS events went to nobody.
  assert.deepEqual(events.typesFor('sn1'), ['StasisStart']);

  const again = await ari(server, 'POST', `/channels/${TARGET}/snoop/sn1?spy=in&app=${APP}`);
  assert.deepEqual([again.status, again.json], [500, { message: 'Snoop channel could not be created' }]);

  // Deleted: ChannelHangupRequest (cause 32, soft), StasisEnd, and nothing after (trace s4).
  assert.equal((await ari(server, 'DELETE', '/channels/sn1')).status, 204);
  await events.wait((e) => e.type === 'StasisEnd' && e.channel!.id === 'sn1');
  assert.equal((await ari(server, 'GET', '/channels/sn1')).status, 404);
  assert.deepEqual(events.typesFor('sn1'), ['StasisStart', 'ChannelHangupRequest', 'StasisEnd']);
  const hangup = events.events.find((e) => e.type === 'ChannelHangupRequest' && e.channel?.id === 'sn1');
  assert.deepEqual([hangup?.cause, hangup?.soft], [32, true]);
});

test('the target is found by name too; one counter numbers every snoop; snoopId is optional', async () => {
  const target = (await ari(server, 'GET', `/channels/${TARGET}`)).json as { name: string };
  const first = await ari(server, 'POST', `/channels/${encodeURIComponent(target.name)}/snoop?whisper=in&app=${APP}`);
  const second = await ari(server, 'POST', `/channels/${TARGET}/snoop?spy=out&app=${APP}`);
  assert.equal(first.status, 200);
  assert.equal(second.status, 200);
  const a = first.json as { id: string; name: string };
  const b = second.json as { id: string; name: string };
  assert.match(a.id, /^\d+\.\d+$/);
  const seq = (name: string) => Number.parseInt(name.slice(-8), 16);
  assert.equal(seq(b.name), seq(a.name) + 1);
  assert.ok(a.name.startsWith(`Snoop/${TARGET}-`));
  for (const { id } of [a, b]) {
    await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === id);
    await ari(server, 'DELETE', `/channels/${id}`);
  }
});

test('a snoop whose app is not registered: 200, then it hangs up without a word to any app', async () => {
  const all = await EventSocket.open(server, 'watcher', '&subscribeAll=true');
  try {
    const r = await ari(server, 'POST', `/channels/${TARGET}/snoop/lost1?spy=in&app=nosuchapp`);
    assert.equal(r.status, 200);
    const destroyed = await all.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'lost1');
    // An app subscribed to everything sees the channel run Stasis, fail, and go with cause 0 (oracle).
    assert.deepEqual([destroyed.cause, destroyed.cause_txt], [0, 'Unknown']);
    const status = all.events.filter((e) => e.type === 'ChannelVarset' && e.channel?.id === 'lost1');
    assert.deepEqual(
      status.map((e) => e.value),
      ['', 'FAILED'],
    );
    assert.deepEqual(events.typesFor('lost1'), []);
  } finally {
    all.close();
  }
});

test('the target hanging up ends its snoops: StasisEnd only; destroyed with cause 0', async () => {
  const made = await ari(server, 'POST', `/channels?endpoint=Local/echo@default&app=${APP}&channelId=target2`);
  assert.equal(made.status, 200);
  await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === 'target2');
  const all = await EventSocket.open(server, 'watcher2', '&subscribeAll=true');
  try {
    for (const [id, query] of [
      ['sp2', 'spy=in'],
      ['wh2', 'whisper=both'],
    ] as const) {
      assert.equal((await ari(server, 'POST', `/channels/target2/snoop/${id}?${query}&app=${APP}`)).status, 200);
      await events.wait((e) => e.type === 'StasisStart' && e.channel!.id === id);
    }
    assert.equal((await ari(server, 'DELETE', '/channels/target2')).status, 204);
    for (const id of ['sp2', 'wh2']) {
      await events.wait((e) => e.type === 'StasisEnd' && e.channel!.id === id);
      const destroyed = await all.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === id);
      assert.equal(destroyed.cause, 0);
      assert.deepEqual(events.typesFor(id), ['StasisStart', 'StasisEnd']);
    }
  } finally {
    all.close();
  }
});

test('Snoop/... cannot be originated or created: 500 Allocation failed', async () => {
  for (const path of [
    `/channels?endpoint=Snoop/${TARGET}&app=${APP}`,
    `/channels/create?endpoint=Snoop/${TARGET}&app=${APP}`,
  ]) {
    const r = await ari(server, 'POST', path);
    assert.deepEqual([r.status, r.json], [500, { error: 'Allocation failed' }], path);
  }
});
