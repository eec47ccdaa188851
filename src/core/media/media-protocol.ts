/**
 * The media plane's protocol: the commands the core sends to a channel's media and the events that come back.
 * Everything here is plain, structured-cloneable data, because the media plane runs in worker threads (one per
 * core) and the core never reaches into its objects: audio stays in the plane, only control crosses.
 *
 * A channel's media is a pipeline (src/plane/media-channel.ts): its edge (RTP, the other half of a Local pair,
 * a snoop target, nothing) decodes what the device sends into signed-linear frames, which pass the read taps
 * (recording, snoop, talk detection, in order) and go to whatever the channel is linked to; what the device
 * hears comes from exactly one write source at a time, in Asterisk's precedence: a stream (playback) stops the
 * generator (music on hold, silence, tones: `ast_openstream` deactivates it), and while a stream or generator
 * runs, audio written from a bridge or link is dropped (`ast_write` with a generator active).
 */

// A feature without commands of its own has a `never` member in the union below.
/* eslint-disable @typescript-eslint/no-redundant-type-constituents -- SnoopCommand is never: a snoop is all in its edge spec */
import type { AudioCodecName } from '../../media/codecs/audio-codecs.js';
import type { AudioSocketCommand, AudioSocketEdgeSpec, AudioSocketEvent } from './audiosocket-protocol.js';
import type { BridgeCommand } from './bridge-protocol.js';
import type { MohCommand, MohEvent } from './moh-protocol.js';
import type { PlaybackCommand, PlaybackEvent } from './playback-protocol.js';
import type { RecordingCommand, RecordingEvent } from './recording-protocol.js';
import type { SnoopCommand, SnoopEvent } from './snoop-protocol.js';
import type { TalkCommand, TalkEvent } from './talk-protocol.js';
import type { WebSocketCommand, WebSocketEdgeSpec, WebSocketEvent } from './websocket-protocol.js';

/** Media direction of mute, snoop spy and whisper: `in` = from the device, `out` = to it. */
export type MediaDirection = 'none' | 'in' | 'out' | 'both';

/** The settings an RTP edge needs (rtp.conf, the endpoint's RTP options), as plain values. */
export interface RtpEdgeSpec {
  readonly kind: 'rtp';
  /** Address to bind (where SIP listens). */
  readonly host: string;
  /** `rtpstart`/`rtpend`: each worker takes its own share of the even ports. */
  readonly portStart: number;
  readonly portEnd: number;
  readonly symmetric: boolean;
  readonly strictRtp: boolean;
  readonly probation: number;
  readonly rtcpIntervalMs: number;
  readonly dtmfTimeoutMs: number;
}

/** Where a channel's audio comes from and goes to. */
export type EdgeSpec =
  | RtpEdgeSpec
  /** One half of a Local pair: what is written here is read from its peer (named by a `local-peer` command). */
  | { readonly kind: 'local' }
  /** A snoop channel on `target`: reads the spied direction(s), what is written is whispered. */
  | { readonly kind: 'snoop'; readonly target: number; readonly spy: MediaDirection; readonly whisper: MediaDirection }
  /** No device: writes are dropped, nothing is read. */
  | { readonly kind: 'none' }
  | WebSocketEdgeSpec
  | AudioSocketEdgeSpec;

/** G.711 codecs the RTP edge encodes and decodes. */
export type RtpCodec = AudioCodecName;

/** Commands to one channel's media (`id` is added by the leg). Processed in the order sent. */
export type MediaCommand =
  | BridgeCommand
  | PlaybackCommand
  | RecordingCommand
  | MohCommand
  | SnoopCommand
  | TalkCommand
  | WebSocketCommand
  | AudioSocketCommand
  | { readonly op: 'close' }
  /** The other half of a Local pair (opened in the same worker). */
  | { readonly op: 'local-peer'; readonly peer: number }
  /** The remote address from SDP; RTCP defaults to port + 1. */
  | { readonly op: 'rtp-remote'; readonly host: string; readonly port: number; readonly rtcpPort?: number }
  /** The negotiated codec; `telephoneEventPt` enables RFC 4733; `inband` detects and sends DTMF as tones. */
  | {
      readonly op: 'rtp-format';
      readonly payloadType: number;
      readonly codec: RtpCodec;
      readonly payloadTypes: readonly (readonly [number, RtpCodec])[];
      readonly telephoneEventPt?: number;
      readonly inband: boolean;
    }
  | { readonly op: 'dtmf-begin'; readonly digit: string }
  | { readonly op: 'dtmf-end'; readonly digit: string; readonly durationMs: number }
  /** Voice read from the device (`in`) / written to it (`out`) is dropped while muted. */
  | { readonly op: 'mute'; readonly in: boolean; readonly out: boolean }
  /** Frames read from this channel are written to `to` (a media id, in worker `worker`), or to nobody. */
  | { readonly op: 'link'; readonly to: number | undefined; readonly worker?: number };

/** Requests: commands answered by one event with the same `req`. */
export type MediaRequest =
  /** Resolves once the edge is ready: for RTP, where it is bound. */
  | { readonly op: 'open'; readonly edge: EdgeSpec }
  /** Resolves at the first voice frame read, or after `timeoutMs` (__ast_answer's wait for media). */
  | { readonly op: 'wait-audio'; readonly timeoutMs: number };

/** Events a channel's media sends to the core (`media-lost`: its worker died, raised by the core's client). */
export type MediaEvent =
  | { readonly ev: 'media-lost' }
  | PlaybackEvent
  | RecordingEvent
  | MohEvent
  | SnoopEvent
  | TalkEvent
  | WebSocketEvent
  | AudioSocketEvent
  | { readonly ev: 'dtmf-begin'; readonly digit: string }
  | { readonly ev: 'dtmf-end'; readonly digit: string; readonly durationMs: number };

/** Answers to requests. */
export type MediaReply =
  | { readonly ok: true; readonly host?: string; readonly port?: number; readonly statsSlot?: number }
  | { readonly ok: false; readonly error: string };

/** A message to a worker: a command, or a request to answer. */
export type ToPlane =
  | { readonly id: number; readonly cmd: MediaCommand }
  | { readonly id: number; readonly req: number; readonly request: MediaRequest };

/** A message from a worker: an event of a channel's media, or the answer to a request. */
export type FromPlane =
  | { readonly id: number; readonly event: MediaEvent }
  | { readonly id: number; readonly req: number; readonly reply: MediaReply };

/**
 * The RTPstat fields (ARI rtp_statistics, RTPAUDIOQOS) in the order of the shared statistics slot each RTP edge
 * keeps current, so the core reads them without a round trip to the worker.
 */
export const RTP_STAT_FIELDS = [
  'txcount',
  'rxcount',
  'txjitter',
  'rxjitter',
  'remote_maxjitter',
  'remote_minjitter',
  'remote_normdevjitter',
  'remote_stdevjitter',
  'local_maxjitter',
  'local_minjitter',
  'local_normdevjitter',
  'local_stdevjitter',
  'txploss',
  'rxploss',
  'remote_maxrxploss',
  'remote_minrxploss',
  'remote_normdevrxploss',
  'remote_stdevrxploss',
  'local_maxrxploss',
  'local_minrxploss',
  'local_normdevrxploss',
  'local_stdevrxploss',
  'rtt',
  'maxrtt',
  'minrtt',
  'normdevrtt',
  'stdevrtt',
  'local_ssrc',
  'remote_ssrc',
  'txoctetcount',
  'rxoctetcount',
] as const;

export type RtpStatField = (typeof RTP_STAT_FIELDS)[number];

/** Float64 slots per channel in the shared statistics block (the fields, then a "written" flag). */
export const STATS_SLOT_WIDTH = RTP_STAT_FIELDS.length + 1;

/** Read a channel's statistics slot (written by its RTP edge); undefined until the edge has written it once. */
export function readStatsSlot(view: Float64Array, slot: number): Record<RtpStatField, number> | undefined {
  const base = slot * STATS_SLOT_WIDTH;
  if (view[base + RTP_STAT_FIELDS.length] !== 1) return undefined;
  const out = {} as Record<RtpStatField, number>;
  for (let i = 0; i < RTP_STAT_FIELDS.length; i++) out[RTP_STAT_FIELDS[i]!] = view[base + i]!;
  return out;
}
