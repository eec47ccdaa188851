// Recording names ↔ files: what a new recording may be called, how stored names resolve (realpath, as Asterisk),
// and that neither `..` nor a symbolic link leads out of the recordings folder.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  checkNewName,
  deleteAllFormats,
  filesOf,
  isRecordingFile,
  prepareRecordingFolder,
  resolveStoredName,
} from '../../../src/core/recording/recording-paths.js';
import { StoredRecordings } from '../../../src/core/recording/stored-recordings.js';

const base = mkdtempSync(join(tmpdir(), 'switchyard-recpaths-'));
const root = join(base, 'recording');
const outside = join(base, 'outside');
mkdirSync(join(root, 'sub'), { recursive: true });
mkdirSync(outside);
symlinkSync(outside, join(root, 'link'));
writeFileSync(join(outside, 'secret.wav'), 'x');
writeFileSync(join(root, 'sub', 'a.wav'), 'a');
writeFileSync(join(root, 'sub', 'a.gsm'), 'g');
writeFileSync(join(root, 'sub', 'a.txt'), 't');
writeFileSync(join(root, 'sub', 'ab.wav'), 'b');
after(() => rmSync(base, { recursive: true, force: true }));

test('new names: relative paths without `..`, ending in a file name', () => {
  for (const ok of ['r', 'sub/r', 'a//b', 'a/./b', 'x.y', '%2e%2e/z', 'dots..name'])
    assert.equal(checkNewName(ok), undefined, ok);
  assert.equal(checkNewName(''), 'empty');
  for (const bad of ['/etc/passwd', '../x', 'a/../../b', 'sub/../y', '..', 'x/', '.', 'a/.', 'nul\0byte']) {
    assert.equal(checkNewName(bad), 'invalid', bad);
  }
});

test('the folder of a new recording is made inside the root; a symbolic link out of it is refused', async () => {
  assert.deepEqual(await prepareRecordingFolder(root, 'new/deep/r'), { base: join(root, 'new/deep/r') });
  assert.ok(existsSync(join(root, 'new', 'deep')));
  assert.deepEqual(await prepareRecordingFolder(root, 'link/r'), { problem: 'invalid' });
  assert.deepEqual(await prepareRecordingFolder(root, 'sub/a.wav/r'), { problem: 'invalid' }, 'a file in the way');
});

test('stored names resolve like Asterisk’s realpath; outside the folder is outside, a missing folder missing', async () => {
  assert.deepEqual(await resolveStoredName(root, 'sub/a'), { name: 'sub/a', dir: join(root, 'sub'), file: 'a' });
  assert.deepEqual(await resolveStoredName(root, '/sub/a'), { name: 'sub/a', dir: join(root, 'sub'), file: 'a' });
  assert.deepEqual(await resolveStoredName(root, 'new/../sub/a'), { name: 'sub/a', dir: join(root, 'sub'), file: 'a' });
  assert.equal(await resolveStoredName(root, 'link/secret'), 'outside');
  assert.equal(await resolveStoredName(root, '../outside/secret'), 'outside');
  assert.equal(await resolveStoredName(root, '../../nowhere/x'), 'outside');
  assert.equal(await resolveStoredName(root, 'nowhere/x'), 'missing');
  assert.equal(await resolveStoredName(root, ''), 'empty');
});

test('a name’s files: every known format, not a longer name nor an unknown extension', async () => {
  assert.deepEqual(await filesOf(join(root, 'sub'), 'a'), [join(root, 'sub', 'a.gsm'), join(root, 'sub', 'a.wav')]);
  assert.equal(isRecordingFile('.wav'), false);
  assert.equal(isRecordingFile('x.WAV'), true, 'wav49');
  assert.equal(isRecordingFile('x.mp3'), false);
  await deleteAllFormats(join(root, 'sub', 'a'));
  assert.deepEqual(await filesOf(join(root, 'sub'), 'a'), []);
  assert.ok(existsSync(join(root, 'sub', 'a.txt')) && existsSync(join(root, 'sub', 'ab.wav')));
});

test('stored recordings never list or serve a file behind a link out of the folder', async () => {
  const stored = new StoredRecordings(() => root);
  const names = (await stored.list()).map((r) => r.name);
  assert.ok(!names.some((n) => n.includes('secret')), names.join());
  assert.equal(await stored.find('link/secret'), undefined);
  assert.deepEqual(await stored.copy('sub/ab', 'link/stolen'), { ok: false, reason: 'forbidden' });
  assert.equal(existsSync(join(outside, 'stolen.wav')), false);
});
