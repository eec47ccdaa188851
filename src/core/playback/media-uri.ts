/**
 * ARI media URIs → what the media plane plays (res_stasis_playback.c play_on_channel, semantics.md §8.1).
 *
 * | scheme        | plays                                                    | controllable |
 * |---------------|----------------------------------------------------------|--------------|
 * | `sound:`      | a sound file, language fallback                          | yes          |
 * | `recording:`  | a stored recording (name relative to the recordings dir) | yes          |
 * | `number:`     | SayNumber of the integer `%d` reads from the text        | no           |
 * | `digits:`     | SayDigits                                                | no           |
 * | `characters:` | SayAlpha                                                 | no           |
 * | `tone:`       | an indication or tone list, `;tonezone=<country>`        | yes          |
 *
 * Schemes are matched case-sensitively at the start of the URI, as Asterisk's `ast_begins_with`. An unknown
 * scheme, and a `number:` whose text holds no integer, are skipped when reached: PlaybackStarted was already
 * published for them, but no final state follows (Asterisk `continue`s its loop). Say items whose files do not
 * exist lose those files silently, as main/say.c streams only files it can open.
 */
import type { PlaybackMedia } from '../media/playback-protocol.js';
import { sayCharacters, sayDigits } from '../../media/say/say-characters.js';
import { isSayError, sayNumber } from '../../media/say/say-number.js';
import { parseToneUri } from '../../media/tones/tone-zones.js';

/** A resolved item: its media and whether ARI may pause, restart, skip or stop it (`controllable`). */
export interface PlaybackItem {
  readonly media: PlaybackMedia;
  readonly controllable: boolean;
}

/**
 * What an item does: play, be skipped without a final state (`skip`), or fail at once without playing (`fail`,
 * result −1: a number too large for the say rules, a tone URI with a component other than `tonezone=`).
 */
export type ResolvedUri = PlaybackItem | 'skip' | 'fail';

const SOUND = 'sound:';
const RECORDING = 'recording:';
const NUMBER = 'number:';
const DIGITS = 'digits:';
const CHARACTERS = 'characters:';
const TONE = 'tone:';

/** sscanf's `%30d`: leading white space, an optional sign, then at most 30 characters of digits in all. */
const SCANF_INT = /^[ \t\n\v\f\r]*([+-]?\d+)/;
const SCANF_WIDTH = 30;
/** glibc reads `%d` with strtol (saturating at the 64-bit limits) and stores the low 32 bits. */
const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/** The integer `sscanf(text, "%30d")` reads, as glibc stores it; undefined when there is none. */
export function scanInt(text: string): number | undefined {
  const m = SCANF_INT.exec(text);
  if (!m) return undefined;
  const field = m[1]!.slice(0, SCANF_WIDTH);
  if (!/\d/.test(field)) return undefined; // a lone sign within the width
  const value = BigInt(field);
  return Number(BigInt.asIntN(32, value > LONG_MAX ? LONG_MAX : value < LONG_MIN ? LONG_MIN : value));
}

/** What a media URI plays. */
export function resolveMediaUri(uri: string, language: string): ResolvedUri {
  if (uri.startsWith(SOUND)) return { media: { kind: 'sound', name: uri.slice(SOUND.length) }, controllable: true };
  if (uri.startsWith(RECORDING)) {
    return { media: { kind: 'recording', name: uri.slice(RECORDING.length) }, controllable: true };
  }
  if (uri.startsWith(NUMBER)) {
    const n = scanInt(uri.slice(NUMBER.length));
    if (n === undefined) return 'skip';
    const names = sayNumber(n, language);
    return isSayError(names) ? 'fail' : say(names);
  }
  if (uri.startsWith(DIGITS)) return say(sayDigits(uri.slice(DIGITS.length)));
  if (uri.startsWith(CHARACTERS)) return say(sayCharacters(uri.slice(CHARACTERS.length)));
  if (uri.startsWith(TONE)) return tone(uri.slice(TONE.length));
  return 'skip';
}

function say(names: readonly string[]): PlaybackItem {
  return { media: { kind: 'say', names }, controllable: false };
}

/**
 * `<indication>[;tonezone=<country>]`: anything after the `;` other than `tonezone=` fails the item, as in
 * ast_control_tone. The zone and the tone list are resolved in the plane, which has the indications.
 */
function tone(text: string): ResolvedUri {
  const parsed = parseToneUri(text);
  if ('error' in parsed) return 'fail';
  const media: PlaybackMedia =
    parsed.tonezone === undefined
      ? { kind: 'tone', tone: parsed.indication }
      : { kind: 'tone', tone: parsed.indication, zone: parsed.tonezone };
  return { media, controllable: true };
}
