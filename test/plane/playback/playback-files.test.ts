// Finding a playback's files: stored recordings by name inside the recordings folder only (no `..`, no link
// out of it), with Asterisk's language folder first; and whole-file rate conversion that keeps the audio aligned.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_INDICATIONS } from '../../../src/media/tones/builtin-tone-zones.js';
import { convertRate, MISSING, PlaybackFiles } from '../../../src/plane/playback/playback-files.js';
import { bestCorrelation, sine } from '../../helpers/audio.js';

let root: string;
let files: PlaybackFiles;

/** A raw signed-linear file (`.sln`) holding `samples`. */
function sln(path: string, samples: Int16Array): void {
  writeFileSync(path, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'switchyard-pbfiles-'));
  const recordings = join(root, 'recording');
  mkdirSync(join(recordings, 'sub', 'fr'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  sln(join(recordings, 'top.sln'), Int16Array.of(1, 2, 3));
  sln(join(recordings, 'sub', 'msg.sln'), Int16Array.of(4, 5));
  sln(join(recordings, 'sub', 'fr', 'msg.sln'), Int16Array.of(6));
  sln(join(root, 'outside', 'secret.sln'), Int16Array.of(9));
  writeFileSync(join(recordings, 'notes.txt'), 'not a recording');
  symlinkSync(join(root, 'outside'), join(recordings, 'link'));
  files = new PlaybackFiles({
    soundsDir: join(root, 'sounds'),
    recordingsDir: recordings,
    mohClasses: [],
    indications: BUILTIN_INDICATIONS,
  });
});

after(() => rmSync(root, { recursive: true, force: true }));

test('a stored recording by name, with the language folder beside it tried first', async () => {
  assert.deepEqual(await files.recording('top', 'en', 8000), Int16Array.of(1, 2, 3));
  assert.deepEqual(await files.recording('sub/msg', 'en', 8000), Int16Array.of(4, 5));
  assert.deepEqual(await files.recording('sub/msg', 'fr', 8000), Int16Array.of(6));
});

test('names that are not stored recordings are missing: unknown, no file part, escapes, other extensions', async () => {
  for (const name of ['nope', 'sub/', '', '../outside/secret', 'sub/../../outside/secret', 'link/secret', 'notes']) {
    assert.equal(await files.recording(name, 'en', 8000), MISSING, JSON.stringify(name));
  }
});

test('a missing sound is undefined, not an error', async () => {
  assert.equal(await files.sound('hello-world', 'en', 8000), undefined);
});

test('rate conversion of a whole file keeps its length and its alignment', () => {
  const tone8 = sine(440, 8000);
  const up = convertRate(tone8, 8000, 16000);
  assert.equal(up.length, 16000);
  const down = convertRate(up, 16000, 8000);
  assert.equal(down.length, 8000);
  // Aligned: the best match is at lag 0 (a filter delay left in would move it).
  assert.ok(bestCorrelation(tone8, down, 0) > 0.99, `round trip ${bestCorrelation(tone8, down, 0).toFixed(4)}`);
  const voice16 = sine(1000, 16000, 8000, 16000);
  assert.ok(bestCorrelation(sine(1000, 8000), convertRate(voice16, 16000, 8000), 0) > 0.99);
});
