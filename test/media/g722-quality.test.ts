/*
 * G.722 as a listener would judge it: tones through encoder and decoder keep their shape in both sub-bands,
 * and any bytes decode without throwing or wrapping around.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { G722Decoder, G722Encoder } from '../../src/media/codecs/g722/index.js';
import { createLowerBand, decodeLowerBand } from '../../src/media/codecs/g722/lower-band.js';
import { QmfSynthesis } from '../../src/media/codecs/g722/qmf.js';
import { createUpperBand, decodeUpperBand } from '../../src/media/codecs/g722/upper-band.js';

const SAMPLE_RATE = 16000;
/** Group delay of transmit + receive QMF (two 24-tap filters): 22 samples at 16 kHz. */
const CODEC_DELAY_SAMPLES = 22;
/** Skip the first 100 ms, while the step sizes adapt from their reset values. */
const SETTLE_SAMPLES = 1600;

function tone(frequencyHz: number, amplitude: number, samples: number): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE));
  return out;
}

function roundTrip(input: Int16Array): Int16Array {
  const encoder = new G722Encoder();
  const decoder = new G722Decoder();
  const octets = new Uint8Array(160);
  const output = new Int16Array(input.length);
  for (let at = 0; at < input.length; at += 320) {
    const n = encoder.encode(input.subarray(at, at + 320), octets);
    decoder.decode(octets.subarray(0, n), output.subarray(at));
  }
  return output;
}

/** Signal-to-noise ratio of `output` against `input` delayed by the codec, in dB. */
function snrDb(input: Int16Array, output: Int16Array): number {
  let signal = 0;
  let noise = 0;
  for (let i = SETTLE_SAMPLES; i + CODEC_DELAY_SAMPLES < output.length; i++) {
    signal += input[i]! ** 2;
    noise += (output[i + CODEC_DELAY_SAMPLES]! - input[i]!) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** Power at one frequency (Goertzel), normalised so a sine of amplitude A gives A²/2. */
function powerAt(signal: Int16Array, frequencyHz: number, from: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / SAMPLE_RATE);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < signal.length; i++) {
    const s0 = signal[i]! + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const n = signal.length - from;
  return (2 * (s1 * s1 + s2 * s2 - coefficient * s1 * s2)) / (n * n);
}

function meanPower(signal: Int16Array, from: number): number {
  let sum = 0;
  for (let i = from; i < signal.length; i++) sum += signal[i]! ** 2;
  return sum / (signal.length - from);
}

test('a 1 kHz sine at −6 dBFS comes back with an SNR above 45 dB (47.5 dB measured)', () => {
  const input = tone(1000, 16384, SAMPLE_RATE);
  const snr = snrDb(input, roundTrip(input));
  assert.ok(snr > 45, `SNR ${snr.toFixed(2)} dB`);
});

test('a 6 kHz tone (upper sub-band) survives at its level, with its energy at 6 kHz', () => {
  const input = tone(6000, 16384, SAMPLE_RATE);
  const output = roundTrip(input);
  const toneDb = 10 * Math.log10(powerAt(output, 6000, SETTLE_SAMPLES) / powerAt(input, 6000, SETTLE_SAMPLES));
  assert.ok(Math.abs(toneDb) < 0.5, `6 kHz level changed by ${toneDb.toFixed(2)} dB`);
  const share = powerAt(output, 6000, SETTLE_SAMPLES) / meanPower(output, SETTLE_SAMPLES);
  assert.ok(share > 0.99, `only ${(share * 100).toFixed(1)} % of the output power is at 6 kHz`);
  const snr = snrDb(input, output);
  assert.ok(snr > 25, `SNR ${snr.toFixed(2)} dB (27.3 dB measured)`);
});

test('silence decodes to idle noise below −80 dBFS', () => {
  // ADPCM never sends "zero": the smallest steps alternate around it (1.3 LSB rms, peaks of 4 measured).
  const output = roundTrip(new Int16Array(SAMPLE_RATE));
  const rmsDbfs = 10 * Math.log10(meanPower(output, SETTLE_SAMPLES) / 32768 ** 2);
  assert.ok(rmsDbfs < -80, `idle noise at ${rmsDbfs.toFixed(1)} dBFS`);
  for (let i = SETTLE_SAMPLES; i < output.length; i++)
    assert.ok(Math.abs(output[i]!) <= 8, `sample ${i}: ${output[i]}`);
});

/** Deterministic pseudo-random octets (xorshift32). */
function randomOctets(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

test('random octets decode without throwing, two samples per octet', () => {
  const decoder = new G722Decoder();
  const out = new Int16Array(320);
  for (let frame = 0; frame < 500; frame++) {
    assert.equal(decoder.decode(randomOctets(160, frame + 1), out), 320);
  }
});

test('random codes keep the band signals within 15 bits and the QMF output within 16 (saturated, never wrapped)', () => {
  // Checked on the numbers before they are stored: an Int16Array would hide a wrap-around.
  const lower = createLowerBand();
  const upper = createUpperBand();
  const qmf = new QmfSynthesis();
  const codes = randomOctets(200_000, 0x722);
  let extremes = 0;
  for (const octet of codes) {
    const low = decodeLowerBand(lower, octet & 0x3f);
    const high = decodeUpperBand(upper, octet >> 6);
    assert.ok(low >= -16384 && low <= 16383, `low ${low}`);
    assert.ok(high >= -16384 && high <= 16383, `high ${high}`);
    qmf.merge(low, high);
    for (const sample of [qmf.earlier, qmf.later]) {
      assert.ok(Number.isInteger(sample) && sample >= -32768 && sample <= 32767, `sample ${sample}`);
      if (sample === 32767 || sample === -32768) extremes++;
    }
  }
  assert.ok(extremes > 0, 'random codes should reach the saturation');
});
