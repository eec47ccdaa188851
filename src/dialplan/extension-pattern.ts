/**
 * Extension names and patterns as main/pbx.c matches and orders them (`_extension_match_core`, `ext_cmp`,
 * `ext_cmp_pattern_pos`). A name starting with `_` is a pattern: `X` = [0-9], `Z` = [1-9], `N` = [2-9] (the
 * letters in either case), `[1-5a]` a set with ranges, `.` one or more further characters, `!` zero or more;
 * any other character matches itself exactly. `-` and spaces are decoration: ignored in the pattern and `-`
 * also in the dialled string. `name/cid` adds a caller-id match (pbx_config.c splits at the first `/`).
 *
 * Ordering (what `pbx_find_extension` walks, first match wins — Asterisk's default, not the optional
 * `extenpatternmatchnew` trie): literal names first, by character code ignoring `-`; then patterns, compared
 * position by position by Asterisk's weight `(number of characters the position accepts) << 8 | lowest
 * character`, so a literal character < N (8) < Z (9) < X (10) < a wider set < `.` (0x18000) < `!` (0x28000) <
 * end of pattern (0x30000) < an unterminated `[` (0x40000); equal weights are decided by the set itself (the one
 * holding the lowest differing character first). Names equal by that order are told apart by caller id: with a
 * `/cid` first, then by the cid's own order.
 */
import { shrinkPhoneNumber } from '../core/channel/party-id.js';

/** One position of a pattern. `chars` covers literals, X/Z/N and `[...]` sets. */
export type PatternElement =
  | {
      readonly kind: 'chars';
      /** Inclusive code ranges this position accepts. */
      readonly ranges: readonly (readonly [number, number])[];
      /** A `-` in the pattern: skipped when matching, a literal when ordering (as pbx.c does). */
      readonly isDash: boolean;
      /** `ext_cmp_pattern_pos`'s score: count << 8 | lowest character. */
      readonly weight: number;
      /** The 256-bit set `ext_cmp_pattern_pos` builds, for ties. */
      readonly bits: Uint8Array;
      /** Ranges beyond one byte, which Asterisk never sees; a last tie-break so the order stays total. */
      readonly wide: string;
    }
  | { readonly kind: 'one-or-more' }
  | { readonly kind: 'zero-or-more' }
  /** `[` without `]`: matches nothing (`_extension_match_core` fails unconditionally). */
  | { readonly kind: 'bad-set' };

export interface ExtensionPattern {
  /** The name as written, including any `/cid`. */
  readonly source: string;
  /** The extension part (before the first `/`). */
  readonly exten: string;
  readonly isPattern: boolean;
  /** Literal names: the name without `-`, what `ext_cmp_exten` compares. */
  readonly literal: string;
  /** Patterns: the positions after the `_`, spaces dropped. */
  readonly elements: readonly PatternElement[];
  /** The caller-id part, shrunk like pbx_config.c does (`ast_shrink_phone_number`); undefined without `/`. */
  readonly cid: ExtensionPattern | undefined;
}

const WEIGHT_ONE_OR_MORE = 0x18000;
const WEIGHT_ZERO_OR_MORE = 0x28000;
const WEIGHT_END = 0x30000;
const WEIGHT_BAD_SET = 0x40000;
const EMPTY_BITS = new Uint8Array(32);

function charsElement(ranges: (readonly [number, number])[], isDash = false): PatternElement {
  const bits = new Uint8Array(32);
  let count = 0;
  let min = 0xff;
  for (const [lo, hi] of ranges) {
    min = Math.min(min, lo);
    for (let c = lo; c <= hi && c <= 0xff; c++) {
      const mask = 1 << (7 - (c % 8));
      if ((bits[c >> 3]! & mask) === 0) {
        bits[c >> 3]! |= mask;
        count++;
      }
    }
    if (hi > 0xff && hi >= lo) count += hi - Math.max(lo, 0x100) + 1; // outside Asterisk's byte range: counted, not mapped
  }
  const weight = Math.min(count, 0x100) * 0x100 + Math.min(min, 0xff);
  const wide = ranges
    .filter(([, hi]) => hi > 0xff)
    .map(([lo, hi]) => `${lo}-${hi}`)
    .join(',');
  return { kind: 'chars', ranges, isDash, weight, bits, wide };
}

const DIGIT = (lo: string): PatternElement => charsElement([[lo.charCodeAt(0), 0x39]]);
const SPECIAL: Readonly<Record<string, PatternElement>> = { X: DIGIT('0'), Z: DIGIT('1'), N: DIGIT('2') };

/** Parse the part after `_`; `[` sets end at the first `]`, `a-b` is a range when a character follows the `-`. */
function compileElements(body: string): PatternElement[] {
  const out: PatternElement[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === ' ') continue;
    const special = SPECIAL[c.toUpperCase()];
    if (special) out.push(special);
    else if (c === '.') out.push({ kind: 'one-or-more' });
    else if (c === '!') out.push({ kind: 'zero-or-more' });
    else if (c === '[') {
      const end = body.indexOf(']', i + 1);
      if (end === -1) {
        out.push({ kind: 'bad-set' }); // the rest still counts for ordering, as in ext_cmp_pattern_pos
        continue;
      }
      const ranges: [number, number][] = [];
      for (let p = i + 1; p < end; p++) {
        if (p + 2 < end && body[p + 1] === '-') {
          ranges.push([body.charCodeAt(p), body.charCodeAt(p + 2)]);
          p += 2;
        } else ranges.push([body.charCodeAt(p), body.charCodeAt(p)]);
      }
      out.push(charsElement(ranges));
      i = end;
    } else out.push(charsElement([[c.charCodeAt(0), c.charCodeAt(0)]], c === '-'));
  }
  return out;
}

/** Compile an extension name (`123`, `_NXX.`, `s`, `100/_555X`) once; never throws. */
export function compilePattern(name: string): ExtensionPattern {
  const slash = name.indexOf('/');
  const exten = slash === -1 ? name : name.slice(0, slash);
  const cid = slash === -1 ? undefined : compilePattern(shrinkCid(name.slice(slash + 1)));
  const isPattern = exten.startsWith('_');
  return {
    source: name,
    exten,
    isPattern,
    literal: isPattern ? '' : exten.replaceAll('-', ''),
    elements: isPattern ? compileElements(exten.slice(1)) : [],
    cid,
  };
}

/** callerid.c ast_shrink_phone_number, which pbx_config.c applies to the cid part (no `/` survives it). */
function shrinkCid(n: string): string {
  return shrinkPhoneNumber(n).replaceAll('/', '');
}

function accepts(ranges: readonly (readonly [number, number])[], code: number): boolean {
  for (const [lo, hi] of ranges) if (code >= lo && code <= hi) return true;
  return false;
}

/** `_extension_match_core` in E_MATCH mode: does `exten` (a dialled string) match the whole pattern? */
export function matchExtension(pattern: ExtensionPattern | string, exten: string): boolean {
  const p = typeof pattern === 'string' ? compilePattern(pattern) : pattern;
  if (!p.isPattern) return p.literal === exten.replaceAll('-', '');
  // pbx.c: "if this test is left out, then _x. will not match _x. !!!"
  if (p.exten.toLowerCase() === exten.toLowerCase()) return true;
  const els = p.elements;
  let i = 0;
  let k = 0;
  while (i < exten.length && k < els.length) {
    if (exten[i] === '-') {
      i++;
      continue;
    }
    const el = els[k]!;
    switch (el.kind) {
      case 'one-or-more': // something is left to match: "Must match, even with more digits"
      case 'zero-or-more':
        return true;
      case 'bad-set':
        return false;
      case 'chars':
        if (el.isDash) {
          k++;
          continue;
        }
        if (!accepts(el.ranges, exten.charCodeAt(i))) return false;
    }
    i++;
    k++;
  }
  if (i < exten.length) return false; // the dialled string is longer than the pattern
  // The string ran out: an exact end, or a `!` that also accepts nothing; anything else is only a prefix.
  return k === els.length || els[k]!.kind === 'zero-or-more';
}

/** pbx.c `matchcid`: without a caller id only cid-less extensions match. */
export function matchCallerId(pattern: ExtensionPattern, callerId: string | undefined): boolean {
  if (!pattern.cid) return true;
  if (!callerId) return pattern.cid.exten === '';
  return matchExtension(pattern.cid, callerId);
}

function elementWeight(el: PatternElement | undefined): number {
  if (el === undefined) return WEIGHT_END;
  switch (el.kind) {
    case 'chars':
      return el.weight;
    case 'one-or-more':
      return WEIGHT_ONE_OR_MORE;
    case 'zero-or-more':
      return WEIGHT_ZERO_OR_MORE;
    case 'bad-set':
      return WEIGHT_BAD_SET;
  }
}

function compareBits(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function compareLiterals(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `ext_cmp_pattern`: position by position; equal weights compare the sets (`memcmp(right, left)`). */
function comparePatterns(a: readonly PatternElement[], b: readonly PatternElement[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const ea = a[i];
    const eb = b[i];
    const diff = elementWeight(ea) - elementWeight(eb);
    if (diff !== 0) return diff;
    const bitsA = ea?.kind === 'chars' ? ea.bits : EMPTY_BITS;
    const bitsB = eb?.kind === 'chars' ? eb.bits : EMPTY_BITS;
    const bits = compareBits(bitsB, bitsA);
    if (bits !== 0) return bits;
    const wide = compareLiterals(ea?.kind === 'chars' ? ea.wide : '', eb?.kind === 'chars' ? eb.wide : '');
    if (wide !== 0) return wide;
  }
  return 0;
}

/** Order two extension names (without their cid parts) like pbx.c `ext_cmp`: negative when `a` comes first. */
function compareNames(a: ExtensionPattern, b: ExtensionPattern): number {
  if (!a.isPattern) return b.isPattern ? -1 : compareLiterals(a.literal, b.literal);
  if (!b.isPattern) return 1;
  return comparePatterns(a.elements, b.elements);
}

/**
 * The order `pbx_find_extension` walks a context in (ast_add_extension2 keeps the list sorted this way).
 * Zero means "the same extension": their priorities belong together.
 */
export function compareExtensions(a: ExtensionPattern, b: ExtensionPattern): number {
  const byName = compareNames(a, b);
  if (byName !== 0) return byName;
  if (!a.cid || !b.cid) return a.cid ? -1 : b.cid ? 1 : 0; // ast_add_extension2: with a cid sorts first
  return compareNames(a.cid, b.cid);
}
