// The talk feature of a media engine, fed frame by frame: its events and their duration, thresholds changed on a
// running detector without losing its state, and removal (by command or by the channel closing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_REPLY } from '../../../src/core/media/media-plane.js';
import type { MediaEvent } from '../../../src/core/media/media-protocol.js';
import { MediaEngine } from '../../../src/plane/engine.js';
import type { PlaneSettings } from '../../../src/plane/plane-settings.js';
import { StatsBlock } from '../../../src/plane/stats-block.js';
import { installTalk } from '../../../src/plane/talk/index.js';
import { sine } from '../../helpers/audio.js';

const FRAME = 160;
const QUIET = new Int16Array(FRAME);
/** A frame well above the talking threshold (mean magnitude ≈ 1270 for amplitude 2000). */
const LOUD = sine(300, FRAME, 2000);

async function bench() {
  const events: MediaEvent[] = [];
  const engine = new MediaEngine((m) => 'event' in m && events.push(m.event), {
    workerIndex: 0,
    workerCount: 1,
    stats: new StatsBlock(),
  });
  installTalk(engine, {} as PlaneSettings); // talk detection reads no settings
  engine.handle({ id: 1, req: NO_REPLY, request: { op: 'open', edge: { kind: 'none' } } });
  await new Promise((r) => setImmediate(r));
  const channel = engine.channels.get(1)!;
  const feed = (frame: Int16Array, n: number) => {
    for (let i = 0; i < n; i++) channel.read(frame);
  };
  return { engine, events, channel, feed };
}

test('started at the first loud frame; finished once the silence lasts the threshold, with the talking span', async () => {
  const { engine, events, feed } = await bench();
  engine.handle({ id: 1, cmd: { op: 'talk-set', silenceThresholdMs: 1000, talkingThreshold: 256 } });
  feed(QUIET, 5);
  assert.deepEqual(events, []);
  feed(LOUD, 10);
  // A pause shorter than the threshold stays inside the burst.
  feed(QUIET, 10);
  feed(LOUD, 5);
  assert.deepEqual(events, [{ ev: 'talk-started' }]);
  feed(QUIET, 49);
  assert.equal(events.length, 1, '980 ms of silence is not yet the end');
  feed(QUIET, 1);
  // Loud frames 5..29 (the pause inside): from the first one's start to the last one's, 24 frames.
  assert.deepEqual(events[1], { ev: 'talk-finished', durationMs: 24 * 20 });
  engine.shutdown();
});

test('set again while talking: new thresholds, same burst (no second start)', async () => {
  const { engine, events, feed } = await bench();
  engine.handle({ id: 1, cmd: { op: 'talk-set', silenceThresholdMs: 2500, talkingThreshold: 256 } });
  feed(LOUD, 3);
  engine.handle({ id: 1, cmd: { op: 'talk-set', silenceThresholdMs: 200, talkingThreshold: 256 } });
  feed(LOUD, 2);
  feed(QUIET, 10);
  assert.deepEqual(events, [{ ev: 'talk-started' }, { ev: 'talk-finished', durationMs: 80 }]);
  // A threshold above the frames' level: they are silence now.
  engine.handle({ id: 1, cmd: { op: 'talk-set', silenceThresholdMs: 200, talkingThreshold: 5000 } });
  feed(LOUD, 10);
  assert.equal(events.length, 2);
  engine.shutdown();
});

test('removed, by command or with the channel, the detector leaves no tap and says nothing more', async () => {
  const { engine, events, channel, feed } = await bench();
  engine.handle({ id: 1, cmd: { op: 'talk-set', silenceThresholdMs: 100, talkingThreshold: 256 } });
  assert.equal(channel.readTaps.length, 1);
  engine.handle({ id: 1, cmd: { op: 'talk-set', silenceThresholdMs: 100, talkingThreshold: 256 } });
  assert.equal(channel.readTaps.length, 1, 'set twice: one detector');
  engine.handle({ id: 1, cmd: { op: 'talk-remove' } });
  assert.equal(channel.readTaps.length, 0);
  feed(LOUD, 5);
  assert.deepEqual(events, []);
  engine.handle({ id: 1, cmd: { op: 'talk-set', silenceThresholdMs: 100, talkingThreshold: 256 } });
  feed(LOUD, 1);
  assert.deepEqual(events, [{ ev: 'talk-started' }]);
  engine.handle({ id: 1, cmd: { op: 'close' } });
  assert.equal(channel.readTaps.length, 0);
  engine.shutdown();
});
