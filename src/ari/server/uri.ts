/**
 * URL pieces as Asterisk's HTTP server reads them: `%XX` and `+` decoding (main/utils.c:ast_uri_decode with
 * ast_uri_http_legacy), `name=value&...` lists (main/http.c:ast_http_parse_post_form), and the split of a
 * request target into path and query.
 */
import type { AriParam } from './types.js';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * Decode one URL component: `%XX` → byte, `+` → space (legacy HTTP mode, used for path segments too);
 * a `%` not followed by two hex digits stays as it is. Bytes are read as UTF-8. Never throws.
 */
export function uriDecode(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  const bytes: number[] = [];
  const raw = Buffer.from(s, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x2b) {
      bytes.push(0x20);
    } else if (b === 0x25 && i + 2 < raw.length) {
      const hi = hexValue(raw[i + 1]!);
      const lo = hexValue(raw[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        bytes.push(hi * 16 + lo);
        i += 2;
      } else {
        bytes.push(b);
      }
    } else {
      bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `a=1&b=x+y&c` → [['a','1'],['b','x y'],['c','']] (each side decoded; a missing '=' gives ''). */
export function parseFormList(s: string): AriParam[] {
  const out: AriParam[] = [];
  if (s === '') return out;
  for (const part of s.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) out.push([uriDecode(part), '']);
    else out.push([uriDecode(part.slice(0, eq)), uriDecode(part.slice(eq + 1))]);
  }
  return out;
}

/** Split a request target into its path and its raw query string ('' when none). */
export function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q < 0 ? { path: target, query: '' } : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/** Normalize an http.conf prefix: '' or '/name' (no trailing slash). */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * The part of `path` below `<prefix>/ari/`, or undefined when the path is not ARI's. `/ari` and `/ari/` both
 * give '' (main/http.c hands ARI the text after "ari/"); the "ari" segment matches case-insensitively, like
 * main/http.c's URI handler lookup.
 */
export function ariRelativePath(path: string, prefix: string): string | undefined {
  if (prefix !== '' && !path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  if (rest.length < 4 || rest[0] !== '/' || rest.slice(1, 4).toLowerCase() !== 'ari') return undefined;
  if (rest.length === 4) return '';
  if (rest[4] !== '/') return undefined;
  return rest.slice(5);
}
