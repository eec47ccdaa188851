// Where new channels' media opens: round robin (`spread`), or packed into the first worker under PACK_BUSY with
// the channels opened since each worker's last sample counted at that sample's cost per channel (`pack`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_CHANNEL_COST,
  PACK_BUSY,
  PACK_HYSTERESIS,
  WorkerPlacement,
  type WorkerLoad,
} from '../../src/core/media/worker-placement.js';
import { PlaneClient } from '../../src/core/media/media-plane.js';

/** Opens `n` channels and returns the workers they went to. */
function place(p: WorkerPlacement, workers: number, n: number): number[] {
  return Array.from({ length: n }, () => {
    const w = p.pick(workers);
    p.opened(w);
    return w;
  });
}

test('spread hands channels out round robin, whatever the load', () => {
  const p = new WorkerPlacement('spread', () => ({ busy: 0, channels: 0 }));
  assert.deepEqual(place(p, 3, 7), [0, 1, 2, 0, 1, 2, 0]);
});

test('pack fills the first worker until its estimate reaches PACK_BUSY, then the next', () => {
  const p = new WorkerPlacement('pack', () => undefined); // no samples yet: DEFAULT_CHANNEL_COST each
  const perWorker = Math.ceil(PACK_BUSY / DEFAULT_CHANNEL_COST);
  const placed = place(p, 2, perWorker + 10);
  assert.equal(placed.filter((w) => w === 0).length, perWorker);
  assert.deepEqual(placed.slice(perWorker), Array(10).fill(1));
});

test('pack reads the cost per channel from the sample: costly channels spill over sooner', () => {
  const samples: WorkerLoad[] = [
    { busy: 0.3, channels: 100 }, // 0.3 % a channel
    { busy: 0, channels: 0 },
  ];
  const p = new WorkerPlacement('pack', (w) => samples[w]);
  place(p, 2, 0);
  for (let i = 0; i < 100; i++) p.opened(0); // the 100 channels the sample saw
  // 0.3 + k × 0.003 stays under 0.6 for k < 100: the next 100 go to worker 0, then worker 1 takes over.
  const placed = place(p, 2, 110);
  assert.equal(placed.filter((w) => w === 0).length, 100);
  assert.equal(placed[109], 1);
});

test('pack: channels whose media has not started yet still count at DEFAULT_CHANNEL_COST each', () => {
  // A sample taken during a ramp: 500 channels answered but not bridged yet cost the worker nothing.
  const samples: WorkerLoad[] = [
    { busy: 0.01, channels: 500 },
    { busy: 0.01, channels: 0 },
  ];
  const p = new WorkerPlacement('pack', (w) => samples[w]);
  for (let i = 0; i < 500; i++) p.opened(0);
  const room = Math.ceil((PACK_BUSY - 500 * DEFAULT_CHANNEL_COST) / DEFAULT_CHANNEL_COST);
  const placed = place(p, 2, room + 5);
  assert.equal(placed.filter((w) => w === 0).length, room);
  assert.deepEqual(placed.slice(room), Array(5).fill(1));
});

test('pack: when every worker is past PACK_BUSY the least busy one takes the channel', () => {
  const samples: WorkerLoad[] = [
    { busy: 0.9, channels: 900 },
    { busy: 0.7, channels: 700 },
  ];
  const p = new WorkerPlacement('pack', (w) => samples[w]);
  assert.equal(p.pick(2), 1);
  // Within PACK_HYSTERESIS of the least busy, the last pick keeps the channels; past it, the least busy takes them.
  samples[1] = { busy: 0.95, channels: 950 };
  assert.equal(p.pick(2), 1);
  samples[1] = { busy: 0.9 + PACK_HYSTERESIS + 0.01, channels: 1060 };
  assert.equal(p.pick(2), 0);
});

test('pack: a worker that went past PACK_BUSY takes channels again only below PACK_BUSY − PACK_HYSTERESIS', () => {
  const samples: WorkerLoad[] = [
    { busy: PACK_BUSY + 0.01, channels: 610 },
    { busy: 0.1, channels: 100 },
  ];
  const p = new WorkerPlacement('pack', (w) => samples[w]);
  assert.equal(p.pick(2), 1);
  // Samples wander around the threshold: the next channels stay in worker 1 rather than flipping back.
  for (const busy of [0.58, 0.52, PACK_BUSY - PACK_HYSTERESIS + 0.01]) {
    samples[0] = { busy, channels: 610 };
    assert.equal(p.pick(2), 1, `worker 0 at ${busy}`);
  }
  samples[0] = { busy: PACK_BUSY - PACK_HYSTERESIS - 0.01, channels: 430 };
  assert.equal(p.pick(2), 0);
});

test('closed channels and a lost worker leave the count; one worker takes everything', () => {
  const p = new WorkerPlacement('pack', () => undefined);
  place(p, 2, 10);
  assert.ok(Math.abs(p.estimate(0) - 10 * DEFAULT_CHANNEL_COST) < 1e-9);
  p.closed(0);
  assert.ok(Math.abs(p.estimate(0) - 9 * DEFAULT_CHANNEL_COST) < 1e-9);
  p.reset(0);
  assert.equal(p.estimate(0), 0);
  assert.deepEqual(place(p, 1, 3), [0, 0, 0]);
});

test('the plane client places legs by its policy and counts them until they are forgotten', () => {
  const view = new Float64Array(0);
  const transport = { workerCount: 2, post: () => {}, statsView: () => view };
  const spread = new PlaneClient(transport, undefined, undefined, undefined, 'spread');
  assert.deepEqual(
    [0, 1, 2, 3].map(() => spread.open({ kind: 'none' }).worker),
    [0, 1, 0, 1],
  );
  const packed = new PlaneClient({ ...transport, load: () => ({ busy: 0.1, channels: 0 }) }, undefined, undefined, undefined, 'pack'); // prettier-ignore
  const legs = [0, 1, 2].map(() => packed.open({ kind: 'none' }));
  assert.deepEqual(
    legs.map((l) => l.worker),
    [0, 0, 0],
  );
  const near = packed.open({ kind: 'none' }, legs[0]);
  assert.equal(near.worker, 0);
  assert.ok(Math.abs(packed.placement.estimate(0) - (0.1 + 4 * DEFAULT_CHANNEL_COST)) < 1e-9);
  packed.forget(near);
  packed.forget(near); // twice: counted once
  assert.ok(Math.abs(packed.placement.estimate(0) - (0.1 + 3 * DEFAULT_CHANNEL_COST)) < 1e-9);
});
