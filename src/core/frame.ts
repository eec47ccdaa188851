/**
 * What crosses a channel in the core: DTMF and control frames. Audio never does — it flows in the media plane
 * (src/core/media/media-protocol.ts); the core only links channels' media and starts their sources and taps.
 * DTMF frames mark the start and the end of a digit (Asterisk publishes ChannelDtmfReceived on DTMF_END); control
 * frames carry indications (ringing, answer, hold, ...). Frames are handed on synchronously and not kept.
 */
export type ControlIndication =
  'ringing' | 'progress' | 'proceeding' | 'answer' | 'busy' | 'congestion' | 'hold' | 'unhold' | 'srcupdate' | 'stop';

export type Frame =
  | { kind: 'dtmf-begin'; digit: string }
  | { kind: 'dtmf-end'; digit: string; durationMs: number }
  | { kind: 'control'; indication: ControlIndication };
