/**
 * Where the media engine finds its files, as Asterisk does:
 * - asterisk.conf `[directories]`: `astdatadir` (sounds under `<astdatadir>/sounds`) and `astspooldir` (recordings
 *   under `<astspooldir>/recording`). Without the file (or the key), Debian's sound packages' location for sounds
 *   (`/usr/share/asterisk`) and Asterisk's spool (`/var/spool/asterisk`). Note: `[directories](!)` is a template
 *   and is ignored by Asterisk, so only a plain `[directories]` counts.
 * - musiconhold.conf: classes in `mode=files` (a folder) and `mode=playlist` (`entry=` absolute paths), with
 *   res_musiconhold's options that matter to them (see parseMohClasses). Without the file, a `default` class on
 *   Debian's asterisk-moh-opsound-wav folder (Asterisk itself would have no music on hold at all).
 * - indications.conf: the tone zones (parsed by indications-config.ts; built-in us/uk/de/fr/... otherwise).
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { IndicationsData } from '../media/tones/tone-zones.js';
import { BUILTIN_INDICATIONS } from '../media/tones/builtin-tone-zones.js';
import { astTrue } from './ari-config.js';
import type { ConfEntry, ConfError, ConfFile } from './conf-types.js';
import { parseIndicationsConfig } from './indications-config.js';

/**
 * Order of a class's files (res_musiconhold's MOH_RANDOMIZE / MOH_SORTALPHA flags): `none` plays them in the
 * order the folder lists them, `alpha` sorted by name ignoring case, `random` a random file each time, `randstart`
 * sorted but starting at a random one.
 */
export type MohSort = 'none' | 'random' | 'alpha' | 'randstart';

export interface MohClassConfig {
  /** The section's name; classes are looked up ignoring case. */
  readonly name: string;
  readonly mode: 'files' | 'playlist';
  /** `files`: the folder (a relative one is under astdatadir). */
  readonly directory: string;
  /** `playlist`: the `entry=` paths, absolute and without extension, in order. */
  readonly entries: readonly string[];
  readonly sort: MohSort;
  /** `loop_last`: once the last file is reached, it repeats instead of starting over. */
  readonly loopLast: boolean;
  /** `announcement`: a sound played before each file ('' for none). */
  readonly announcement: string;
  /** `answeredonly`: no music for a channel that is not answered. */
  readonly answeredOnly: boolean;
}

export interface MediaConfig {
  /** `<astdatadir>/sounds`: `<lang>/<name>.<ext>` sound files. */
  readonly soundsDir: string;
  /** `<astspooldir>/recording`: where ARI recordings are kept. */
  readonly recordingsDir: string;
  /** `astlogdir`: where log channels with a relative name go (ARI /asterisk/logging). */
  readonly logDir: string;
  readonly mohClasses: readonly MohClassConfig[];
  readonly indications: IndicationsData;
}

export const DEFAULT_DATA_DIR = '/usr/share/asterisk';
export const DEFAULT_SPOOL_DIR = '/var/spool/asterisk';
export const DEFAULT_LOG_DIR = '/var/log/asterisk';
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

/** The default class when there is no musiconhold.conf: Debian's folder, in folder order. */
export const DEFAULT_MOH_CLASS: MohClassConfig = {
  name: 'default',
  mode: 'files',
  directory: DEFAULT_MOH_DIR,
  entries: [],
  sort: 'none',
  loopLast: false,
  announcement: '',
  answeredOnly: false,
};

/** Class modes that run an external player (mpg123 or `application=`): not available here. */
const PLAYER_MODES = new Set(['mp3', 'mp3nb', 'quietmp3', 'quietmp3nb', 'httpmp3', 'custom']);

/**
 * musiconhold.conf as res_musiconhold's load_moh_classes reads it: every section but `[general]` and templates is
 * a class named after the section; options are read in order (moh_parse_options), the flags of `sort` accumulate
 * (`random` then `alpha` is `randstart`), `random=yes|no` is the old spelling of sort=random. A class needs a mode
 * (there is no default) and, in files mode, a directory; relative directories are under astdatadir
 * (moh_scan_files). A playlist keeps only absolute `entry=` paths; URLs would need an external player. The
 * first class of a name wins; classes are matched ignoring case.
 */
export function parseMohClasses(file: ConfFile, dataDir: string, errors: ConfError[]): MohClassConfig[] {
  const out: MohClassConfig[] = [];
  const warn = (line: number, message: string): void => void errors.push({ file: 'musiconhold.conf', line, message });
  for (const section of file.sections) {
    if (section.isTemplate || section.name.toLowerCase() === 'general') continue;
    const line = section.entries[0]?.line ?? 0;
    let mode = '';
    let directory = '';
    let isRandom = false;
    let isAlpha = false;
    let loopLast = false;
    let announcement = '';
    let answeredOnly = false;
    const entries: string[] = [];
    for (const e of section.entries) {
      const value = e.value.trim();
      switch (e.key.toLowerCase()) {
        case 'mode':
          mode = value.toLowerCase();
          break;
        case 'directory':
          directory = value;
          break;
        case 'entry':
          if (value.startsWith('/')) entries.push(value);
          else
            warn(e.line, `[${section.name}]: playlist entry '${value}' is not an absolute path (URLs need a player)`);
          break;
        case 'sort': {
          const v = value.toLowerCase();
          if (v === 'random' || v === 'randstart') isRandom = true;
          if (v === 'alpha' || v === 'randstart') isAlpha = true;
          break;
        }
        case 'random':
          isRandom = astTrue(value);
          break;
        case 'loop_last':
          loopLast = astTrue(value);
          break;
        case 'announcement':
          announcement = value;
          break;
        case 'answeredonly':
          answeredOnly = astTrue(value);
          break;
      }
    }
    const name = section.name;
    if (out.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
      warn(line, `Music on Hold class '${name}' already exists`);
      continue;
    }
    // load_moh_classes checks the directory first (only custom and playlist classes may lack one), then the mode.
    if (directory === '' && mode !== 'custom' && mode !== 'playlist') {
      warn(line, `A directory must be specified for class '${name}'!`);
      continue;
    }
    if (mode === '') {
      warn(line, `A mode must be specified for class '${name}'!`);
      continue;
    }
    if (PLAYER_MODES.has(mode)) {
      warn(line, `[${name}]: mode=${mode} needs an external player and is not supported`);
      continue;
    }
    if (mode !== 'files' && mode !== 'playlist') {
      warn(line, `Don't know how to do a mode '${mode}' music on hold`);
      continue;
    }
    if (mode === 'playlist' && entries.length === 0) {
      warn(line, `[${name}]: a playlist class needs at least one entry`);
      continue;
    }
    const sort: MohSort = isRandom ? (isAlpha ? 'randstart' : 'random') : isAlpha ? 'alpha' : 'none';
    out.push({
      name,
      mode,
      directory: mode === 'files' ? (isAbsolute(directory) ? directory : join(dataDir, directory)) : '',
      entries: mode === 'playlist' ? entries : [],
      sort,
      loopLast,
      announcement,
      answeredOnly,
    });
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
  const logDir = lastEntry(files.asterisk, 'directories', 'astlogdir');
  let indications = BUILTIN_INDICATIONS;
  if (files.indications) {
    const parsed = parseIndicationsConfig(files.indications);
    indications = parsed.indications;
    errors.push(...parsed.errors);
  }
  const classes = files.musiconhold ? parseMohClasses(files.musiconhold, data, errors) : [DEFAULT_MOH_CLASS];
  if (files.musiconhold) errors.push(...files.musiconhold.errors);
  return {
    config: {
      soundsDir: join(data, 'sounds'),
      recordingsDir: join(spool, 'recording'),
      logDir: logDir?.value.trim() ? dirValue(logDir.value.trim(), configDir) : DEFAULT_LOG_DIR,
      mohClasses: classes,
      indications,
    },
    errors,
  };
}
