// The media pipeline end to end with real RTP: audio sent by a SIP caller goes through the media plane's
// workers (RTP edge, links, Local pairs, cross-worker links, G.711 transcoding) and comes back or out the other
// side; what arrives is decoded and checked with Goertzel, not counted.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

const EXTENSIONS = `
[default]
exten => echo,1,Answer()
 same => n,Echo()
exten => viaLocal,1,Answer()
 same => n,Dial(Local/echo@default)
exten => app,1,Answer()
 same => n,Stasis(pipe)
 same => n,Hangup()
`;

let server: TestServer;

before(async () => {
  server = await startTestServer(
    {
      'ari.conf': ARI_CONF,
      'extensions.conf': EXTENSIONS,
      'pjsip.conf': EMBEDDED_PJSIP,
      'rtp.conf': '[general]\nrtpstart=31000\nrtpend=31999\n',
    },
    // Round robin over the workers, so that legs land in different workers (the default packs them into one).
    { mediaPlacement: 'spread' },
  );
  assert.ok(server.app.core.media.workerCount >= 1);
});

after(async () => {
  await server.close();
});

/** Send 1.2 s of a tone and return what came back during it (after the first 200 ms). */
async function roundTrip(call: RtpCall, freq: number): Promise<Int16Array> {
  const before = call.audioPackets().length;
  await call.sendAudio(sine(freq, 9600));
  await new Promise((r) => setTimeout(r, 100));
  return call.heard(before).subarray(1600);
}

test('Echo(): a 1 kHz tone sent in µ-law comes back as a 1 kHz tone', async () => {
  const call = await RtpCall.dial(server, 'echo');
  try {
    const back = await roundTrip(call, 1000);
    assert.ok(back.length >= 6400, `heard ${back.length} samples`);
    assert.ok(toneRatio(back, 1000) > 0.9, `1 kHz share ${toneRatio(back, 1000).toFixed(3)}`);
    assert.ok(toneRatio(back, 1500) < 0.05);
  } finally {
    await call.hangup();
  }
});

test('Dial(Local/echo): the tone crosses both halves of a Local pair and comes back', async () => {
  const call = await RtpCall.dial(server, 'viaLocal', { codec: 'alaw' });
  try {
    // The Local leg answers and starts Echo() about a second later: probe until audio comes back.
    for (let i = 0; i < 50 && call.audioPackets().length === 0; i++) await call.sendAudio(sine(700, 800));
    const back = await roundTrip(call, 700);
    assert.ok(back.length >= 6400, `heard ${back.length} samples`);
    assert.ok(toneRatio(back, 700) > 0.9, `700 Hz share ${toneRatio(back, 700).toFixed(3)}`);
  } finally {
    await call.hangup();
  }
});

test('an ARI bridge of a µ-law and an A-law caller carries each one’s tone to the other', async () => {
  const events = await EventSocket.open(server, 'pipe');
  const calls: RtpCall[] = [];
  try {
    const ids: string[] = [];
    for (const codec of ['ulaw', 'alaw'] as const) {
      const call = await RtpCall.dial(server, 'app', { codec });
      calls.push(call);
      const start = await events.wait((e) => e.type === 'StasisStart' && !ids.includes(e.channel!.id));
      ids.push(start.channel!.id);
    }
    const bridge = await ari(server, 'POST', '/bridges?type=mixing');
    const bridgeId = (bridge.json as { id: string }).id;
    const added = await ari(server, 'POST', `/bridges/${bridgeId}/addChannel?channel=${ids.join(',')}`);
    assert.equal(added.status, 204);
    const [a, b] = calls as [RtpCall, RtpCall];
    const heardByB = b.audioPackets().length;
    const heardByA = a.audioPackets().length;
    await Promise.all([a.sendAudio(sine(600, 8000)), b.sendAudio(sine(1100, 8000))]);
    await new Promise((r) => setTimeout(r, 100));
    const atB = b.heard(heardByB).subarray(1600);
    const atA = a.heard(heardByA).subarray(1600);
    assert.ok(atB.length >= 4800 && atA.length >= 4800, `heard ${atA.length} / ${atB.length}`);
    assert.ok(toneRatio(atB, 600) > 0.85, `600 Hz at B ${toneRatio(atB, 600).toFixed(3)}`);
    assert.ok(toneRatio(atA, 1100) > 0.85, `1100 Hz at A ${toneRatio(atA, 1100).toFixed(3)}`);
    assert.ok(toneRatio(atB, 1100) < 0.05, 'B does not hear itself');
    await ari(server, 'DELETE', `/bridges/${bridgeId}`);
  } finally {
    for (const call of calls) await call.hangup().catch(() => call.close());
    events.close();
  }
});
