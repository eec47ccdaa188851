/**
 * GSM 06.10 codec behaviour that needs no sox: the frame layout, round-trip quality, independence of
 * streams, and bad input (short buffers, wrong signature, all-0xFF frames) — which must never throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GSM_FRAME_BYTES, GSM_FRAME_SAMPLES, GsmDecoder, GsmEncoder } from '../../../src/media/codecs/gsm/index.js';
import { decodeStream, encodeStream, prng } from './sox.js';

/** 2 s of a 440 Hz tone with a 3 Hz amplitude wobble at about −10 dBFS: voiced-speech-like and periodic. */
function tone(frames: number): Int16Array {
  const pcm = new Int16Array(frames * GSM_FRAME_SAMPLES);
  for (let n = 0; n < pcm.length; n++) {
    const envelope = 0.6 + 0.4 * Math.sin((2 * Math.PI * 3 * n) / 8000);
    pcm[n] = Math.round(10000 * envelope * Math.sin((2 * Math.PI * 440 * n) / 8000));
  }
  return pcm;
}

function snrDb(signal: Int16Array, decoded: Int16Array, from: number): number {
  let power = 0;
  let noise = 0;
  for (let i = from; i < signal.length; i++) {
    power += signal[i]! ** 2;
    noise += (signal[i]! - decoded[i]!) ** 2;
  }
  return 10 * Math.log10(power / noise);
}

test('every frame is 33 bytes starting with the 0xD signature nibble', () => {
  const gsm = encodeStream(tone(20));
  assert.equal(gsm.length, 20 * GSM_FRAME_BYTES);
  for (let f = 0; f < 20; f++) assert.equal(gsm[f * GSM_FRAME_BYTES]! >> 4, 0xd, `frame ${f}`);
});

test('a tone survives encode → decode with a waveform SNR above 20 dB', () => {
  // GSM-FR is a waveform-matching coder, so the decoded tone lines up with the input sample by sample.
  const pcm = tone(100);
  const decoded = decodeStream(encodeStream(pcm));
  const snr = snrDb(pcm, decoded, 10 * GSM_FRAME_SAMPLES);
  assert.ok(snr > 20, `SNR ${snr.toFixed(1)} dB`);
});

test('encoder and decoder instances keep separate state (interleaved streams match separate runs)', () => {
  const a = tone(30);
  const b = new Int16Array(a.length);
  const rand = prng(1);
  for (let i = 0; i < b.length; i++) b[i] = Math.round((rand() - 0.5) * 20000);
  const encA = new GsmEncoder();
  const encB = new GsmEncoder();
  const decA = new GsmDecoder();
  const decB = new GsmDecoder();
  const gsmA = new Uint8Array(30 * GSM_FRAME_BYTES);
  const pcmA = new Int16Array(a.length);
  const out = new Int16Array(GSM_FRAME_SAMPLES);
  const scratch = new Uint8Array(GSM_FRAME_BYTES);
  for (let f = 0; f < 30; f++) {
    const slice = (pcm: Int16Array): Int16Array => pcm.subarray(f * GSM_FRAME_SAMPLES, (f + 1) * GSM_FRAME_SAMPLES);
    encA.encode(slice(a), gsmA, f * GSM_FRAME_BYTES);
    encB.encode(slice(b), scratch);
    assert.ok(decA.decode(gsmA, f * GSM_FRAME_BYTES, out));
    pcmA.set(out, f * GSM_FRAME_SAMPLES);
    assert.ok(decB.decode(scratch, 0, out));
  }
  assert.deepEqual(gsmA, encodeStream(a));
  assert.deepEqual(pcmA, decodeStream(gsmA));
});

test('encode writes only out[offset..offset+33) and accepts a short input as zero-padded', () => {
  const out = new Uint8Array(40).fill(0x55);
  new GsmEncoder().encode(tone(1), out, 5);
  assert.deepEqual([...out.subarray(0, 5), ...out.subarray(38)], [0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55]);

  const short = tone(1).subarray(0, 100);
  const padded = new Int16Array(GSM_FRAME_SAMPLES);
  padded.set(short);
  const a = new Uint8Array(GSM_FRAME_BYTES);
  const b = new Uint8Array(GSM_FRAME_BYTES);
  new GsmEncoder().encode(short, a);
  new GsmEncoder().encode(padded, b);
  assert.deepEqual(a, b);
  assert.doesNotThrow(() => new GsmEncoder().encode(tone(1), new Uint8Array(10), 0));
});

const good = encodeStream(tone(3));
const BAD_FRAMES: [string, Uint8Array, number][] = [
  ['an empty buffer', new Uint8Array(0), 0],
  ['32 bytes', good.subarray(0, 32), 0],
  ['a whole frame starting one byte too late', good.subarray(0, 33), 1],
  ['an offset past the end', good, 200],
  ['a negative offset', good, -1],
  ['a fractional offset', good, 0.5],
  ['a NaN offset', good, Number.NaN],
  ['an all-0xFF frame', new Uint8Array(GSM_FRAME_BYTES).fill(0xff), 0],
  ['an all-zero frame', new Uint8Array(GSM_FRAME_BYTES), 0],
  ['signature 0xC', Uint8Array.from(good.subarray(0, 33), (v, i) => (i === 0 ? 0xc0 | (v & 0x0f) : v)), 0],
  ['signature 0xE', Uint8Array.from(good.subarray(0, 33), (v, i) => (i === 0 ? 0xe0 | (v & 0x0f) : v)), 0],
];
for (const [name, bytes, offset] of BAD_FRAMES) {
  test(`${name} is refused with silence`, () => {
    const out = new Int16Array(GSM_FRAME_SAMPLES).fill(1234);
    assert.equal(new GsmDecoder().decode(bytes, offset, out), false);
    assert.deepEqual(out, new Int16Array(GSM_FRAME_SAMPLES));
  });
}

test('an output shorter than 160 samples is refused, not half-written', () => {
  const out = new Int16Array(100).fill(7);
  assert.equal(new GsmDecoder().decode(good, 0, out), false);
  assert.deepEqual(out, new Int16Array(100));
});

test('a refused frame leaves the decoder state as it was', () => {
  const decoder = new GsmDecoder();
  const out = new Int16Array(GSM_FRAME_SAMPLES);
  const decoded = new Int16Array(3 * GSM_FRAME_SAMPLES);
  const junk = new Uint8Array(GSM_FRAME_BYTES).fill(0xff);
  for (let f = 0; f < 3; f++) {
    assert.equal(decoder.decode(junk, 0, out), false);
    assert.ok(decoder.decode(good, f * GSM_FRAME_BYTES, out));
    decoded.set(out, f * GSM_FRAME_SAMPLES);
  }
  assert.deepEqual(decoded, decodeStream(good));
});

test('frames with the 0xD signature and any payload decode without throwing', () => {
  const decoder = new GsmDecoder();
  const out = new Int16Array(GSM_FRAME_SAMPLES);
  const ones = new Uint8Array(GSM_FRAME_BYTES).fill(0xff);
  ones[0] = 0xdf; // Nc = 127 on every sub-frame: outside 40..120, so the previous lag is reused
  const zeros = new Uint8Array(GSM_FRAME_BYTES);
  zeros[0] = 0xd0; // Nc = 0
  const rand = prng(99);
  const random = new Uint8Array(GSM_FRAME_BYTES);
  for (let i = 0; i < 500; i++) {
    for (let j = 0; j < GSM_FRAME_BYTES; j++) random[j] = Math.floor(rand() * 256);
    random[0] = 0xd0 | (random[0]! & 0x0f);
    for (const frame of [ones, zeros, random]) {
      assert.equal(decoder.decode(frame, 0, out), true);
      for (const s of out) assert.ok(Number.isInteger(s) && s >= -32768 && s <= 32767 && (s & 7) === 0);
    }
  }
});
