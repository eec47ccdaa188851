/**
 * indications.conf → IndicationsData (media/tones/tone-zones.ts), read the way Asterisk's main/indications.c
 * loads it:
 * - `[general] country=` names the default zone; it must be a zone that exists, else the old default stays.
 * - Every other (non-template) section is a country: `description`, `ringcadence` (comma-separated ms; an item
 *   that does not start with a digit is skipped, repeated lines append) and any other key is a named tone,
 *   a later one of the same name replacing the earlier. Countries and tone names are case-insensitive.
 * - A country without a description or without any tone is invalid and ignored.
 * A country in the file replaces the built-in zone of that name entirely (the file is the whole definition, as
 * in Asterisk); built-in zones the file does not mention stay. Tone lists are checked with the media parser and
 * reported when they would not play, but kept as written, as Asterisk keeps them.
 */
import { BUILTIN_INDICATIONS } from '../media/tones/builtin-tone-zones.js';
import { isToneListError, parseToneList } from '../media/tones/tone-list.js';
import type { IndicationsData, ToneZone } from '../media/tones/tone-zones.js';
import type { ConfEntry, ConfError, ConfFile } from './conf-types.js';

export interface IndicationsConfigResult {
  readonly indications: IndicationsData;
  /** The file's parse errors followed by option errors and warnings. */
  readonly errors: readonly ConfError[];
}

interface ZoneBuilder {
  description: string;
  ringcadence: number[];
  tones: Map<string, string>;
  at: ConfEntry | undefined;
}

export function parseIndicationsConfig(
  file: ConfFile,
  base: IndicationsData = BUILTIN_INDICATIONS,
): IndicationsConfigResult {
  const errors: ConfError[] = [...file.errors];
  const err = (e: ConfEntry, message: string): void => void errors.push({ file: e.file, line: e.line, message });
  const builders = new Map<string, ZoneBuilder>();
  let countryEntry: ConfEntry | undefined;
  for (const section of file.sections) {
    if (section.isTemplate) continue;
    const name = section.name.toLowerCase();
    if (name === 'general') {
      for (const e of section.entries) if (e.key.toLowerCase() === 'country') countryEntry = e;
      continue;
    }
    // A section repeated in the file adds to the same country, as Asterisk merges categories.
    let zone = builders.get(name);
    if (!zone) builders.set(name, (zone = { description: '', ringcadence: [], tones: new Map(), at: undefined }));
    for (const e of section.entries) addEntry(zone, e, err);
  }

  const zones = new Map(base.zones);
  for (const [country, b] of builders) {
    if (b.description === '' || b.tones.size === 0) {
      errors.push({ file: b.at?.file ?? '', line: b.at?.line ?? 0, message: `Indication country '${country}' is invalid` }); // prettier-ignore
      continue;
    }
    const zone: ToneZone = { description: b.description, ringcadence: b.ringcadence, tones: b.tones };
    zones.set(country, zone);
  }

  let country = base.country;
  if (countryEntry !== undefined && countryEntry.value !== '') {
    const wanted = countryEntry.value.toLowerCase();
    if (zones.has(wanted)) country = wanted;
    else err(countryEntry, `Unable to set the default country (for indication tones): no zone '${countryEntry.value}'`); // prettier-ignore
  }
  return { indications: { country, zones }, errors };
}

function addEntry(zone: ZoneBuilder, e: ConfEntry, err: (e: ConfEntry, message: string) => void): void {
  zone.at ??= e;
  const key = e.key.toLowerCase();
  if (key === 'description') {
    zone.description = e.value;
  } else if (key === 'ringcadence') {
    for (const item of e.value.split(',')) {
      const s = item.trim();
      const digits = /^\d+/.exec(s);
      if (digits) zone.ringcadence.push(Number(digits[0]));
      else err(e, `Invalid ringcadence given '${s}'.`);
    }
  } else if (e.value !== '') {
    // Re-registering a name replaces it and moves it to the end of the zone's list.
    zone.tones.delete(key);
    zone.tones.set(key, e.value);
    const list = parseToneList(e.value);
    if (isToneListError(list)) err(e, `Tone '${e.key}' will not play: ${list.error}`);
    else if (list.skipped.length > 0) err(e, `Tone '${e.key}': skipped ${list.skipped.map((s) => `'${s}'`).join(', ')}`); // prettier-ignore
  }
}
