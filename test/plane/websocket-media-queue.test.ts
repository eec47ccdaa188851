// The WebSocket channel's queue of app audio, tick by tick against chan_websocket's rules: messages cut into
// optimal-size frames (remainders dropped, or carried while buffering), one frame per tick, XOFF at 900, whole
// messages dropped at 1000, XON below 800, markers after the frames queued before them and without a tick of their
// own, FLUSH, pause and QUEUE_DRAINED; and the byte ring under it through wraps and growth.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameRing } from '../../src/plane/websocket/frame-ring.js';
import { MediaQueue, type QueueMarker } from '../../src/plane/websocket/media-queue.js';

/** A queue whose reports are recorded in order, with the bytes of each tick's frame. */
function harness(frameBytes: number) {
  const log: string[] = [];
  const queue = new MediaQueue(frameBytes, {
    xoff: () => log.push('XOFF'),
    xon: () => log.push('XON'),
    drained: () => log.push('DRAINED'),
    marker: (m: QueueMarker) => log.push(`${m.kind}:${m.id ?? ''}`),
  });
  const out = new Uint8Array(70000);
  const tick = (): number[] | undefined => {
    const n = queue.tick(out);
    if (n < 0) return undefined;
    log.push(`frame:${n}`);
    return [...out.subarray(0, n)];
  };
  return { queue, log, tick };
}

/** `n` bytes counting from `from` (mod 256). */
const bytes = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);

test('normal mode: a message becomes whole frames, one per tick, and its remainder is dropped', () => {
  const { queue, tick } = harness(4);
  queue.push(bytes(0, 10));
  assert.equal(queue.length, 2);
  assert.deepEqual(tick(), [0, 1, 2, 3]);
  assert.deepEqual(tick(), [4, 5, 6, 7]);
  assert.equal(tick(), undefined, 'bytes 8 and 9 are gone');
  // A short message on its own gives nothing, and is not kept for the next one.
  queue.push(bytes(100, 3));
  queue.push(bytes(200, 4));
  assert.deepEqual(tick(), [200, 201, 202, 203]);
  assert.equal(tick(), undefined);
});

test('buffering: remainders join the next message; STOP queues the rest as a short frame, then its marker', () => {
  const { queue, tick, log } = harness(4);
  queue.startBuffering();
  queue.push(bytes(0, 3));
  assert.equal(queue.length, 0);
  queue.push(bytes(3, 6)); // 0..8: two frames, 8 left over
  assert.equal(queue.length, 2);
  queue.push(bytes(9, 1)); // 8,9 left over
  queue.stopBuffering('tts-1');
  assert.equal(queue.isBuffering, false);
  assert.deepEqual(tick(), [0, 1, 2, 3]);
  assert.deepEqual(tick(), [4, 5, 6, 7]);
  assert.deepEqual(tick(), [8, 9], 'short, not padded');
  assert.equal(tick(), undefined);
  assert.deepEqual(log, ['frame:4', 'frame:4', 'frame:2', 'buffering-completed:tts-1']);
});

test('leaving buffering by other means drops the leftover of the next plain message', () => {
  const { queue, tick } = harness(4);
  queue.startBuffering();
  queue.push(bytes(0, 6));
  queue.flush(); // also ends buffering and the leftover
  queue.push(bytes(50, 5));
  assert.deepEqual(tick(), [50, 51, 52, 53]);
  assert.equal(tick(), undefined);
});

test('passthrough: each message is one frame whatever its size', () => {
  const { queue, tick } = harness(0);
  queue.push(bytes(0, 7));
  queue.push(bytes(7, 33));
  assert.equal(queue.length, 2);
  assert.equal(tick()!.length, 7);
  assert.deepEqual(tick(), [...bytes(7, 33)]);
});

test('markers come out on the tick after the frames before them, before that tick’s frame, taking no tick', () => {
  const { queue, tick, log } = harness(2);
  queue.mark('first'); // nothing before it: out on the next tick
  queue.push(bytes(0, 4));
  queue.mark('m1');
  queue.mark(undefined);
  queue.push(bytes(4, 2));
  queue.mark('m2');
  for (let i = 0; i < 5; i++) {
    log.push(`tick ${i}`);
    tick();
  }
  assert.deepEqual(log, [
    'tick 0',
    'mark:first',
    'frame:2',
    'tick 1',
    'frame:2',
    'tick 2',
    'mark:m1',
    'mark:',
    'frame:2',
    'tick 3',
    'mark:m2',
    'tick 4',
  ]);
  assert.equal(queue.length, 0, 'markers do not count');
});

test('XOFF once at 900; a message arriving at 1000 is dropped whole; XON on the first tick below 800', () => {
  const { queue, tick, log } = harness(2);
  queue.push(bytes(0, 2 * 899));
  assert.equal(log.length, 0);
  queue.push(bytes(0, 2));
  assert.deepEqual(log, ['XOFF'], 'at 900');
  assert.equal(queue.isFull, true);
  queue.push(bytes(0, 2 * 99));
  assert.equal(queue.length, 999);
  assert.ok(queue.push(bytes(0, 2 * 10)), 'at 999 a whole message is still taken');
  assert.equal(queue.length, 1009, 'past the limit');
  assert.equal(queue.push(bytes(0, 2)), false, 'dropped whole');
  assert.equal(queue.length, 1009);
  log.length = 0;
  for (let i = 0; i < 209; i++) tick();
  assert.equal(queue.length, 800);
  assert.ok(!log.includes('XON'), 'not at 800');
  tick();
  assert.equal(log.at(-1), 'frame:2');
  tick(); // finds 799
  assert.deepEqual(log.slice(-2), ['XON', 'frame:2']);
  assert.equal(log.filter((l) => l === 'XOFF').length, 0, 'XOFF was sent once');
});

test('FLUSH drops frames and markers silently, keeps pause, and the full state gives XON on the next tick', () => {
  const { queue, tick, log } = harness(2);
  queue.push(bytes(0, 2 * 950));
  queue.mark('lost');
  queue.pause();
  const dropped = queue.flush();
  assert.deepEqual(dropped, [{ kind: 'mark', id: 'lost' }]);
  assert.equal(queue.length, 0);
  assert.equal(queue.isPaused, true, 'FLUSH does not resume');
  assert.equal(tick(), undefined);
  assert.deepEqual(log, ['XOFF'], 'nothing while paused, not even XON');
  queue.resume();
  tick();
  assert.deepEqual(log, ['XOFF', 'XON']);
  queue.push(bytes(0, 2));
  assert.deepEqual(tick(), [0, 1], 'a later frame plays normally');
  assert.ok(!log.includes('mark:lost'));
});

test('pause holds frames and markers; QUEUE_DRAINED once, on the first tick that finds the queue empty', () => {
  const { queue, tick, log } = harness(2);
  queue.reportDrained();
  queue.push(bytes(0, 4));
  queue.mark('m');
  queue.pause();
  assert.equal(tick(), undefined);
  assert.equal(queue.length, 2);
  queue.resume();
  tick();
  tick();
  tick(); // the marker: the queue was not empty at the start of this tick
  tick(); // empty now
  tick();
  assert.deepEqual(log, ['frame:2', 'frame:2', 'mark:m', 'DRAINED']);
});

test('the frame ring keeps frames of any size in order through wraps and growth', () => {
  const ring = new FrameRing();
  const out = new Uint8Array(20000);
  let next = 0;
  let expect = 0;
  const sizes = [1, 160, 640, 3, 4096, 7, 12000, 320];
  const pending: number[] = [];
  for (let round = 0; round < 200; round++) {
    // Push two, take one: the ring fills, wraps and grows.
    for (let k = 0; k < 2; k++) {
      const n = sizes[(round + k) % sizes.length]!;
      ring.push(bytes(next, n));
      pending.push(n);
      next += n;
    }
    const n = pending.shift()!;
    assert.equal(ring.nextLength, n);
    assert.equal(ring.shift(out), n);
    assert.deepEqual(out.subarray(0, n), bytes(expect, n), `round ${round}`);
    expect += n;
  }
  while (pending.length > 0) {
    const n = pending.shift()!;
    assert.equal(ring.shift(out), n);
    assert.deepEqual(out.subarray(0, n), bytes(expect, n));
    expect += n;
  }
  assert.equal(ring.shift(out), -1);
  assert.equal(ring.count, 0);
});
