// A WebSocket edge fed as a live bot feeds it: one 20 ms message per tick, some arriving just after their tick.
// chan_websocket would play such a frame on the next tick and keep every later frame one tick behind; the edge plays
// it when it arrives instead (MAX_OWED_TICKS in websocket-edge.ts), so the delay does not grow with each miss — but
// only while the app is talking: after a pause of more than three ticks, after FLUSH_MEDIA, or while paused, its
// audio waits for the tick as before.
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
