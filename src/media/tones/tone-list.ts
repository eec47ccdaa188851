/*
 * Tone lists — the `tonelist` syntax of Asterisk's indications.conf and of PlayTones / ARI `tone:` playback
 * (what `ast_playtones_start` accepts):
 *
 *     tonelist = element *( "," element )          ; "|" separates instead when the string contains one
 *     element  = [ "!" ] freq [ ( "+" | "*" ) freq ] [ "/" duration ]
 *     freq     = hz | "M" midi-note                 ; both freqs of an element use the same form
 *
 * Behaviour copied from Asterisk (main/indications.c), stated as facts:
 * - `f1+f2` sums two sines; `f1*f2` is f1 amplitude-modulated by f2; a frequency of 0 is silence.
 * - `/duration` is in ms; an element without one (or with 0) plays forever, `!` or not.
 * - The list repeats from the first element written without `!`; if every element has `!`, it plays once.
 * - `M<n>` is MIDI note n (0–127), taken as floor(440 · 2^((n − 69) / 12)) Hz; a note above 127 is 0 Hz.
 * - Elements are trimmed; the list ends at the first empty element (`a,,b` is just `a`).
 * - An element that does not parse is skipped (Asterisk logs an error); the list fails only when no element
 *   parses. The repeat position is decided before the element is parsed, so a bad element without `!` still
 *   makes the list repeat from the next good one.
 * - Text after a complete element is ignored (`425/500ms` is 425 Hz for 500 ms), as sscanf stops there.
 */

export interface TonePart {
  /** First frequency, Hz (0: silent). */
  readonly freq1Hz: number;
  /** Second frequency, Hz (0: none). */
  readonly freq2Hz: number;
  /** True for `f1*f2`: f1 amplitude-modulated by f2; false for `f1+f2`, a sum. */
  readonly modulate: boolean;
  /** How long the part plays, ms; 0 = forever. */
  readonly durationMs: number;
}

export interface ToneList {
  readonly parts: readonly TonePart[];
  /** Index the list restarts from after its last part; -1 = play once, then stop. */
  readonly repeatFrom: number;
  /** Elements that did not parse and were skipped, as written. */
  readonly skipped: readonly string[];
}

export interface ToneListError {
  readonly error: string;
}

export function isToneListError(v: ToneList | ToneListError): v is ToneListError {
  return 'error' in v;
}

/** sscanf's %u reads at most 30 digits; we also refuse what does not fit its 32-bit target. */
const MAX_UINT32 = 0xffff_ffff;
const MIDI_NOTES = 128;
const MIDI_A4 = 69;
const A4_HZ = 440;

/** MIDI note → Hz as Asterisk's table has it: the equal-tempered pitch rounded down; out of range → 0. */
export function midiNoteHz(note: number): number {
  if (!Number.isInteger(note) || note < 0 || note >= MIDI_NOTES) return 0;
  return Math.floor(A4_HZ * Math.pow(2, (note - MIDI_A4) / 12) + 1e-9);
}

/** Parses a tone list; never throws. */
export function parseToneList(text: string): ToneList | ToneListError {
  const separator = text.includes('|') ? '|' : ',';
  const parts: TonePart[] = [];
  const skipped: string[] = [];
  let repeatFrom = -1;
  for (const raw of text.split(separator)) {
    if (raw === '') break; // the element loop stops at the first empty element
    let s = stripBlanks(raw);
    if (s.startsWith('!')) s = s.slice(1);
    else if (repeatFrom === -1) repeatFrom = parts.length;
    const part = parseTonePart(s);
    if (part === undefined) skipped.push(raw);
    else parts.push(part);
  }
  if (parts.length === 0) return { error: `no valid tone parts in '${text}'` };
  // A bad last element may have set the repeat position past the end; Asterisk reads beyond its array there.
  if (repeatFrom >= parts.length) repeatFrom = -1;
  return { parts, repeatFrom, skipped };
}

/** One element without its `!`: `f`, `f/t`, `f1+f2`, `f1+f2/t`, `f1*f2`, `f1*f2/t`, or the same with `M` notes. */
export function parseTonePart(s: string): TonePart | undefined {
  const isMidi = s.startsWith('M');
  let at = isMidi ? 1 : 0;
  const first = readUint(s, at);
  if (first === undefined) return undefined;
  at = first.end;
  let freq2: number | undefined; // none: 0 Hz (for notes too: Asterisk's placeholder note -1 maps to 0 Hz)
  let modulate = false;
  let durationMs = 0;
  const op = s[at];
  if (op === '+' || op === '*') {
    // The second frequency must have the first's form; if it does not parse, the element is `f` alone.
    const markOk = !isMidi || s[at + 1] === 'M';
    const second = markOk ? readUint(s, at + (isMidi ? 2 : 1)) : undefined;
    if (second !== undefined) {
      freq2 = second.value;
      modulate = op === '*';
      durationMs = readDuration(s, second.end);
    }
  } else {
    durationMs = readDuration(s, at);
  }
  return {
    freq1Hz: isMidi ? midiNoteHz(first.value) : first.value,
    freq2Hz: freq2 === undefined ? 0 : isMidi ? midiNoteHz(freq2) : freq2,
    modulate,
    durationMs,
  };
}

function readDuration(s: string, at: number): number {
  if (s[at] !== '/') return 0;
  return readUint(s, at + 1)?.value ?? 0;
}

/** Like sscanf's %u without a sign: optional white space, then decimal digits. */
function readUint(s: string, from: number): { value: number; end: number } | undefined {
  let i = from;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const start = i;
  while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
  if (i === start) return undefined;
  const value = Number(s.slice(start, i));
  return value > MAX_UINT32 ? undefined : { value, end: i };
}

/** C isspace(): space, \t, \n, \v, \f, \r. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** ast_strip: drops leading and trailing characters at or below the space. */
function stripBlanks(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}
