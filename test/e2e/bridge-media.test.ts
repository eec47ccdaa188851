// A bridge's own media and holding bridges with real RTP: a bridge playback is heard by every member, bridge music
// on hold too, and in a holding bridge participants hear music and never each other while an announcer is heard
// by all. What the SIP callers receive is decoded and measured.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { bestCorrelation, hasMoh, hasSounds, isSilent, rms, sine, soxSamples, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

const skip = !hasSounds || !hasMoh ? 'Debian sounds/MOH packages not installed' : false;
let server: TestServer;
let events: EventSocket;
const seen = new Set<string>();
const spool = mkdtempSync(join(tmpdir(), 'bridge-media-spool-'));

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Answer()\n same => n,Stasis(bm)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=34000\nrtpend=34999\n',
    'musiconhold.conf': '[default]\nmode=files\ndirectory=/usr/share/asterisk/moh\nsort=alpha\n',
    'asterisk.conf': `[directories]\nastspooldir=${spool}\n`,
  });
  events = await EventSocket.open(server, 'bm');
});

after(async () => {
  events.close();
  await server.close();
  rmSync(spool, { recursive: true, force: true });
});

async function callers(n: number): Promise<{ calls: RtpCall[]; ids: string[] }> {
  const calls: RtpCall[] = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    calls.push(await RtpCall.dial(server, 'app'));
    const start = await events.wait((e) => e.type === 'StasisStart' && !seen.has(e.channel!.id));
    seen.add(start.channel!.id);
    ids.push(start.channel!.id);
  }
  return { calls, ids };
}

async function bridgeOf(type: string, ids: string[], extra = ''): Promise<string> {
  const bridge = (await ari(server, 'POST', `/bridges?type=${type}`)).json as { id: string };
  const added = await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${ids.join(',')}${extra}`);
  assert.equal(added.status, 204, added.text);
  return bridge.id;
}

test('a bridge playback is heard by every member, with its events on the bridge', { skip }, async () => {
  const { calls, ids } = await callers(2);
  try {
    const bridgeId = await bridgeOf('mixing', ids);
    const marks = calls.map((c) => c.audioPackets().length);
    const played = await ari(server, 'POST', `/bridges/${bridgeId}/play/bp1?media=sound:hello-world`);
    assert.equal(played.status, 201, played.text);
    assert.deepEqual((played.json as { target_uri: string }).target_uri, `bridge:${bridgeId}`);
    const finished = await events.wait((e) => e.type === 'PlaybackFinished' && e.playback?.id === 'bp1', 8000);
    assert.equal(finished.playback!.state, 'done');
    await new Promise((r) => setTimeout(r, 200));
    const reference = soxSamples('/usr/share/asterisk/sounds/en/hello-world.wav');
    calls.forEach((call, i) => {
      const heard = call.heard(marks[i]);
      // The announcer leaves once its playback is done and the two members relay each other's silence, so the
      // stream may stop right after the file's last sound: lags up to where half the file still overlaps.
      const c = bestCorrelation(reference, heard, heard.length - reference.length / 2);
      assert.ok(c > 0.6, `member ${i} correlation ${c.toFixed(3)}`);
    });
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
  } finally {
    for (const call of calls) await call.hangup().catch(() => call.close());
  }
});

test('bridge music on hold reaches the members; stopMoh twice is 409 the second time', { skip }, async () => {
  const { calls, ids } = await callers(2);
  try {
    const bridgeId = await bridgeOf('mixing', ids);
    assert.equal((await ari(server, 'POST', `/bridges/${bridgeId}/moh`)).status, 204);
    await new Promise((r) => setTimeout(r, 300));
    const marks = calls.map((c) => c.audioPackets().length);
    await new Promise((r) => setTimeout(r, 1200));
    for (const [i, call] of calls.entries()) {
      const heard = call.heard(marks[i]);
      assert.ok(heard.length >= 8000 && rms(heard) > 300, `member ${i} hears music: rms ${rms(heard).toFixed(0)}`);
    }
    assert.equal((await ari(server, 'DELETE', `/bridges/${bridgeId}/moh`)).status, 204);
    const again = await ari(server, 'DELETE', `/bridges/${bridgeId}/moh`);
    assert.deepEqual([again.status, again.json], [409, { message: "Bridge isn't playing music" }]);
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
  } finally {
    for (const call of calls) await call.hangup().catch(() => call.close());
  }
});

test('holding bridge: participants hear music and not each other; an announcer is heard by all', { skip }, async () => {
  const { calls, ids } = await callers(3);
  try {
    const bridgeId = await bridgeOf('holding', ids.slice(0, 2), '&role=participant');
    const [a, b, announcer] = calls as [RtpCall, RtpCall, RtpCall];
    await new Promise((r) => setTimeout(r, 300));
    let marks = [a, b].map((c) => c.audioPackets().length);
    await Promise.all([a.sendAudio(sine(500, 8000)), b.sendAudio(sine(900, 8000))]);
    const heardA = a.heard(marks[0]);
    const heardB = b.heard(marks[1]);
    assert.ok(rms(heardA) > 300 && rms(heardB) > 300, 'participants hear music');
    assert.ok(toneRatio(heardA, 900) < 0.05, `A does not hear B: ${toneRatio(heardA, 900).toFixed(3)}`);
    assert.ok(toneRatio(heardB, 500) < 0.05, `B does not hear A: ${toneRatio(heardB, 500).toFixed(3)}`);
    // An announcer joins: the music stops and both participants hear it.
    const joined = await ari(server, 'POST', `/bridges/${bridgeId}/addChannel?channel=${ids[2]}&role=announcer`);
    assert.equal(joined.status, 204);
    await new Promise((r) => setTimeout(r, 300));
    marks = [a, b].map((c) => c.audioPackets().length);
    await announcer.sendAudio(sine(1300, 8000));
    await new Promise((r) => setTimeout(r, 100));
    for (const [i, call] of [a, b].entries()) {
      const heard = call.heard(marks[i]).subarray(1600);
      assert.ok(
        toneRatio(heard, 1300) > 0.8,
        `participant ${i} hears the announcer ${toneRatio(heard, 1300).toFixed(3)}`,
      );
      assert.ok(!isSilent(heard));
    }
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
  } finally {
    for (const call of calls) await call.hangup().catch(() => call.close());
  }
});

test(
  'a bridge recording holds every member’s voice; a member that records alone cannot join (409)',
  { skip },
  async () => {
    const { calls, ids } = await callers(2);
    try {
      const bridgeId = await bridgeOf('mixing', ids);
      const started = await ari(server, 'POST', `/bridges/${bridgeId}/record?name=mix/brec&format=wav`);
      assert.equal(started.status, 201, started.text);
      assert.equal((started.json as { target_uri: string }).target_uri, `bridge:${bridgeId}`);
      assert.equal(started.headers.get('location'), '/ari/recordings/live/mix%2Fbrec');
      await events.wait((e) => e.type === 'RecordingStarted' && e.recording?.name === 'mix/brec');
      await Promise.all([calls[0]!.sendAudio(sine(500, 12000, 6000)), calls[1]!.sendAudio(sine(900, 12000, 6000))]);
      assert.equal((await ari(server, 'POST', '/recordings/live/mix%2Fbrec/stop')).status, 204);
      const finished = await events.wait((e) => e.type === 'RecordingFinished' && e.recording?.name === 'mix/brec');
      assert.ok((finished.recording!.duration as number) >= 1);
      const file = soxSamples(join(spool, 'recording', 'mix', 'brec.wav'));
      const voiced = file.subarray(file.findIndex((v) => Math.abs(v) > 2000));
      assert.ok(
        toneRatio(voiced.subarray(0, 8000), 500) > 0.25,
        `500 Hz ${toneRatio(voiced.subarray(0, 8000), 500).toFixed(3)}`,
      );
      assert.ok(
        toneRatio(voiced.subarray(0, 8000), 900) > 0.25,
        `900 Hz ${toneRatio(voiced.subarray(0, 8000), 900).toFixed(3)}`,
      );
      await ari(server, 'DELETE', `/bridges/${bridgeId}`);
      // A channel recording on its own is refused by a bridge.
      const { calls: more, ids: moreIds } = await callers(1);
      calls.push(...more);
      assert.equal((await ari(server, 'POST', `/channels/${moreIds[0]}/record?name=solo&format=wav`)).status, 201);
      await events.wait((e) => e.type === 'RecordingStarted' && e.recording?.name === 'solo');
      const other = (await ari(server, 'POST', '/bridges')).json as { id: string };
      const refused = await ari(server, 'POST', `/bridges/${other.id}/addChannel?channel=${moreIds[0]}`);
      assert.deepEqual([refused.status, refused.json], [409, { message: `Channel ${moreIds[0]} currently recording` }]);
      await ari(server, 'POST', '/recordings/live/solo/stop');
      await ari(server, 'DELETE', `/bridges/${other.id}`);
    } finally {
      for (const call of calls) await call.hangup().catch(() => call.close());
    }
  },
);
