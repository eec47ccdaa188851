/**
 * The lenient value conversions of Asterisk's generated parameter parsing (rest-api-templates/
 * param_parsing.mustache): C `atoi`/`atol`/`atof`, `ast_true`, and `ast_app_separate_args` for
 * allowMultiple values. None of them fails: garbage converts to 0 / false (semantics.md §1.3).
 */

const SPACE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);

/** The digits `strtol` would read (leading C whitespace, optional sign), as a BigInt; 0n for none. */
function leadingInteger(s: string): bigint {
  let i = 0;
  while (i < s.length && SPACE.has(s[i]!)) i++;
  let sign = 1n;
  if (s[i] === '+' || s[i] === '-') {
    if (s[i] === '-') sign = -1n;
    i++;
  }
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === start) return 0n;
  return sign * BigInt(s.slice(start, i));
}

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/** C `atol` on a 64-bit platform: `strtol` saturating at LONG_MIN/LONG_MAX (as a JS number). */
export function atol(s: string): number {
  let v = leadingInteger(s);
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < LONG_MIN) v = LONG_MIN;
  return Number(v);
}

/** C `atoi` with glibc: `(int) strtol(s)`, i.e. saturate to 64 bits, then keep the low 32 bits. */
export function atoi(s: string): number {
  let v = leadingInteger(s);
  if (v > LONG_MAX) v = LONG_MAX;
  if (v < LONG_MIN) v = LONG_MIN;
  return Number(BigInt.asIntN(32, v));
}

/** C `atof`: the longest leading decimal number (after whitespace), 0 when there is none. */
export function atof(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(s);
  if (!m) return 0;
  const v = Number(m[1]);
  return Number.isNaN(v) ? 0 : v;
}

const TRUE_WORDS = new Set(['yes', 'true', 'y', 't', '1', 'on']);

/** main/utils.c:ast_true — yes/true/y/t/1/on, case-insensitive; anything else is false. */
export function isTrue(s: string): boolean {
  return TRUE_WORDS.has(s.toLowerCase());
}

/**
 * main/app.c:__ast_app_separate_args with remove_chars: split on `delim` outside of double quotes,
 * parentheses and square brackets; quote characters are removed, a backslash makes the next character
 * literal. A trailing delimiter yields a final empty item. The empty string is one empty item (the generated
 * ARI code special-cases it the same way).
 */
export function separateArgs(s: string, delim = ','): string[] {
  if (s === '') return [''];
  const out: string[] = [];
  let cur = '';
  let paren = 0;
  let bracket = 0;
  let quote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '(') {
      paren++;
    } else if (c === ')') {
      if (paren > 0) paren--;
    } else if (c === '[') {
      bracket++;
    } else if (c === ']') {
      if (bracket > 0) bracket--;
    } else if (c === '"') {
      quote = !quote;
      continue; // the quote character is removed
    } else if (c === '\\') {
      i++; // the backslash is removed, the next character taken literally
      if (i < s.length) cur += s[i]!;
      continue;
    } else if (c === delim && paren === 0 && bracket === 0 && !quote) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out;
}

/** ARI's MAX_VALS: a multi-valued parameter with this many items or more is refused with 400. */
export const MAX_VALS = 128;
