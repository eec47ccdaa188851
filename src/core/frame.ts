/**
 * What flows through a channel. Voice frames carry encoded audio; DTMF frames mark the end of a digit
 * (Asterisk publishes ChannelDtmfReceived on DTMF_END); control frames carry indications (ringing, answer,
 * hold, ...). Frames are handed on synchronously and not kept, so a tech may reuse one object.
 */
export type ControlIndication =
  'ringing' | 'progress' | 'proceeding' | 'answer' | 'busy' | 'congestion' | 'hold' | 'unhold' | 'srcupdate' | 'stop';

export type Frame =
  | { kind: 'voice'; format: string; samples: number; payload: Buffer }
  | { kind: 'dtmf-begin'; digit: string }
  | { kind: 'dtmf-end'; digit: string; durationMs: number }
  | { kind: 'control'; indication: ControlIndication };
