/**
 * Values inside pjsip.conf options: comma lists, codec lines, caller ids and identify `match` items. Parsers of
 * file text: they report problems (through `err` or a returned message) and never throw.
 */
import { isIP } from 'node:net';
import { parseIntInRange } from './ari-config.js';
import type { ConfEntry } from './conf-types.js';
import type { CodecName, IdentifyMatch } from './pjsip-types.js';

/** The codecs `allow`/`disallow` can name (what the media engine has). */
const KNOWN_CODECS: readonly CodecName[] = ['ulaw', 'alaw', 'g722', 'slin16'];

/** Reports a problem with one line of the file. */
export type Err = (e: ConfEntry, message: string) => void;

/** Comma-separated list, blanks trimmed, empty items dropped. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * `allow` / `disallow` applied to `codecs` in place, in file order: `all` adds or removes every known codec,
 * `!name` in an allow line removes it; a codec allowed twice keeps its first place. Unknown names are reported.
 */
export function applyCodecLine(codecs: CodecName[], e: ConfEntry, err: Err): void {
  const isAllow = e.key.toLowerCase() === 'allow';
  for (const item of splitList(e.value)) {
    const isNegated = item.startsWith('!');
    const name = (isNegated ? item.slice(1) : item).toLowerCase();
    const names = name === 'all' ? KNOWN_CODECS : KNOWN_CODECS.filter((c) => c === name);
    if (names.length === 0) {
      err(e, `Codec '${name}' is not supported (only ${KNOWN_CODECS.join(', ')}); ignored`);
      continue;
    }
    for (const c of names) {
      const at = codecs.indexOf(c);
      if (isAllow && !isNegated) {
        if (at < 0) codecs.push(c);
      } else if (at >= 0) codecs.splice(at, 1);
    }
  }
}

/** `"Name" <number>`, `Name <number>`, `<number>`, or a bare number or name (ast_callerid_split). */
export function parseCallerId(value: string): { name: string; number: string } {
  const m = /^\s*(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^>]*)>/.exec(value);
  if (m) return { name: (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1').trim(), number: m[3]!.trim() };
  const v = value.trim().replace(/^"(.*)"$/, '$1');
  return /^[0-9+*#]+$/.test(v) ? { name: '', number: v } : { name: v, number: '' };
}

/** Prefix length of a dotted IPv4 mask with contiguous ones, or undefined. */
function maskPrefix(mask: string): number | undefined {
  if (isIP(mask) !== 4) return undefined;
  const n = mask.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const bits = n.toString(2).padStart(32, '0');
  return /^1*0*$/.test(bits) ? bits.indexOf('0') < 0 ? 32 : bits.indexOf('0') : undefined; // prettier-ignore
}

/**
 * One identify `match` item: `ip`, `ip/cidr`, `ip/dotted-mask`, `ip:port`, `[v6]`, `[v6]:port`, `v6/prefix`.
 * Host names are resolved by Asterisk; Switchyard does not resolve them and returns an error.
 */
export function parseIdentifyMatch(item: string): IdentifyMatch | string {
  let text = item;
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?(\/.*)?$/.exec(text);
  if (bracket) {
    text = bracket[1]! + (bracket[3] ?? '');
    if (bracket[2] !== undefined) port = parseIntInRange(bracket[2], 1, 65535) ?? -1;
  } else if (/^[^:/]+:\d+$/.test(text)) {
    const [host, p] = text.split(':') as [string, string];
    text = host;
    port = parseIntInRange(p, 1, 65535) ?? -1;
  }
  if (port === -1) return `Invalid port in match '${item}'`;
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return `Host name or invalid address in match '${item}': host names are not supported`;
  const width = family === 4 ? 32 : 128;
  let prefix = width;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    const n = /^\d+$/.test(p) ? parseIntInRange(p, 0, width) : family === 4 ? maskPrefix(p) : undefined;
    if (n === undefined) return `Invalid mask in match '${item}'`;
    prefix = n;
  }
  const match = { address, prefix, family: family === 4 ? ('ipv4' as const) : ('ipv6' as const) };
  return port === undefined ? match : { ...match, port };
}
