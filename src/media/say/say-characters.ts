/*
 * SayDigits and SayAlpha / SayAlphaCase: a string → the sound files Asterisk plays for it (main/say.c; the
 * same for every language, only the folder the files come from differs).
 *
 * SayDigits: 0–9 → digits/N, `*` → digits/star, `#` → digits/pound, `-` → digits/minus; every other character
 *   is skipped silently, and so is one whose file does not exist.
 * SayAlpha: letters → letters/a … letters/z (upper case folded); digits → digits/N; `*` digits/star,
 *   `#` digits/pound, `!` letters/exclaimation-point (sic), `@` letters/at, `$` letters/dollar, `-` letters/dash,
 *   `.` letters/dot, `=` letters/equals, `+` letters/plus, `/` letters/slash, space letters/space. Anything else
 *   is looked up as letters/<char>. When the chosen file does not exist, letters/ascii<code> is tried (the core
 *   set has it for " % & ' ( ) , : ; < > ? [ \ ] ^ _ ` { | } ~), and if that is missing too the character is
 *   skipped. letters/zed exists in the core set but Asterisk never picks it.
 * SayAlphaCase: `upper` puts the sound `uppercase` before each upper-case letter, `lower` puts `lowercase`
 *   before each lower-case letter, `all` does both, `none` neither (SayAlphaCase options u, l, a, n).
 */
import { coreSoundExists, type SoundExists } from './core-sounds.js';

export type SayCase = 'none' | 'upper' | 'lower' | 'all';

/** SayAlphaCase's one-letter option → SayCase; undefined for anything else (Asterisk logs and says nothing). */
export function sayCaseFromOption(option: string): SayCase | undefined {
  switch (option) {
    case 'a':
      return 'all';
    case 'l':
      return 'lower';
    case 'n':
      return 'none';
    case 'u':
      return 'upper';
    default:
      return undefined;
  }
}

const SYMBOLS: Readonly<Record<string, string>> = {
  '*': 'digits/star',
  '#': 'digits/pound',
  '!': 'letters/exclaimation-point',
  '@': 'letters/at',
  $: 'letters/dollar',
  '-': 'letters/dash',
  '.': 'letters/dot',
  '=': 'letters/equals',
  '+': 'letters/plus',
  '/': 'letters/slash',
  ' ': 'letters/space',
};

const DIGIT_SYMBOLS: Readonly<Record<string, string>> = {
  '*': 'digits/star',
  '#': 'digits/pound',
  '-': 'digits/minus',
};

const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';

/** SayDigits. */
export function sayDigits(text: string, exists: SoundExists = coreSoundExists): string[] {
  const out: string[] = [];
  for (const ch of text) {
    const name = isDigit(ch) ? `digits/${ch}` : DIGIT_SYMBOLS[ch];
    if (name !== undefined && exists(name)) out.push(name);
  }
  return out;
}

export interface SayCharactersOptions {
  readonly case?: SayCase;
  readonly exists?: SoundExists;
}

/** SayAlpha (case `none`) and SayAlphaCase. */
export function sayCharacters(text: string, opts: SayCharactersOptions = {}): string[] {
  const exists = opts.exists ?? coreSoundExists;
  const mode = opts.case ?? 'none';
  const out: string[] = [];
  const add = (name: string, ch: string): void => {
    if (exists(name)) out.push(name);
    else {
      const ascii = `letters/ascii${ch.codePointAt(0)!}`;
      if (exists(ascii)) out.push(ascii);
    }
  };
  for (const ch of text) {
    const isUpper = ch >= 'A' && ch <= 'Z';
    const isLower = ch >= 'a' && ch <= 'z';
    if (isUpper && (mode === 'upper' || mode === 'all')) add('uppercase', ch);
    else if (isLower && (mode === 'lower' || mode === 'all')) add('lowercase', ch);
    add(characterSound(ch), ch);
  }
  return out;
}

function characterSound(ch: string): string {
  if (isDigit(ch)) return `digits/${ch}`;
  return SYMBOLS[ch] ?? `letters/${ch >= 'A' && ch <= 'Z' ? ch.toLowerCase() : ch}`; // only A–Z fold
}
