/**
 * The mixing part of the media plane's protocol. A bridge that mixes (three members or more, a holding bridge, or
 * one with a playback, recording or MOH of its own) has a mixer in one worker; each member is linked to a port of
 * that mixer (its audio in through the port's jitter buffer, the mix it should hear back out), wherever the
 * member's own media lives.
 */

/** What a port does in its mixer (ARI bridge roles and the hidden channels of bridge media). */
export type PortRole =
  /** Hears the others (mixing) or the announcers (holding); its voice goes into the mix. */
  | 'participant'
  /** Heard by every participant, hears nothing: holding-bridge announcers, bridge playback and MOH. */
  | 'announcer'
  /** Hears the whole mix and says nothing: bridge recording. */
  | 'recorder';

/**
 * Mixers and ports are media opened with no device (`kind: 'none'`) and then made what they are by a command,
 * in the worker that holds the mixer.
 */
export type BridgeCommand =
  /** This media becomes a bridge's mixer; `holding`: participants hear only announcers, never each other. */
  | { readonly op: 'mixer-create'; readonly rate: 8000 | 16000; readonly holding: boolean }
  /** This media becomes a port of mixer `mixer` (a media id in the same worker). */
  | { readonly op: 'mixer-join'; readonly mixer: number; readonly role: PortRole; readonly muted: boolean }
  /** A member's role or its bridge mute (`mute` on addChannel: its voice leaves the mix) changed. */
  | { readonly op: 'port-options'; readonly role: PortRole; readonly muted: boolean }
  /** The mixer's rate (8 kHz while every party is narrowband, 16 kHz once two wideband parties talk). */
  | { readonly op: 'mixer-rate'; readonly rate: 8000 | 16000 };
