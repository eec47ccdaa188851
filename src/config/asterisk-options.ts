/**
 * asterisk.conf `[options]` limits that decide whether a new call is admitted (main/options.c): `maxcalls`
 * (calls at once; 0 = no limit), `maxload` (1-minute load average; 0 = none), `minmemfree` (MB of free system
 * memory below which new calls are refused; 0 = none). Asterisk ignores a value it cannot read (it keeps 0);
 * so does this, with a warning. Switchyard adds `maxheapmb`: the server's own JavaScript heap ceiling (0 = none).
 */
import os from 'node:os';
import type { ConfError, ConfFile } from './conf-types.js';

export interface AdmissionLimits {
  readonly maxcalls: number;
  readonly maxload: number;
  readonly minmemfreeMb: number;
  readonly maxheapMb: number;
}

export const NO_LIMITS: AdmissionLimits = { maxcalls: 0, maxload: 0, minmemfreeMb: 0, maxheapMb: 0 };

const KEYS: Record<string, keyof AdmissionLimits> = {
  maxcalls: 'maxcalls',
  maxload: 'maxload',
  minmemfree: 'minmemfreeMb',
  maxheapmb: 'maxheapMb',
};

/** Reads the limits from asterisk.conf's `[options]` (the last value of a key wins, as in Asterisk). */
export function parseAdmissionLimits(file: ConfFile | undefined): { limits: AdmissionLimits; errors: ConfError[] } {
  const limits: { -readonly [K in keyof AdmissionLimits]: number } = { ...NO_LIMITS };
  const errors: ConfError[] = [];
  for (const section of file?.sections ?? []) {
    if (section.name !== 'options' || section.isTemplate) continue;
    for (const entry of section.entries) {
      const field = KEYS[entry.key.toLowerCase()];
      if (field === undefined) continue;
      // sscanf("%d") / ("%lf"): leading number, the rest ignored; negative or unreadable → 0 (options.c).
      const n = field === 'maxload' ? parseFloat(entry.value) : parseInt(entry.value, 10);
      if (!Number.isFinite(n) || n < 0) {
        errors.push({
          file: entry.file,
          line: entry.line,
          message: `Invalid ${entry.key} '${entry.value}' (no limit)`,
        });
        limits[field] = 0;
      } else limits[field] = n;
    }
  }
  return { limits, errors };
}

/** The values ast_true() reads as yes. */
const TRUE_WORDS = new Set(['yes', 'true', 'y', 't', '1', 'on']);

/**
 * asterisk.conf `[options]` `systemname` (and `autosystemname = yes`, which takes the host's name): what
 * `${SYSTEMNAME}` and AsteriskInfo `config.name` report. Asterisk leaves it empty when neither is set; the entries
 * are applied in file order, so the later of the two wins (main/options.c).
 */
export function parseSystemName(file: ConfFile | undefined, hostname: () => string = os.hostname): string {
  let name = '';
  for (const section of file?.sections ?? []) {
    if (section.name !== 'options' || section.isTemplate) continue;
    for (const entry of section.entries) {
      const key = entry.key.toLowerCase();
      if (key === 'systemname') name = entry.value;
      else if (key === 'autosystemname' && TRUE_WORDS.has(entry.value.trim().toLowerCase())) name = hostname();
    }
  }
  return name;
}
