/**
 * sorcery.conf → which res_pjsip object types ARI may create, update and delete. Asterisk keeps endpoints,
 * AORs, auths and identifies in its config-file wizard unless sorcery.conf adds a writable wizard for the type:
 * `[res_pjsip]` `endpoint=memory` (or astdb, realtime), identify under `[res_pjsip_endpoint_identifier_ip]`.
 * Without one, ARI's PUT answers 403 "Cannot create sorcery objects of type ..." and Switchyard does the same.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConf } from '../../../config/conf-parser.js';
import type { ConfFile } from '../../../config/conf-types.js';

export type WritableType = 'endpoint' | 'aor' | 'auth' | 'identify';

/** The sorcery.conf section that maps each type (the module that applies the type's config). */
const SECTION_OF: Record<WritableType, string> = {
  endpoint: 'res_pjsip',
  aor: 'res_pjsip',
  auth: 'res_pjsip',
  identify: 'res_pjsip_endpoint_identifier_ip',
};

/** Wizards that can hold objects created at run time (Switchyard keeps them in memory in every case). */
const WRITABLE_WIZARDS = new Set(['memory', 'astdb', 'realtime']);

/** The types with a writable wizard in `file`. */
export function writableTypes(file: ConfFile): Set<WritableType> {
  const out = new Set<WritableType>();
  for (const [type, sectionName] of Object.entries(SECTION_OF) as [WritableType, string][]) {
    for (const section of file.sections) {
      if (section.name !== sectionName) continue;
      for (const e of section.entries) {
        const wizard = e.value.split(',')[0]?.trim().toLowerCase() ?? '';
        if (e.key.toLowerCase() === type && WRITABLE_WIZARDS.has(wizard)) out.add(type);
      }
    }
  }
  return out;
}

/** sorcery.conf of `dir`; an absent or unreadable file maps nothing (Asterisk's default: config file only). */
export function loadWritableTypes(dir: string): Set<WritableType> {
  let text: string;
  try {
    text = readFileSync(join(dir, 'sorcery.conf'), 'utf8');
  } catch {
    return new Set();
  }
  return writableTypes(parseConf(text, { file: 'sorcery.conf' }));
}
