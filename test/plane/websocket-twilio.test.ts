// A WebSocket edge in Twilio mode between a media channel and a recording socket, tick by tick: `connected` then
// `start` first (what the bot sent meanwhile is handled after), µ-law at 8 kHz whatever the channel's format, one
// `media` message per frame with its counters, the bot's odd-sized audio re-framed into 20 ms frames, a partial
// tail completed with silence, marks echoed on the tick after their audio, `clear` at once with its pending marks,
// `dtmf`, `stop` last, and nothing of chan_websocket's protocol on the socket.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebSocketEdgeSpec } from '../../src/core/media/websocket-protocol.js';
import { decodeUlaw, encodeUlaw } from '../../src/media/codecs/g711.js';
import { MediaQueue } from '../../src/plane/websocket/media-queue.js';
import { TwilioSession } from '../../src/plane/websocket/twilio-session.js';
import { edgeHarness, RecordingSocket } from './websocket-edge-harness.js';

/** The recording socket, read as Twilio's JSON messages (all of them are TEXT). */
class Socket extends RecordingSocket {
  get messages(): any[] {
    return this.sent.map((m) => {
      assert.equal(typeof m, 'string', 'only TEXT messages in Twilio mode');
      return JSON.parse(m as string);
    });
  }
  of(event: string): any[] {
    return this.messages.filter((m) => m.event === event);
  }
}

function setup(overrides: Partial<WebSocketEdgeSpec> = {}) {
  const { edge, socket, capture } = edgeHarness(new Socket(), {
    controlFormat: 'twilio',
    connectionId: 'bot',
    channelName: 'WebSocket/bot/0x7f0000001000',
    channelId: '1700000000.7',
    ...overrides,
  });
  return { edge, socket, capture };
}

/** µ-law bytes 0..n-1 of a recognisable pattern (no byte is 0xff, µ-law's silence). */
const pattern = (n: number, seed = 0) => Buffer.from(Array.from({ length: n }, (_, i) => (seed + i * 7) % 0xfe));
const media = (bytes: Uint8Array) => JSON.stringify({ event: 'media', streamSid: 'MZx', media: { payload: Buffer.from(bytes).toString('base64') } }); // prettier-ignore
const mark = (name: string) => JSON.stringify({ event: 'mark', streamSid: 'MZx', mark: { name } });
const CLEAR = '{"event":"clear","streamSid":"MZx"}';
const quietQueue = { xoff: () => {}, xon: () => {}, drained: () => {}, marker: () => {} };

function ulawToPcm(bytes: Uint8Array): number[] {
  const out = new Int16Array(bytes.length);
  decodeUlaw(bytes, out);
  return [...out];
}

test('connected then start come first, with the SIDs and customParameters; early bot messages follow', () => {
  const { edge, socket } = setup();
  assert.equal(edge.rate, 8000, 'µ-law at 8 kHz though the channel is slin16');
  edge.write(new Int16Array(160));
  edge.receive(media(pattern(160)));
  edge.dtmfEnd('1');
  assert.equal(socket.sent.length, 0, 'nothing before the socket is up');
  edge.start([
    ['TWILIO_PARAM_tenant', 'acme'],
    ['MEDIA_WEBSOCKET_CONNECTION_ID', 'bot'],
    ['TWILIO_PARAM_lang', 'en'],
  ]);
  assert.equal(socket.sent[0], '{"event":"connected","protocol":"Call","version":"1.0.0"}');
  const start = socket.messages[1];
  assert.equal(start.event, 'start');
  assert.equal(start.sequenceNumber, '1');
  assert.match(start.streamSid, /^MZ[0-9a-f]{32}$/);
  assert.equal(start.start.streamSid, start.streamSid);
  assert.match(start.start.callSid, /^CA[0-9a-f]{32}$/);
  assert.match(start.start.accountSid, /^AC[0-9a-f]{32}$/);
  assert.deepEqual(start.start.tracks, ['inbound']);
  assert.deepEqual(start.start.mediaFormat, { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 });
  assert.deepEqual(Object.entries(start.start.customParameters), [
    ['lang', 'en'],
    ['tenant', 'acme'],
  ]);
  assert.equal(socket.sent.length, 2, 'no chan_websocket MEDIA_START, and nothing else');
  assert.equal(edge.queue.length, 1, 'the early media was queued after start');
});

test('each frame the channel sends is one media message of base64 µ-law with counting strings', () => {
  const { edge, socket } = setup();
  edge.start([]);
  const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(6000 * Math.sin(i / 3)));
  const expected = Buffer.alloc(160);
  encodeUlaw(pcm, expected);
  for (let i = 0; i < 3; i++) edge.write(pcm);
  const sent = socket.of('media');
  assert.equal(sent.length, 3);
  assert.deepEqual(
    sent.map((m) => [m.sequenceNumber, m.media.chunk, m.media.track]),
    [
      ['2', '1', 'inbound'],
      ['3', '2', 'inbound'],
      ['4', '3', 'inbound'],
    ],
  );
  for (const m of sent) {
    assert.deepEqual(Buffer.from(m.media.payload, 'base64'), expected);
    assert.match(m.media.timestamp, /^\d+$/);
    assert.equal(m.streamSid, socket.messages[1].streamSid);
  }
  // A µ-law frame relayed from a G.711 caller goes out as it came.
  edge.sendEncoded(expected);
  assert.deepEqual(Buffer.from(socket.of('media')[3].media.payload, 'base64'), expected);
});

test('media timestamps are milliseconds since the start', () => {
  let now = 5000;
  const sent: string[] = [];
  const session = new TwilioSession(new MediaQueue(160, quietQueue), '1700000000.7', (t) => sent.push(t), {
    now: () => now,
  });
  session.event({ event: 'MEDIA_START', connectionId: '', channel: '', format: '', optimalFrameSize: 0, ptime: 20, variables: [] }); // prettier-ignore
  for (let i = 0; i < 3; i++, now += 20.4) session.sendPcm(new Int16Array(160));
  assert.deepEqual(
    sent.slice(2).map((t) => JSON.parse(t).media.timestamp),
    ['0', '20', '41'],
  );
});

test('the bot’s audio in odd sizes is cut into 20 ms frames; a tail alone for a whole tick is completed with silence', () => {
  const { edge, capture } = setup();
  edge.start([]);
  const bytes = pattern(330);
  edge.receive(media(bytes.subarray(0, 100)));
  edge.receive(media(bytes.subarray(100, 200)));
  edge.receive(media(bytes.subarray(200, 330)));
  edge.tick();
  edge.tick();
  assert.equal(capture.frames.length, 2);
  assert.deepEqual([...capture.frames[0]!, ...capture.frames[1]!], ulawToPcm(bytes.subarray(0, 320)));
  edge.tick();
  assert.equal(capture.frames.length, 2, 'the 10-byte tail waits one tick for more');
  edge.tick();
  assert.equal(capture.frames.length, 3);
  const tail = capture.frames[2]!;
  assert.equal(tail.length, 160, 'a whole frame');
  assert.deepEqual([...tail.subarray(0, 10)], ulawToPcm(bytes.subarray(320)));
  assert.ok(
    tail.subarray(10).every((v) => v === 0),
    'completed with silence',
  );
  // A tail that is completed by the next message in time is not padded.
  edge.receive(media(bytes.subarray(0, 100)));
  edge.tick();
  edge.receive(media(bytes.subarray(100, 160)));
  edge.tick();
  assert.deepEqual([...capture.frames[3]!], ulawToPcm(bytes.subarray(0, 160)));
});

test('a mark is echoed a tick after the queue reaches it; a partial frame before it is played first', () => {
  const { edge, socket, capture } = setup();
  edge.start([]);
  edge.receive(media(pattern(400))); // 2.5 frames
  edge.receive(mark('turn-1'));
  edge.receive(media(pattern(160, 3)));
  edge.receive(mark('turn-2'));
  const marksAfter: string[][] = [];
  for (let tick = 1; tick <= 6; tick++) {
    edge.tick();
    marksAfter.push(socket.of('mark').map((m) => m.mark.name));
  }
  // Frames 1-3 are read on ticks 1-3, so turn-1 is reached on tick 4 (before frame 4) and sent on tick 5.
  assert.deepEqual(marksAfter, [[], [], [], [], ['turn-1'], ['turn-1', 'turn-2']]);
  assert.deepEqual([...capture.frames[2]!.subarray(80)], new Array(80).fill(0), 'the half frame, completed');
  assert.equal(capture.frames.length, 4);
  const marks = socket.of('mark');
  assert.equal(marks[1].streamSid, socket.messages[1].streamSid);
  assert.equal(Number(marks[1].sequenceNumber), Number(marks[0].sequenceNumber) + 1);
});

test('a mark reached but not yet sent goes out before the marks clear drops, and before stop', () => {
  const { edge, socket } = setup();
  edge.start([]);
  edge.receive(mark('reached'));
  edge.receive(media(pattern(320)));
  edge.receive(mark('pending'));
  edge.tick(); // reaches `reached`
  edge.receive(CLEAR);
  assert.deepEqual(
    socket.of('mark').map((m) => m.mark.name),
    ['reached', 'pending'],
  );
  edge.receive(mark('last'));
  edge.tick(); // reaches `last`
  edge.close();
  assert.deepEqual(
    socket.messages.slice(-2).map((m) => m.mark?.name ?? m.event),
    ['last', 'stop'],
  );
});

test('clear drops every queued frame at once and echoes the pending marks in order', () => {
  const { edge, socket, capture } = setup();
  edge.start([]);
  edge.receive(media(pattern(800)));
  edge.receive(mark('a'));
  edge.receive(media(pattern(805)));
  edge.receive(mark('b'));
  edge.receive(media(pattern(90)));
  edge.tick();
  assert.equal(capture.frames.length, 1);
  edge.receive(CLEAR);
  assert.deepEqual(
    socket.of('mark').map((m) => m.mark.name),
    ['a', 'b'],
    'before any further tick',
  );
  assert.equal(edge.queue.length, 0);
  for (let i = 0; i < 5; i++) edge.tick();
  assert.equal(capture.frames.length, 1, 'nothing more plays, not even the dropped tail');
  assert.equal(socket.of('mark').length, 2, 'each mark once');
  // Audio after the clear starts a clean frame, and odd sizes are still joined.
  const next = pattern(160, 9);
  edge.receive(media(next.subarray(0, 100)));
  edge.receive(media(next.subarray(100)));
  edge.tick();
  assert.deepEqual([...capture.frames[1]!], ulawToPcm(next));
});

test('a digit written to the channel is a dtmf message; close sends stop last and closes the socket', () => {
  const { edge, socket } = setup();
  edge.start([['TWILIO_CALL_SID', 'CA0123456789abcdef0123456789abcdef']]);
  edge.dtmfEnd('5');
  const dtmf = socket.of('dtmf')[0];
  assert.deepEqual(dtmf.dtmf, { track: 'inbound_track', digit: '5' });
  assert.equal(dtmf.sequenceNumber, '2');
  edge.close();
  const stop = socket.messages.at(-1);
  assert.equal(stop.event, 'stop');
  assert.equal(stop.sequenceNumber, '3');
  assert.deepEqual(stop.stop, { accountSid: 'AC' + '0'.repeat(32), callSid: 'CA0123456789abcdef0123456789abcdef' });
  assert.equal(socket.closedWith, 1000);
  const count = socket.sent.length;
  edge.write(new Int16Array(160));
  edge.dtmfEnd('6');
  assert.equal(socket.sent.length, count, 'nothing after stop');
  // A stream that never started ends without a word.
  const idle = setup();
  idle.edge.close();
  assert.equal(idle.socket.sent.length, 0);
});

test('bad or foreign messages change nothing: chan_websocket commands, BINARY audio, broken JSON', () => {
  const { edge, socket, capture } = setup();
  edge.start([]);
  for (const m of ['MARK_MEDIA x', '{"command":"FLUSH_MEDIA"}', '{"event":"media"', '{"event":"stop"}', 'HANGUP']) {
    edge.receive(m);
  }
  edge.receive(pattern(320));
  edge.tick();
  assert.equal(capture.frames.length, 0);
  assert.equal(edge.queue.length, 0);
  assert.equal(socket.sent.length, 2, 'no replies: Twilio answers nothing');
});

test('flooding past chan_websocket’s levels sends no XOFF or XON, only Twilio messages', () => {
  const { edge, socket } = setup();
  edge.start([]);
  for (let i = 0; i < 11; i++) edge.receive(media(pattern(160 * 100)));
  assert.equal(edge.queue.length, 1000, 'the eleventh message was dropped whole at the limit');
  for (let i = 0; i < 250; i++) edge.tick();
  assert.equal(socket.sent.length, 2);
});

test('d(in): the bot only listens, so its messages are dropped', () => {
  const { edge, capture, socket } = setup({ direction: 'in' });
  edge.start([]);
  edge.receive(media(pattern(320)));
  edge.receive(mark('m'));
  assert.equal(edge.queue.length, 0);
  assert.equal(capture.frames.length, 0);
  edge.write(new Int16Array(160));
  assert.equal(socket.of('media').length, 1, 'it still hears the channel');
});
