// Mixing bridges with real RTP: every SIP caller sends its own frequency; each must hear every other caller's tone
// and not its own (Goertzel on what it receives), through the mixer in the media plane — members in different
// worker threads included (calls are spread over the workers).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer(
    {
      'ari.conf': ARI_CONF,
      'extensions.conf': '[default]\nexten => app,1,Answer()\n same => n,Stasis(mix)\n same => n,Hangup()\n',
      'pjsip.conf': EMBEDDED_PJSIP,
      'rtp.conf': '[general]\nrtpstart=32000\nrtpend=33999\n',
    },
    // Round robin over the workers, so that legs land in different workers (the default packs them into one).
    { mediaPlacement: 'spread' },
  );
  events = await EventSocket.open(server, 'mix');
});

after(async () => {
  events.close();
  await server.close();
});

/** Channels already handed out (the event socket keeps every earlier test's StasisStart). */
const seen = new Set<string>();

async function callers(n: number): Promise<{ calls: RtpCall[]; ids: string[] }> {
  const calls: RtpCall[] = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    calls.push(await RtpCall.dial(server, 'app', { codec: i % 2 === 0 ? 'ulaw' : 'alaw' }));
    const start = await events.wait((e) => e.type === 'StasisStart' && !seen.has(e.channel!.id));
    seen.add(start.channel!.id);
    ids.push(start.channel!.id);
  }
  return { calls, ids };
}

/** The media workers the channels' legs live in (the plane opens legs round robin over the workers). */
function workersOf(ids: readonly string[]): Set<number> {
  const workers = new Set<number>();
  for (const id of ids) {
    const leg = server.app.core.channels.get(id)?.media;
    assert.ok(leg !== undefined, `${id} has media`);
    workers.add(leg.worker);
  }
  return workers;
}

/** Every caller sends its tone at once; returns what each heard during the last 1.5 s of it. */
async function talk(calls: RtpCall[], freqs: number[], amplitude: number): Promise<Int16Array[]> {
  const marks = calls.map((c) => c.audioPackets().length);
  await Promise.all(calls.map((c, i) => c.sendAudio(sine(freqs[i]!, 16000, amplitude))));
  await new Promise((r) => setTimeout(r, 100));
  return calls.map((c, i) => {
    const heard = c.heard(marks[i]);
    return heard.subarray(Math.max(0, heard.length - 12000));
  });
}

async function conference(n: number): Promise<void> {
  const { calls, ids } = await callers(n);
  try {
    const bridge = (await ari(server, 'POST', '/bridges?type=mixing')).json as { id: string };
    assert.equal((await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${ids.join(',')}`)).status, 204);
    const got = (await ari(server, 'GET', `/bridges/${bridge.id}`)).json as { technology: string; channels: string[] };
    assert.equal(got.technology, 'softmix');
    assert.equal(got.channels.length, n);
    // Members in different workers are mixed too: with two or more workers the legs are spread over them.
    if (server.app.core.media.workerCount >= 2) assert.ok(workersOf(ids).size >= 2, 'members in several workers');
    await new Promise((r) => setTimeout(r, 300));
    const freqs = calls.map((_, i) => 400 + i * 110);
    const heard = await talk(calls, freqs, n > 4 ? 2500 : 6000);
    heard.forEach((audio, i) => {
      assert.ok(audio.length >= 8000, `caller ${i} heard ${audio.length} samples`);
      const own = toneRatio(audio, freqs[i]!);
      const others = freqs.filter((_, k) => k !== i).map((f) => toneRatio(audio, f));
      const weakest = Math.min(...others);
      const median = [...others].sort((x, y) => x - y)[others.length >> 1]!;
      const detail = `${others.map((o) => o.toFixed(3)).join(' ')}; own ${own.toFixed(4)}; ${audio.length} samples`;
      // Every other caller is in what this caller hears (none missing: a missing one would be ~0) …
      assert.ok(weakest > median / 5 && median > 0.2 / (n - 1), `caller ${i} misses a tone: ${detail}`);
      // … and its own voice is not.
      assert.ok(own <= weakest / 4, `caller ${i} hears itself: ${detail}`);
    });
    await ari(server, 'DELETE', `/bridges/${bridge.id}`);
  } finally {
    for (const call of calls) await call.hangup().catch(() => call.close());
  }
}

test('three callers in a mixing bridge each hear the other two and not themselves', async () => {
  await conference(3);
});

test('ten callers in a mixing bridge each hear the nine others and not themselves', async () => {
  await conference(10);
});

test('a bridge goes back to relaying when its third member leaves, and the two still hear each other', async () => {
  const { calls, ids } = await callers(3);
  try {
    const bridge = (await ari(server, 'POST', '/bridges')).json as { id: string };
    await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${ids.join(',')}`);
    await ari(server, 'POST', `/bridges/${bridge.id}/removeChannel?channel=${ids[2]}`);
    const got = (await ari(server, 'GET', `/bridges/${bridge.id}`)).json as { technology: string };
    assert.equal(got.technology, 'simple_bridge');
    // Consecutive calls land in consecutive workers, so the two relayed legs are in different workers.
    const workers = server.app.core.media.workerCount;
    if (workers >= 2) assert.equal(workersOf(ids.slice(0, 2)).size, 2, 'the relayed legs in two workers');
    await new Promise((r) => setTimeout(r, 200));
    const [a, b] = await talk(calls.slice(0, 2), [500, 900], 6000);
    assert.ok(
      toneRatio(a!, 900) > 0.8,
      `A hears B ${toneRatio(a!, 900).toFixed(3)} (${a!.length} samples, 500 Hz ${toneRatio(a!, 500).toFixed(3)})`,
    );
    assert.ok(toneRatio(b!, 500) > 0.8, `B hears A ${toneRatio(b!, 500).toFixed(3)}`);
    await ari(server, 'DELETE', `/bridges/${bridge.id}`);
  } finally {
    for (const call of calls) await call.hangup().catch(() => call.close());
  }
});

/** Frames (160 samples) of `audio` whose level is far below the tone's: the gaps a listener would hear. */
function quietFrames(audio: Int16Array, threshold: number): number {
  let quiet = 0;
  for (let i = 0; i + 160 <= audio.length; i += 160) {
    let sum = 0;
    for (let k = i; k < i + 160; k++) sum += audio[k]! * audio[k]!;
    if (Math.sqrt(sum / 160) < threshold) quiet++;
  }
  return quiet;
}

test('jitter buffer: a caller sending with ±40 ms jitter and 5 % loss is heard as a continuous stream', async () => {
  const { calls, ids } = await callers(3);
  try {
    const bridge = (await ari(server, 'POST', '/bridges')).json as { id: string };
    await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${ids.join(',')}`);
    const [sender, listener] = calls as [RtpCall, RtpCall];
    await new Promise((r) => setTimeout(r, 300));
    const mark = listener.audioPackets().length;
    await sender.sendAudio(sine(450, 24000, 8000), { jitterMs: 40, lossRate: 0.05, seed: 11 });
    await new Promise((r) => setTimeout(r, 300));
    const packets = listener.audioPackets().slice(mark);
    // The mixer's output is one packet every 20 ms: consecutive sequence numbers and timestamps 160 apart.
    for (let k = 1; k < packets.length; k++) {
      assert.equal((packets[k]!.seq - packets[k - 1]!.seq) & 0xffff, 1, `sequence at ${k}`);
      assert.equal((packets[k]!.ts - packets[k - 1]!.ts) >>> 0, 160, `timestamp step at ${k}`);
    }
    // And the tone in it has no gap longer than a frame beyond the lost packets (concealed, not silent).
    const heard = listener.heard(mark);
    const start = heard.findIndex((s) => Math.abs(s) > 2000);
    const tone = heard.subarray(start + 1600, start + 1600 + 20000);
    assert.ok(toneRatio(tone, 450) > 0.8, `450 Hz share ${toneRatio(tone, 450).toFixed(3)}`);
    const gaps = quietFrames(tone, 1000);
    assert.ok(gaps <= 125 * 0.03, `quiet frames ${gaps} of 125`);
  } finally {
    for (const call of calls) await call.hangup().catch(() => call.close());
  }
});

test('switching between relay and mixer (a third member comes and goes) loses at most a frame each time', async () => {
  const { calls, ids } = await callers(3);
  try {
    const bridge = (await ari(server, 'POST', '/bridges')).json as { id: string };
    await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${ids[0]},${ids[1]}`);
    const [sender, listener] = calls as [RtpCall, RtpCall];
    await new Promise((r) => setTimeout(r, 300));
    const mark = listener.audioPackets().length;
    const sending = sender.sendAudio(sine(650, 32000, 8000));
    await new Promise((r) => setTimeout(r, 1200));
    await ari(server, 'POST', `/bridges/${bridge.id}/addChannel?channel=${ids[2]}`);
    await new Promise((r) => setTimeout(r, 1200));
    await ari(server, 'POST', `/bridges/${bridge.id}/removeChannel?channel=${ids[2]}`);
    await sending;
    await new Promise((r) => setTimeout(r, 200));
    const heard = listener.heard(mark);
    const start = heard.findIndex((s) => Math.abs(s) > 2000);
    let end = heard.length;
    while (end > 0 && Math.abs(heard[end - 1]!) < 2000) end--;
    const tone = heard.subarray(start + 160, end - 160);
    // Two switches (relay → mixer → relay): each may cost one frame, at the frame edges of the switch.
    const gaps = quietFrames(tone, 1000);
    assert.ok(gaps <= 2, `quiet frames in the tone: ${gaps}`);
    const expected = 32000 - 320;
    assert.ok(tone.length >= expected - 3 * 160, `heard ${tone.length} of ${expected} samples`);
  } finally {
    for (const call of calls) await call.hangup().catch(() => call.close());
  }
});
