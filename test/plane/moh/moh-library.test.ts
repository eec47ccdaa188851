// How a music-on-hold class lists its files (res_musiconhold moh_scan_files / on_moh_file) and how classes are found.
import assert from 'node:assert/strict';
import { mkdirSync, opendirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MohLibrary, compareIgnoringAsciiCase, scanMohFolder } from '../../../src/plane/moh/moh-library.js';
import { mohClass, tempDir } from './moh-fixtures.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function folder(names: readonly string[]): string {
  const dir = tempDir();
  dirs.push(dir);
  for (const name of names) writeFileSync(join(dir, name), 'x');
  return dir;
}

test('files are kept once without extension; dot files, names without a 2-character extension and folders are not', () => {
  const dir = folder(['song.wav', 'song.gsm', 'Zed.sln16', '.hidden.wav', 'noext', 'short.a', 'ok.ab', 'x.']);
  mkdirSync(join(dir, 'sub.wav'));
  writeFileSync(join(dir, 'sub.wav', 'inner.wav'), 'x');
  symlinkSync(join(dir, 'ok.ab'), join(dir, 'link.wav'));
  symlinkSync(join(dir, 'missing.wav'), join(dir, 'dangling.wav'));
  const files = scanMohFolder(dir, true);
  assert.deepEqual(
    files,
    ['link', 'ok', 'song', 'Zed'].map((n) => join(dir, n)),
  );
});

test('without sort=alpha the folder order is kept as the file system lists it', () => {
  const dir = folder(['c.wav', 'A.wav', 'b.wav', 'd.wav']);
  const listed: string[] = [];
  const handle = opendirSync(dir);
  for (let e = handle.readSync(); e !== null; e = handle.readSync())
    listed.push(join(dir, e.name.replace(/\.wav$/, '')));
  handle.closeSync();
  assert.deepEqual(scanMohFolder(dir, false), listed);
  assert.deepEqual(
    scanMohFolder(dir, true),
    ['A', 'b', 'c', 'd'].map((n) => join(dir, n)),
  );
});

test('alpha order folds ASCII case only, as strcasecmp', () => {
  assert.ok(compareIgnoringAsciiCase('Apple', 'apple') === 0);
  assert.ok(compareIgnoringAsciiCase('a_b', 'aB') < 0, "'_' (0x5f) sorts before 'b' (0x62), as after folding");
  assert.ok(compareIgnoringAsciiCase('ab', 'abc') < 0);
});

test('a missing folder is an error value', () => {
  const result = scanMohFolder('/nonexistent/moh', false);
  assert.ok('error' in result && result.error.includes('ENOENT'));
});

test('classes are found ignoring case; unknown and empty names give default; classes without files do not exist', () => {
  const music = folder(['a.wav']);
  const empty = folder([]);
  const library = new MohLibrary([
    mohClass('default', music),
    mohClass('Jazz', music),
    mohClass('empty', empty),
    mohClass('gone', '/nonexistent/moh'),
    mohClass('list', '', { mode: 'playlist', entries: ['/srv/moh/one', '/srv/moh/two'] }),
  ]);
  assert.equal(library.find('JAZZ')?.name, 'Jazz');
  assert.equal(library.find('blues')?.name, 'default');
  assert.equal(library.find(undefined)?.name, 'default');
  assert.equal(library.find('')?.name, 'default');
  assert.equal(library.find('empty')?.name, 'default');
  assert.equal(library.find('gone')?.name, 'default');
  assert.deepEqual(library.find('list')?.files, ['/srv/moh/one', '/srv/moh/two']);
  assert.equal(library.problems.length, 2);
  assert.equal(new MohLibrary([mohClass('jazz', music)]).find('blues'), undefined);
});
