/*
 * The Asterisk core English sound names the say functions can produce, so they can decide, without touching the
 * disk, what Asterisk decides with ast_fileexists(): SayDigits and SayAlpha skip a character whose file does
 * not exist, and SayAlpha then tries `letters/ascii<code>`. The list matches the asterisk-core-sounds-en
 * package (digits/, letters/, uppercase, lowercase, vm-and); callers with other sound sets pass their own
 * `exists` predicate instead.
 */

/** Sound name (no extension) → does it exist? */
export type SoundExists = (name: string) => boolean;

const DIGIT_NAMES = [
  ...Array.from({ length: 21 }, (_, n) => String(n)),
  ...['30', '40', '50', '60', '70', '80', '90'],
  ...['hundred', 'thousand', 'million', 'billion', 'minus', 'star', 'pound'],
].map((n) => `digits/${n}`);

/** The symbol recordings; `exclaimation-point` is the file's real (misspelt) name. */
const LETTER_SYMBOLS = ['at', 'dash', 'dollar', 'dot', 'equals', 'exclaimation-point', 'plus', 'slash', 'space'];

/** ASCII codes with a `letters/ascii<code>` recording in the core set. */
const ASCII_CODES = [
  34, 36, 37, 38, 39, 40, 41, 42, 44, 58, 59, 60, 62, 63, 91, 92, 93, 94, 95, 96, 123, 124, 125, 126,
];

const LETTER_NAMES = [
  ...Array.from({ length: 26 }, (_, i) => String.fromCharCode(0x61 + i)),
  ...LETTER_SYMBOLS,
  ...ASCII_CODES.map((c) => `ascii${c}`),
].map((n) => `letters/${n}`);

export const CORE_SOUND_NAMES: ReadonlySet<string> = new Set([
  ...DIGIT_NAMES,
  ...LETTER_NAMES,
  'uppercase',
  'lowercase',
  'vm-and',
]);

export const coreSoundExists: SoundExists = (name) => CORE_SOUND_NAMES.has(name);
