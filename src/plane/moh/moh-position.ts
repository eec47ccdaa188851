/**
 * Where a channel is in its music (res_musiconhold's per-channel music state): kept when the music stops — a
 * playback, silence, another class or stopMoh ended it — so that music of the same class started again on that
 * channel resumes in the same file at the same sample (moh_files_alloc keeps the state when the class name and its
 * number of files are unchanged; moh_files_next reopens the saved file and seeks). Another class starts afresh.
 *
 * Which file comes next (moh_files_next):
 * - a fresh position starts at the first file, or for `random`/`randstart` at a random one;
 * - after each file: `random` picks any file at random (the same one may come again); the other orders take the
 *   next one and wrap around, or with `loop_last` stay on the last.
 */
import type { MohClass } from './moh-library.js';

/** A source of uniform numbers in [0, 1) (Math.random; tests pass their own). */
export type Random = () => number;

export interface MohPosition {
  readonly className: string;
  readonly fileCount: number;
  /** The file playing, or to resume. */
  index: number;
  /** Samples into it, at the file's own rate. */
  offset: number;
  /** Whether a file was opened since the position was made. */
  hasOpened: boolean;
  /** The file after this one once chosen ahead (to load it early); -1 until then. */
  upcoming: number;
}

function pick(random: Random, count: number): number {
  return Math.min(count - 1, Math.floor(random() * count));
}

export function freshPosition(cls: MohClass, random: Random): MohPosition {
  const count = cls.files.length;
  const isRandomStart = cls.sort === 'random' || cls.sort === 'randstart';
  return {
    className: cls.name,
    fileCount: count,
    index: isRandomStart ? pick(random, count) : 0,
    offset: 0,
    hasOpened: false,
    upcoming: -1,
  };
}

/** Whether music of `cls` may go on from `pos` (same class, same number of files). */
export function canResume(pos: MohPosition, cls: MohClass): boolean {
  return pos.className === cls.name && pos.fileCount === cls.files.length;
}

/** The file after the current one; chosen once, so loading it ahead and playing it agree. */
export function upcomingFile(pos: MohPosition, cls: MohClass, random: Random): number {
  if (pos.upcoming >= 0) return pos.upcoming;
  const count = pos.fileCount;
  if (cls.sort === 'random') pos.upcoming = pick(random, count);
  else if (cls.loopLast) pos.upcoming = Math.min(count - 1, pos.index + 1);
  else pos.upcoming = (pos.index + 1) % count;
  return pos.upcoming;
}

/** Move to the next file, from its start. */
export function advance(pos: MohPosition, cls: MohClass, random: Random): void {
  pos.index = upcomingFile(pos, cls, random);
  pos.upcoming = -1;
  pos.offset = 0;
}

/**
 * The file to open now. The first open of a fresh position plays file 0, or moves on from a random start as
 * moh_files_next does (another random pick for `random`, the one after it for `randstart`); later opens reopen
 * the current file (a resume, or the next file after `advance`).
 */
export function fileToOpen(pos: MohPosition, cls: MohClass, random: Random): number {
  if (!pos.hasOpened) {
    pos.hasOpened = true;
    if (pos.index !== 0) advance(pos, cls, random);
  }
  return pos.index;
}
