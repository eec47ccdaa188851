// Hold and mute get their media effect, heard by real SIP callers: ARI hold on a PJSIP channel (moh_passthrough=no)
// or on a Local channel plays music on hold to it, unhold stops it; mute drops a caller's audio in the direction
// asked, unmute restores it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { bestCorrelation, hasMoh, hasSox, sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import type { TestServer } from '../helpers/server.js';
import { firstMohSeconds, packetsDuring, pause, startMohServer, type MohServer } from './media-moh-fixtures.js';

const needsMoh = !hasMoh ? 'asterisk-moh-opsound-wav not installed' : !hasSox ? 'sox not installed' : false;

let moh: MohServer;
let server: TestServer;
let events: EventSocket;

before(async () => {
  moh = await startMohServer(35000);
  server = moh.server;
  events = await EventSocket.open(server, 'moh');
});

after(async () => {
  events.close();
  await moh.close();
});

async function caller(): Promise<{ call: RtpCall; id: string }> {
  const seen = new Set(events.events.filter((e) => e.type === 'StasisStart').map((e) => e.channel!.id));
  const call = await RtpCall.dial(server, 'app');
  const start = await events.wait((e) => e.type === 'StasisStart' && !seen.has(e.channel!.id));
  return { call, id: start.channel!.id };
}

async function bridgeOf(ids: readonly string[]): Promise<string> {
  const bridgeId = (await ari(server, 'POST', '/bridges?type=mixing')).json.id as string;
  assert.equal((await ari(server, 'POST', `/bridges/${bridgeId}/addChannel?channel=${ids.join(',')}`)).status, 204);
  return bridgeId;
}

test(
  'hold on a SIP channel plays music on hold to it, with no re-INVITE; unhold stops it',
  { skip: needsMoh },
  async () => {
    const { call, id } = await caller();
    try {
      assert.equal((await ari(server, 'POST', `/channels/${id}/hold`)).status, 204);
      await call.waitForPackets(75);
      const c = bestCorrelation(firstMohSeconds(1.2), call.heard(), 1600);
      assert.ok(c > 0.9, `the default class heard: correlation ${c.toFixed(3)}`);
      assert.equal((await ari(server, 'DELETE', `/channels/${id}/hold`)).status, 204);
      assert.equal(await packetsDuring(call, 400), 0, 'unhold stopped the music');
      assert.ok(!call.sipInbox.some((m) => m.startsWith('INVITE ')), 'moh_passthrough=no: nothing on the wire');
      assert.ok(!events.events.some((e) => e.type === 'ChannelHold' && e.channel?.id === id), 'no ChannelHold event');
    } finally {
      await call.hangup();
    }
  },
);

test('a held caller in a bridge hears music instead of its peer, and its peer again after unhold', async () => {
  const a = await caller();
  const b = await caller();
  const bridgeId = await bridgeOf([a.id, b.id]);
  try {
    await ari(server, 'POST', `/channels/${a.id}/moh?mohClass=tones`);
    await pause(100);
    let n = a.call.audioPackets().length;
    await b.call.sendAudio(sine(1500, 4000));
    let heard = a.call.heard(n).subarray(800);
    assert.ok(toneRatio(heard, 440) > 0.8 && toneRatio(heard, 1500) < 0.05, 'A hears the class, not B');
    await ari(server, 'DELETE', `/channels/${a.id}/moh`);
    await pause(100);
    n = a.call.audioPackets().length;
    await b.call.sendAudio(sine(1500, 4000));
    await pause(100);
    heard = a.call.heard(n).subarray(800);
    assert.ok(toneRatio(heard, 1500) > 0.85, `A hears B again: ${toneRatio(heard, 1500).toFixed(3)}`);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await a.call.hangup();
    await b.call.hangup();
  }
});

test(
  'hold on a Local channel plays music into it: a caller bridged with Local/echo hears it echoed',
  { skip: needsMoh },
  async () => {
    const { call, id } = await caller();
    const localId = `moh-local-${Date.now()}`;
    await ari(server, 'POST', `/channels?endpoint=Local/echo@default&app=moh&channelId=${localId}`);
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === localId);
    const bridgeId = await bridgeOf([id, localId]);
    try {
      assert.equal(await packetsDuring(call, 300, 200), 0, 'nothing to hear before the hold');
      assert.equal((await ari(server, 'POST', `/channels/${localId}/hold`)).status, 204);
      await call.waitForPackets(75);
      const c = bestCorrelation(firstMohSeconds(1.2), call.heard(), 2400);
      assert.ok(c > 0.9, `music on hold came back through Echo(): correlation ${c.toFixed(3)}`);
      assert.equal((await ari(server, 'DELETE', `/channels/${localId}/hold`)).status, 204);
      assert.equal(await packetsDuring(call, 400), 0, 'unhold stopped it');
    } finally {
      await ari(server, 'DELETE', `/bridges/${bridgeId}`);
      await ari(server, 'DELETE', `/channels/${localId}`);
      await call.hangup();
    }
  },
);

test('a Local channel made with the m option passes hold on instead of playing music', async () => {
  const { call, id } = await caller();
  const localId = `moh-local-m-${Date.now()}`;
  await ari(server, 'POST', `/channels?endpoint=Local/echo@default/m&app=moh&channelId=${localId}`);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === localId);
  const bridgeId = await bridgeOf([id, localId]);
  try {
    assert.equal((await ari(server, 'POST', `/channels/${localId}/hold`)).status, 204);
    assert.equal(await packetsDuring(call, 400, 200), 0, 'no music: the hold went to the other half (Echo ignores it)');
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await ari(server, 'DELETE', `/channels/${localId}`);
    await call.hangup();
  }
});

test('mute in: the peer hears nothing of the muted caller; mute out: the muted caller hears nothing; unmute restores', async () => {
  const a = await caller();
  const b = await caller();
  const bridgeId = await bridgeOf([a.id, b.id]);
  /** Both send a tone for 0.5 s; what each heard meanwhile. */
  const exchange = async (): Promise<{ atA: Int16Array; atB: Int16Array }> => {
    const na = a.call.audioPackets().length;
    const nb = b.call.audioPackets().length;
    await Promise.all([a.call.sendAudio(sine(600, 4000)), b.call.sendAudio(sine(1100, 4000))]);
    await pause(100);
    return { atA: a.call.heard(na), atB: b.call.heard(nb) };
  };
  try {
    let heard = await exchange();
    assert.ok(toneRatio(heard.atB.subarray(800), 600) > 0.85 && toneRatio(heard.atA.subarray(800), 1100) > 0.85);
    assert.equal((await ari(server, 'POST', `/channels/${a.id}/mute?direction=in`)).status, 204);
    await pause(50);
    heard = await exchange();
    assert.equal(heard.atB.length, 0, 'B receives no packets while A is muted in (as Asterisk: frames dropped)');
    assert.ok(toneRatio(heard.atA.subarray(800), 1100) > 0.85, 'A still hears B');
    await ari(server, 'DELETE', `/channels/${a.id}/mute?direction=in`);
    await ari(server, 'POST', `/channels/${a.id}/mute?direction=out`);
    await pause(50);
    heard = await exchange();
    assert.equal(heard.atA.length, 0, 'A receives nothing while muted out');
    assert.ok(toneRatio(heard.atB.subarray(800), 600) > 0.85, 'B still hears A');
    await ari(server, 'DELETE', `/channels/${a.id}/mute?direction=out`);
    await pause(50);
    heard = await exchange();
    assert.ok(toneRatio(heard.atB.subarray(800), 600) > 0.85 && toneRatio(heard.atA.subarray(800), 1100) > 0.85);
  } finally {
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
    await a.call.hangup();
    await b.call.hangup();
  }
});

test('mute out also silences music on hold: muted is muted, whatever the source', async () => {
  const { call, id } = await caller();
  try {
    await ari(server, 'POST', `/channels/${id}/mute?direction=both`);
    await ari(server, 'POST', `/channels/${id}/moh?mohClass=tones`);
    assert.equal(await packetsDuring(call, 300), 0);
    await ari(server, 'DELETE', `/channels/${id}/mute?direction=both`);
    await call.waitForPackets(20);
    assert.ok(toneRatio(call.heard(5), 440) > 0.8);
  } finally {
    await call.hangup();
  }
});
