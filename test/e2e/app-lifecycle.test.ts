/**
 * When a Stasis application stops being listed, as Asterisk 22.10.1 does it (checked on the real server, see
 * res_stasis.c cleanup / app_is_finished): once its WebSocket is gone, an app with no channel, bridge or endpoint
 * subscription is unregistered — at once when the socket closes, otherwise when the next app registers or
 * unregisters or a channel leaves Stasis after the last subscription went.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Pbx } from '../../src/dialplan/pbx.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(() => server.close());

/** Names of the apps listed, among those this file uses. */
async function listed(): Promise<string[]> {
  const r = await ari(server, 'GET', '/applications');
  assert.equal(r.status, 200);
  return (r.json as Array<{ name: string }>).map((a) => a.name).filter((n) => n.startsWith('lc'));
}

/** Close the socket and wait until the server has seen it go: `app` is no longer active there. */
async function closeAndWait(socket: EventSocket, app: string): Promise<void> {
  const gone = new Promise((resolve) => socket.ws.once('close', resolve));
  socket.ws.close();
  await gone;
  await waitUntil(async () => server.app.core.apps.get(app)?.isActive !== true, `${app} deactivated`);
}

/** Close the socket, without anything to wait for on the server's side. */
async function closeSocket(socket: EventSocket): Promise<void> {
  const gone = new Promise((resolve) => socket.ws.once('close', resolve));
  socket.ws.close();
  await gone;
}

/** A register + unregister of a throwaway app: one of the moments Asterisk sweeps unused apps. */
async function registerAnother(): Promise<void> {
  await closeAndWait(await EventSocket.open(server, 'lcZ'), 'lcZ');
}

function hasStasisContext(app: string): boolean {
  return (server.app.core.dialplan as Pbx).dialplan.hasContext(`stasis-${app}`);
}

test('an app whose WebSocket closes is no longer listed, nor found, and its stasis context goes', async () => {
  const ws = await EventSocket.open(server, 'lcA');
  assert.deepEqual(await listed(), ['lcA']);
  assert.ok(hasStasisContext('lcA'));
  await closeAndWait(ws, 'lcA');
  assert.deepEqual(await listed(), []);
  const r = await ari(server, 'GET', '/applications/lcA');
  assert.equal(r.status, 404);
  assert.deepEqual(r.json, { message: 'Application not found' });
  assert.equal(hasStasisContext('lcA'), false);
});

test('a subscribeAll app goes too: the all-objects subscriptions end with the socket', async () => {
  const ws = await EventSocket.open(server, 'lcB', '&subscribeAll=true');
  const r = await ari(server, 'GET', '/applications/lcB');
  assert.deepEqual(r.json.bridge_ids, ['__AST_BRIDGE_ALL_TOPIC']);
  await closeAndWait(ws, 'lcB');
  assert.deepEqual(await listed(), []);
});

test('a bridge subscription keeps a departed app listed until the bridge is gone and the next sweep', async () => {
  const ws = await EventSocket.open(server, 'lcC');
  assert.equal((await ari(server, 'POST', '/bridges?bridgeId=lcbr1&type=mixing')).status, 200);
  assert.equal((await ari(server, 'POST', '/applications/lcC/subscription?eventSource=bridge:lcbr1')).status, 200);
  await closeAndWait(ws, 'lcC');
  assert.deepEqual(await listed(), ['lcC']);
  assert.deepEqual((await ari(server, 'GET', '/applications/lcC')).json.bridge_ids, ['lcbr1']);
  assert.equal((await ari(server, 'DELETE', '/bridges/lcbr1')).status, 204);
  assert.deepEqual(await listed(), ['lcC'], 'still listed: nothing has swept yet');
  assert.deepEqual((await ari(server, 'GET', '/applications/lcC')).json.bridge_ids, []);
  await registerAnother();
  assert.deepEqual(await listed(), []);
});

test('a channel in Stasis keeps its departed app listed and controllable; a reconnect takes the app back', async () => {
  const ws = await EventSocket.open(server, 'lcD');
  const r = await ari(server, 'POST', '/channels?endpoint=Local/park@default&app=lcD&channelId=lcd1');
  assert.equal(r.status, 200);
  await ws.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'lcd1');
  await closeAndWait(ws, 'lcD');
  assert.deepEqual(await listed(), ['lcD']);
  assert.deepEqual((await ari(server, 'GET', '/applications/lcD')).json.channel_ids.sort(), ['lcd1', 'lcd1;2']);
  // Still in Stasis: ARI controls it; a new Stasis() into the inactive app fails.
  assert.equal((await ari(server, 'POST', '/channels/lcd1/variable?variable=X&value=1')).status, 204);
  const failed = await ari(server, 'POST', '/channels?endpoint=Local/park@default&app=lcD&channelId=lcd2');
  assert.equal(failed.status, 200);

  const again = await EventSocket.open(server, 'lcD');
  assert.equal((await ari(server, 'POST', '/channels/lcd1/variable?variable=Y&value=2')).status, 204);
  await again.wait((e) => e.type === 'ChannelVarset' && e.channel?.id === 'lcd1' && e.variable === 'Y');
  await closeAndWait(again, 'lcD');
  assert.deepEqual(await listed(), ['lcD']);

  // The channel leaves Stasis and both halves go: nothing holds the app any more. Asterisk swept when `;1` left
  // Stasis, `;2` still being there, so lcD stayed listed (no channel ids) until the next registration.
  assert.equal((await ari(server, 'DELETE', '/channels/lcd1')).status, 204);
  await waitUntil(async () => server.app.core.channels.size === 0, 'both halves gone');
  assert.deepEqual((await ari(server, 'GET', '/applications/lcD')).json?.channel_ids ?? [], []);
  await registerAnother();
  assert.deepEqual(await listed(), []);
});

test('closing a socket whose app another socket took over leaves the app with the new owner', async () => {
  const first = await EventSocket.open(server, 'lcG');
  const second = await EventSocket.open(server, 'lcG');
  await first.wait((e) => e.type === 'ApplicationReplaced');
  await closeSocket(first);
  assert.deepEqual(await listed(), ['lcG']);
  assert.equal((await ari(server, 'POST', '/channels?endpoint=Local/park@default&app=lcG&channelId=lcg1')).status, 200);
  await second.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'lcg1');
  assert.equal((await ari(server, 'DELETE', '/channels/lcg1')).status, 204);
  await second.wait((e) => e.type === 'StasisEnd' && e.channel?.id === 'lcg1');
  await closeAndWait(second, 'lcG');
  await waitUntil(async () => (await listed()).length === 0, 'lcG unregistered');
});

test('subscribeAll on a reconnect to an app still registered does not add the all-objects subscriptions', async () => {
  const ws = await EventSocket.open(server, 'lcE');
  assert.equal((await ari(server, 'POST', '/bridges?bridgeId=lcbr2&type=mixing')).status, 200);
  assert.equal((await ari(server, 'POST', '/applications/lcE/subscription?eventSource=bridge:lcbr2')).status, 200);
  await closeAndWait(ws, 'lcE');
  const again = await EventSocket.open(server, 'lcE', '&subscribeAll=true');
  const app = (await ari(server, 'GET', '/applications/lcE')).json;
  assert.deepEqual([app.channel_ids, app.bridge_ids], [[], ['lcbr2']]);
  await closeAndWait(again, 'lcE');
  assert.equal((await ari(server, 'DELETE', '/bridges/lcbr2')).status, 204);
  await registerAnother();
  assert.deepEqual(await listed(), []);
});

async function waitUntil(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
