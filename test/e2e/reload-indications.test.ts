/**
 * Reloading `indications` (PUT /ari/asterisk/modules/indications): indications.conf's tone zones replace the
 * running ones in the media workers. A SIP caller in Stasis hears `tone:dial;tonezone=zz`: the playback already
 * running when the file changes keeps its tone, the next playback uses the new definition.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ari, EventSocket } from '../helpers/ari.js';
import { RtpCall, tonesByPacket } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

const APP = 'reload-ind';
const LOW_HZ = 440;
const HIGH_HZ = 1000;
/** Packets (20 ms each) judged per check. */
const WINDOW = 25;

const zone = (hz: number): string => `[general]\ncountry=us\n[zz]\ndescription=Reload test\ndial=${hz}\n`;

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'pjsip.conf': EMBEDDED_PJSIP,
    'extensions.conf': `[default]\nexten => tone,1,Answer()\n same => n,Stasis(${APP})\n`,
    'indications.conf': zone(LOW_HZ),
  });
  events = await EventSocket.open(server, APP);
});

after(async () => {
  events.close();
  await server.close();
});

async function toneHeard(call: RtpCall): Promise<number> {
  const from = call.audioPackets().length;
  await call.waitForPackets(from + WINDOW);
  const judged = tonesByPacket(call.audioPackets().slice(from, from + WINDOW), [LOW_HZ, HIGH_HZ]);
  const count = (i: number): number => judged.filter((p) => p.ratios[i]! > 0.5).length;
  return count(0) > WINDOW * 0.8 ? LOW_HZ : count(1) > WINDOW * 0.8 ? HIGH_HZ : 0;
}

test('a tone playing keeps its definition; the next tone uses the reloaded zone', async () => {
  const call = await RtpCall.dial(server, 'tone');
  try {
    const start = await events.wait((e) => e.type === 'StasisStart');
    const id = start.channel!.id;
    const play = async (playbackId: string): Promise<void> => {
      const r = await ari(server, 'POST', `/channels/${id}/play/${playbackId}?media=tone:dial;tonezone=zz`);
      assert.equal(r.status, 201, r.text);
      await events.wait((e) => e.type === 'PlaybackStarted' && e.playback?.id === playbackId);
    };
    await play('first');
    assert.equal(await toneHeard(call), LOW_HZ);

    writeFileSync(join(server.app.config.dir, 'indications.conf'), zone(HIGH_HZ));
    assert.equal((await ari(server, 'PUT', '/asterisk/modules/indications')).status, 204);
    assert.equal(await toneHeard(call), LOW_HZ, 'the playback already running keeps its tone');

    assert.equal((await ari(server, 'DELETE', '/playbacks/first')).status, 204);
    await play('second');
    assert.equal(await toneHeard(call), HIGH_HZ, 'the next playback uses the new zone');
  } finally {
    await call.hangup();
  }
});
