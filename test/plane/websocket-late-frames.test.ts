// A WebSocket edge fed as a live bot feeds it: one 20 ms message per tick, some arriving just after their tick.
// chan_websocket would play such a frame on the next tick and keep every later frame one tick behind; the edge plays
// it when it arrives instead (MAX_OWED_TICKS in websocket-edge.ts), so the delay does not grow with each miss — but
// only while the app is talking: after a pause of more than three ticks, after FLUSH_MEDIA, or while paused, its
// audio waits for the tick as before. A frame left standing in the queue by a burst is worked off, one a second,
// while audio the app sent ahead in bulk plays at the normal pace (STANDING_WINDOW_TICKS).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { edgeHarness, RecordingSocket } from './websocket-edge-harness.js';

/** One 20 ms slin16 frame whose first sample is `n`. */
function frame(n: number): Uint8Array {
  const out = new Uint8Array(640);
  out[0] = n & 0xff;
  out[1] = (n >> 8) & 0xff;
  return out;
}

function setup() {
  const h = edgeHarness(new RecordingSocket());
  h.edge.start([]);
  /** The first sample of every frame the channel has read, in order. */
  const heard = (): number[] => h.capture.frames.map((f) => f[0]!);
  return { ...h, heard };
}

test('a frame that misses its tick while the app is talking is played when it arrives', () => {
  const { edge, heard } = setup();
  edge.receive(frame(1));
  edge.tick();
  assert.deepEqual(heard(), [1], 'on time: played on its tick');
  edge.tick(); // frame 2 is late: the tick finds nothing
  assert.deepEqual(heard(), [1]);
  edge.receive(frame(2));
  assert.deepEqual(heard(), [1, 2], 'played on arrival, for the tick it missed');
  edge.receive(frame(3));
  assert.deepEqual(heard(), [1, 2], 'an on-time frame waits for its tick');
  edge.tick();
  assert.deepEqual(heard(), [1, 2, 3]);
  assert.equal(edge.queue.length, 0, 'no frame left standing in the queue: the delay did not grow');
});

test('two missed ticks are made up by the next two frames; a third frame waits', () => {
  const { edge, heard } = setup();
  edge.receive(frame(1));
  edge.tick();
  edge.tick();
  edge.tick();
  edge.receive(frame(2));
  edge.receive(frame(3));
  edge.receive(frame(4));
  assert.deepEqual(heard(), [1, 2, 3]);
  assert.equal(edge.queue.length, 1);
  edge.tick();
  assert.deepEqual(heard(), [1, 2, 3, 4]);
});

test('after more than three empty ticks the app has stopped talking: its next audio waits for the tick', () => {
  const { edge, heard } = setup();
  edge.receive(frame(1));
  edge.tick();
  for (let i = 0; i < 4; i++) edge.tick();
  edge.receive(frame(2));
  assert.deepEqual(heard(), [1], 'a new utterance is re-timed as chan_websocket does');
  edge.tick();
  assert.deepEqual(heard(), [1, 2]);
});

test('audio before the first frame ever played, after FLUSH_MEDIA or while paused is not played early', () => {
  const { edge, heard } = setup();
  edge.tick();
  edge.receive(frame(1));
  assert.deepEqual(heard(), [], 'idle from the start');
  edge.tick();
  edge.tick();
  edge.receive('FLUSH_MEDIA');
  edge.receive(frame(2));
  assert.deepEqual(heard(), [1], 'the app started over');
  edge.tick();
  edge.receive('PAUSE_MEDIA');
  edge.tick();
  edge.receive(frame(3));
  edge.receive('CONTINUE_MEDIA');
  assert.deepEqual(heard(), [1, 2], 'a paused tick owes nothing');
  edge.tick();
  assert.deepEqual(heard(), [1, 2, 3]);
});

test('a marker queued before a late frame is answered as that frame is played on arrival', () => {
  const { edge, socket, heard } = setup();
  edge.receive(frame(1));
  edge.tick();
  edge.tick();
  edge.receive('MARK_MEDIA m1');
  edge.receive(frame(2));
  assert.deepEqual(heard(), [1, 2]);
  assert.deepEqual(socket.texts.slice(1), ['MEDIA_MARK_PROCESSED m1']);
});

test('a frame left standing by a burst is played off after a second; the stream then runs without it', () => {
  const { edge, heard } = setup();
  edge.receive(frame(0));
  edge.receive(frame(1)); // two at once: from now on one frame waits on every tick
  let next = 2;
  for (let i = 0; i < 49; i++) {
    edge.tick();
    edge.receive(frame(next++));
  }
  assert.equal(heard().length, 49);
  assert.equal(edge.queue.length, 2);
  edge.tick();
  assert.equal(heard().length, 51, 'the 50th tick plays its frame and the standing one');
  assert.equal(edge.queue.length, 0);
  assert.deepEqual(
    heard(),
    Array.from({ length: 51 }, (_, i) => i),
    'in order, none dropped',
  );
  edge.receive(frame(next++));
  edge.tick();
  assert.equal(edge.queue.length, 0, 'no delay standing any more');
});

test('audio sent ahead in bulk plays at one frame a tick, and so does a queue that emptied within the second', () => {
  const { edge, heard } = setup();
  for (let i = 0; i < 100; i++) edge.receive(frame(i));
  for (let i = 0; i < 60; i++) edge.tick();
  assert.equal(heard().length, 60, 'more than MAX_STANDING_FRAMES queued: the app sent ahead on purpose');
  const late = setup();
  for (let i = 0; i < 3; i++) late.edge.receive(frame(i));
  for (let i = 0; i < 50; i++) late.edge.tick();
  assert.equal(late.heard().length, 3, 'the queue emptied in the window: nothing extra');
});

test('a pause restarts the window: audio held by PAUSE_MEDIA is not sped up', () => {
  const { edge, heard } = setup();
  edge.receive(frame(0));
  edge.receive(frame(1));
  let next = 2;
  for (let i = 0; i < 30; i++) {
    edge.tick();
    edge.receive(frame(next++));
  }
  edge.receive('PAUSE_MEDIA');
  edge.tick();
  edge.receive('CONTINUE_MEDIA');
  for (let i = 0; i < 30; i++) {
    edge.tick();
    edge.receive(frame(next++));
  }
  assert.equal(heard().length, 60, 'one frame a tick: the window started again after the pause');
});
