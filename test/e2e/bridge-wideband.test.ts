// Wideband parties in bridges: callers that offer only G.722 or L16/16000 (slin16), and G.711 callers. A tone at 5 kHz exists
// only in 16 kHz audio, so hearing one proves the path stayed wideband end to end; Goertzel on what each caller
// receives. The mixer's rate follows softmix's rule (two parties above the current rate raise it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import type { AudioCodecName } from '../../src/media/codecs/audio-codecs.js';

let server: TestServer;
let events: EventSocket;

/** Above 4 kHz: only a 16 kHz path carries it. */
const HIGH_TONE = 5000;
const WIDE = 16000;
const NARROW = 8000;

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => app,1,Answer()\n same => n,Stasis(wide)\n same => n,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP.replace(/(\[anonymous\][^[]*?allow = )ulaw,alaw/, '$1ulaw,alaw,g722,slin16'),
    'rtp.conf': '[general]\nrtpstart=34000\nrtpend=34999\n',
  });
  events = await EventSocket.open(server, 'wide');
});

after(async () => {
  events.close();
  await server.close();
});

const seen = new Set<string>();

async function caller(codec: AudioCodecName): Promise<{ call: RtpCall; id: string }> {
  const call = await RtpCall.dial(server, 'app', { codec });
  const start = await events.wait((e) => e.type === 'StasisStart' && !seen.has(e.channel!.id));
  seen.add(start.channel!.id);
  return { call, id: start.channel!.id };
}

function rateOf(call: RtpCall): number {
  return call.codec === 'slin16' || call.codec === 'g722' ? WIDE : NARROW;
}

/** Each caller sends its tone for 1.6 s at once; what each heard in the last 1.2 s of it. */
async function talk(calls: readonly RtpCall[], freqs: readonly number[]): Promise<Int16Array[]> {
  const marks = calls.map((c) => c.audioPackets().length);
  await Promise.all(calls.map((c, i) => c.sendAudio(sine(freqs[i]!, rateOf(c) * 1.6, 6000, rateOf(c)))));
  await new Promise((r) => setTimeout(r, 100));
  return calls.map((c, i) => {
    const heard = c.heard(marks[i]);
    return heard.subarray(Math.max(0, heard.length - rateOf(c) * 1.2));
  });
}

function mixRate(bridgeId: string): number | undefined {
  return server.app.core.bridges.get(bridgeId)?.audio.mixRate;
}

async function hangupAll(calls: readonly RtpCall[]): Promise<void> {
  for (const call of calls) await call.hangup().catch(() => call.close());
}

test('a slin16 offer is answered with L16/16000 on payload type 118', async () => {
  const { call } = await caller('slin16');
  try {
    const ok = call.sipInbox.find((m) => m.startsWith('SIP/2.0 200') && m.includes('INVITE'))!;
    assert.match(ok, /m=audio \d+ RTP\/AVP 118 101\r\n/);
    assert.match(ok, /a=rtpmap:118 L16\/16000\r\n/);
  } finally {
    await hangupAll([call]);
  }
});

test('a G.722 offer is answered with G722/8000 on payload type 9', async () => {
  const { call } = await caller('g722');
  try {
    const ok = call.sipInbox.find((m) => m.startsWith('SIP/2.0 200') && m.includes('INVITE'))!;
    assert.match(ok, /m=audio \d+ RTP\/AVP 9 101\r\n/);
    assert.match(ok, /a=rtpmap:9 G722\/8000\r\n/);
  } finally {
    await hangupAll([call]);
  }
});

for (const [first, second] of [
  ['slin16', 'slin16'],
  ['g722', 'g722'],
  ['g722', 'slin16'],
] as const) {
  test(`${first} and ${second} callers bridged hear each other in 16 kHz (a 5 kHz tone crosses)`, async () => {
    const a = await caller(first);
    const b = await caller(second);
    try {
      const bridge = (await ari(server, 'POST', '/bridges')).json as { id: string };
      await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${a.id},${b.id}`);
      await new Promise((r) => setTimeout(r, 200));
      const [heardA, heardB] = await talk([a.call, b.call], [700, HIGH_TONE]);
      const detail = `${heardA!.length} samples, ${a.call.received.length} packets`;
      assert.ok(
        toneRatio(heardA!, HIGH_TONE, WIDE) > 0.5,
        `A hears 5 kHz: ${toneRatio(heardA!, HIGH_TONE, WIDE)} (${detail})`,
      );
      assert.ok(toneRatio(heardB!, 700, WIDE) > 0.5, `B hears 700 Hz: ${toneRatio(heardB!, 700, WIDE)}`);
      await ari(server, 'DELETE', `/bridges/${bridge.id}`);
    } finally {
      await hangupAll([a.call, b.call]);
    }
  });
}

test('a slin16 caller and a G.711 caller bridged hear each other (resampled both ways)', async () => {
  const a = await caller('slin16');
  const c = await caller('ulaw');
  try {
    const bridge = (await ari(server, 'POST', '/bridges')).json as { id: string };
    await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${a.id},${c.id}`);
    await new Promise((r) => setTimeout(r, 200));
    const [heardA, heardC] = await talk([a.call, c.call], [700, 1100]);
    assert.ok(toneRatio(heardA!, 1100, WIDE) > 0.5, `A hears 1100 Hz: ${toneRatio(heardA!, 1100, WIDE)}`);
    assert.ok(toneRatio(heardC!, 700, NARROW) > 0.5, `C hears 700 Hz: ${toneRatio(heardC!, 700, NARROW)}`);
    await ari(server, 'DELETE', `/bridges/${bridge.id}`);
  } finally {
    await hangupAll([a.call, c.call]);
  }
});

test('the mixer goes to 16 kHz once two wideband parties talk; each party hears the others at its own rate', async () => {
  const a = await caller('slin16');
  const c = await caller('ulaw');
  const d = await caller('alaw');
  const b = await caller('g722');
  const e = await caller('ulaw');
  const calls = [a.call, c.call, d.call, b.call, e.call];
  try {
    const bridge = (await ari(server, 'POST', '/bridges')).json as { id: string };
    await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${a.id},${c.id},${d.id}`);
    // One wideband party among narrowband ones: softmix stays at 8 kHz.
    assert.equal(mixRate(bridge.id), NARROW);
    await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${b.id}`);
    assert.equal(mixRate(bridge.id), WIDE);
    await new Promise((r) => setTimeout(r, 300));
    const [heardA, heardC, heardD, heardB] = await talk(calls.slice(0, 4), [700, 1100, 1500, HIGH_TONE]);
    const at = (x: Int16Array, f: number, rate: number): string => toneRatio(x, f, rate).toFixed(3);
    // A hears B's 5 kHz (only a 16 kHz mix carries it) and both narrowband parties.
    for (const f of [HIGH_TONE, 1100, 1500]) {
      assert.ok(toneRatio(heardA!, f, WIDE) > 0.05, `A hears ${f} Hz: ${at(heardA!, f, WIDE)}`);
    }
    assert.ok(toneRatio(heardA!, 700, WIDE) < 0.05, `A does not hear itself: ${at(heardA!, 700, WIDE)}`);
    // B hears A, C and D.
    for (const f of [700, 1100, 1500]) {
      assert.ok(toneRatio(heardB!, f, WIDE) > 0.05, `B hears ${f} Hz: ${at(heardB!, f, WIDE)}`);
    }
    // The G.711 parties hear the mix at 8 kHz: the others' tones below 4 kHz.
    assert.ok(toneRatio(heardC!, 700, NARROW) > 0.05, `C hears A: ${at(heardC!, 700, NARROW)}`);
    assert.ok(toneRatio(heardC!, 1500, NARROW) > 0.05, `C hears D: ${at(heardC!, 1500, NARROW)}`);
    assert.ok(toneRatio(heardD!, 1100, NARROW) > 0.05, `D hears C: ${at(heardD!, 1100, NARROW)}`);
    // B leaves: one party above 8 kHz is left, but A still speaks at the current rate, so it stays (softmix).
    await ari(server, 'POST', `/bridges/${bridge.id}/removeChannel?channel=${b.id}`);
    assert.equal(mixRate(bridge.id), WIDE);
    // A leaves too (a third narrowband party keeps the bridge mixing): nobody speaks at 16 kHz any more, so the
    // mixer falls back to the highest rate spoken, 8 kHz; C and E still hear each other.
    await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${e.id}`);
    await ari(server, 'POST', `/bridges/${bridge.id}/removeChannel?channel=${a.id}`);
    assert.equal(mixRate(bridge.id), NARROW);
    await new Promise((r) => setTimeout(r, 200));
    const [heardC2, heardE] = await talk([c.call, e.call], [1100, 1900]);
    assert.ok(toneRatio(heardC2!, 1900, NARROW) > 0.3, `C hears E: ${at(heardC2!, 1900, NARROW)}`);
    assert.ok(toneRatio(heardE!, 1100, NARROW) > 0.3, `E hears C: ${at(heardE!, 1100, NARROW)}`);
    await ari(server, 'DELETE', `/bridges/${bridge.id}`);
  } finally {
    await hangupAll(calls);
  }
});
