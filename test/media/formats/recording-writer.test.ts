import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, stat } from 'node:fs/promises';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAudioFile, type DecodedAudio } from '../../../src/media/formats/load-audio-file.js';
import { openRecordingWriter, type RecordingWriter } from '../../../src/media/formats/recording-writer.js';
import { wavHeader } from '../../../src/media/formats/wav.js';
import {
  SOUNDS_EN,
  hasSounds,
  hasSox,
  maxCorrelation,
  sox,
  soxDecode,
  soxInfo,
  tempDir,
  tone,
} from './audio-helpers.js';

const needsSoxAndSounds = (!hasSox && 'sox not installed') || (!hasSounds && 'Asterisk sound files not installed');

function ok<T extends object>(r: T | { error: string }): T {
  if ('error' in r) assert.fail(r.error);
  return r;
}

/** Feeds `samples` to the writer in 20 ms frames through one reused frame buffer, as a channel does. */
function writeFrames(writer: RecordingWriter, samples: Int16Array, rate: number): void {
  const frame = new Int16Array(rate / 50);
  for (let i = 0; i < samples.length; i += frame.length) {
    const n = Math.min(frame.length, samples.length - i);
    frame.set(samples.subarray(i, i + n));
    writer.write(n === frame.length ? frame : frame.subarray(0, n));
  }
}

async function load(path: string, format: string): Promise<DecodedAudio> {
  return ok(await loadAudioFile(path, format));
}

test('each format written is read back by sox as what was recorded', { skip: needsSoxAndSounds }, async () => {
  const { dir, cleanup } = tempDir('rec-');
  try {
    const speech8 = await load(join(SOUNDS_EN, 'hello-world.wav'), 'wav');
    sox([join(SOUNDS_EN, 'hello-world.wav'), '-r', '16000', join(dir, 'speech16.wav')]);
    const speech16 = await load(join(dir, 'speech16.wav'), 'wav');
    const cases: [string, string, number, 'exact' | 'lossy'][] = [
      ['wav', 'wav', 8000, 'exact'],
      ['wav16', 'wav16', 16000, 'exact'],
      ['sln', 'sln', 8000, 'exact'],
      ['sln16', 'sln16', 16000, 'exact'],
      ['ulaw', 'pcm', 8000, 'lossy'],
      ['alaw', 'alaw', 8000, 'lossy'],
      ['gsm', 'gsm', 8000, 'lossy'],
    ];
    for (const [ext, format, rate, kind] of cases) {
      const source = rate === 8000 ? speech8.samples : speech16.samples;
      const path = join(dir, `out.${ext}`);
      const writer = ok(await openRecordingWriter(path, ext));
      writeFrames(writer, source, rate);
      const result = await writer.close();
      assert.equal(result.error, undefined, ext);
      assert.equal(result.bytes, statSync(path).size, ext);
      assert.equal(Math.round(result.durationMs), Math.round((source.length * 1000) / rate), ext);
      const bySox = soxDecode(path, format, rate);
      const ours = await load(path, ext);
      assert.deepEqual(ours.samples, bySox, `${ext}: our reading and sox's agree`);
      if (kind === 'exact') assert.deepEqual(bySox, source, ext);
      else assert.ok(maxCorrelation(source, bySox.subarray(0, source.length), 2) > 0.9, ext);
      if (ext.startsWith('wav')) assert.match(soxInfo(path), new RegExp(`Sample Rate\\s*: ${rate}`));
    }
  } finally {
    cleanup();
  }
});

test('frames reach the disk in 250 ms batches, with the wav header rewritten after each', async () => {
  const { dir, cleanup } = tempDir('rec-');
  const probe = await open(join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { write: (...a: unknown[]) => Promise<unknown> };
  await probe.close();
  const realWrite = proto.write;
  const writes: number[] = [];
  proto.write = function (this: unknown, ...args: unknown[]) {
    writes.push((args[2] as number | undefined) ?? -1);
    return realWrite.apply(this, args);
  };
  try {
    const path = join(dir, 'r.wav');
    const writer = ok(await openRecordingWriter(path, 'wav'));
    writes.length = 0;
    writeFrames(writer, tone(440, 8000, 12 * 160), 8000); // 240 ms: below one batch
    assert.equal((await stat(path)).size, 44);
    assert.deepEqual(writes, []);
    writeFrames(writer, tone(440, 8000, 38 * 160), 8000); // 1 s in all
    await writer.flush();
    // a batch leaves once 250 ms are buffered: after every 13th frame, the rest on flush
    assert.deepEqual(writes, [4160, 4, 4, 4160, 4, 4, 4160, 4, 4, 3520, 4, 4]);
    const header = Buffer.alloc(44);
    const h = await open(path, 'r');
    await h.read(header, 0, 44, 0);
    await h.close();
    assert.equal(header.readUInt32LE(4), 36 + 16000);
    assert.equal(header.readUInt32LE(40), 16000);
    await writer.close();
  } finally {
    proto.write = realWrite;
    cleanup();
  }
});

test('appending continues a wav after its data and a raw file at its end', async () => {
  const { dir, cleanup } = tempDir('rec-');
  try {
    const first = tone(300, 8000, 8000);
    const second = tone(700, 8000, 4000);
    for (const ext of ['wav', 'sln', 'ulaw']) {
      const path = join(dir, `a.${ext}`);
      const w1 = ok(await openRecordingWriter(path, ext));
      writeFrames(w1, first, 8000);
      await w1.close();
      const w2 = ok(await openRecordingWriter(path, ext, { append: true }));
      writeFrames(w2, second, 8000);
      const r = await w2.close();
      assert.equal(r.durationMs, 500, ext);
      const whole = await load(path, ext);
      assert.equal(whole.samples.length, 12000, ext);
      if (ext !== 'ulaw') assert.deepEqual(whole.samples, Int16Array.from([...first, ...second]), ext);
    }
  } finally {
    cleanup();
  }
});

test('appending to a wav cut off by a crash repairs it first; a partial GSM frame is dropped', async () => {
  const { dir, cleanup } = tempDir('rec-');
  try {
    const wav = join(dir, 'crashed.wav');
    // header sizes 0 (never updated) and a half sample at the end
    writeFileSync(
      wav,
      Buffer.concat([wavHeader(8000, 0), Buffer.from(new Int16Array([5, 6, 7]).buffer), Buffer.of(1)]),
    );
    const w = ok(await openRecordingWriter(wav, 'wav', { append: true }));
    w.write(Int16Array.of(8, 9));
    await w.close();
    assert.deepEqual(Array.from((await load(wav, 'wav')).samples), [5, 6, 7, 8, 9]);
    const header = Buffer.alloc(44);
    const h = await open(wav, 'r');
    await h.read(header, 0, 44, 0);
    await h.close();
    assert.equal(header.readUInt32LE(40), 10);
    assert.equal(statSync(wav).size, 54);

    const gsm = join(dir, 'cut.gsm');
    const g = ok(await openRecordingWriter(gsm, 'gsm'));
    g.write(tone(500, 8000, 320));
    await g.close();
    writeFileSync(gsm, Buffer.alloc(10, 0xd0), { flag: 'a' }); // part of a third frame
    const g2 = ok(await openRecordingWriter(gsm, 'gsm', { append: true }));
    g2.write(tone(500, 8000, 100)); // a partial frame, padded with silence on close
    await g2.close();
    assert.equal(statSync(gsm).size, 3 * 33);
  } finally {
    cleanup();
  }
});

test('what cannot be recorded is an error value', async () => {
  const { dir, cleanup } = tempDir('rec-');
  try {
    const wide = join(dir, 'wide.wav');
    const w = ok(await openRecordingWriter(wide, 'wav16'));
    w.write(new Int16Array(320));
    await w.close();
    writeFileSync(join(dir, 'text.wav'), 'not a wav file at all');
    const cases: [string, string, boolean, RegExp][] = [
      [join(dir, 'x.mp3'), 'mp3', false, /unsupported format/],
      [wide, 'wav', true, /16000 Hz, not 8000/],
      [join(dir, 'text.wav'), 'wav', true, /not-riff/],
      [join(dir, 'text.wav', 'sub.wav'), 'wav', false, /EEXIST|ENOTDIR/],
    ];
    for (const [path, format, append, expected] of cases) {
      const r = await openRecordingWriter(path, format, { append });
      assert.ok('error' in r, path);
      assert.match(r.error, expected);
    }
  } finally {
    cleanup();
  }
});

test('close is idempotent and writes after it are ignored; missing folders are created', async () => {
  const { dir, cleanup } = tempDir('rec-');
  try {
    const path = join(dir, 'new', 'folder', 'r.sln16');
    const w = ok(await openRecordingWriter(path, 'sln16'));
    w.write(new Int16Array(320).fill(3));
    const [a, b] = await Promise.all([w.close(), w.close()]);
    assert.deepEqual(a, b);
    assert.deepEqual(a, { durationMs: 20, bytes: 640 });
    w.write(new Int16Array(320));
    assert.equal(statSync(path).size, 640);
  } finally {
    cleanup();
  }
});
