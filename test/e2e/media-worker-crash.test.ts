// A media worker that dies takes its calls' media with it: those calls are hung up with a cause (ChannelDestroyed
// 38, a BYE to the SIP caller), the calls in the other worker go on, and a new worker takes new calls.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { EventSocket } from '../helpers/ari.js';
import { sine, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;

before(async () => {
  server = await startTestServer(
    {
      'ari.conf': ARI_CONF,
      'extensions.conf': '[default]\nexten => echo,1,Answer()\n same => n,Stasis(crash)\n same => n,Echo()\n',
      'pjsip.conf': EMBEDDED_PJSIP,
      'rtp.conf': '[general]\nrtpstart=35000\nrtpend=35999\n',
    },
    // Round robin over the workers, so that legs land in different workers (the default packs them into one).
    { mediaPlacement: 'spread' },
  );
});

after(async () => {
  await server.close();
});

async function echoes(call: RtpCall): Promise<boolean> {
  const mark = call.audioPackets().length;
  await call.sendAudio(sine(800, 4000));
  await new Promise((r) => setTimeout(r, 100));
  const back = call.heard(mark);
  return back.length > 1600 && toneRatio(back.subarray(800), 800) > 0.8;
}

test('a dead media worker hangs up its calls with cause 38; the others go on; new calls work', async (t) => {
  const plane = server.app.core.media;
  if (plane.workerCount < 2 || plane.restartWorker === undefined) return t.skip('needs two media workers');
  // subscribeAll: after StasisEnd a dialplan channel's events reach only apps subscribed to all channels.
  const events = await EventSocket.open(server, 'crash', '&subscribeAll=true');
  const calls: RtpCall[] = [];
  try {
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      calls.push(await RtpCall.dial(server, 'echo'));
      const start = await events.wait((e) => e.type === 'StasisStart' && !ids.includes(e.channel!.id));
      ids.push(start.channel!.id);
    }
    // Let both leave Stasis into Echo(): continue each.
    const { ari } = await import('../helpers/ari.js');
    for (const id of ids) await ari(server, 'POST', `/channels/${id}/continue`);
    for (const call of calls) assert.ok(await echoes(call), 'echo before the crash');
    const workerOf = (id: string): number => server.app.core.channels.get(id)!.media!.worker;
    const victim = workerOf(ids[0]!);
    const survivor = ids.find((id) => workerOf(id) !== victim);
    assert.ok(survivor !== undefined, 'the two calls are in different workers');
    await plane.restartWorker(victim);
    const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === ids[0], 8000);
    assert.equal(destroyed.cause, 38);
    const deadline = Date.now() + 5000;
    while (!calls[0]!.wasHungUp && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(calls[0]!.wasHungUp, 'the caller of the lost worker got a BYE');
    assert.ok(await echoes(calls[1]!), 'the call in the other worker still echoes');
    // A new call, whichever worker it lands in (the replaced one included), has media.
    for (let i = 0; i < 2; i++) {
      const call = await RtpCall.dial(server, 'echo');
      calls.push(call);
      const start = await events.wait((e) => e.type === 'StasisStart' && !ids.includes(e.channel!.id));
      ids.push(start.channel!.id);
      await ari(server, 'POST', `/channels/${start.channel!.id}/continue`);
      assert.ok(await echoes(call), `new call ${i} echoes`);
    }
  } finally {
    for (const call of calls) await call.hangup().catch(() => call.close());
    events.close();
  }
});
