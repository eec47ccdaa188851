/**
 * The talk part of the media plane's protocol (see media-protocol.ts): TALK_DETECT's commands to a channel's
 * media and the events that come back. Plain, structured-cloneable data.
 */

/** Commands (`op` names unique across the whole protocol). */
export type TalkCommand =
  /**
   * Start talk detection on what the channel reads, or change the thresholds of the running detector (its state
   * is kept, as `TALK_DETECT(set)` on a channel that has it).
   */
  | { readonly op: 'talk-set'; readonly silenceThresholdMs: number; readonly talkingThreshold: number }
  /** Stop it (`TALK_DETECT(remove)`). */
  | { readonly op: 'talk-remove' };

/** Events (`ev` names unique across the whole protocol). */
export type TalkEvent =
  | { readonly ev: 'talk-started' }
  /** `durationMs` as Asterisk reports it: from the first talking frame to the end of the silence, minus it. */
  | { readonly ev: 'talk-finished'; readonly durationMs: number };
