// The AudioSocket framer on real byte streams: messages split across reads at every byte, several per read, one
// byte per read, the largest message there is, and garbage that must never make it throw.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudioSocketFramer } from '../../src/plane/audiosocket/audiosocket-framer.js';
import {
  audioMessage,
  decodePcmLe,
  dtmfDigit,
  dtmfMessage,
  Kind,
  uuidMessage,
} from '../../src/plane/audiosocket/audiosocket-messages.js';
import { uuidBytes } from '../../src/core/media/audiosocket-protocol.js';

type Message = [kind: number, payloadHex: string];

/** Every message the framer yields for `chunks`, payloads copied as hex. */
function frameAll(chunks: readonly Buffer[]): Message[] {
  const framer = new AudioSocketFramer();
  const out: Message[] = [];
  for (const chunk of chunks) framer.push(chunk, (kind, payload) => void out.push([kind, payload.toString('hex')]));
  return out;
}

const ramp = (n: number) => Int16Array.from({ length: n }, (_, i) => ((i * 997) % 65536) - 32768);

/** A stream as an app might send it: audio of two sizes, a digit, an error, an empty message, a hangup. */
const STREAM = Buffer.concat([
  audioMessage(Kind.AUDIO_SLIN, ramp(160)),
  dtmfMessage('7'),
  audioMessage(Kind.AUDIO_SLIN16, ramp(320)),
  Buffer.from([Kind.ERROR, 0x00, 0x01, 0x04]),
  Buffer.from([Kind.AUDIO_SLIN, 0x00, 0x00]),
  Buffer.from([Kind.HANGUP, 0x00, 0x00]),
]);
const EXPECTED = frameAll([STREAM]);

test('a stream in one read yields its messages in order', () => {
  assert.deepEqual(
    EXPECTED.map(([kind, hex]) => [kind, hex.length / 2]),
    [
      [Kind.AUDIO_SLIN, 320],
      [Kind.DTMF, 1],
      [Kind.AUDIO_SLIN16, 640],
      [Kind.ERROR, 1],
      [Kind.AUDIO_SLIN, 0],
      [Kind.HANGUP, 0],
    ],
  );
  assert.equal(EXPECTED[1]![1], '37');
  assert.equal(EXPECTED[3]![1], '04');
});

test('a stream split at any byte yields the same messages', () => {
  for (let i = 1; i < STREAM.length; i++) {
    assert.deepEqual(frameAll([STREAM.subarray(0, i), STREAM.subarray(i)]), EXPECTED, `split at ${i}`);
  }
});

test('a stream read one byte at a time, or in three uneven pieces, yields the same messages', () => {
  const bytes = Array.from(STREAM, (b) => Buffer.from([b]));
  assert.deepEqual(frameAll(bytes), EXPECTED);
  for (const [a, b] of [
    [1, 2],
    [2, 3],
    [300, 326],
    [330, 980],
  ] as const) {
    assert.deepEqual(frameAll([STREAM.subarray(0, a), STREAM.subarray(a, b), STREAM.subarray(b)]), EXPECTED);
  }
});

test('the largest message (65535 bytes of payload) arrives whole across many reads', () => {
  const big = Buffer.alloc(3 + 0xffff, 0x5a);
  big[0] = Kind.AUDIO_SLIN;
  big[1] = 0xff;
  big[2] = 0xff;
  const chunks: Buffer[] = [];
  for (let i = 0; i < big.length; i += 1400) chunks.push(big.subarray(i, i + 1400));
  const got = frameAll([...chunks, dtmfMessage('1')]);
  assert.equal(got.length, 2);
  assert.equal(got[0]![1].length / 2, 0xffff);
  assert.equal(got[1]![0], Kind.DTMF);
});

test('a partial message waits, and is counted as pending', () => {
  const framer = new AudioSocketFramer();
  const seen: number[] = [];
  const msg = audioMessage(Kind.AUDIO_SLIN, ramp(160));
  framer.push(msg.subarray(0, 100), (kind) => void seen.push(kind));
  assert.equal(seen.length, 0);
  assert.equal(framer.pendingBytes, 100);
  framer.push(msg.subarray(100), (kind) => void seen.push(kind));
  assert.deepEqual(seen, [Kind.AUDIO_SLIN]);
  assert.equal(framer.pendingBytes, 0);
});

test('a receiver that closes drops the rest of the read', () => {
  const framer = new AudioSocketFramer();
  const seen: number[] = [];
  framer.push(STREAM, (kind) => {
    seen.push(kind);
    return kind !== Kind.DTMF;
  });
  assert.deepEqual(seen, [Kind.AUDIO_SLIN, Kind.DTMF]);
});

test('garbage never throws, and is read the same however it is split', () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let round = 0; round < 200; round++) {
    const garbage = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 3000) }, () => (random() * 256) | 0));
    const whole = frameAll([garbage]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < garbage.length;) {
      const n = 1 + Math.floor(random() * 200);
      chunks.push(garbage.subarray(at, at + n));
      at += n;
    }
    assert.deepEqual(frameAll(chunks), whole, `round ${round}`);
    const framer = new AudioSocketFramer();
    framer.push(garbage, () => {});
    assert.ok(framer.pendingBytes <= 3 + 0xffff);
  }
});

test('messages are built as Asterisk sends them: UUID, DTMF, little-endian audio', () => {
  const uuid = uuidBytes('0f3c1d2e-4b5a-6978-8a9b-0c1d2e3f4a5b')!;
  // The bytes a real Asterisk 22.10.1 sent for this UUID (captured on its AudioSocket connection).
  assert.equal(uuidMessage(uuid).toString('hex'), '0100100f3c1d2e4b5a69788a9b0c1d2e3f4a5b');
  assert.equal(dtmfMessage('#').toString('hex'), '030001' + '23');
  const audio = audioMessage(Kind.AUDIO_SLIN16, Int16Array.of(1, -2, 0x1234, -32768));
  assert.equal(audio.toString('hex'), '120008' + '0100' + 'feff' + '3412' + '0080');
  const back = new Int16Array(4);
  assert.equal(decodePcmLe(audio.subarray(3), back), 4);
  assert.deepEqual([...back], [1, -2, 0x1234, -32768]);
  assert.equal(decodePcmLe(Buffer.from([1, 0, 7]), back), 1, 'an odd last byte is not a sample');
});

test('DTMF payloads: one byte naming a digit, any case', () => {
  assert.equal(dtmfDigit(Buffer.from('5')), '5');
  assert.equal(dtmfDigit(Buffer.from('a')), 'A');
  assert.equal(dtmfDigit(Buffer.from('*')), '*');
  assert.equal(dtmfDigit(Buffer.from('x')), undefined);
  assert.equal(dtmfDigit(Buffer.from('12')), undefined);
  assert.equal(dtmfDigit(Buffer.from([0])), undefined);
});

test('UUIDs: the text form only, as libuuid parses it', () => {
  assert.ok(uuidBytes('0F3C1D2E-4B5A-6978-8A9B-0C1D2E3F4A5B'));
  for (const bad of [
    'nope',
    '',
    '0f3c1d2e4b5a69788a9b0c1d2e3f4a5b',
    '0f3c1d2e-4b5a-6978-8a9b-0c1d2e3f4a5',
    '{0f3c1d2e-4b5a-6978-8a9b-0c1d2e3f4a5b}',
    '0f3c1d2e-4b5a-6978-8a9b-0c1d2e3f4a5g',
  ]) {
    assert.equal(uuidBytes(bad), undefined, bad);
  }
});
