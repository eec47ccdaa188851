/**
 * Where the media engine finds its files, as Asterisk does:
 * - asterisk.conf `[directories]`: `astdatadir` (sounds under `<astdatadir>/sounds`) and `astspooldir` (recordings
 *   under `<astspooldir>/recording`). Without the file (or the key), Debian's sound packages' location for sounds
 *   (`/usr/share/asterisk`) and Asterisk's spool (`/var/spool/asterisk`). Note: `[directories](!)` is a template
 *   and is ignored by Asterisk, so only a plain `[directories]` counts.
 * - musiconhold.conf: classes in `mode=files` with `directory` and `sort` (random, alpha; `randstart` reads as
 *   random); other modes (custom, mp3, playlist) are reported and skipped. Without the file, a `default` class on
 *   Debian's asterisk-moh-opsound-wav folder.
 * - indications.conf: the tone zones (parsed by indications-config.ts; built-in us/uk/de/fr/... otherwise).
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { IndicationsData } from '../media/tones/tone-zones.js';
import { BUILTIN_INDICATIONS } from '../media/tones/builtin-tone-zones.js';
import type { ConfEntry, ConfError, ConfFile } from './conf-types.js';
import { parseIndicationsConfig } from './indications-config.js';

export interface MohClassConfig {
  readonly name: string;
  readonly directory: string;
  readonly sort: 'random' | 'alpha';
}

export interface MediaConfig {
  /** `<astdatadir>/sounds`: `<lang>/<name>.<ext>` sound files. */
  readonly soundsDir: string;
  /** `<astspooldir>/recording`: where ARI recordings are kept. */
  readonly recordingsDir: string;
  readonly mohClasses: readonly MohClassConfig[];
  readonly indications: IndicationsData;
}

export const DEFAULT_DATA_DIR = '/usr/share/asterisk';
export const DEFAULT_SPOOL_DIR = '/var/spool/asterisk';
export const DEFAULT_MOH_DIR = '/usr/share/asterisk/moh';

export interface MediaConfigResult {
  readonly config: MediaConfig;
  readonly errors: readonly ConfError[];
}

/** A directory from a file, relative ones taken from the config folder (Asterisk takes them from its cwd). */
function dirValue(value: string, configDir: string): string {
  return isAbsolute(value) ? value : resolve(configDir, value);
}

function lastEntry(file: ConfFile | undefined, section: string, key: string): ConfEntry | undefined {
  let found: ConfEntry | undefined;
  for (const s of file?.sections ?? []) {
    if (s.isTemplate || s.name.toLowerCase() !== section) continue;
    for (const e of s.entries) if (e.key.toLowerCase() === key) found = e;
  }
  return found;
}

function mohClasses(file: ConfFile, configDir: string, errors: ConfError[]): MohClassConfig[] {
  const out: MohClassConfig[] = [];
  for (const section of file.sections) {
    if (section.isTemplate || section.name.toLowerCase() === 'general') continue;
    let mode = 'files';
    let directory = '';
    let sort: 'random' | 'alpha' = 'random';
    for (const e of section.entries) {
      const key = e.key.toLowerCase();
      if (key === 'mode') mode = e.value.trim().toLowerCase();
      else if (key === 'directory') directory = e.value.trim();
      else if (key === 'sort') sort = e.value.trim().toLowerCase() === 'alpha' ? 'alpha' : 'random';
    }
    if (mode !== 'files') {
      errors.push({ file: 'musiconhold.conf', line: 0, message: `[${section.name}]: mode=${mode} is not supported` });
      continue;
    }
    if (directory === '') continue;
    // A relative directory is under <astdatadir>/moh in Asterisk; here under the config folder's parent data dir.
    out.push({ name: section.name, directory: dirValue(directory, configDir), sort });
  }
  return out;
}

export function parseMediaConfig(
  files: { asterisk?: ConfFile; musiconhold?: ConfFile; indications?: ConfFile },
  configDir: string,
): MediaConfigResult {
  const errors: ConfError[] = [];
  const dataDir = lastEntry(files.asterisk, 'directories', 'astdatadir');
  const spoolDir = lastEntry(files.asterisk, 'directories', 'astspooldir');
  const data = dataDir ? dirValue(dataDir.value.trim(), configDir) : DEFAULT_DATA_DIR;
  const spool = spoolDir ? dirValue(spoolDir.value.trim(), configDir) : DEFAULT_SPOOL_DIR;
  let indications = BUILTIN_INDICATIONS;
  if (files.indications) {
    const parsed = parseIndicationsConfig(files.indications);
    indications = parsed.indications;
    errors.push(...parsed.errors);
  }
  const classes = files.musiconhold
    ? mohClasses(files.musiconhold, configDir, errors)
    : [{ name: 'default', directory: DEFAULT_MOH_DIR, sort: 'random' as const }];
  if (files.musiconhold) errors.push(...files.musiconhold.errors);
  return {
    config: { soundsDir: join(data, 'sounds'), recordingsDir: join(spool, 'recording'), mohClasses: classes, indications },
    errors,
  };
}
