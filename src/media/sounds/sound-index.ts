/*
 * The sounds on disk, as ARI's `GET /sounds` and `GET /sounds/{soundId}` show them (Asterisk: main/sounds.c,
 * main/media_index.c, res/ari/resource_sounds.c):
 *   - every folder directly under the sounds folder is a language (symlinks followed: Debian's `en` is one);
 *   - every file under a language folder, at any depth, whose extension belongs to a file format is a sound; its
 *     id is its path relative to the language folder without the extension (`digits/1`);
 *   - a sound's formats are the codecs its files carry, each once per language: `hello-world.wav` and
 *     `hello-world.gsm` give `slin` and `gsm` (format_wav carries slin), in the order the files are found;
 *   - `.txt` files hold descriptions; Sound.text is the `en` one, and is left out when there is none;
 *   - the `lang` filter keeps one language, the `format` filter one codec name (so `format=wav` matches nothing,
 *     `format=slin` the wav files); a sound left without formats is not listed.
 * Asterisk answers 404 when the list comes out empty; that is the HTTP layer's call.
 *
 * Asterisk rescans the disk for every request. Here a scan is kept for `maxAgeMs` (default 5 s) and `refresh()`
 * forces one; concurrent queries share one scan. Folders are read in name order, so results are stable.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileExtension, formatForExtension } from '../formats/format-table.js';
import { DEFAULT_LANGUAGE } from './find-sound-file.js';
import { parseSoundDescriptions } from './sound-descriptions.js';

/** ARI model FormatLangPair. */
export interface SoundFormat {
  language: string;
  format: string;
}

/** ARI model Sound. */
export interface Sound {
  id: string;
  text?: string;
  formats: SoundFormat[];
}

export interface SoundQuery {
  lang?: string;
  format?: string;
}

export interface SoundIndexOptions {
  /** How long a scan answers queries before the next query rescans (default 5000; Infinity: only refresh()). */
  maxAgeMs?: number;
}

interface Scan {
  /** id → language → codec names, in discovery order. */
  sounds: Map<string, Map<string, string[]>>;
  /** language → id → description. */
  texts: Map<string, Map<string, string>>;
  atMs: number;
}

const DEFAULT_MAX_AGE_MS = 5000;

export class SoundIndex {
  readonly #maxAgeMs: number;
  #scan: Scan | undefined;
  #scanning: Promise<Scan> | undefined;

  constructor(
    readonly soundsDir: string,
    opts: SoundIndexOptions = {},
  ) {
    this.#maxAgeMs = opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  }

  /** Rescans the sounds folder now. */
  async refresh(): Promise<void> {
    this.#scanning ??= scanSounds(this.soundsDir).finally(() => (this.#scanning = undefined));
    this.#scan = await this.#scanning;
  }

  /** The sounds matching the query, by id. Empty when nothing matches or there is no sounds folder. */
  async list(query: SoundQuery = {}): Promise<Sound[]> {
    const scan = await this.#current();
    const out: Sound[] = [];
    for (const id of [...scan.sounds.keys()].sort()) {
      const sound = toSound(scan, id, query);
      if (sound !== undefined) out.push(sound);
    }
    return out;
  }

  /** One sound by id (`digits/1`), in all its languages and formats; undefined when unknown. */
  async get(id: string): Promise<Sound | undefined> {
    return toSound(await this.#current(), id, {});
  }

  /** The language folders found by the last scan. */
  async languages(): Promise<string[]> {
    const scan = await this.#current();
    const langs = new Set<string>();
    for (const byLang of scan.sounds.values()) for (const lang of byLang.keys()) langs.add(lang);
    return [...langs].sort();
  }

  async #current(): Promise<Scan> {
    if (this.#scan === undefined || performance.now() - this.#scan.atMs > this.#maxAgeMs) await this.refresh();
    return this.#scan!;
  }
}

function toSound(scan: Scan, id: string, query: SoundQuery): Sound | undefined {
  const byLang = scan.sounds.get(id);
  if (byLang === undefined) return undefined;
  const formats: SoundFormat[] = [];
  for (const language of [...byLang.keys()].sort()) {
    if (query.lang !== undefined && query.lang !== '' && language !== query.lang) continue;
    for (const format of byLang.get(language)!) {
      if (query.format !== undefined && query.format !== '' && format !== query.format) continue;
      formats.push({ language, format });
    }
  }
  if (formats.length === 0) return undefined;
  const text = scan.texts.get(DEFAULT_LANGUAGE)?.get(id);
  return text === undefined ? { id, formats } : { id, text, formats };
}

/** Reads the whole sounds folder. A missing or unreadable folder is an empty index. */
export async function scanSounds(soundsDir: string): Promise<Scan> {
  const scan: Scan = { sounds: new Map(), texts: new Map(), atMs: performance.now() };
  for (const entry of await sortedEntries(soundsDir)) {
    const path = join(soundsDir, entry.name);
    if ((await kindOf(path, entry)) !== 'dir') continue;
    await walk(scan, entry.name, path, '', new Set());
  }
  return scan;
}

async function walk(scan: Scan, lang: string, dir: string, rel: string, seen: Set<string>): Promise<void> {
  const id = await stat(dir).then(
    (s) => `${s.dev}:${s.ino}`,
    () => undefined,
  );
  if (id === undefined || seen.has(id)) return; // a symlink loop
  seen.add(id);
  for (const entry of await sortedEntries(dir)) {
    const path = join(dir, entry.name);
    const relName = rel === '' ? entry.name : `${rel}/${entry.name}`;
    const kind = await kindOf(path, entry);
    if (kind === 'dir') await walk(scan, lang, path, relName, seen);
    else if (kind === 'file') await addFile(scan, lang, path, relName);
  }
  seen.delete(id);
}

async function addFile(scan: Scan, lang: string, path: string, relName: string): Promise<void> {
  const ext = fileExtension(relName);
  if (ext === undefined) return;
  if (ext === 'txt') {
    const content = await readFile(path, 'utf8').catch(() => '');
    let texts = scan.texts.get(lang);
    if (texts === undefined) scan.texts.set(lang, (texts = new Map<string, string>()));
    for (const [id, text] of parseSoundDescriptions(content)) texts.set(id, text);
    return;
  }
  const format = formatForExtension(ext);
  if (format === undefined) return;
  const id = relName.slice(0, relName.length - ext.length - 1);
  let byLang = scan.sounds.get(id);
  if (byLang === undefined) scan.sounds.set(id, (byLang = new Map<string, string[]>()));
  const codecs = byLang.get(lang);
  if (codecs === undefined) byLang.set(lang, [format.codec]);
  else if (!codecs.includes(format.codec)) codecs.push(format.codec);
}

async function sortedEntries(dir: string): Promise<Dirent[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  } catch {
    return [];
  }
}

/** What a directory entry is, through symlinks (only links and unknown types cost a stat). */
async function kindOf(path: string, entry: Dirent): Promise<'dir' | 'file' | 'other'> {
  if (entry.isDirectory()) return 'dir';
  if (entry.isFile()) return 'file';
  if (!entry.isSymbolicLink()) return 'other';
  try {
    const s = await stat(path); // follows symlinks
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
  } catch {
    return 'other'; // a broken link: skipped, as Asterisk does
  }
}
