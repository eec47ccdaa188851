/**
 * Bridge and endpoint answers checked side by side with Asterisk 22.10.1: which `type` lists make a bridge and with which
 * technology, bridge ids in use without regard to case, and channels named to addChannel/removeChannel in
 * another spelling than their id.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type TestServer } from '../helpers/server.js';
import { ari, type EventSocket } from '../helpers/ari.js';
import { closeAppServer, openAppServer } from '../helpers/app-server.js';

const APP = 'wire-bridges';
const REFUSED = { message: "Unable to create bridge. Possible duplicate bridge id '(null)'" };

let server: TestServer;
let events: EventSocket;

before(async () => ({ server, events } = await openAppServer(APP)));
after(() => closeAppServer(server, events));

test('bridge types: capabilities from mixing/holding only; video_sfu is a softmix mixing bridge whatever else', async () => {
  const made: Record<string, [number, string | undefined, string | undefined]> = {};
  for (const type of [
    'dtmf_events',
    'proxy_media',
    'video_single',
    'sdp_label',
    'video_sfu',
    'holding,video_sfu',
    'proxy_media,video_sfu',
    'mixing,proxy_media',
    'mixing,video_single',
    ' mixing ',
    'mixing,holding',
    'MIXING',
  ]) {
    const r = await ari(server, 'POST', `/bridges?type=${encodeURIComponent(type)}`);
    made[type] = [r.status, r.json?.technology, r.json?.bridge_type ?? r.json?.message];
    if (r.status !== 200) assert.deepEqual(r.json, REFUSED, type);
  }
  assert.deepEqual(made, {
    dtmf_events: [500, undefined, REFUSED.message],
    proxy_media: [500, undefined, REFUSED.message],
    video_single: [500, undefined, REFUSED.message],
    sdp_label: [500, undefined, REFUSED.message],
    video_sfu: [200, 'softmix', 'mixing'],
    'holding,video_sfu': [200, 'softmix', 'mixing'],
    'proxy_media,video_sfu': [200, 'softmix', 'mixing'],
    'mixing,proxy_media': [200, 'simple_bridge', 'mixing'],
    'mixing,video_single': [200, 'simple_bridge', 'mixing'],
    ' mixing ': [200, 'simple_bridge', 'mixing'],
    'mixing,holding': [500, undefined, REFUSED.message],
    MIXING: [500, undefined, REFUSED.message],
  });
  for (const b of (await ari(server, 'GET', '/bridges')).json) await ari(server, 'DELETE', `/bridges/${b.id}`);
});

test('a bridge id in use in another case is 409; lookups stay exact (404)', async () => {
  assert.equal((await ari(server, 'POST', '/bridges?bridgeId=BrA&type=mixing')).status, 200);
  for (const path of ['/bridges?bridgeId=bra', '/bridges/BRA']) {
    const r = await ari(server, 'POST', path);
    assert.deepEqual(
      [r.status, r.json],
      [409, { message: `Bridge with id '${path.endsWith('BRA') ? 'BRA' : 'bra'}' already exists` }],
    );
  }
  assert.equal((await ari(server, 'GET', '/bridges/bra')).status, 404);
  assert.equal((await ari(server, 'DELETE', '/bridges/bra')).status, 404);
  assert.equal((await ari(server, 'DELETE', '/bridges/BrA')).status, 204);
});

test('addChannel/removeChannel: the id in another case is 422 (its control is not found), the name 400', async () => {
  const made = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&channelId=member`);
  assert.equal(made.status, 200, made.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'member');
  assert.equal((await ari(server, 'POST', '/bridges/b1?type=mixing')).status, 200);
  const notInStasis = { message: 'Channel not in Stasis application' };
  for (const op of ['addChannel', 'removeChannel']) {
    const r = await ari(server, 'POST', `/bridges/b1/${op}?channel=MEMBER`);
    assert.deepEqual([r.status, r.json], [422, notInStasis], op);
  }
  // Channels are found by uniqueid only here (the snapshot cache): the name is not found at all.
  const byName = await ari(server, 'POST', `/bridges/b1/addChannel?channel=${encodeURIComponent(made.json.name)}`);
  assert.deepEqual([byName.status, byName.json], [400, { message: 'Channel not found' }]);
  assert.equal((await ari(server, 'POST', '/bridges/b1/addChannel?channel=member')).status, 204);
  await events.wait((e) => e.type === 'ChannelEnteredBridge' && e.channel?.id === 'member');
  assert.equal((await ari(server, 'POST', '/bridges/b1/removeChannel?channel=member')).status, 204);
  assert.equal((await ari(server, 'DELETE', '/channels/member')).status, 204);
  assert.equal((await ari(server, 'DELETE', '/bridges/b1')).status, 204);
});

test('GET /endpoints/{tech} names the technology exactly; one endpoint matches its technology in any case', async () => {
  for (const tech of ['pjsip', 'Pjsip']) {
    const r = await ari(server, 'GET', `/endpoints/${tech}`);
    assert.deepEqual([r.status, r.json], [404, { message: `No Endpoints found - invalid tech ${tech}` }]);
  }
  assert.equal((await ari(server, 'GET', '/endpoints/PJSIP')).status, 200);
  assert.equal((await ari(server, 'GET', '/endpoints/pjsip/anonymous')).json?.resource, 'anonymous');
  assert.equal((await ari(server, 'GET', '/endpoints/PJSIP/ANONYMOUS')).status, 404, 'the resource is exact');
});

test('announcer_format and recorder_format are format cache names, found without regard to case', async () => {
  // A name of this run's own: the default config records into the shared spool folder.
  const name = `wire-fmt-${process.pid}`;
  assert.equal((await ari(server, 'POST', '/bridges/fmt?type=mixing')).status, 200);
  const play = await ari(server, 'POST', '/bridges/fmt/play?media=sound:beep&announcer_format=ULAW');
  assert.equal(play.status, 201, play.text);
  const rec = await ari(server, 'POST', `/bridges/fmt/record?name=${name}&format=wav&recorder_format=SLIN16`);
  assert.equal(rec.status, 201, rec.text);
  assert.equal((await ari(server, 'POST', `/recordings/live/${name}/stop`)).status, 204);
  assert.equal((await ari(server, 'DELETE', '/bridges/fmt')).status, 204);
  // The stop is answered before the file is closed (as in Asterisk): delete it once the live recording is gone.
  for (let i = 0; i < 100 && (await ari(server, 'GET', `/recordings/live/${name}`)).status === 200; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal((await ari(server, 'DELETE', `/recordings/stored/${name}`)).status, 204);
});

test('a member hung up in the bridge leaves its app subscribed to the bridge; one removed does not', async () => {
  for (const how of ['hangup', 'remove'] as const) {
    const id = `sub-${how}`;
    const made = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&channelId=${id}`);
    assert.equal(made.status, 200, made.text);
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
    assert.equal((await ari(server, 'POST', `/bridges/b-${how}?type=mixing`)).status, 200);
    assert.equal((await ari(server, 'POST', `/bridges/b-${how}/addChannel?channel=${id}`)).status, 204);
    await events.wait((e) => e.type === 'ChannelEnteredBridge' && e.channel?.id === id);
    if (how === 'hangup') assert.equal((await ari(server, 'DELETE', `/channels/${id}`)).status, 204);
    else assert.equal((await ari(server, 'POST', `/bridges/b-${how}/removeChannel?channel=${id}`)).status, 204);
    await events.wait((e) => e.type === 'ChannelLeftBridge' && e.channel?.id === id);
    const play = await ari(server, 'POST', `/bridges/b-${how}/play/p-${how}?media=sound:beep`);
    assert.equal(play.status, 201, play.text);
    // The playback is the witness: its events reach the app only through the bridge subscription. Without one,
    // the marker channel's StasisStart (well after the playback started) shows nothing came.
    if (how === 'hangup') await events.wait((e) => e.type === 'PlaybackStarted' && e.playback?.id === `p-${how}`);
    assert.equal((await ari(server, 'DELETE', `/bridges/b-${how}`)).status, 204);
    const marker = `marker-${how}`;
    await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&channelId=${marker}`);
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === marker);
    const seen = events.events
      .filter((e) => e.playback?.id === `p-${how}` || (e.type === 'BridgeDestroyed' && e.bridge?.id === `b-${how}`))
      .map((e) => e.type);
    if (how === 'hangup') {
      assert.ok(seen.includes('PlaybackStarted'), seen.join());
      assert.ok(seen.includes('BridgeDestroyed'), seen.join());
    } else assert.deepEqual(seen, []);
    await ari(server, 'DELETE', `/channels/${marker}`);
    if (how === 'remove') await ari(server, 'DELETE', `/channels/${id}`);
  }
});
