/**
 * Recordings on disk (res/stasis_recording/stored.c): every file under the recordings folder whose extension is a
 * known file format is a stored recording named by its path without extension. Files of unknown formats are
 * ignored; when one name has several formats, one of them stands for it.
 */
import { copyFile, mkdir, readdir, readFile, realpath, unlink } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { StoredRecording } from '../../ari/models/wire.js';
import { fileExtension, recordingContentType } from '../../media/formats/format-table.js';
import {
  checkNewName,
  filesOf,
  isInside,
  isRecordingFile,
  isRegularFile,
  resolveStoredName,
} from './recording-paths.js';

/** A stored recording found by name. */
export interface FoundRecording {
  readonly name: string;
  /** Its file's extension (the model's `format`). */
  readonly format: string;
  readonly path: string;
}

export type CopyOutcome =
  | { readonly ok: true; readonly recording: StoredRecording }
  | { readonly ok: false; readonly reason: 'not-found' | 'exists' | 'invalid' | 'forbidden' | 'failed' };

export type FileOutcome =
  | { readonly ok: true; readonly contentType: string; readonly data: Buffer }
  | { readonly ok: false; readonly reason: 'not-found' | 'no-format' | 'unreadable' };

export class StoredRecordings {
  constructor(private readonly root: () => string) {}

  /** Every stored recording, by name (strcmp order, as Asterisk's sorted container lists them). */
  async list(): Promise<StoredRecording[]> {
    const root = this.root();
    let entries: string[];
    try {
      entries = await readdir(root, { recursive: true });
    } catch {
      return [];
    }
    const byName = new Map<string, StoredRecording>();
    const inside = insideCheck(root);
    for (const entry of entries.sort()) {
      const fileName = entry.slice(entry.lastIndexOf(sep) + 1);
      if (!isRecordingFile(fileName) || !(await isRegularFile(join(root, entry)))) continue;
      // A folder linked in from outside is listed by readdir, but it is not the recordings folder's.
      if (!(await inside(dirname(join(root, entry))))) continue;
      const ext = fileExtension(fileName)!;
      const name = entry
        .slice(0, entry.length - ext.length - 1)
        .split(sep)
        .join('/');
      byName.set(name, { name, format: ext });
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The recording of `name` (resolved as Asterisk resolves it), or undefined. */
  async find(name: string): Promise<FoundRecording | undefined> {
    const resolved = await resolveStoredName(this.root(), name);
    if (typeof resolved === 'string' || resolved.file === '') return undefined;
    for (const path of await filesOf(resolved.dir, resolved.file)) {
      if (await isRegularFile(path)) return { name: resolved.name, format: fileExtension(path)!, path };
    }
    return undefined;
  }

  async delete(name: string): Promise<boolean> {
    const found = await this.find(name);
    if (found === undefined) return false;
    try {
      await unlink(found.path);
      return true;
    } catch {
      return false;
    }
  }

  /** The file's bytes and the Content-Type Asterisk sends (`audio/<ext>`). */
  async file(name: string): Promise<FileOutcome> {
    const found = await this.find(name);
    if (found === undefined) return { ok: false, reason: 'not-found' };
    const contentType = recordingContentType(found.format);
    if (contentType === undefined) return { ok: false, reason: 'no-format' };
    try {
      return { ok: true, contentType, data: await readFile(found.path) };
    } catch {
      return { ok: false, reason: 'unreadable' };
    }
  }

  /**
   * Copies a recording to `destination` (its extension, if any, is dropped; the copy keeps the source's format).
   * An existing destination is a conflict; a destination with `..` or leaving the folder is forbidden; an empty
   * or absolute one is invalid.
   */
  async copy(name: string, destination: string | undefined): Promise<CopyOutcome> {
    const source = await this.find(name);
    if (source === undefined) return { ok: false, reason: 'not-found' };
    if (destination === undefined || destination === '' || destination.startsWith('/')) {
      return { ok: false, reason: 'invalid' };
    }
    const withoutExt = stripExtension(destination);
    if (withoutExt.split('/').includes('..')) return { ok: false, reason: 'forbidden' };
    if (checkNewName(withoutExt) !== undefined) return { ok: false, reason: 'invalid' };
    const resolved = await resolveStoredName(this.root(), withoutExt);
    if (resolved === 'outside') return { ok: false, reason: 'forbidden' };
    if (resolved === 'empty') return { ok: false, reason: 'invalid' };
    if (resolved !== 'missing' && (await filesOf(resolved.dir, resolved.file)).length > 0) {
      return { ok: false, reason: 'exists' };
    }
    const target = join(this.root(), `${withoutExt}.${source.format}`);
    try {
      await mkdir(dirname(target), { recursive: true });
      const again = await resolveStoredName(this.root(), withoutExt);
      if (typeof again === 'string') return { ok: false, reason: again === 'outside' ? 'forbidden' : 'failed' };
      await copyFile(source.path, join(again.dir, `${again.file}.${source.format}`));
      return { ok: true, recording: { name: again.name, format: source.format } };
    } catch {
      return { ok: false, reason: 'failed' };
    }
  }
}

/** Whether folders (symbolic links resolved) are in `root`; answers cached per folder for one listing. */
function insideCheck(root: string): (dir: string) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  const realRoot = realpath(root);
  return (dir) => {
    let answer = known.get(dir);
    if (answer === undefined) {
      answer = Promise.all([realRoot, realpath(dir)]).then(
        ([r, d]) => isInside(r, d),
        () => false,
      );
      known.set(dir, answer);
    }
    return answer;
  };
}

/** `copy/r1.wav` → `copy/r1`: Asterisk drops a destination's extension. */
function stripExtension(name: string): string {
  const ext = fileExtension(name);
  return ext === undefined ? name : name.slice(0, name.length - ext.length - 1);
}
