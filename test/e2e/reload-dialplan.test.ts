/**
 * Reloading pbx_config.so (PUT /ari/asterisk/modules/pbx_config.so): extensions.conf is read again while a
 * call is in progress. The call is not touched and moves on in the new dialplan; new calls use the new
 * dialplan; a Stasis app's context survives; a reload without the file fails and keeps the dialplan.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARI_CONF, startTestServer, type TestServer } from '../helpers/server.js';
import { ari, EventSocket } from '../helpers/ari.js';

const BEFORE = `
[globals]
COLOUR=red
[default]
exten => hold,1,Answer()
 same => n,Stasis(rl,first)
 same => n,Stasis(rl,second-old)
exten => gone,1,Stasis(rl,gone)
`;

const AFTER = `
[globals]
COLOUR=blue
[default]
exten => hold,1,Answer()
 same => n,Stasis(rl,first)
 same => n,Stasis(rl,second-new)
exten => fresh,1,Stasis(rl,fresh)
[extra]
exten => x,1,Stasis(rl,extra)
`;

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer({ 'ari.conf': ARI_CONF, 'extensions.conf': BEFORE });
  events = await EventSocket.open(server, 'rl');
});

after(async () => {
  events.close();
  await server.close();
});

const conf = (): string => join(server.app.config.dir, 'extensions.conf');

/** Originate a Local channel whose `;2` half runs `exten@context`; returns the `;2` half's StasisStart args. */
async function dialplanArgsOf(id: string, exten: string, context = 'default'): Promise<string[]> {
  const r = await ari(
    server,
    'POST',
    `/channels?endpoint=Local/${exten}@${context}&app=rl&channelId=${id}&otherChannelId=${id}-2`,
  );
  assert.equal(r.status, 200, r.text);
  const start = await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === `${id}-2`);
  return start.args as string[];
}

test('a reload leaves the call in progress, which continues in the new dialplan; new calls use it', async () => {
  assert.deepEqual(await dialplanArgsOf('held', 'hold'), ['first']);
  assert.equal((await ari(server, 'GET', '/asterisk/variable?variable=COLOUR')).json.value, 'red');

  writeFileSync(conf(), AFTER);
  const r = await ari(server, 'PUT', '/asterisk/modules/pbx_config.so');
  assert.equal(r.status, 204);

  // The call in progress is untouched…
  const held = await ari(server, 'GET', '/channels/held-2');
  assert.equal(held.status, 200);
  assert.equal(held.json.state, 'Up');
  assert.equal(held.json.dialplan.priority, 2);
  // …and its next priority comes from the new file (Asterisk looks each priority up when it gets there).
  assert.equal((await ari(server, 'POST', '/channels/held-2/continue')).status, 204);
  const next = await events.wait(
    (e) => e.type === 'StasisStart' && e.channel?.id === 'held-2' && (e.args as string[])[0] !== 'first',
  );
  assert.deepEqual(next.args, ['second-new']);

  assert.deepEqual(await dialplanArgsOf('new1', 'fresh'), ['fresh']);
  assert.deepEqual(await dialplanArgsOf('new2', 'x', 'extra'), ['extra'], 'a context the reload added');
  assert.equal((await ari(server, 'GET', '/asterisk/variable?variable=COLOUR')).json.value, 'blue');
  // The context made when app `rl` registered is not the file's: the reload keeps it.
  assert.deepEqual(await dialplanArgsOf('app1', '1234', 'stasis-rl'), []);

  for (const id of ['held', 'new1', 'new2', 'app1']) await ari(server, 'DELETE', `/channels/${id}`);
});

test('an extension the new file no longer has is gone', async () => {
  // As on Asterisk 22.10.1 (Local/nonexist@default): the originate answers 200, then the call fails and the
  // channel goes without entering the app.
  const r = await ari(server, 'POST', '/channels?endpoint=Local/gone@default&app=rl&channelId=g1&otherChannelId=g1-2');
  assert.equal(r.status, 200, r.text);
  await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'g1');
  assert.ok(!events.events.some((e) => e.type === 'StasisStart' && e.channel?.id?.startsWith('g1')));
});

test('without extensions.conf the reload fails with Asterisk’s message and the dialplan stays', async () => {
  rmSync(conf());
  const r = await ari(server, 'PUT', '/asterisk/modules/pbx_config.so');
  assert.equal(r.status, 409);
  assert.deepEqual(r.json, { message: 'An unknown error occurred while reloading the module' });
  assert.deepEqual(await dialplanArgsOf('kept', 'fresh'), ['fresh']);
  await ari(server, 'DELETE', '/channels/kept');
  writeFileSync(conf(), AFTER);
});
