import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_DECODED_BYTES, loadAudioFile, type DecodedAudio } from '../../../src/media/formats/load-audio-file.js';
import { SOUNDS_EN, hasSounds, hasSox, maxCorrelation, sox, soxDecode, soxType, tempDir } from './audio-helpers.js';

const needsSoxAndSounds = (!hasSox && 'sox not installed') || (!hasSounds && 'Asterisk sound files not installed');

function ok(r: DecodedAudio | { error: string }): DecodedAudio {
  if ('error' in r) assert.fail(r.error);
  return r;
}

test('hello-world.wav and hello-world.gsm are the same words', { skip: needsSoxAndSounds }, async () => {
  const wav = ok(await loadAudioFile(join(SOUNDS_EN, 'hello-world.wav'), 'wav'));
  const gsm = ok(await loadAudioFile(join(SOUNDS_EN, 'hello-world.gsm'), 'gsm'));
  assert.equal(wav.sampleRate, 8000);
  assert.equal(gsm.sampleRate, 8000);
  assert.equal(gsm.format, 'gsm');
  assert.ok(Math.abs(wav.samples.length - gsm.samples.length) < 400, `${wav.samples.length} vs ${gsm.samples.length}`);
  const r = maxCorrelation(wav.samples, gsm.samples, 200);
  assert.ok(r >= 0.9, `normalised cross-correlation ${r.toFixed(3)}`);
});

test(
  'a file sox wrote in each format decodes sample for sample as sox decodes it',
  { skip: needsSoxAndSounds },
  async () => {
    const { dir, cleanup } = tempDir('load-');
    try {
      const source = join(SOUNDS_EN, 'hello-world.wav');
      const cases: [string, string, number][] = [
        ['ulaw', 'pcm', 8000],
        ['pcm', 'pcm', 8000],
        ['alaw', 'alaw', 8000],
        ['gsm', 'gsm', 8000],
        ['sln', 'sln', 8000],
        ['raw', 'sln', 8000],
        ['sln16', 'sln16', 16000],
        ['wav16', 'wav16', 16000],
        ['wav', 'wav', 8000],
      ];
      for (const [ext, format, rate] of cases) {
        const path = join(dir, `x.${ext}`);
        sox([
          source,
          ...soxType(format, rate).filter((a) => a !== '-r' && a !== String(rate)),
          '-r',
          String(rate),
          path,
        ]);
        const ours = ok(await loadAudioFile(path, ext));
        assert.equal(ours.format, format, ext);
        assert.equal(ours.sampleRate, rate, ext);
        assert.deepEqual(ours.samples, soxDecode(path, format, rate), ext);
      }
    } finally {
      cleanup();
    }
  },
);

test('what cannot be loaded is an error value', async () => {
  const { dir, cleanup } = tempDir('load-');
  try {
    writeFileSync(join(dir, 'stereo.wav'), Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'));
    const cases: [string, string, RegExp][] = [
      [join(dir, 'missing.wav'), 'wav', /ENOENT/],
      [dir, 'wav', /not a regular file/],
      [join(dir, 'stereo.wav'), 'wav', /^wav: /],
      [join(dir, 'x.mp3'), 'mp3', /unsupported format 'mp3'/],
      [join(dir, 'x.g729'), 'g729', /unsupported format/],
    ];
    for (const [path, format, expected] of cases) {
      const r = await loadAudioFile(path, format);
      assert.ok('error' in r, path);
      assert.match(r.error, expected);
    }
  } finally {
    cleanup();
  }
});

test('a file whose decoded audio would pass the ceiling is refused before it is read', async () => {
  const { dir, cleanup } = tempDir('load-');
  try {
    const path = join(dir, 'huge.gsm');
    writeFileSync(path, '');
    // sparse: 33-byte frames that would decode to 320 bytes each, one frame more than the ceiling allows
    truncateSync(path, (Math.floor(MAX_DECODED_BYTES / 320) + 1) * 33);
    const r = await loadAudioFile(path, 'gsm');
    assert.ok('error' in r);
    assert.match(r.error, /too large/);
  } finally {
    cleanup();
  }
});
