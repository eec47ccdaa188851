// A WebSocket edge between a media channel and a recording socket: MEDIA_START always first (what the app sent
// before it waits), little-endian slin both ways sample for sample, G.711 bytes, commands refused in passthrough and
// with direction `in` in Asterisk's words, SET_MEDIA_DIRECTION's checks and effects, DTMF_END, ANSWER and HANGUP
// reported to the core, the socket closed with the code the call ended with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebSocketEdgeSpec } from '../../src/core/media/websocket-protocol.js';
import { edgeHarness, RecordingSocket } from './websocket-edge-harness.js';
import { encodeUlaw } from '../../src/media/codecs/g711.js';

function setup(overrides: Partial<WebSocketEdgeSpec> = {}) {
  return edgeHarness(new RecordingSocket(), overrides);
}

/** 16-bit little-endian bytes of `samples`. */
function le(samples: number[]): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  samples.forEach((v, i) => {
    out[2 * i] = v & 0xff;
    out[2 * i + 1] = (v >> 8) & 0xff;
  });
  return out;
}

const ramp = (n: number, from = -300) => Array.from({ length: n }, (_, i) => from + i * 7);

test('nothing reaches the app before MEDIA_START; what the app sent meanwhile is handled after it', () => {
  const { edge, socket, capture } = setup();
  edge.write(new Int16Array(320));
  edge.receive('GET_STATUS');
  edge.receive(le(ramp(320)));
  edge.dtmfEnd('5');
  assert.equal(socket.sent.length, 0, 'silent until started');
  edge.start([
    ['B', '2'],
    ['A', '1'],
  ]);
  assert.equal(
    socket.sent[0],
    'MEDIA_START connection_id:conn-1 channel:WebSocket/INCOMING/0x7f0000001000 channel_id:1700000000.1 ' +
      'format:slin16 optimal_frame_size:640 ptime:20',
  );
  assert.match(String(socket.sent[1]), /^STATUS channel_id:1700000000\.1 queue_length:0 /);
  assert.equal(edge.queue.length, 1, 'the early audio is queued after the status was answered');
  edge.tick();
  assert.deepEqual([...capture.frames[0]!], ramp(320));
});

test('JSON MEDIA_START carries every channel variable in the order given', () => {
  const { edge, socket } = setup({ controlFormat: 'json', codec: 'ulaw' });
  edge.start([
    ['tenant', 'acme'],
    ['MEDIA_WEBSOCKET_CONNECTION_ID', 'conn-1'],
  ]);
  assert.deepEqual(JSON.parse(socket.sent[0] as string), {
    event: 'MEDIA_START',
    connection_id: 'conn-1',
    channel: 'WebSocket/INCOMING/0x7f0000001000',
    channel_id: '1700000000.1',
    format: 'ulaw',
    optimal_frame_size: 160,
    ptime: 20,
    channel_variables: { tenant: 'acme', MEDIA_WEBSOCKET_CONNECTION_ID: 'conn-1' },
  });
});

test('slin goes to the app little-endian, one message per frame; G.711 goes as its bytes', () => {
  const { edge, socket } = setup();
  edge.start([]);
  edge.write(Int16Array.from(ramp(320)));
  assert.deepEqual(socket.binaries[0], le(ramp(320)));
  const g711 = setup({ codec: 'ulaw' });
  g711.edge.start([]);
  const pcm = Int16Array.from(ramp(160, -4000).map((v) => v * 3));
  g711.edge.write(pcm);
  const expected = new Uint8Array(160);
  encodeUlaw(pcm, expected, 160);
  assert.deepEqual(g711.socket.binaries[0], expected);
});

test('passthrough refuses the queue commands with Asterisk’s text and plays each message as one frame', () => {
  const { edge, socket, capture } = setup({ passthrough: true, codec: 'slin' });
  edge.start([]);
  assert.match(socket.texts[0]!, / optimal_frame_size:0 ptime:20$/);
  for (const cmd of [
    'START_MEDIA_BUFFERING',
    'STOP_MEDIA_BUFFERING x',
    'MARK_MEDIA',
    'FLUSH_MEDIA',
    'PAUSE_MEDIA',
    'CONTINUE_MEDIA',
    'REPORT_QUEUE_DRAINED',
    'SET_MEDIA_DIRECTION',
  ]) {
    // prettier-ignore
    edge.receive(cmd);
  }
  const name = (c: string) => c.split(' ')[0];
  assert.deepEqual(
    socket.texts.slice(1).map((t) => t.replace('ERROR channel_id:1700000000.1 error_text:', '')),
    ['START_MEDIA_BUFFERING', 'STOP_MEDIA_BUFFERING', 'MARK_MEDIA', 'FLUSH_MEDIA', 'PAUSE_MEDIA', 'CONTINUE_MEDIA',
      'REPORT_QUEUE_DRAINED', 'SET_MEDIA_DIRECTION'].map((c) => `${name(c)} not supported in passthrough mode`), // prettier-ignore
  );
  edge.receive(le(ramp(37)));
  edge.tick();
  assert.deepEqual([...capture.frames[0]!], ramp(37));
});

test('direction in: the app’s audio is dropped, the clock stops, and the queue commands are refused', () => {
  const { edge, socket, events } = setup({ controlFormat: 'json' });
  edge.start([]);
  edge.receive(le(ramp(640)));
  edge.receive('{"command":"SET_MEDIA_DIRECTION","direction":"in"}');
  assert.equal(edge.direction, 'in');
  assert.equal(edge.isTicking, false);
  edge.receive(le(ramp(320)));
  assert.equal(edge.queue.length, 2, 'frozen, and the new audio dropped');
  for (const c of ['START_MEDIA_BUFFERING', 'STOP_MEDIA_BUFFERING', 'MARK_MEDIA', 'PAUSE_MEDIA', 'CONTINUE_MEDIA']) {
    edge.receive(`{"command":"${c}"}`);
  }
  edge.receive('{"command":"GET_STATUS"}');
  edge.receive('{"command":"FLUSH_MEDIA"}');
  const replies = socket.texts.slice(1).map((t) => JSON.parse(t) as Record<string, unknown>);
  assert.deepEqual(
    replies.slice(0, 5).map((r) => r.error_text),
    ['START_MEDIA_BUFFERING', 'STOP_MEDIA_BUFFERING', 'MARK_MEDIA', 'PAUSE_MEDIA', 'CONTINUE_MEDIA'].map(
      (c) => `${c} not supported while media direction is 'in'`,
    ),
  );
  assert.equal(replies[5]!.event, 'STATUS');
  assert.equal(replies[5]!.queue_length, 2);
  assert.equal(edge.queue.length, 0, 'FLUSH works with direction in');
  // The app still hears the channel.
  edge.write(new Int16Array(320));
  assert.equal(socket.binaries.length, 1);
  edge.receive('{"command":"SET_MEDIA_DIRECTION","direction":"out"}');
  assert.equal(edge.isTicking, true);
  edge.write(new Int16Array(320));
  assert.equal(socket.binaries.length, 1, 'direction out: nothing to the app');
  assert.deepEqual(events, []);
});

test('SET_MEDIA_DIRECTION needs JSON and a valid direction (texts end with a newline, as Asterisk’s)', () => {
  const plain = setup();
  plain.edge.start([]);
  plain.edge.receive('SET_MEDIA_DIRECTION in');
  assert.equal(plain.socket.texts[1], 'ERROR channel_id:1700000000.1 error_text:SET_MEDIA_DIRECTION only supports JSON format.\n'); // prettier-ignore
  const json = setup({ controlFormat: 'json' });
  json.edge.start([]);
  json.edge.receive('{"command":"SET_MEDIA_DIRECTION"}');
  json.edge.receive('{"command":"SET_MEDIA_DIRECTION","direction":"up"}');
  json.edge.receive('not json');
  json.edge.receive(`MARK_MEDIA ${'x'.repeat(200)}`);
  assert.deepEqual(
    json.socket.texts.slice(1).map((t) => (JSON.parse(t) as { error_text: string }).error_text),
    [
      "SET_MEDIA_DIRECTION requires a 'direction' parameter.\n",
      "'up' is not a valid direction for SET_MEDIA_DIRECTION.\n",
      'Unable to parse JSON command',
      'Command longer than 128 bytes ignored',
    ],
  );
  assert.equal(json.edge.direction, 'both');
});

test('DTMF_END for digits written to the channel; ANSWER and HANGUP go to the core; close uses the code', () => {
  const { edge, socket, events } = setup();
  edge.start([]);
  edge.dtmfEnd('7');
  assert.equal(socket.texts[1], 'DTMF_END digit:7 channel_id:1700000000.1');
  edge.receive('ANSWER');
  edge.receive('answer'); // names are case-sensitive: ignored
  edge.receive('HANGUP');
  assert.deepEqual(events, [{ ev: 'websocket-answer' }, { ev: 'websocket-hangup', cause: 16, closeCode: 1000 }]);
  edge.close();
  assert.equal(socket.closedWith, 1000);
  edge.write(new Int16Array(320));
  assert.equal(socket.binaries.length, 0);
});

test('the app closing its socket is a normal hangup; a failed socket is network out of order', () => {
  const closed = setup();
  closed.edge.start([]);
  closed.edge.socketEnded('remote');
  assert.deepEqual(closed.events, [{ ev: 'websocket-hangup', cause: 16, closeCode: 1001 }]);
  const failed = setup();
  failed.edge.start([]);
  failed.edge.socketEnded('error');
  assert.deepEqual(failed.events, [{ ev: 'websocket-hangup', cause: 38, closeCode: 1001 }]);
});
