/*
 * G.722 against reference bytes, compared byte for byte and sample for sample. The fixtures in
 * test/fixtures/g722/ are raw little-endian 16 kHz mono PCM (`.s16`) and raw G.722 octets (`.g722`), made with
 * sox 14.4.2, ffmpeg 5.1 (Debian 12) and the ITU-T G.191 tool g722demo (STL, src/g722), from Asterisk's
 * en/hello-world.wav:
 *
 *   sox -D hello-world.wav -r 16000 -b 16 -e signed -t raw speech-16k.s16 trim 0.1 0.5
 *   ffmpeg -f s16le -ar 16000 -ac 1 -i speech-16k.s16 -acodec g722 -f g722 speech.g722
 *   ffmpeg -f g722 -i speech.g722 -f s16le -acodec pcm_s16le speech-decoded-16k.s16
 *   sox -D hello-world.wav -r 16000 -b 16 -e signed -t raw loud-16k.s16 trim 0.1 0.1 gain 24   (clips)
 *   ffmpeg -f s16le -ar 16000 -ac 1 -i loud-16k.s16 -acodec g722 -f g722 loud.g722
 *   g722demo -q -enc loud-16k.s16 loud-itu.bs      (16-bit words; loud-itu.g722 keeps their low octets)
 *   head -c 512 /dev/urandom > random.g722
 *   ffmpeg -f g722 -i random.g722 -f s16le -acodec pcm_s16le random-decoded-16k.s16
 *
 * g722demo gives the same bytes as ffmpeg for speech.g722 and the same samples for random-decoded-16k.s16;
 * the two encoders differ only on loud-16k.s16 (246 of 800 octets), where the ITU tool limits the transmit
 * QMF outputs to 15 bits.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { G722Decoder, G722Encoder } from '../../src/media/codecs/g722/index.js';

const FIXTURES = new URL('../fixtures/g722/', import.meta.url);
const FRAME_SAMPLES = 320; // 20 ms at 16 kHz
const FRAME_OCTETS = 160;

function octets(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURES)));
}

function pcm(name: string): Int16Array {
  const raw = readFileSync(new URL(name, FIXTURES));
  const samples = new Int16Array(raw.length >> 1);
  for (let i = 0; i < samples.length; i++) samples[i] = raw.readInt16LE(2 * i);
  return samples;
}

function firstDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): string {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
    if (actual[i] !== expected[i]) return `first difference at ${i}: ${actual[i]} ≠ ${expected[i]}`;
  }
  return 'identical';
}

function assertSame(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  assert.equal(actual.length, expected.length, 'length');
  assert.equal(firstDifference(actual, expected), 'identical');
}

/** Encodes in chunks of `chunkSamples` (even) through one encoder, as a channel would frame by frame. */
function encodeInChunks(input: Int16Array, chunkSamples: number, encoder = new G722Encoder()): Uint8Array {
  const out = new Uint8Array(input.length >> 1);
  let written = 0;
  for (let at = 0; at < input.length; at += chunkSamples) {
    written += encoder.encode(input.subarray(at, at + chunkSamples), out.subarray(written));
  }
  assert.equal(written, out.length);
  return out;
}

function decodeInChunks(payload: Uint8Array, chunkOctets: number, decoder = new G722Decoder()): Int16Array {
  const out = new Int16Array(payload.length * 2);
  let written = 0;
  for (let at = 0; at < payload.length; at += chunkOctets) {
    written += decoder.decode(payload.subarray(at, at + chunkOctets), out.subarray(written));
  }
  assert.equal(written, out.length);
  return out;
}

const speech = pcm('speech-16k.s16');
const speechCoded = octets('speech.g722');
const speechDecoded = pcm('speech-decoded-16k.s16');

test('0.5 s of speech encodes to the reference octets, in one call and in 20 ms frames', () => {
  assert.equal(speech.length, 8000);
  assertSame(encodeInChunks(speech, speech.length), speechCoded);
  assertSame(encodeInChunks(speech, FRAME_SAMPLES), speechCoded);
  assertSame(encodeInChunks(speech, 2), speechCoded);
});

test('the reference octets decode to the reference samples, in one call, in 20 ms frames and octet by octet', () => {
  assertSame(decodeInChunks(speechCoded, speechCoded.length), speechDecoded);
  assertSame(decodeInChunks(speechCoded, FRAME_OCTETS), speechDecoded);
  assertSame(decodeInChunks(speechCoded, 1), speechDecoded);
});

test('random octets, far outside anything an encoder sends, decode to the reference samples', () => {
  assertSame(decodeInChunks(octets('random.g722'), FRAME_OCTETS), pcm('random-decoded-16k.s16'));
});

test('clipped speech encodes as ffmpeg by default, and as the ITU-T tool with limitQmfOutput', () => {
  const loud = pcm('loud-16k.s16');
  const common = octets('loud.g722');
  const itu = octets('loud-itu.g722');
  assert.notEqual(firstDifference(common, itu), 'identical', 'the fixture must tell the two apart');
  assertSame(encodeInChunks(loud, FRAME_SAMPLES), common);
  assertSame(encodeInChunks(loud, FRAME_SAMPLES, new G722Encoder({ limitQmfOutput: true })), itu);
});

test('reset() returns encoder and decoder to their initial state', () => {
  const encoder = new G722Encoder();
  encodeInChunks(fullScaleNoise(4000), FRAME_SAMPLES, encoder);
  encoder.reset();
  assertSame(encodeInChunks(speech, FRAME_SAMPLES, encoder), speechCoded);

  const decoder = new G722Decoder();
  decodeInChunks(octets('random.g722'), FRAME_OCTETS, decoder);
  decoder.reset();
  assertSame(decodeInChunks(speechCoded, FRAME_OCTETS, decoder), speechDecoded);
});

test('a 20 ms frame is 320 samples in, 160 octets out, and back', () => {
  const frame = new Uint8Array(FRAME_OCTETS);
  assert.equal(new G722Encoder().encode(speech.subarray(0, FRAME_SAMPLES), frame), FRAME_OCTETS);
  assert.deepEqual(frame, speechCoded.subarray(0, FRAME_OCTETS));
  const samples = new Int16Array(FRAME_SAMPLES);
  assert.equal(new G722Decoder().decode(frame, samples), FRAME_SAMPLES);
  assert.deepEqual(samples, speechDecoded.subarray(0, FRAME_SAMPLES));
});

test('encode and decode stop at the shorter of input and output, and ignore an odd last sample', () => {
  const encoder = new G722Encoder();
  assert.equal(encoder.encode(speech.subarray(0, 7), new Uint8Array(10)), 3); // three pairs, the 7th sample dropped
  assert.equal(encoder.encode(speech.subarray(0, 20), new Uint8Array(4)), 4); // output full after four
  assert.equal(encoder.encode(new Int16Array(0), new Uint8Array(4)), 0);

  const decoder = new G722Decoder();
  assert.equal(decoder.decode(speechCoded.subarray(0, 10), new Int16Array(7)), 6); // room for three octets
  assert.equal(decoder.decode(speechCoded.subarray(0, 2), new Int16Array(100)), 4);
  assert.equal(decoder.decode(new Uint8Array(0), new Int16Array(100)), 0);
});

/** Deterministic full-scale noise (a linear congruential generator), to drive the state far from reset. */
function fullScaleNoise(samples: number): Int16Array {
  const noise = new Int16Array(samples);
  let seed = 0x722;
  for (let i = 0; i < samples; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    noise[i] = (seed >>> 16) - 32768;
  }
  return noise;
}
