import type { MediaLeg } from '../../core/media/media-plane.js';

export type OfferResult =
  { ok: true; answer: string; hold: boolean } | { ok: false; reason: 'bad-sdp' | 'no-audio' | 'no-codec' };

/**
 * The media of one SIP call: an RTP stream and the SDP offer/answer around it (RFC 3264). The session (signalling)
 * asks it for SDP bodies and hands it remote SDP; frames read from the stream go to `sink`.
 */
export interface CallMedia {
  /** UAS (or a re-INVITE): take the remote offer; returns our answer or why it cannot be answered (488). */
  acceptOffer(sdp: string): OfferResult;
  /** Our offer (initial INVITE, re-INVITE without SDP, late offer). */
  offer(): string;
  /** A new offer of ours for a re-INVITE, with `direction` (hold: sendonly) and the next o= version. */
  reoffer(direction: 'sendrecv' | 'sendonly'): string;
  /** UAC: take the remote answer; false when unusable. */
  acceptAnswer(sdp: string): boolean;
  /** The answer last given (sent again in 183 and 200). */
  currentAnswer(): string;
  /** Whether RFC 4733 telephone-event was negotiated. */
  readonly hasTelephoneEvent: boolean;
  /** Whether DTMF travels as tones in the audio (dtmf_mode=inband, or auto without telephone-event). */
  readonly usesInband: boolean;
  /** Local and remote RTP address as `ip:port` (CHANNEL(rtp,src|dest)). */
  readonly localAddress: string;
  readonly remoteAddress: string;
  /** A digit starts / ends: RFC 4733 events, or tones in the audio when `usesInband`. */
  beginDtmf(digit: string): void;
  endDtmf(digit: string, durationMs: number): void;
  /** The ARI RTPstat fields (without channel_uniqueid), as the media plane last reported them. */
  stats(): Record<string, number> | undefined;
  /** The call's media in the plane (the channel is given it once it exists). */
  readonly leg: MediaLeg;
  close(): void;
}

export interface CallMediaFactory {
  /** Opens an RTP stream for an endpoint, in the worker of `near` when given (the other leg of a Dial). */
  open(options: MediaOptions, near?: MediaLeg): Promise<CallMedia | { error: string }>;
}

export interface MediaOptions {
  readonly allow: readonly string[];
  readonly dtmfMode: string;
  readonly symmetric: boolean;
  readonly sdpOwner: string;
  readonly sdpSession: string;
  /** The address RTP binds to. */
  readonly host: string;
  /** The address written in SDP `c=`/`o=` (external_media_address), the bound one when undefined. */
  readonly sdpAddress?: string;
}
