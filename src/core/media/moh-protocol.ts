/**
 * The music on hold and silence part of the media plane's protocol (see media-protocol.ts): commands to a
 * channel's media and the events that come back. Plain, structured-cloneable data.
 *
 * Both are generators in Asterisk's sense: a channel has at most one, so starting one replaces the other, and a
 * playback ends either (src/plane/moh explains the rules).
 */

/** Commands (`op` names unique across the whole protocol). */
export type MohCommand =
  /**
   * `ast_moh_start`: music of `mohClass` (any case), or of `default` when it is absent or unknown. `language` picks
   * language folders as file lookups do; `isAnswered` matters to classes with `answeredonly`.
   */
  | {
      readonly op: 'moh-start';
      readonly mohClass?: string;
      readonly language: string;
      readonly isAnswered: boolean;
    }
  /** `ast_moh_stop`: ends the channel's generator, whichever it is (music or silence). */
  | { readonly op: 'moh-stop' }
  /** A fresh silence generator, replacing any generator. */
  | { readonly op: 'silence-start' }
  /** Ends the silence generator if it is still the channel's generator (it never stops music). */
  | { readonly op: 'silence-stop' };

/** Events (`ev` names unique across the whole protocol): the outcome of each `moh-start`. */
export type MohEvent =
  /** Music of this class plays (or already played) on the channel. */
  | { readonly ev: 'moh-started'; readonly mohClass: string }
  /** No class to play: neither the one asked for nor `default` exists, or the class wants an answered channel. */
  | { readonly ev: 'moh-failed' };
