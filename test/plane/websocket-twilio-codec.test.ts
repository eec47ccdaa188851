// Twilio Media Streams messages: what goes to the bot, exactly (field names, strings where Twilio sends strings),
// and what comes from it, including every kind of bad input, which is ignored with a reason and never thrown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWebSocketDialString } from '../../src/channels/websocket/dial-string.js';
import {
  CONNECTED_MESSAGE,
  base64Capacity,
  decodeBase64Into,
  dtmfMessage,
  markMessage,
  mediaMessage,
  parseTwilioMessage,
  startMessage,
  stopMessage,
} from '../../src/plane/websocket/twilio-codec.js';
import { customParameters, twilioIds } from '../../src/plane/websocket/twilio-session.js';

const IDS = {
  streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
  accountSid: 'AC25e16e9a716a4a1786a7c83f58e30482',
  callSid: 'CA2d6f5ae8c3fd5e7f81f6a67c4c9ab9de',
};

test('connected, start and stop as Twilio writes them', () => {
  assert.deepEqual(JSON.parse(CONNECTED_MESSAGE), { event: 'connected', protocol: 'Call', version: '1.0.0' });
  assert.deepEqual(JSON.parse(startMessage(1, IDS, { lang: 'en', who: 'a "b"' })), {
    event: 'start',
    sequenceNumber: '1',
    start: {
      accountSid: IDS.accountSid,
      streamSid: IDS.streamSid,
      callSid: IDS.callSid,
      tracks: ['inbound'],
      customParameters: { lang: 'en', who: 'a "b"' },
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    },
    streamSid: IDS.streamSid,
  });
  assert.deepEqual(JSON.parse(stopMessage(9, IDS)), {
    event: 'stop',
    sequenceNumber: '9',
    stop: { accountSid: IDS.accountSid, callSid: IDS.callSid },
    streamSid: IDS.streamSid,
  });
});

test('media, dtmf and mark: sequenceNumber, chunk and timestamp are strings; names are escaped', () => {
  const payload = Buffer.from([0xff, 0x7f, 0x00, 0x80]).toString('base64');
  assert.deepEqual(JSON.parse(mediaMessage(3, IDS.streamSid, 2, 40, payload)), {
    event: 'media',
    sequenceNumber: '3',
    media: { track: 'inbound', chunk: '2', timestamp: '40', payload: '/38AgA==' },
    streamSid: IDS.streamSid,
  });
  assert.deepEqual(JSON.parse(dtmfMessage(4, IDS.streamSid, '#')), {
    event: 'dtmf',
    streamSid: IDS.streamSid,
    sequenceNumber: '4',
    dtmf: { track: 'inbound_track', digit: '#' },
  });
  const tricky = 'end "of" \\ turn\n';
  assert.deepEqual(JSON.parse(markMessage(5, IDS.streamSid, tricky)), {
    event: 'mark',
    sequenceNumber: '5',
    streamSid: IDS.streamSid,
    mark: { name: tricky },
  });
});

test('the bot’s media, mark and clear are understood, with or without a streamSid', () => {
  const sid = IDS.streamSid;
  assert.deepEqual(parseTwilioMessage(`{"event":"media","streamSid":"${sid}","media":{"payload":"/38AgA=="}}`), {
    kind: 'media',
    payload: '/38AgA==',
  });
  assert.deepEqual(parseTwilioMessage('{"event":"mark","mark":{"name":"turn-1"}}'), { kind: 'mark', name: 'turn-1' });
  assert.deepEqual(parseTwilioMessage(`{"event":"clear","streamSid":"${sid}"}`), { kind: 'clear' });
});

test('bad messages from the bot are ignored with a reason, never thrown', () => {
  const cases: [string, string, string][] = [
    ['not JSON', 'hello', 'not-json'],
    ['truncated', '{"event":"media","media":{"pay', 'not-json'],
    ['a JSON string', '"media"', 'not-json'],
    ['a JSON array', '[{"event":"clear"}]', 'not-json'],
    ['null', 'null', 'not-json'],
    ['no event', '{"media":{"payload":"AAAA"}}', 'no-event'],
    ['an event Twilio does not take', '{"event":"stop"}', 'unknown-event'],
    ['an event that is a number', '{"event":7}', 'unknown-event'],
    ['media without media', '{"event":"media"}', 'media-without-payload'],
    ['media with a numeric payload', '{"event":"media","media":{"payload":12}}', 'media-without-payload'],
    ['media that is a string', '{"event":"media","media":"AAAA"}', 'media-without-payload'],
    ['mark without a name', '{"event":"mark","mark":{}}', 'mark-without-name'],
    ['mark with a null mark', '{"event":"mark","mark":null}', 'mark-without-name'],
  ];
  for (const [name, text, why] of cases) {
    assert.deepEqual(parseTwilioMessage(text), { kind: 'ignored', why }, name);
  }
});

test('base64 payloads decode into a reused buffer; text outside the alphabet gives fewer bytes, no exception', () => {
  const bytes = Buffer.from(Array.from({ length: 321 }, (_, i) => (i * 37) & 0xff));
  const text = bytes.toString('base64');
  const out = Buffer.alloc(base64Capacity(text));
  assert.ok(out.length >= bytes.length);
  const n = decodeBase64Into(text, out);
  assert.deepEqual(out.subarray(0, n), bytes);
  for (const bad of ['', '====', '%%%%', 'A', 'AB*CD', '\u00e9\u00e9\u00e9\u00e9']) {
    const n2 = decodeBase64Into(bad, Buffer.alloc(base64Capacity(bad) + 3));
    assert.ok(n2 <= base64Capacity(bad) + 3, bad);
  }
});

test('SIDs: MZ/CA and 32 hex digits per channel, the account and call SID taken from variables when set', () => {
  const a = twilioIds('1700000000.1', []);
  const b = twilioIds('1700000000.2', []);
  assert.match(a.streamSid, /^MZ[0-9a-f]{32}$/);
  assert.match(a.callSid, /^CA[0-9a-f]{32}$/);
  assert.equal(a.accountSid, 'AC' + '0'.repeat(32));
  assert.notEqual(a.streamSid, b.streamSid);
  assert.notEqual(a.callSid, b.callSid);
  assert.deepEqual(twilioIds('1700000000.1', []), a, 'stable for a channel');
  const set = twilioIds('1700000000.1', [
    ['TWILIO_CALL_SID', IDS.callSid],
    ['TWILIO_ACCOUNT_SID', IDS.accountSid],
  ]);
  assert.deepEqual(set, { streamSid: a.streamSid, accountSid: IDS.accountSid, callSid: IDS.callSid });
});

test('customParameters: TWILIO_PARAM_<name> variables in the order they were set, inheritance prefixes dropped', () => {
  // Most recent first, as the channel lists its variables.
  const params = customParameters([
    ['__TWILIO_PARAM_tenant', 'acme'],
    ['OTHER', 'x'],
    ['TWILIO_PARAM_', 'nameless'],
    ['TWILIO_PARAM___proto__', 'kept'],
    ['TWILIO_PARAM_lang', 'en'],
    ['twilio_param_case', 'no'],
  ]);
  assert.deepEqual(Object.entries(params), [
    ['lang', 'en'],
    ['__proto__', 'kept'],
    ['tenant', 'acme'],
  ]);
  assert.equal(Object.getPrototypeOf(params), Object.prototype);
});

test('f(twilio) selects Twilio mode, ignoring case, and the other values are untouched', () => {
  const mode = (options: string) => (parseWebSocketDialString(`media1/${options}`) as { controlFormat?: string }).controlFormat; // prettier-ignore
  assert.equal(mode('f(twilio)'), 'twilio');
  assert.equal(mode('c(ulaw)f(TWILIO)n'), 'twilio');
  assert.equal(mode('f(json)'), 'json');
  assert.equal(mode('f(twilio-ish)'), 'plain-text');
  assert.equal(mode('c(ulaw)'), undefined);
});
