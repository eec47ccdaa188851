/**
 * A tiny .conf reader for these tests: `[section]` / `[name](!)`, `key => value` / `key = value`, `;` comments.
 * Enough for extensions.conf fixtures, so the dialplan tests do not depend on src/config/conf-parser.ts.
 */
import type { ConfEntry, ConfFile } from '../../src/config/conf-types.js';

interface MutableSection {
  name: string;
  isTemplate: boolean;
  templates: string[];
  entries: ConfEntry[];
}

export function confFromText(text: string, file = 'extensions.conf'): ConfFile {
  const sections: MutableSection[] = [];
  let current: MutableSection | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/;.*$/, '').trim();
    if (line === '') return;
    const section = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
    if (section) {
      const options = (section[2] ?? '').split(',').map((o) => o.trim());
      current = { name: section[1]!, isTemplate: options.includes('!'), templates: [], entries: [] };
      sections.push(current);
      return;
    }
    const entry = /^([^=]+?)\s*(=>|=)\s*(.*)$/.exec(line);
    if (entry && current) {
      const op = entry[2] === '=>' ? '=>' : '=';
      current.entries.push({ key: entry[1]!.trim(), value: entry[3]!, op, file, line: index + 1 });
    }
  });
  return { sections, errors: [] };
}

/** A small seeded PRNG (mulberry32), so random-input tests fail the same way every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random string of up to `maxLength` pieces drawn from `alphabet`. */
export function randomText(random: () => number, alphabet: readonly string[], maxLength: number): string {
  let out = '';
  const length = Math.floor(random() * (maxLength + 1));
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)]!;
  return out;
}
