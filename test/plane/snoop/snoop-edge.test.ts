// A snoop edge between two media channels, driven tick by tick: what the snoop channel reads for each spied
// direction (sample for sample), silence when the target is quiet, Asterisk's wait for a late direction with
// `both`, whispers mixed into the target's frames, a snoop not hearing whispers, and the engine ending snoops
// whose target closes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_REPLY } from '../../../src/core/media/media-plane.js';
import type { EdgeSpec, MediaDirection, MediaEvent } from '../../../src/core/media/media-protocol.js';
import { MediaEngine } from '../../../src/plane/engine.js';
import { MediaChannel, type MediaChannelHost } from '../../../src/plane/media-channel.js';
import type { LinkTarget, MediaEdge } from '../../../src/plane/pipeline.js';
import type { PlaneSettings } from '../../../src/plane/plane-settings.js';
import { installSnoop } from '../../../src/plane/snoop/index.js';
import { SnoopEdge } from '../../../src/plane/snoop/snoop-edge.js';
import { StatsBlock } from '../../../src/plane/stats-block.js';

const FRAME = 160;
const HOST: MediaChannelHost = { setClocked: () => {}, sourceEnded: () => {} };

/** Keeps copies of the frames it gets. */
class Capture implements MediaEdge, LinkTarget {
  readonly rate = 8000;
  readonly frames: Int16Array[] = [];
  write(samples: Int16Array): void {
    this.frames.push(Int16Array.from(samples));
  }
  writeLinked(samples: Int16Array): void {
    this.write(samples);
  }
  close(): void {}
}

const frame = (value: number) => new Int16Array(FRAME).fill(value);
const level = (f: Int16Array | undefined) => (f === undefined ? undefined : f[0]);

/** Target (its device a capture) and a snoop whose reads go to `heard`. */
function rig(spy: MediaDirection, whisper: MediaDirection) {
  const target = new MediaChannel(1, HOST);
  const device = new Capture();
  target.edge = device;
  const sent = new Capture();
  target.link = sent;
  const snoop = new MediaChannel(2, HOST);
  const edge = new SnoopEdge(snoop, target, spy, whisper);
  snoop.edge = edge;
  const heard = new Capture();
  snoop.link = heard;
  return { target, device, sent, snoop, edge, heard };
}

test('spy=in reads what the target reads; silence for a tick with nothing new', () => {
  const { target, edge, heard } = rig('in', 'none');
  target.read(frame(100));
  target.send(frame(7), 8000);
  edge.tick();
  edge.tick();
  target.read(frame(200));
  target.read(frame(300));
  edge.tick();
  edge.tick();
  assert.deepEqual(heard.frames.map(level), [100, 0, 200, 300]);
  assert.ok(heard.frames.every((f) => f.length === FRAME));
});

test('spy=out reads what is sent to the target', () => {
  const { target, edge, heard } = rig('out', 'none');
  target.read(frame(100));
  target.send(frame(7), 8000);
  edge.tick();
  assert.deepEqual(heard.frames.map(level), [7]);
});

test('spy=both adds the directions; a direction fed in the last 80 ms is waited for', () => {
  const { target, edge, heard } = rig('both', 'none');
  target.read(frame(100));
  target.send(frame(20), 8000);
  edge.tick();
  assert.equal(level(heard.frames[0]), 120);
  // Only the read side has a frame now; the write side was fed one tick ago: wait (silence), keep the frame.
  target.read(frame(300));
  edge.tick();
  assert.equal(level(heard.frames[1]), 0);
  target.send(frame(30), 8000);
  edge.tick();
  assert.equal(level(heard.frames[2]), 330);
  // The write side stops: after 80 ms the read side goes on alone.
  const levels: Array<number | undefined> = [];
  for (let i = 0; i < 6; i++) {
    target.read(frame(400 + i));
    edge.tick();
    levels.push(level(heard.frames.at(-1)));
  }
  assert.deepEqual(levels, [0, 0, 0, 400, 401, 402]);
});

test('spy=both on a target that has only ever read: no waiting for a direction never fed', () => {
  const { target, edge, heard } = rig('both', 'none');
  target.read(frame(50));
  edge.tick();
  assert.equal(level(heard.frames[0]), 50);
});

test('whisper=out rides on what the target is sent; whisper=in on what it sends', () => {
  const out = rig('none', 'out');
  out.snoop.send(frame(5), 8000);
  out.target.send(frame(1000), 8000);
  out.target.send(frame(1000), 8000);
  out.target.read(frame(1));
  assert.deepEqual(out.device.frames.map(level), [1005, 1000]);
  assert.deepEqual(out.sent.frames.map(level), [1]);

  const inward = rig('none', 'in');
  inward.snoop.send(frame(5), 8000);
  inward.target.read(frame(1000));
  inward.target.send(frame(2), 8000);
  assert.deepEqual(inward.sent.frames.map(level), [1005]);
  assert.deepEqual(inward.device.frames.map(level), [2]);
  assert.equal(inward.edge.isSpying, false);
});

test('whisper=both reaches both directions; a spy on the same target does not hear it', () => {
  const { target, snoop, edge, device, sent, heard } = rig('both', 'both');
  snoop.send(frame(5), 8000);
  target.read(frame(100));
  target.send(frame(20), 8000);
  assert.equal(level(sent.frames[0]), 105);
  assert.equal(level(device.frames[0]), 25);
  edge.tick();
  assert.equal(level(heard.frames[0]), 120, 'the spy heard the frames before the whisper');
});

test('detached, the snoop leaves the target as it was', () => {
  const { target, edge, device } = rig('both', 'both');
  assert.equal(target.readMixers.length, 2);
  assert.equal(target.writeMixers.length, 2);
  edge.detach();
  assert.equal(target.readMixers.length + target.writeMixers.length, 0);
  edge.write(frame(5));
  target.send(frame(9), 8000);
  assert.equal(level(device.frames[0]), 9);
});

test('the engine ends the snoops of a target that closes, and stops its clock when none spies', async () => {
  const events: Array<{ id: number; event: MediaEvent }> = [];
  const engine = new MediaEngine((m) => 'event' in m && events.push({ id: m.id, event: m.event }), {
    workerIndex: 0,
    workerCount: 1,
    stats: new StatsBlock(),
  });
  installSnoop(engine, {} as PlaneSettings); // snoop reads no settings
  const open = (id: number, edge: EdgeSpec) => engine.handle({ id, req: NO_REPLY, request: { op: 'open', edge } });
  open(1, { kind: 'none' });
  open(2, { kind: 'snoop', target: 1, spy: 'in', whisper: 'none' });
  open(3, { kind: 'snoop', target: 1, spy: 'none', whisper: 'out' });
  open(4, { kind: 'snoop', target: 99, spy: 'in', whisper: 'none' });
  await new Promise((r) => setImmediate(r));
  assert.ok(engine.channels.get(2)!.edge instanceof SnoopEdge);
  assert.ok(engine.clock.isRunning, 'a spying snoop is ticked');
  assert.deepEqual(events, [{ id: 4, event: { ev: 'snoop-ended' } }], 'no such target: ended at once');
  engine.handle({ id: 1, cmd: { op: 'close' } });
  assert.deepEqual(
    events.slice(1).map((e) => e.id),
    [2, 3],
  );
  assert.equal(engine.clock.isRunning, false);
  engine.shutdown();
});
