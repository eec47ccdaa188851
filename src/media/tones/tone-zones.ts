/*
 * Tone zones (Asterisk "indications"): per country, named tone lists such as `dial`, `busy` and `ring`, plus
 * the ring cadence a phone's bell uses. This is the plain shape config/indications-config.ts produces and
 * builtin-tone-zones.ts provides.
 *
 * Resolution, as ARI's `tone:` playback and PlayTones do it (main/app.c ast_control_tone, app_playtones):
 * 1. The zone is the URI's `;tonezone=`, else the channel's zone, else the default country. A zone that does
 *    not exist falls through to the next one. Countries and tone names match case-insensitively.
 * 2. If the zone has a tone of that name, its tone list plays; otherwise the text itself is parsed as a tone
 *    list (`tone:425/500,0/500`), so an unknown name fails as an unparseable list.
 * Splitting `tone:<indication or tone list>[;tonezone=<country>]` is the caller's: `parseToneUri` does it.
 */
import { parseToneList, type ToneList, type ToneListError } from './tone-list.js';

export interface ToneZone {
  /** Full name of the country, in English. */
  readonly description: string;
  /** On/off durations of the physical bell, ms. */
  readonly ringcadence: readonly number[];
  /** Tone name (lower-case) → tone list text. */
  readonly tones: ReadonlyMap<string, string>;
}

/** Country code (lower-case) → zone. */
export type ToneZones = ReadonlyMap<string, ToneZone>;

export interface IndicationsData {
  /** Default country, used when a channel has no zone of its own. */
  readonly country: string;
  readonly zones: ToneZones;
}

/** A zone by country, case-insensitively. */
export function findToneZone(zones: ToneZones, country: string | undefined): ToneZone | undefined {
  return country === undefined || country === '' ? undefined : zones.get(country.toLowerCase());
}

/**
 * `spec` (a tone name or a tone list) → the tone list to play. `countries` are tried in order and the first
 * that exists is the zone (pass URI zone, channel zone, default country; undefined entries are skipped).
 */
export function resolveTone(
  spec: string,
  countries: string | readonly (string | undefined)[] | undefined,
  zones: ToneZones,
): ToneList | ToneListError {
  if (spec === '') return { error: 'empty tone' };
  const list = typeof countries === 'string' || countries === undefined ? [countries] : countries;
  let zone: ToneZone | undefined;
  for (const country of list) {
    zone = findToneZone(zones, country);
    if (zone) break;
  }
  const named = zone?.tones.get(spec.toLowerCase());
  return parseToneList(named ?? spec);
}

export interface ToneUri {
  /** A tone name or a tone list. */
  readonly indication: string;
  /** The `tonezone=` country, when given. */
  readonly tonezone?: string;
}

/**
 * The part of an ARI `tone:` URI after the scheme: `<indication>[;tonezone=<country>]`. As in Asterisk, the
 * text after the first `;` must start with `tonezone=` (case-sensitive); anything else is an error.
 */
export function parseToneUri(text: string): ToneUri | ToneListError {
  const semi = text.indexOf(';');
  if (semi < 0) return { indication: text };
  const indication = text.slice(0, semi);
  const rest = text.slice(semi + 1);
  if (rest === '') return { indication };
  if (!rest.startsWith('tonezone=')) return { error: `Unexpected Tone URI component: ${rest}` };
  return { indication, tonezone: rest.slice('tonezone='.length) };
}
