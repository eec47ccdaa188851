import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repairWav, repairWavFiles } from '../../../src/media/formats/repair-wav.js';
import { wavHeader } from '../../../src/media/formats/wav.js';
import { hasSox, sox, tempDir } from './audio-helpers.js';

const SAMPLES = Buffer.from(new Int16Array([100, -100, 200, -200, 300, -300]).buffer); // 12 bytes

/** A 44-byte-header wav holding SAMPLES (plus `extra` bytes), with the header's sizes set by hand. */
function wav(riffSize: number, dataSize: number, extra: Uint8Array = new Uint8Array(0)): Buffer {
  const header = Buffer.from(wavHeader(8000, 0));
  header.writeUInt32LE(riffSize, 4);
  header.writeUInt32LE(dataSize, 40);
  return Buffer.concat([header, SAMPLES, extra]);
}

const LIST = Buffer.from('LIST\x04\x00\x00\x00INFO', 'latin1');

test('wav headers that disagree with the file are repaired; consistent files are left alone', async () => {
  const { dir, cleanup } = tempDir('repair-');
  try {
    // name → file → [repaired?, RIFF size after, data size after, file length after]
    const cases: [string, Buffer, [boolean, number, number, number]][] = [
      ['consistent', wav(48, 12), [false, 48, 12, 56]],
      ['sizes never written (Asterisk killed)', wav(0, 0), [true, 48, 12, 56]],
      ['sizes written before the last batch', wav(40, 4), [true, 48, 12, 56]],
      ['streaming sizes', wav(0xffffffff, 0xffffffff), [true, 48, 12, 56]],
      ['a half sample cut by the kill', wav(40, 4, Buffer.of(7)), [true, 48, 12, 56]],
      ['only the RIFF size wrong', wav(1000, 12), [true, 48, 12, 56]],
      ['a LIST chunk after the data is kept', wav(60, 12, LIST), [false, 60, 12, 68]],
    ];
    for (const [name, bytes, [repaired, riff, data, length]] of cases) {
      const path = join(dir, 'x.wav');
      writeFileSync(path, bytes);
      const r = await repairWav(path);
      assert.ok(!('error' in r), name);
      assert.equal(r.repaired, repaired, name);
      const after = readFileSync(path);
      assert.deepEqual([after.readUInt32LE(4), after.readUInt32LE(40), after.length], [riff, data, length], name);
      assert.deepEqual(after.subarray(44, 56), SAMPLES, name);
      if (hasSox) assert.match(sox([path, '-n', 'stat']), /Samples read:\s+6\n/, name);
    }
  } finally {
    cleanup();
  }
});

test('what is not a wav, or is missing, is an error value', async () => {
  const { dir, cleanup } = tempDir('repair-');
  try {
    writeFileSync(join(dir, 'text.wav'), 'hello');
    const bad = await repairWav(join(dir, 'text.wav'));
    assert.ok('error' in bad && /not-riff/.test(bad.error));
    const missing = await repairWav(join(dir, 'none.wav'));
    assert.ok('error' in missing && /ENOENT/.test(missing.error));
  } finally {
    cleanup();
  }
});

test('a recordings folder is repaired file by file, sub-folders included', async () => {
  const { dir, cleanup } = tempDir('repair-');
  try {
    mkdirSync(join(dir, 'app', 'day'), { recursive: true });
    writeFileSync(join(dir, 'ok.wav'), wav(48, 12));
    writeFileSync(join(dir, 'app', 'day', 'cut.wav'), wav(0, 0));
    writeFileSync(join(dir, 'app', 'wide.wav16'), wav(0, 0));
    writeFileSync(join(dir, 'app', 'junk.wav'), 'junk');
    writeFileSync(join(dir, 'app', 'other.ulaw'), 'xx');
    const summary = await repairWavFiles(dir);
    assert.equal(summary.checked, 4);
    assert.deepEqual(summary.repaired, [join(dir, 'app', 'day', 'cut.wav'), join(dir, 'app', 'wide.wav16')]);
    assert.deepEqual(
      summary.failed.map((f) => f.path),
      [join(dir, 'app', 'junk.wav')],
    );
    assert.deepEqual(await repairWavFiles(join(dir, 'missing')), { checked: 0, repaired: [], failed: [] });
  } finally {
    cleanup();
  }
});
