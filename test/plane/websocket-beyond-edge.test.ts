// The WebSocket edge with Switchyard's per-request additions: `r` answers the markers FLUSH_MEDIA drops, in queue
// order (without it, Asterisk's silence); `l` takes a 1 MB message as 20 ms frames under the queue's rules and
// answers a refused one with ERROR (passthrough cuts an oversized message into 20 ms frames); MEDIA_START carries
// the `m` extras after Asterisk's fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebSocketEdgeSpec } from '../../src/core/media/websocket-protocol.js';
import { QUEUE_LENGTH_MAX } from '../../src/plane/websocket/media-queue.js';
import { WebSocketEdge } from '../../src/plane/websocket/websocket-edge.js';
import { edgeHarness, RecordingSocket } from './websocket-edge-harness.js';

function setup(overrides: Partial<WebSocketEdgeSpec> = {}) {
  const h = edgeHarness(new RecordingSocket(), overrides);
  h.edge.start([]);
  h.socket.sent.length = 0; // MEDIA_START
  return h;
}

/** Queue audio, marks and a buffering marker, play a little, then flush. */
function flushWithPendingMarkers(edge: WebSocketEdge): void {
  edge.receive(new Uint8Array(640 * 3));
  edge.receive('MARK_MEDIA m1');
  edge.receive(new Uint8Array(640 * 2));
  edge.receive('MARK_MEDIA m2');
  edge.receive('START_MEDIA_BUFFERING');
  edge.receive(new Uint8Array(1000));
  edge.receive('STOP_MEDIA_BUFFERING b1');
  edge.receive('MARK_MEDIA m3');
  edge.tick();
  edge.tick();
  edge.receive('FLUSH_MEDIA');
  edge.receive('GET_STATUS');
}

test('with r, FLUSH_MEDIA answers every pending marker in order, before anything after it', () => {
  const { edge, socket } = setup({ reportFlushedMarks: true });
  flushWithPendingMarkers(edge);
  assert.deepEqual(socket.texts.slice(0, 4), [
    'MEDIA_MARK_PROCESSED m1',
    'MEDIA_MARK_PROCESSED m2',
    'MEDIA_BUFFERING_COMPLETED b1',
    'MEDIA_MARK_PROCESSED m3',
  ]);
  assert.match(socket.texts[4]!, /^STATUS .* queue_length:0 /);
  for (let i = 0; i < 10; i++) edge.tick();
  assert.equal(socket.texts.length, 5, 'each marker answered once');
});

test('without r, FLUSH_MEDIA drops the markers silently (Asterisk)', () => {
  const { edge, socket } = setup();
  flushWithPendingMarkers(edge);
  assert.equal(socket.texts.length, 1);
  assert.match(socket.texts[0]!, /^STATUS /);
});

test('with r in JSON, the flushed marks carry their correlation ids', () => {
  const { edge, socket } = setup({ reportFlushedMarks: true, controlFormat: 'json' });
  edge.receive(new Uint8Array(640 * 5));
  edge.receive('{"command":"MARK_MEDIA","correlation_id":"turn-1"}');
  edge.receive('{"command":"MARK_MEDIA"}');
  edge.receive('{"command":"FLUSH_MEDIA"}');
  assert.deepEqual(
    socket.texts.map((t) => JSON.parse(t) as unknown),
    [
      { event: 'MEDIA_MARK_PROCESSED', channel_id: '1700000000.1', correlation_id: 'turn-1' },
      { event: 'MEDIA_MARK_PROCESSED', channel_id: '1700000000.1', correlation_id: '' },
    ],
  );
});

test('with l, a 1 MB message becomes 20 ms frames; one arriving at a full queue is answered with ERROR', () => {
  const { edge, socket, capture, events } = setup({ largeMessages: true });
  const big = new Uint8Array(1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = i & 0xff;
  edge.receive(big);
  const frames = Math.floor(big.length / 640);
  assert.equal(edge.queue.length, frames, 'cut into 640-byte frames, the remainder dropped as in normal mode');
  assert.deepEqual(socket.texts, ['MEDIA_XOFF']);
  edge.tick();
  assert.equal(capture.frames[0]!.length, 320);
  assert.equal(capture.frames[0]![0], (1 << 8) | 0, 'the first frame is the message’s first bytes (little-endian)');
  edge.receive(big);
  assert.equal(socket.texts[1], `ERROR channel_id:1700000000.1 error_text:Media message dropped: ${big.length} of ${big.length} bytes refused, the queue is full (${QUEUE_LENGTH_MAX} frames)`); // prettier-ignore
  assert.equal(edge.queue.length, frames - 1);
  assert.deepEqual(events, [], 'no hangup');
  edge.receive('FLUSH_MEDIA');
  edge.tick();
  assert.equal(socket.texts[2], 'MEDIA_XON');
  edge.receive(new Uint8Array(640 * 2));
  assert.equal(edge.queue.length, 2, 'the queue takes audio again');
});

test('with l in passthrough, an oversized message is cut into the codec’s 20 ms frames', () => {
  const { edge, capture } = setup({ largeMessages: true, passthrough: true, codec: 'ulaw' });
  edge.receive(new Uint8Array(100_000).fill(0xff));
  assert.equal(edge.queue.length, Math.ceil(100_000 / 160));
  edge.tick();
  assert.equal(capture.frames[0]!.length, 160);
  const small = setup({ largeMessages: true, passthrough: true, codec: 'ulaw' });
  small.edge.receive(new Uint8Array(1000).fill(0xff));
  assert.equal(small.edge.queue.length, 1, 'a message within Asterisk’s limit stays one frame');
});

test('MEDIA_START carries the m extras after Asterisk’s fields', () => {
  const { edge, socket } = edgeHarness(new RecordingSocket(), {
    codec: 'ulaw',
    connectionId: 'c1',
    channelName: 'WebSocket/c1/0x1',
    channelId: '9.1',
  });
  edge.start([['T', 'x']], { app: 'bot', appArgs: ['a b'], variables: [['T', 'x']] });
  assert.equal(
    socket.texts[0],
    'MEDIA_START connection_id:c1 channel:WebSocket/c1/0x1 channel_id:9.1 format:ulaw optimal_frame_size:160 ' +
      'ptime:20 app:bot app_args:a%20b var.T:x',
  );
});
