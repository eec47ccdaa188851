/**
 * The music on hold classes of one media engine, with their files listed once at start-up as res_musiconhold's
 * moh_scan_files lists them (Asterisk rescans only on `moh reload`):
 * - the folder is read in the order the file system lists it (no sorting unless `sort=alpha`/`randstart`, then by
 *   name ignoring ASCII case); sub-folders are not entered;
 * - names starting with `.`, without an extension, or with a one-character extension are skipped;
 * - a file is kept without its extension, once, however many formats it comes in: the format is chosen when it
 *   is opened, as for any sound.
 * A class without any file is not registered (Asterisk's init_files_class fails), so asking for it falls back to
 * `default` like any unknown class.
 */
import { opendirSync, statSync, type Dir } from 'node:fs';
import { join, resolve } from 'node:path';
import type { MohSort } from '../../config/media-config.js';
import type { MohClassSettings } from '../plane-settings.js';

/** A class ready to play. */
export interface MohClass {
  readonly name: string;
  /** Paths without extension, in playing order. */
  readonly files: readonly string[];
  readonly sort: MohSort;
  readonly loopLast: boolean;
  readonly announcement: string;
  readonly answeredOnly: boolean;
}

/** The class every request falls back to (local_ast_moh_start's last choice). */
const FALLBACK_CLASS = 'default';

/** The shortest useful extension, dot included (on_moh_file). */
const MIN_EXTENSION_LENGTH = 3;

/**
 * The files of a folder as a class lists them; an error value when the folder cannot be read.
 */
export function scanMohFolder(directory: string, sortAlpha: boolean): string[] | { error: string } {
  let dir: Dir;
  try {
    dir = opendirSync(directory);
  } catch (err) {
    return { error: `${directory}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  const files: string[] = [];
  const seen = new Set<string>();
  try {
    for (let entry = dir.readSync(); entry !== null; entry = dir.readSync()) {
      const name = entry.name;
      if (name.startsWith('.')) continue;
      const dot = name.lastIndexOf('.');
      if (dot < 0 || name.length - dot < MIN_EXTENSION_LENGTH) continue;
      const path = join(directory, name);
      if (!entry.isFile() && !(entry.isSymbolicLink() && isRegularFile(path))) continue;
      const base = join(directory, name.slice(0, dot));
      if (seen.has(base)) continue;
      seen.add(base);
      files.push(base);
    }
  } catch (err) {
    return { error: `${directory}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  } finally {
    dir.closeSync();
  }
  if (sortAlpha) files.sort(compareIgnoringAsciiCase);
  return files;
}

function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** strcasecmp: byte order after folding A-Z to a-z. */
export function compareIgnoringAsciiCase(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = foldAscii(a.charCodeAt(i));
    const y = foldAscii(b.charCodeAt(i));
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

const UPPER_A = 0x41;
const UPPER_Z = 0x5a;
const CASE_OFFSET = 0x20;

function foldAscii(code: number): number {
  return code >= UPPER_A && code <= UPPER_Z ? code + CASE_OFFSET : code;
}

/** The classes that have files, looked up by name ignoring case. */
export class MohLibrary {
  readonly #byName = new Map<string, MohClass>();
  /** Classes left out, and why (for diagnostics). */
  readonly problems: string[] = [];

  constructor(settings: readonly MohClassSettings[]) {
    for (const s of settings) {
      const key = s.name.toLowerCase();
      if (this.#byName.has(key)) continue;
      const files =
        s.mode === 'playlist'
          ? s.entries.map((e) => resolve(e))
          : scanMohFolder(s.directory, s.sort === 'alpha' || s.sort === 'randstart');
      if ('error' in files) {
        this.problems.push(`[${s.name}]: ${files.error}`);
        continue;
      }
      if (files.length === 0) {
        this.problems.push(`[${s.name}]: no files in ${s.directory}`);
        continue;
      }
      this.#byName.set(key, {
        name: s.name,
        files,
        sort: s.sort,
        loopLast: s.loopLast,
        announcement: s.announcement,
        answeredOnly: s.answeredOnly,
      });
    }
  }

  /** The class named `name` (any case), else `default`; undefined when neither exists. */
  find(name: string | undefined): MohClass | undefined {
    const wanted = name === undefined || name === '' ? undefined : this.#byName.get(name.toLowerCase());
    return wanted ?? this.#byName.get(FALLBACK_CLASS);
  }
}
