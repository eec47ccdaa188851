/**
 * A bridge deleted while one of its channels plays something (POST /channels/{id}/play). Asterisk 22.10.1 answers
 * the DELETE at once and forgets the bridge (GET 404, though a new bridge cannot take its id: 409), but the channel plays on in it: only when the playback
 * ends does the channel leave, after PlaybackFinished (`done`; `failed` when the channel hangs up first), and then
 * the bridge is destroyed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ARI_CONF, type TestServer } from '../helpers/server.js';
import { ari, type AriEvent, type EventSocket } from '../helpers/ari.js';
import { closeAppServer, openAppServer } from '../helpers/app-server.js';
import { hasSounds } from '../helpers/audio.js';

const APP = 'wire-more-bridge';
const EXTENSIONS = '[default]\nexten => park,1,Answer()\n same => n,Wait(300)\n';
const skip = !hasSounds && 'Asterisk sound files not installed';

let server: TestServer;
let events: EventSocket;

before(
  async () => ({ server, events } = await openAppServer(APP, { 'ari.conf': ARI_CONF, 'extensions.conf': EXTENSIONS })),
);
after(() => closeAppServer(server, events));

/** A channel in a fresh bridge, playing `sound`; resolves once PlaybackStarted. */
async function playingInBridge(id: string, sound: string): Promise<void> {
  const made = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&channelId=${id}`);
  assert.equal(made.status, 200, made.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
  assert.equal((await ari(server, 'POST', `/bridges?type=mixing&bridgeId=${id}-br`)).status, 200);
  const sub = await ari(server, 'POST', `/applications/${APP}/subscription?eventSource=bridge:${id}-br`);
  assert.equal(sub.status, 200, sub.text);
  assert.equal((await ari(server, 'POST', `/bridges/${id}-br/addChannel?channel=${id}`)).status, 204);
  const play = await ari(server, 'POST', `/channels/${id}/play?media=sound:${sound}&playbackId=${id}-pb`);
  assert.equal(play.status, 201, play.text);
  await events.wait((e) => e.type === 'PlaybackStarted' && e.playback?.id === `${id}-pb`);
}

/** Types (with the playback state) of the events about the playback, the channel's bridge moves and the bridge. */
function story(id: string): string[] {
  const about = (e: AriEvent): boolean =>
    e.playback?.id === `${id}-pb` || e.bridge?.id === `${id}-br` || (e.type === 'StasisEnd' && e.channel?.id === id);
  return events.events
    .filter(about)
    .map((e) => (e.type === 'PlaybackFinished' ? `${e.type}:${e.playback.state}` : e.type));
}

test('the channel stays in the deleted bridge until its playback is done', { skip }, async () => {
  await playingInBridge('done', 'hello-world');
  const deleted = await ari(server, 'DELETE', '/bridges/done-br');
  assert.equal(deleted.status, 204, deleted.text);
  assert.equal((await ari(server, 'GET', '/bridges/done-br')).status, 404);
  assert.equal((await ari(server, 'DELETE', '/bridges/done-br')).status, 404);
  const again = await ari(server, 'POST', '/bridges?type=mixing&bridgeId=done-br');
  assert.deepEqual([again.status, again.json], [409, { message: "Bridge with id 'done-br' already exists" }]);
  assert.ok(!story('done').includes('ChannelLeftBridge'), 'still in the bridge while it plays');
  await events.wait((e) => e.type === 'BridgeDestroyed' && e.bridge?.id === 'done-br');
  assert.deepEqual(story('done'), [
    'ChannelEnteredBridge',
    'PlaybackStarted',
    'PlaybackFinished:done',
    'ChannelLeftBridge',
    'BridgeDestroyed',
  ]);
  assert.equal((await ari(server, 'GET', '/channels/done')).json?.dialplan?.app_name, 'Stasis');
  await ari(server, 'DELETE', '/channels/done');
});

test('a hangup during that playback fails it, then the channel leaves and the bridge goes', { skip }, async () => {
  await playingInBridge('gone', 'demo-congrats');
  assert.equal((await ari(server, 'DELETE', '/bridges/gone-br')).status, 204);
  assert.equal((await ari(server, 'DELETE', '/channels/gone')).status, 204);
  await events.wait((e) => e.type === 'StasisEnd' && e.channel?.id === 'gone');
  await events.wait((e) => e.type === 'BridgeDestroyed' && e.bridge?.id === 'gone-br');
  assert.deepEqual(story('gone'), [
    'ChannelEnteredBridge',
    'PlaybackStarted',
    'PlaybackFinished:failed',
    'ChannelLeftBridge',
    'BridgeDestroyed',
    'StasisEnd',
  ]);
});

test("a bridge's own playback ends with the bridge, without PlaybackFinished", { skip }, async () => {
  const made = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&channelId=own`);
  assert.equal(made.status, 200, made.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'own');
  assert.equal((await ari(server, 'POST', '/bridges?type=mixing&bridgeId=own-br')).status, 200);
  assert.equal((await ari(server, 'POST', `/applications/${APP}/subscription?eventSource=bridge:own-br`)).status, 200);
  assert.equal((await ari(server, 'POST', '/bridges/own-br/addChannel?channel=own')).status, 204);
  const play = await ari(server, 'POST', '/bridges/own-br/play?media=sound:demo-congrats&playbackId=own-pb');
  assert.equal(play.status, 201, play.text);
  await events.wait((e) => e.type === 'PlaybackStarted' && e.playback?.id === 'own-pb');
  assert.equal((await ari(server, 'DELETE', '/bridges/own-br')).status, 204);
  await events.wait((e) => e.type === 'BridgeDestroyed' && e.bridge?.id === 'own-br');
  assert.equal((await ari(server, 'GET', '/playbacks/own-pb')).status, 404);
  assert.equal((await ari(server, 'DELETE', '/channels/own')).status, 204);
  await events.wait((e) => e.type === 'StasisEnd' && e.channel?.id === 'own');
  assert.deepEqual(
    events.events.filter((e) => e.playback?.id === 'own-pb' || e.bridge?.id === 'own-br').map((e) => e.type),
    ['ChannelEnteredBridge', 'PlaybackStarted', 'ChannelLeftBridge', 'BridgeDestroyed'],
  );
});
