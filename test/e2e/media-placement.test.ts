// The default placement packs new channels' media into the first media worker while it is lightly loaded (the
// workers' own load samples, read by the core from shared memory), and spreads them when asked.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PlaneClient } from '../../src/core/media/media-plane.js';
import { PACK_BUSY } from '../../src/core/media/worker-placement.js';
import { ari, type EventSocket } from '../helpers/ari.js';
import { closeAppServer, openAppServer } from '../helpers/app-server.js';
import type { TestServer } from '../helpers/server.js';

const APP = 'placement';
let server: TestServer;
let events: EventSocket;

before(async () => ({ server, events } = await openAppServer(APP)));
after(() => closeAppServer(server, events));

/** Local/park channels in the app: each pair's two halves share a worker (opened near each other). */
async function park(n: number): Promise<number[]> {
  const workers: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = `place-${i}-${process.pid}`;
    const made = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=${APP}&channelId=${id}`);
    assert.equal(made.status, 200, made.text);
    await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === id);
    const media = server.app.core.channels.get(id)?.media;
    assert.ok(media !== undefined, `${id} has media`);
    workers.push(media.worker);
  }
  return workers;
}

test('a lightly loaded server keeps new channels in the first worker; the workers report their load', async (t) => {
  const plane = server.app.core.media;
  if (!(plane instanceof PlaneClient) || plane.workerCount < 2) return t.skip('needs two media workers');
  assert.equal(plane.placement.policy, 'pack');
  // Past a load sample (250 ms), so the estimate is the worker's own measure plus what opened since.
  await new Promise((r) => setTimeout(r, 400));
  const workers = await park(4);
  assert.deepEqual(workers, [0, 0, 0, 0]);
  const estimate = plane.placement.estimate(0);
  assert.ok(estimate > 0 && estimate < PACK_BUSY, `worker 0 estimated ${estimate} busy`);
  for (let i = 0; i < 4; i++) await ari(server, 'DELETE', `/channels/place-${i}-${process.pid}`);
});
