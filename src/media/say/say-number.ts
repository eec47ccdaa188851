/*
 * SayNumber: an integer → the sound files Asterisk plays for it (main/say.c, English rules).
 *
 * English (`en`, `en_US`, … — any language starting with "en" except en_GB):
 *   0 → digits/0; a negative number → digits/minus first; 1–19 → digits/N; 20–99 → digits/<tens> then the
 *   unit if any (42 → digits/40 digits/2); 100–999 → digits/<hundreds> digits/hundred then the rest
 *   (115 → digits/1 digits/hundred digits/15, no "and"); thousands, millions and billions say their count by
 *   the same rules and then digits/thousand, digits/million, digits/billion (1 000 000 → digits/1 digits/million).
 *   2 147 483 647 (INT_MAX) and beyond are "too big"; Asterisk plays nothing for them.
 * British (`en_GB*`): the same, but "and" (the file vm-and) follows "hundred" when a remainder follows, and
 *   follows "thousand"/"million" when the remainder is below 100 (1005 → … digits/thousand vm-and digits/5);
 *   no billions: 1 000 000 000 and beyond are too big.
 * Every other language: Asterisk has its own rules for about 25 of them; we use the English rules for all of
 * them (the sound names are the same; the caller plays them from the channel's language folder).
 */

export interface SayError {
  readonly error: string;
}

/** C int range; Asterisk's English rules refuse INT_MAX itself. */
const INT_MAX = 2 ** 31 - 1;
const BILLION = 1_000_000_000;
const MILLION = 1_000_000;
const THOUSAND = 1000;
const HUNDRED = 100;

export function isSayError(v: readonly string[] | SayError): v is SayError {
  return 'error' in v;
}

/** Sound names for `n` in `language` (default English). */
export function sayNumber(n: number, language = 'en'): string[] | SayError {
  if (!Number.isSafeInteger(n)) return { error: `'${n}' is not an integer` };
  const british = language.toLowerCase().startsWith('en_gb');
  const limit = british ? BILLION : INT_MAX;
  if (Math.abs(n) >= limit) return { error: `Number '${n}' is too big` };
  if (n === 0) return ['digits/0'];
  const out: string[] = [];
  if (n < 0) out.push('digits/minus');
  if (british) sayBritish(Math.abs(n), out);
  else sayEnglish(Math.abs(n), out);
  return out;
}

/** 1 ≤ n < INT_MAX. */
function sayEnglish(n: number, out: string[]): void {
  const groups: readonly [number, string][] = [
    [BILLION, 'digits/billion'],
    [MILLION, 'digits/million'],
    [THOUSAND, 'digits/thousand'],
  ];
  for (const [size, name] of groups) {
    if (n >= size) {
      sayEnglish(Math.floor(n / size), out);
      out.push(name);
      n %= size;
    }
  }
  sayBelowThousand(n, out, false);
}

/** 1 ≤ n < 1e9. */
function sayBritish(n: number, out: string[]): void {
  const groups: readonly [number, string][] = [
    [MILLION, 'digits/million'],
    [THOUSAND, 'digits/thousand'],
  ];
  for (const [size, name] of groups) {
    if (n >= size) {
      sayBritish(Math.floor(n / size), out);
      out.push(name);
      n %= size;
      if (n > 0 && n < HUNDRED) out.push('vm-and');
    }
  }
  sayBelowThousand(n, out, true);
}

/** 0 ≤ n < 1000; 0 says nothing. */
function sayBelowThousand(n: number, out: string[], withAnd: boolean): void {
  if (n >= HUNDRED) {
    out.push(`digits/${Math.floor(n / HUNDRED)}`, 'digits/hundred');
    n %= HUNDRED;
    if (withAnd && n > 0) out.push('vm-and');
  }
  if (n >= 20) {
    out.push(`digits/${Math.floor(n / 10) * 10}`);
    n %= 10;
  }
  if (n > 0) out.push(`digits/${n}`);
}
