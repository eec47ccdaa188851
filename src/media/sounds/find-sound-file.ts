/*
 * Finds the file to play for a sound name, as Asterisk's main/file.c does (languageprefix = yes, the default
 * layout `<sounds>/<language>/<name>.<ext>`):
 *
 *   1. the channel's language, then that language with its last `_part` removed, repeatedly
 *      (en_US_f_Allison → en_US_f → en_US → en);
 *   2. no language: `<sounds>/<name>`;
 *   3. the default language `en`, unless step 1 already tried it.
 *
 * A name may hold sub-directories (`digits/1`). A name starting with `/` is a path without extension; the
 * language goes before its last component (`/var/x/msg` in `fr` → `/var/x/fr/msg`, then `/var/x/msg`).
 * The name is taken as given: `hello-world.wav` looks for `hello-world.wav.<ext>`, as in Asterisk.
 *
 * At the first place where any supported file exists, the format cheapest to turn into the engine's signed linear
 * at the channel's rate wins, ranked by Asterisk's translation cost classes (include/asterisk/translate.h): no
 * conversion; then lossless with a rate change (LL_LL_DOWNSAMP 850000 / LL_LL_UPSAMP 800000), which beats any
 * lossy source at the same rate (LY_LL_ORIGSAMP 900000); then G.711 (pcm = µ-law, alaw), then gsm.
 * Within a format the extensions are tried in Asterisk's order (`x.pcm` before `x.ulaw`).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { formatByName, isSupportedFormat, type SupportedFileFormat } from '../formats/format-table.js';

export const DEFAULT_LANGUAGE = 'en';

const PREFERENCE: Record<8000 | 16000, readonly string[]> = {
  8000: ['sln', 'wav', 'sln16', 'wav16', 'pcm', 'alaw', 'gsm'],
  16000: ['sln16', 'wav16', 'sln', 'wav', 'pcm', 'alaw', 'gsm'],
};

const PREFERRED_FORMATS: Record<8000 | 16000, readonly SupportedFileFormat[]> = {
  8000: PREFERENCE[8000].map(supported),
  16000: PREFERENCE[16000].map(supported),
};

function supported(name: string): SupportedFileFormat {
  const f = formatByName(name);
  if (f === undefined || !isSupportedFormat(f)) throw new Error(`format table lacks ${name}`);
  return f;
}

export interface FoundSound {
  /** The file, with its extension. */
  path: string;
  /** Asterisk's name of its format (sln, wav, pcm, gsm …). */
  format: string;
}

/** The languages to try, in order (steps 1–3 above); undefined stands for "no language". */
export function languageCandidates(language: string): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  let lang = language;
  while (lang !== '') {
    out.push(lang);
    const cut = lang.lastIndexOf('_');
    if (cut < 0) break;
    lang = lang.slice(0, cut);
  }
  out.push(undefined);
  if (language !== DEFAULT_LANGUAGE && lang !== DEFAULT_LANGUAGE) out.push(DEFAULT_LANGUAGE);
  return out;
}

/** The path (without extension) a name has in one language, under one sounds root. */
function basePath(root: string, name: string, lang: string | undefined): string {
  if (!name.startsWith('/')) return lang === undefined ? join(root, name) : join(root, lang, name);
  if (lang === undefined) return name;
  const slash = name.lastIndexOf('/');
  return `${name.slice(0, slash + 1)}${lang}/${name.slice(slash + 1)}`;
}

/**
 * The file to play for `name` in `language` on a channel at `preferredRate`, looking in each of `roots` (sounds
 * folders, first wins) for each language in turn. Undefined when no supported file exists.
 */
export async function findSoundFile(
  roots: readonly string[],
  name: string,
  language: string,
  preferredRate: 8000 | 16000,
): Promise<FoundSound | undefined> {
  if (name === '') return undefined;
  const places = name.startsWith('/') ? [''] : roots;
  for (const lang of languageCandidates(language)) {
    for (const root of places) {
      const found = await bestFormatAt(basePath(root, name, lang), PREFERRED_FORMATS[preferredRate]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

async function bestFormatAt(base: string, formats: readonly SupportedFileFormat[]): Promise<FoundSound | undefined> {
  const candidates = formats.flatMap((f) => f.extensions.map((ext) => ({ path: `${base}.${ext}`, format: f.name })));
  const exists = await Promise.all(candidates.map((c) => isFile(c.path)));
  const first = exists.indexOf(true);
  return first < 0 ? undefined : candidates[first];
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
