/**
 * GSM 06.10 against sox (libgsm, the reference implementation), on real audio: Debian's Asterisk prompts,
 * music on hold, and signals sox synthesises. Decoded samples must be identical and encoded bytes equal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GSM_FRAME_BYTES, GSM_FRAME_SAMPLES } from '../../../src/media/codecs/gsm/index.js';
import {
  MOH_DIR,
  SOUNDS_DIR,
  decodeStream,
  encodeStream,
  firstDifference,
  hasSounds,
  hasSox,
  prng,
  sox,
  soxToGsm,
  soxToPcm,
} from './sox.js';

const PROMPTS = ['hello-world', 'demo-congrats', 'tt-monkeys', 'vm-intro', 'conf-onlyperson', 'agent-pass'];
const noSox = !hasSox && 'sox not installed';
const noSoxOrSounds = noSox || (!hasSounds && `Asterisk sounds not found in ${SOUNDS_DIR}`);

function withTempDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'gsm-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertSamePcm(ours: Int16Array, reference: Int16Array, what: string): void {
  const at = firstDifference(ours, reference);
  assert.equal(at, -1, `${what}: sample ${at} is ${ours[at]} here, ${reference[at]} from sox`);
}

function assertSameGsm(ours: Uint8Array, reference: Uint8Array, what: string): void {
  const at = firstDifference(ours, reference);
  const frame = Math.floor(at / GSM_FRAME_BYTES);
  assert.equal(at, -1, `${what}: frames differ from frame ${frame} (byte ${at % GSM_FRAME_BYTES})`);
}

for (const name of PROMPTS) {
  const file = `${SOUNDS_DIR}/${name}.gsm`;
  // The set of prompts varies between Debian releases: a missing one is skipped, not failed.
  const skip = noSoxOrSounds || (!existsSync(file) && `${file} not installed`);
  test(`Asterisk's ${name}.gsm decodes to exactly sox's samples`, { skip }, () => {
    const ours = decodeStream(readFileSync(file));
    const reference = soxToPcm(file);
    assert.ok(ours.length > 10 * GSM_FRAME_SAMPLES, 'a prompt of at least 10 frames');
    assertSamePcm(ours, reference, name);
  });
}

test("Asterisk's hello-world.wav encodes to exactly sox's .gsm bytes", { skip: noSoxOrSounds }, () => {
  const wav = `${SOUNDS_DIR}/hello-world.wav`;
  const pcm = soxToPcm(wav);
  assert.notEqual(pcm.length % GSM_FRAME_SAMPLES, 0, 'the last frame is partial and zero-padded by both');
  assertSameGsm(encodeStream(pcm), soxToGsm(wav), 'hello-world');
});

test(
  'music on hold converted by `sox x.wav -r 8000 -c 1 out.gsm` decodes and re-encodes like sox',
  {
    skip: noSox || (!existsSync(MOH_DIR) && `no ${MOH_DIR}`),
  },
  () => {
    withTempDir((dir) => {
      const gsm = join(dir, 'moh.gsm');
      sox([join(MOH_DIR, 'macroform-cold_day.wav'), '-r', '8000', '-c', '1', gsm, 'trim', '0', '8']);
      assertSamePcm(decodeStream(readFileSync(gsm)), soxToPcm(gsm), 'moh decode');
      const wav = join(dir, 'moh.wav');
      sox([join(MOH_DIR, 'macroform-cold_day.wav'), wav, 'trim', '0', '8']);
      assertSameGsm(encodeStream(soxToPcm(wav)), soxToGsm(wav), 'moh encode');
    });
  },
);

test('a 44.1 kHz stereo recording converted by sox to .gsm decodes to exactly sox’s samples', { skip: noSox }, () => {
  withTempDir((dir) => {
    const wav = join(dir, 'stereo.wav');
    const gsm = join(dir, 'out.gsm');
    sox(['-n', '-r', '44100', '-c', '2', '-b', '16', wav, 'synth', '3', 'sine', '300-3000', 'pinknoise', 'vol', '0.7']);
    sox([wav, '-r', '8000', '-c', '1', gsm]);
    assertSamePcm(decodeStream(readFileSync(gsm)), soxToPcm(gsm), 'stereo 44.1 kHz');
  });
});

// Synthesised signals that push the fixed-point paths: full-scale sweep (LPC scaling), white noise (no
// pitch, large RPE maxima), a clipped square wave (saturation in the filters), pink noise, digital silence.
const SYNTHS: [string, string[]][] = [
  ['a full-scale sine sweep', ['synth', '4', 'sine', '50-3950']],
  ['white noise', ['synth', '3', 'whitenoise']],
  ['a clipped square wave', ['synth', '2', 'square', '250', 'vol', '1.5']],
  ['pink noise at low level', ['synth', '3', 'pinknoise', 'vol', '0.05']],
  ['digital silence', ['synth', '1', 'sine', '0', 'vol', '0']],
];
for (const [what, effect] of SYNTHS) {
  test(`${what} made by sox encodes to sox's bytes and decodes to sox's samples`, { skip: noSox }, () => {
    withTempDir((dir) => {
      const wav = join(dir, 'in.wav');
      sox(['-n', '-r', '8000', '-c', '1', '-b', '16', wav, ...effect]);
      const reference = soxToGsm(wav);
      assertSameGsm(encodeStream(soxToPcm(wav)), reference, `${what} encode`);
      const gsm = join(dir, 'ref.gsm');
      writeFileSync(gsm, reference);
      assertSamePcm(decodeStream(reference), soxToPcm(gsm), `${what} decode`);
    });
  });
}

// One run of `synth 2 square 250 vol 1.5` (with sox's dither of that run) where two lags of the periodic residual
// are within rounding of each other in sub-frame 0 of frame 97: libgsm computes the LTP correlations in single
// precision and keeps lag 64; exact sums would pick 96.
test('a near-tie between two LTP lags is decided as libgsm’s single-precision sums decide it', { skip: noSox }, () => {
  const wav = fileURLToPath(new URL('../../fixtures/gsm/clipped-square-ltp-near-tie.wav', import.meta.url));
  assertSameGsm(encodeStream(soxToPcm(wav)), soxToGsm(wav), 'near-tie');
});

test('extreme samples (±full scale, −32768 runs, random) encode to sox’s bytes', { skip: noSox }, () => {
  const rand = prng(0x6510);
  const pcm = new Int16Array(GSM_FRAME_SAMPLES * 120);
  for (let i = 0; i < pcm.length; i++) {
    const pattern = Math.floor(i / 800) % 5;
    if (pattern === 0) pcm[i] = i % 2 ? 32767 : -32768;
    else if (pattern === 1) pcm[i] = -32768;
    else if (pattern === 2) pcm[i] = Math.floor(i / 7) % 2 ? 32767 : -32768;
    else if (pattern === 3) pcm[i] = Math.floor(rand() * 65536) - 32768;
    else pcm[i] = Math.round(32767 * ((i % 40) / 20 - 1));
  }
  withTempDir((dir) => {
    const raw = join(dir, 'in.raw');
    writeFileSync(raw, new Uint8Array(pcm.buffer));
    const reference = sox([
      '-t',
      'raw',
      '-e',
      'signed-integer',
      '-b',
      '16',
      '-r',
      '8000',
      '-c',
      '1',
      raw,
      '-t',
      'gsm',
      '-',
    ]);
    assertSameGsm(encodeStream(pcm), reference, 'extreme samples');
  });
});

test(
  'a full-scale step after 2 s at −32768 encodes to sox’s bytes (16-bit wrap of §4.2.4 rescaling)',
  {
    skip: noSox,
  },
  () => {
    // Once the offset-compensation filter has settled, the step reaches 32764 after pre-processing; the
    // autocorrelation scaling rounds it to 2048 and shifting back by 4 gives 32768, which the reference
    // stores into a 16-bit word as −32768 (saturating instead changes 11 frames of this signal).
    const pcm = new Int16Array(2 * (16000 + 800));
    for (let i = 0; i < pcm.length; i++) pcm[i] = i % 16800 < 16000 ? -32768 : 32767;
    withTempDir((dir) => {
      const raw = join(dir, 'step.raw');
      writeFileSync(raw, new Uint8Array(pcm.buffer));
      const reference = sox([
        '-t',
        'raw',
        '-e',
        'signed-integer',
        '-b',
        '16',
        '-r',
        '8000',
        '-c',
        '1',
        raw,
        '-t',
        'gsm',
        '-',
      ]);
      assertSameGsm(encodeStream(pcm), reference, 'full-scale step');
    });
  },
);

test('random frames with a valid signature decode to exactly sox’s samples', { skip: noSox }, () => {
  // Out-of-range lags (Nc < 40 or > 120), gains and maxima the encoder never produces, all-ones and
  // all-zeros payloads: the decoder must follow the reference on every one of them.
  const rand = prng(0x0610);
  const frames = 1500;
  const gsm = new Uint8Array(frames * GSM_FRAME_BYTES);
  for (let i = 0; i < gsm.length; i++) gsm[i] = Math.floor(rand() * 256);
  for (let f = 0; f < frames; f++) {
    const at = f * GSM_FRAME_BYTES;
    if (f % 10 === 0) gsm.fill(0xff, at, at + GSM_FRAME_BYTES);
    if (f % 10 === 1) gsm.fill(0x00, at, at + GSM_FRAME_BYTES);
    gsm[at] = 0xd0 | (gsm[at]! & 0x0f);
  }
  withTempDir((dir) => {
    const file = join(dir, 'random.gsm');
    writeFileSync(file, gsm);
    assertSamePcm(decodeStream(gsm), soxToPcm(file), 'random frames');
  });
});
