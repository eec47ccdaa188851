/**
 * Stasis bridges over raw HTTP and `ws`: membership events with the snapshot rules of semantics.md §4.4,
 * BRIDGEPEER, DTMF from one member reaching the other, destroy keeping members in Stasis, and a member's
 * hangup (ChannelLeftBridge before StasisEnd).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ari, EventSocket } from '../helpers/ari.js';

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer();
  events = await EventSocket.open(server, 'br');
});
after(async () => {
  events.close();
  await server.close();
});

async function stasisChannel(id: string, exten = 'echo'): Promise<void> {
  const r = await ari(server, 'POST', `/channels?endpoint=Local/${exten}@default&app=br&channelId=${id}`);
  assert.equal(r.status, 200);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
}

test('members enter and leave with the right snapshots; DTMF crosses; destroy keeps them in Stasis', async () => {
  await stasisChannel('m1');
  await stasisChannel('m2');
  await events.wait((e) => e.type === 'ChannelDialplan' && e.channel?.id === 'm1;2' && e.dialplan_app === 'Echo');
  const made = await ari(server, 'POST', '/bridges/bb1?type=mixing&name=B1');
  assert.equal(made.status, 200);
  assert.equal(made.json.technology, 'simple_bridge');
  assert.equal((await ari(server, 'POST', '/bridges/bb1?name=again')).status, 409);
  const bad = await ari(server, 'POST', '/bridges/bb1/addChannel?channel=m1,nope');
  assert.deepEqual([bad.status, bad.json], [400, { message: 'Channel not found' }]);
  assert.equal((await ari(server, 'POST', '/bridges/bb1/addChannel?channel=m1,m2')).status, 204);
  const entered = await events.wait((e) => e.type === 'ChannelEnteredBridge' && e.channel?.id === 'm2');
  assert.deepEqual(entered.bridge.channels, ['m1', 'm2']);
  const peer = await events.wait(
    (e) => e.type === 'ChannelVarset' && e.variable === 'BRIDGEPEER' && e.channel?.id === 'm1',
  );
  assert.match(peer.value, /^Local\/echo@default-[0-9a-f]{8};1$/);

  assert.equal((await ari(server, 'POST', '/channels/m1/dtmf?dtmf=7&duration=100')).status, 204);
  const crossed = await events.wait((e) => e.type === 'ChannelDtmfReceived' && e.channel?.id === 'm2;2', 3000);
  assert.equal(crossed.digit, '7');

  assert.equal((await ari(server, 'DELETE', '/bridges/bb1')).status, 204);
  const left = await events.wait((e) => e.type === 'ChannelLeftBridge' && e.channel?.id === 'm1');
  assert.ok(!left.bridge.channels.includes('m1'));
  // No BridgeDestroyed: the app's bridge subscription went with its last member (trace s4 has none either).
  assert.equal((await ari(server, 'POST', '/channels/m1/answer')).status, 204, 'still in Stasis');
  await ari(server, 'DELETE', '/channels/m1');
  await ari(server, 'DELETE', '/channels/m2');
});

test('hanging up a bridged channel: ChannelLeftBridge, then StasisEnd', async () => {
  await stasisChannel('h1', 'park');
  await ari(server, 'POST', '/bridges/bb2');
  await ari(server, 'POST', '/bridges/bb2/addChannel?channel=h1');
  await events.wait((e) => e.type === 'ChannelEnteredBridge' && e.channel?.id === 'h1');
  await ari(server, 'DELETE', '/channels/h1');
  await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === 'h1');
  const types = events.typesFor('h1');
  assert.ok(types.indexOf('ChannelLeftBridge') < types.indexOf('StasisEnd'), types.join(','));
  const bridge = await ari(server, 'GET', '/bridges/bb2');
  assert.deepEqual(bridge.json.channels, []);
  const gone = await ari(server, 'POST', '/bridges/bb2/removeChannel?channel=h1');
  assert.equal(gone.status, 400);
  await ari(server, 'DELETE', '/bridges/bb2');
});

test('video source: single mode with the source, BridgeVideoSourceChanged with the old one; clear goes back to talker', async () => {
  for (const id of ['v1', 'v2', 'v3']) await stasisChannel(id, 'wait');
  assert.equal((await ari(server, 'POST', '/bridges/vb?type=mixing')).status, 200);
  assert.equal((await ari(server, 'POST', '/bridges/vb/addChannel?channel=v1,v2,v3')).status, 204);
  assert.equal((await ari(server, 'POST', '/bridges/vb/videoSource/v3')).status, 204);
  const first = await events.wait((e) => e.type === 'BridgeVideoSourceChanged' && e.bridge?.id === 'vb');
  assert.equal(first.bridge!.video_mode, 'single');
  assert.equal(first.bridge!.video_source_id, 'v3');
  assert.equal(first.old_video_source_id, undefined);
  assert.equal((await ari(server, 'POST', '/bridges/vb/videoSource/v2')).status, 204);
  const second = await events.wait(
    (e) => e.type === 'BridgeVideoSourceChanged' && e.bridge?.id === 'vb' && e.bridge.video_source_id === 'v2',
  );
  assert.equal(second.old_video_source_id, 'v3');
  const notMember = await ari(server, 'POST', '/bridges/vb/videoSource/nope');
  assert.deepEqual([notMember.status, notMember.json], [400, { message: 'Channel not found' }]);
  assert.equal((await ari(server, 'DELETE', '/bridges/vb/videoSource')).status, 204);
  const got = (await ari(server, 'GET', '/bridges/vb')).json;
  assert.equal(got.video_mode, 'talker');
  assert.equal(got.video_source_id, undefined);
  const sfu = await ari(server, 'POST', '/bridges/sfu1?type=mixing,video_sfu');
  assert.equal(sfu.json.video_mode, 'sfu');
  for (const id of ['v1', 'v2', 'v3']) await ari(server, 'DELETE', `/channels/${id}`);
  await ari(server, 'DELETE', '/bridges/vb');
  await ari(server, 'DELETE', '/bridges/sfu1');
});
