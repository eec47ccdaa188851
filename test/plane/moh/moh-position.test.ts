// The order in which a channel plays a class's files (res_musiconhold moh_files_alloc / moh_files_next).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MohSort } from '../../../src/config/media-config.js';
import type { MohClass } from '../../../src/plane/moh/moh-library.js';
import {
  advance,
  canResume,
  fileToOpen,
  freshPosition,
  upcomingFile,
  type Random,
} from '../../../src/plane/moh/moh-position.js';

function cls(sort: MohSort, count = 4, loopLast = false): MohClass {
  const files = Array.from({ length: count }, (_, i) => `/moh/f${i}`);
  return { name: 'default', files, sort, loopLast, announcement: '', answeredOnly: false };
}

/** Random numbers from a list (then 0). */
const numbers =
  (list: number[]): Random =>
  () =>
    list.shift() ?? 0;

/** The first `n` files a fresh position plays. */
function played(c: MohClass, random: Random, n: number): number[] {
  const pos = freshPosition(c, random);
  const out = [fileToOpen(pos, c, random)];
  while (out.length < n) {
    advance(pos, c, random);
    out.push(fileToOpen(pos, c, random));
  }
  return out;
}

test('none and alpha: from the first file, one after the other, round again', () => {
  assert.deepEqual(played(cls('none'), numbers([]), 6), [0, 1, 2, 3, 0, 1]);
  assert.deepEqual(played(cls('alpha'), numbers([]), 5), [0, 1, 2, 3, 0]);
});

test('random: a random file each time, the same one may come twice', () => {
  // Fresh at 0.5 → 2, not 0 so picked again at first open: 0.3 → 1; then 0.3 → 1 again, 0.99 → 3.
  assert.deepEqual(played(cls('random'), numbers([0.5, 0.3, 0.3, 0.99]), 4), [1, 1, 3, 0]);
  // A fresh position that lands on file 0 plays it.
  assert.deepEqual(played(cls('random'), numbers([0.1, 0.6]), 2), [0, 2]);
});

test('randstart: sorted order from a random file (the one after the random start)', () => {
  assert.deepEqual(played(cls('randstart'), numbers([0.5, 0.9, 0.9]), 5), [3, 0, 1, 2, 3]);
});

test('loop_last: the last file repeats once reached', () => {
  assert.deepEqual(played(cls('none', 3, true), numbers([]), 6), [0, 1, 2, 2, 2, 2]);
});

test('the upcoming file is chosen once: loading it ahead and playing it agree', () => {
  const c = cls('random');
  const random = numbers([0, 0.7, 0.2]);
  const pos = freshPosition(c, random);
  fileToOpen(pos, c, random);
  assert.equal(upcomingFile(pos, c, random), 2);
  assert.equal(upcomingFile(pos, c, random), 2);
  advance(pos, c, random);
  assert.equal(pos.index, 2);
  assert.equal(upcomingFile(pos, c, random), 0);
});

test('a position resumes only for the same class with the same number of files', () => {
  const c = cls('none');
  const pos = freshPosition(c, numbers([]));
  pos.index = 2;
  pos.offset = 1234;
  pos.hasOpened = true;
  assert.ok(canResume(pos, c));
  assert.equal(fileToOpen(pos, c, numbers([])), 2, 'the saved file reopens');
  assert.equal(pos.offset, 1234);
  assert.ok(!canResume(pos, cls('none', 5)));
  assert.ok(!canResume(pos, { ...c, name: 'jazz' }));
});
