/**
 * Recording names ↔ files under the recordings folder (`<astspooldir>/recording`).
 *
 * A name is a path relative to the folder without extension; `/` makes sub-folders. Asterisk resolves names with
 * realpath and refuses a folder outside the recordings folder (res/stasis_recording/stored.c split_path,
 * main/utils.c ast_safe_mkdir); the checks here are the same, and stricter for new recordings: a name given to
 * `record` may not be absolute nor contain a `..` segment at all (Asterisk takes `/x` as `x` and lets `a/../b`
 * through; `a/../../b` even escaped the folder in 22.10.1).
 *
 * The file of a name is `<name>.<ext>` with any extension of a known file format (formatForExtension); a file
 * named only `.<ext>` is no recording, as Asterisk's scan ignores it.
 */
import { mkdir, readdir, realpath, stat, unlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileExtension, formatForExtension } from '../../media/formats/format-table.js';

/** Why a name for a new recording is refused. */
export type NameProblem = 'empty' | 'invalid';

/** A name for a new recording: '' is `empty`; absolute, `..` anywhere, or no file part is `invalid`. */
export function checkNewName(name: string): NameProblem | undefined {
  if (name === '') return 'empty';
  if (name.startsWith('/') || name.includes('\0')) return 'invalid';
  const segments = name.split('/');
  const last = segments[segments.length - 1]!;
  if (segments.includes('..') || last === '' || last === '.') return 'invalid';
  return undefined;
}

/** `child` is `root` itself or inside it. */
export function isInside(root: string, child: string): boolean {
  return child === root || child.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Creates the folder a new recording's file goes in (mkdir -p) and checks that, symlinks resolved, it is inside
 * the recordings folder. Resolves to the file's path without extension, `invalid`, or an error text.
 */
export async function prepareRecordingFolder(
  root: string,
  name: string,
): Promise<{ base: string } | { problem: 'invalid' } | { error: string }> {
  const base = join(root, name);
  try {
    await mkdir(dirname(base), { recursive: true });
    const [realRoot, realDir] = await Promise.all([realpath(root), realpath(dirname(base))]);
    if (!isInside(realRoot, realDir)) return { problem: 'invalid' };
    return { base };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A file where a folder should be, or a name too long: the name cannot be made into a file.
    if (code === 'ENOTDIR' || code === 'ENAMETOOLONG' || code === 'EEXIST') return { problem: 'invalid' };
    return { error: code ?? String(err) };
  }
}

/** A name's files in one folder: `<file>.<ext>` for every known extension, in name order. */
export async function filesOf(dir: string, file: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.length > file.length + 1 && n.startsWith(file) && n[file.length] === '.')
    .filter((n) => isRecordingFile(n) && n.slice(0, n.lastIndexOf('.')) === file)
    .sort()
    .map((n) => join(dir, n));
}

/** A file name with a known format's extension and something before it (`.wav` alone is not a recording). */
export function isRecordingFile(fileName: string): boolean {
  const ext = fileExtension(fileName);
  return ext !== undefined && fileName.length > ext.length + 1 && formatForExtension(ext) !== undefined;
}

/** Deletes every file of a name (ast_filedelete with no format: all formats). */
export async function deleteAllFormats(base: string): Promise<void> {
  const files = await filesOf(dirname(base), base.slice(dirname(base).length + 1));
  await Promise.all(files.map((f) => unlink(f).catch(() => undefined)));
}

/** Where an existing recording's name leads: its folder and file part, or why not. */
export interface ResolvedName {
  /** The canonical name (relative to the recordings folder, symlinks and `.`/`..` resolved). */
  readonly name: string;
  readonly dir: string;
  readonly file: string;
}

/**
 * Resolves a stored recording's name as Asterisk does: leading `/` ignored, the folder part resolved with
 * realpath. `outside` when that folder is not in the recordings folder, `missing` when it does not exist.
 */
export async function resolveStoredName(
  root: string,
  name: string,
): Promise<ResolvedName | 'outside' | 'missing' | 'empty'> {
  const stripped = name.replace(/^\/+/, '');
  const slash = stripped.lastIndexOf('/');
  const file = stripped.slice(slash + 1);
  const dirPart = slash < 0 ? '' : stripped.slice(0, slash);
  if (file === '' && dirPart === '') return 'empty';
  let realRoot: string;
  let realDir: string;
  try {
    realRoot = await realpath(root);
    realDir = await realpath(resolve(root, dirPart));
  } catch {
    // A folder outside the root that happens not to exist is as good as missing.
    return isInside(resolve(root), resolve(root, dirPart)) ? 'missing' : 'outside';
  }
  if (!isInside(realRoot, realDir)) return 'outside';
  const rel = relative(realRoot, realDir);
  return { name: rel === '' ? file : `${rel.split(sep).join('/')}/${file}`, dir: realDir, file };
}

/** A regular file (not a folder or device), as Asterisk insists before serving one. */
export async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
