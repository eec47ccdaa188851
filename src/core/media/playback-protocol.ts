/**
 * The playback part of the media plane's protocol (see media-protocol.ts): commands to a channel's media and the
 * events that come back. Plain, structured-cloneable data.
 *
 * The core plays one media item at a time (res_stasis_playback walks a list item by item); the plane finds and
 * decodes the files, plays them on the media clock and answers every `playback-start` with one `playback-ended`
 * carrying the same `pb` number.
 */

/** What one item plays, resolved by the core from its media URI. */
export type PlaybackMedia =
  /** `sound:` — a sound name (`digits/1`) found under the sounds folder with language fallback, or an absolute
   *  path without extension. Controllable (ast_control_streamfile). */
  | { readonly kind: 'sound'; readonly name: string }
  /** `recording:` — a stored recording's name relative to the recordings folder, without extension. */
  | { readonly kind: 'recording'; readonly name: string }
  /** `number:`, `digits:`, `characters:` — the sound files the say functions picked, played back to back. */
  | { readonly kind: 'say'; readonly names: readonly string[] }
  /** `tone:` — an indication name or a tone list, with the URI's `tonezone=` if any. Never ends by itself when
   *  the tone repeats. */
  | { readonly kind: 'tone'; readonly tone: string; readonly zone?: string };

/** Media control operations (ARI `control?operation=` and DELETE as `stop`). */
export type PlaybackAction = 'stop' | 'pause' | 'unpause' | 'restart' | 'reverse' | 'forward';

/**
 * How an item ended, as the result codes of Asterisk's players:
 * - `done`: played to its end (result 0) — a stopped tone also ends this way (ast_control_tone answers a stop
 *   with "finished");
 * - `stopped`: a stop of a file playback (AST_CONTROL_STREAM_STOP);
 * - `interrupted`: a pause or restart cut a say item short (its waitstream returns the control);
 * - `failed`: nothing playable (missing sound, bad tone, number too large) — result −1;
 * - `missing`: a recording that does not exist: the item is skipped without a final state update.
 */
export type PlaybackResult = 'done' | 'stopped' | 'interrupted' | 'failed' | 'missing';

/** Commands (`op` names unique across the whole protocol). */
export type PlaybackCommand =
  | {
      readonly op: 'playback-start';
      /** Chosen by the core, unique per channel; echoed in `playback-ended`. */
      readonly pb: number;
      readonly media: PlaybackMedia;
      readonly language: string;
      /** Where to start in the first file, ms. */
      readonly offsetMs: number;
      /** How far reverse/forward move, ms. */
      readonly skipMs: number;
    }
  | { readonly op: 'playback-control'; readonly pb: number; readonly action: PlaybackAction };

/** Events (`ev` names unique across the whole protocol). */
export type PlaybackEvent = {
  readonly ev: 'playback-ended';
  readonly pb: number;
  readonly result: PlaybackResult;
  /** Position in the file when it ended, ms (Asterisk's `playedms`). */
  readonly positionMs: number;
};
