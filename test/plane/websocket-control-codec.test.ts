// chan_websocket's TEXT control messages: commands parsed as Asterisk parses them (plain-text split at the first
// space, JSON fields only when strings, the 128-byte limit on bytes, whitespace stripped), and every event written
// exactly as a running Asterisk 22.10.1 wrote it, in both formats.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatControl, parseControl, type ControlEvent } from '../../src/plane/websocket/control-codec.js';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const plain = (s: string) => parseControl(s, bytes(s), 'plain-text');
const json = (s: string) => parseControl(s, bytes(s), 'json');

test('plain-text: the name is the text before the first space, the argument all that follows', () => {
  assert.deepEqual(plain('MARK_MEDIA turn-3'), {
    kind: 'command',
    command: { name: 'MARK_MEDIA', arg: 'turn-3', direction: undefined },
  });
  assert.deepEqual(plain('  GET_STATUS\r\n'), {
    kind: 'command',
    command: { name: 'GET_STATUS', arg: undefined, direction: undefined },
  });
  assert.deepEqual(plain('STOP_MEDIA_BUFFERING a b  c'), {
    kind: 'command',
    command: { name: 'STOP_MEDIA_BUFFERING', arg: 'a b  c', direction: undefined },
  });
  // A JSON command in plain-text mode is just an unknown name.
  assert.equal((plain('{"command":"ANSWER"}') as { command: { name: string } }).command.name, '{"command":"ANSWER"}');
});

test('json: command, correlation_id and direction are read only when they are strings', () => {
  assert.deepEqual(json('{"command":"MARK_MEDIA","correlation_id":"x1"}'), {
    kind: 'command',
    command: { name: 'MARK_MEDIA', arg: 'x1', direction: undefined },
  });
  assert.deepEqual(json('{"command":"STOP_MEDIA_BUFFERING","correlation_id":5}'), {
    kind: 'command',
    command: { name: 'STOP_MEDIA_BUFFERING', arg: undefined, direction: undefined },
  });
  assert.deepEqual(json(' {"command":"SET_MEDIA_DIRECTION","direction":"in"} '), {
    kind: 'command',
    command: { name: 'SET_MEDIA_DIRECTION', arg: undefined, direction: 'in' },
  });
  // An array decodes (jansson takes arrays) but names no command.
  assert.deepEqual(json('[1]'), {
    kind: 'command',
    command: { name: undefined, arg: undefined, direction: undefined },
  });
});

test('json: text that is not an object or an array is invalid (Asterisk answers with an ERROR)', () => {
  for (const text of ['not json', '"ANSWER"', '42', 'null', '{"command":']) {
    assert.deepEqual(json(text), { kind: 'invalid-json' }, text);
  }
});

test('empty messages and messages over 128 bytes are not commands; the limit counts bytes', () => {
  assert.deepEqual(plain(''), { kind: 'ignored', why: 'empty' });
  const at = `MARK_MEDIA ${'x'.repeat(128 - 11)}`;
  assert.equal(bytes(at), 128);
  assert.equal(plain(at).kind, 'command');
  assert.deepEqual(plain(`${at}x`), { kind: 'ignored', why: 'too-long' });
  const wide = `MARK_MEDIA ${'é'.repeat(59)}`; // 70 characters, 129 bytes
  assert.deepEqual(plain(wide), { kind: 'ignored', why: 'too-long' });
});

const CHANNEL = '1796601276.103949';
const START: ControlEvent = {
  event: 'MEDIA_START',
  connectionId: 'c06ca621-e3ea-4f7f-b8d7-9a8bab48d6b5',
  channel: 'WebSocket/INCOMING/0x7f5a84247360',
  format: 'slin16',
  optimalFrameSize: 640,
  ptime: 20,
  variables: [
    ['MEDIA_WEBSOCKET_CONNECTION_ID', 'c06ca621-e3ea-4f7f-b8d7-9a8bab48d6b5'],
    ['MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE', '640'],
  ],
};

test('every event in plain-text, as Asterisk 22.10.1 sends it', () => {
  const cases: [ControlEvent, string][] = [
    [
      START,
      'MEDIA_START connection_id:c06ca621-e3ea-4f7f-b8d7-9a8bab48d6b5 channel:WebSocket/INCOMING/0x7f5a84247360 ' +
        `channel_id:${CHANNEL} format:slin16 optimal_frame_size:640 ptime:20`,
    ],
    [{ event: 'MEDIA_XOFF' }, 'MEDIA_XOFF'],
    [{ event: 'MEDIA_XON' }, 'MEDIA_XON'],
    [{ event: 'QUEUE_DRAINED' }, 'QUEUE_DRAINED'],
    [{ event: 'MEDIA_MARK_PROCESSED', correlationId: 'm1' }, 'MEDIA_MARK_PROCESSED m1'],
    [{ event: 'MEDIA_MARK_PROCESSED', correlationId: undefined }, 'MEDIA_MARK_PROCESSED'],
    [{ event: 'MEDIA_BUFFERING_COMPLETED', correlationId: 'tts-1' }, 'MEDIA_BUFFERING_COMPLETED tts-1'],
    [{ event: 'MEDIA_BUFFERING_COMPLETED', correlationId: '' }, 'MEDIA_BUFFERING_COMPLETED'],
    [
      { event: 'STATUS', queueLength: 7, xonLevel: 800, xoffLevel: 900, queueFull: false, bulkMedia: true, mediaPaused: false }, // prettier-ignore
      `STATUS channel_id:${CHANNEL} queue_length:7 xon_level:800 xoff_level:900 queue_full:false bulk_media:true media_paused:false`,
    ],
    [{ event: 'DTMF_END', digit: '5' }, `DTMF_END digit:5 channel_id:${CHANNEL}`],
    [
      { event: 'ERROR', text: 'SET_MEDIA_DIRECTION only supports JSON format.\n' },
      `ERROR channel_id:${CHANNEL} error_text:SET_MEDIA_DIRECTION only supports JSON format.\n`,
    ],
  ];
  for (const [event, text] of cases) assert.equal(formatControl(event, 'plain-text', CHANNEL), text);
});

test('every event in JSON: compact, channel_id in each, keys in Asterisk order, correlation_id always present', () => {
  const cases: [ControlEvent, string][] = [
    [
      START,
      '{"event":"MEDIA_START","connection_id":"c06ca621-e3ea-4f7f-b8d7-9a8bab48d6b5",' +
        `"channel":"WebSocket/INCOMING/0x7f5a84247360","channel_id":"${CHANNEL}","format":"slin16",` +
        '"optimal_frame_size":640,"ptime":20,"channel_variables":{"MEDIA_WEBSOCKET_CONNECTION_ID":' +
        '"c06ca621-e3ea-4f7f-b8d7-9a8bab48d6b5","MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE":"640"}}',
    ],
    [{ event: 'MEDIA_XON' }, `{"event":"MEDIA_XON","channel_id":"${CHANNEL}"}`],
    [{ event: 'QUEUE_DRAINED' }, `{"event":"QUEUE_DRAINED","channel_id":"${CHANNEL}"}`],
    [
      { event: 'MEDIA_MARK_PROCESSED', correlationId: undefined },
      `{"event":"MEDIA_MARK_PROCESSED","channel_id":"${CHANNEL}","correlation_id":""}`,
    ],
    [
      { event: 'MEDIA_BUFFERING_COMPLETED', correlationId: 'tts-1' },
      `{"event":"MEDIA_BUFFERING_COMPLETED","channel_id":"${CHANNEL}","correlation_id":"tts-1"}`,
    ],
    [
      { event: 'STATUS', queueLength: 0, xonLevel: 800, xoffLevel: 900, queueFull: false, bulkMedia: false, mediaPaused: true }, // prettier-ignore
      `{"event":"STATUS","channel_id":"${CHANNEL}","queue_length":0,"xon_level":800,"xoff_level":900,` +
        '"queue_full":false,"bulk_media":false,"media_paused":true}',
    ],
    [{ event: 'DTMF_END', digit: '#' }, `{"event":"DTMF_END","channel_id":"${CHANNEL}","digit":"#"}`],
    [
      { event: 'ERROR', text: "'up' is not a valid direction for SET_MEDIA_DIRECTION.\n" },
      `{"event":"ERROR","channel_id":"${CHANNEL}","error_text":"'up' is not a valid direction for SET_MEDIA_DIRECTION.\\n"}`,
    ],
  ];
  for (const [event, text] of cases) assert.equal(formatControl(event, 'json', CHANNEL), text);
});
