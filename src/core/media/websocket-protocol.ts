/**
 * The WebSocket media part of the media plane's protocol (see media-protocol.ts), and the port the HTTP server
 * uses to hand server-mode media sockets to the WebSocket channel driver.
 *
 * A `WebSocket/...` channel (Asterisk's chan_websocket) carries its audio as BINARY messages in the channel's own
 * format and is controlled by TEXT messages (plain-text or JSON). Its media is an edge of kind `websocket` in a
 * media worker, which holds the frame queue, the flow control and the control-message codec. In client mode the
 * worker dials the app itself (a websocket_client.conf connection), so media never crosses to the main thread; in
 * server mode the app connects to the main thread's HTTP server (`/media/<connection id>`) and its messages are
 * relayed to and from the worker through these commands and events.
 */
import { AUDIO_CODECS, type AudioCodecName } from '../../media/codecs/audio-codecs.js';

/** The technology name of WebSocket media channels, under which their driver is registered. */
export const WEBSOCKET_TECHNOLOGY = 'WebSocket';

/** The connection id of a server-mode channel's dial string: the app connects to us (chan_websocket.c). */
export const INCOMING_CONNECTION_ID = 'INCOMING';

/** chan_websocket's channel variables. */
export const CONNECTION_ID_VARIABLE = 'MEDIA_WEBSOCKET_CONNECTION_ID';
export const OPTIMAL_FRAME_SIZE_VARIABLE = 'MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE';

/**
 * `f()` / chan_websocket.conf `control_message_format`: how TEXT commands and events are written. `twilio` (not
 * in Asterisk) replaces the whole protocol with Twilio Media Streams' messages (plane/websocket/twilio-session.ts).
 */
export type ControlMessageFormat = 'plain-text' | 'json' | 'twilio';

/** The codec on the socket: the channel's, except in Twilio mode, which always carries µ-law at 8 kHz. */
export function wireCodecOf(spec: {
  readonly codec: AudioCodecName;
  readonly controlFormat: ControlMessageFormat;
}): AudioCodecName {
  return spec.controlFormat === 'twilio' ? 'ulaw' : spec.codec;
}

/** `d()` / SET_MEDIA_DIRECTION, from the app's point of view: `in` = the app only hears, `out` = it only speaks. */
export type WebSocketMediaDirection = 'both' | 'in' | 'out';

/**
 * The largest message taken from an app: one WebSocket frame, header included, must fit in 65535 bytes in Asterisk
 * (AST_WEBSOCKET_MAX_RX_PAYLOAD_SIZE), and a client's header for such a frame is 8 bytes. A bigger one closes the
 * socket with 1009 and ends the call, as in Asterisk.
 */
export const MAX_MEDIA_MESSAGE_BYTES = 65535 - 8;

/**
 * The largest message taken from an app whose channel was dialled with `l` (messages of any size, not in Asterisk):
 * 16 MiB, over eight minutes of slin16. Beyond it the WebSocket library still closes with 1009.
 */
export const LARGE_MEDIA_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The channel variable holding the token a `WebSocket/INCOMING/a` app must present (not in Asterisk). */
export const TOKEN_VARIABLE = 'MEDIA_WEBSOCKET_TOKEN';

/** Every format's frame time: chan_websocket dequeues one frame per `ptime` (20 ms for all we carry). */
export const WEBSOCKET_PTIME_MS = 20;

/**
 * chan_websocket's `optimal_frame_size` (default_ms × minimum_bytes / minimum_ms of the codec): the bytes of one
 * 20 ms frame, what app messages are cut into. 0 in passthrough, where each message is one frame.
 */
export function optimalFrameSize(codec: AudioCodecName, passthrough: boolean): number {
  if (passthrough) return 0;
  const samples = (AUDIO_CODECS[codec].rate / 1000) * WEBSOCKET_PTIME_MS;
  switch (codec) {
    case 'ulaw':
    case 'alaw':
      return samples;
    case 'g722':
      return samples / 2;
    case 'slin':
    case 'slin16':
      return samples * 2;
  }
}

/** TLS material of a websocket_client.conf connection (paths as written; empty = not set). */
export interface WebSocketTlsSettings {
  readonly caListFile: string;
  readonly caListPath: string;
  readonly certFile: string;
  readonly privKeyFile: string;
  readonly verifyServerCert: boolean;
  readonly verifyServerHostname: boolean;
}

/** Where a client-mode channel connects: its websocket_client.conf connection, as plain data for the worker. */
export interface WebSocketClientTarget {
  readonly uri: string;
  readonly protocols: readonly string[];
  readonly username: string;
  readonly password: string;
  readonly connectionTimeoutMs: number;
  readonly reconnectIntervalMs: number;
  readonly reconnectAttempts: number;
  readonly tls: WebSocketTlsSettings;
}

/** The edge of a WebSocket channel (EdgeSpec). */
export interface WebSocketEdgeSpec {
  readonly kind: 'websocket';
  /** The channel's only format: what goes over the socket both ways. */
  readonly codec: AudioCodecName;
  /** `p`: each app message is one frame, no re-framing (optimal frame size 0). */
  readonly passthrough: boolean;
  readonly controlFormat: ControlMessageFormat;
  readonly direction: WebSocketMediaDirection;
  /** MEDIA_START and the events' `channel_id`. */
  readonly connectionId: string;
  readonly channelName: string;
  readonly channelId: string;
  /**
   * Client mode: where the worker connects, this call's `v()` query and `h()` headers (kept per call, never in
   * shared config).
   */
  readonly client?: {
    readonly target: WebSocketClientTarget;
    readonly query: string;
    readonly headers?: readonly (readonly [string, string])[];
  };
  /** `l` (not in Asterisk): messages up to LARGE_MEDIA_MESSAGE_BYTES, re-framed; what the queue refuses → ERROR. */
  readonly largeMessages?: boolean;
  /** `r` (not in Asterisk): FLUSH_MEDIA answers the markers it drops, in order. */
  readonly reportFlushedMarks?: boolean;
}

/** `m` (not in Asterisk): what MEDIA_START adds to its fields. */
export interface MediaStartExtras {
  /** The Stasis application the channel is in or will enter once answered; '' for none. */
  readonly app: string;
  readonly appArgs: readonly string[];
  /** The variables the request named, in its order ('' for one not set). */
  readonly variables: readonly (readonly [string, string])[];
}

/** Commands (`op` names unique across the whole protocol). */
export type WebSocketCommand =
  /** Client mode: the channel is called, connect now (chan_websocket connects in `call`). */
  | { readonly op: 'websocket-connect' }
  /**
   * The socket is up: send MEDIA_START (with these channel variables, most recent first as Asterisk lists them),
   * and only then anything else, so no message ever precedes it (Asterisk's #1712 race).
   */
  | {
      readonly op: 'websocket-start';
      readonly variables: readonly (readonly [string, string])[];
      readonly extras?: MediaStartExtras;
    }
  /** Server mode: a message from the app, relayed from the main thread (BINARY as bytes, TEXT as a string). */
  | { readonly op: 'websocket-rx'; readonly data: Uint8Array | string }
  /** Server mode, relayed as bytes: the handshake is done; the worker runs the WebSocket protocol from now on. */
  | { readonly op: 'websocket-raw-open' }
  /** Server mode, relayed as bytes: what the main thread read from the app's socket. */
  | { readonly op: 'websocket-raw-rx'; readonly data: Uint8Array }
  /** Server mode, relayed as bytes: the app's socket closed or failed. */
  | { readonly op: 'websocket-raw-end' }
  /**
   * Server mode, relayed as bytes: the channel is going. The worker, which speaks the WebSocket protocol, writes
   * the stream's last messages (Twilio mode's `stop`) and the close frame, then `websocket-raw-end`.
   */
  | { readonly op: 'websocket-raw-finish' };

/** Events (`ev` names unique across the whole protocol). */
export type WebSocketEvent =
  /** Client mode: connected to the app (the core answers with `websocket-start`). */
  | { readonly ev: 'websocket-connected' }
  /** Client mode: every attempt failed; the channel goes with NO_ROUTE_DESTINATION, as in Asterisk. */
  | { readonly ev: 'websocket-failed'; readonly reason: string }
  /** The app sent ANSWER. */
  | { readonly ev: 'websocket-answer' }
  /** The call must end: HANGUP, the app closed, or the socket failed; `closeCode` is what the socket gets. */
  | { readonly ev: 'websocket-hangup'; readonly cause: number; readonly closeCode: number }
  /** Server mode: a message for the app, relayed to the main thread's socket. */
  | { readonly ev: 'websocket-tx'; readonly data: Uint8Array | string }
  /** Server mode, relayed as bytes: bytes for the app's socket. */
  | { readonly ev: 'websocket-raw-tx'; readonly data: Uint8Array }
  /** Server mode, relayed as bytes: the worker's WebSocket finished (after a close handshake): end the socket. */
  | { readonly ev: 'websocket-raw-end' };

/** A server-mode media socket as the HTTP server holds it: the driver never touches the WebSocket library. */
export interface MediaSocketPeer {
  /** BINARY for bytes, TEXT for a string. */
  send(data: Uint8Array | string): void;
  close(code: number): void;
  /**
   * Present when the socket is relayed as bytes (the worker runs the WebSocket protocol): write these bytes as
   * they are, and end the socket once the worker's side is finished.
   */
  readonly raw?: { write(bytes: Uint8Array): void; end(): void };
}

/** What the HTTP server tells the driver about a socket it attached. */
export interface MediaSocketHandler {
  message(data: Uint8Array | string): void;
  /** Bytes read from a socket relayed as bytes. */
  bytes(data: Uint8Array): void;
  /** The socket is gone: closed by the app (`remote`), or a read or write failed (`error`). */
  closed(how: 'remote' | 'error'): void;
}

/** Server-mode connection ids waiting for their socket (`/media/<connection id>` on the HTTP server). */
export interface MediaConnections {
  /** `ready` while a channel waits for the socket, `attached` once it has one, `unknown` otherwise. */
  state(connectionId: string): 'ready' | 'attached' | 'unknown';
  /** Give the connection its socket (after the handshake); undefined when it is no longer `ready`. */
  attach(connectionId: string, peer: MediaSocketPeer): MediaSocketHandler | undefined;
  /** What a waiting connection requires of its socket (undefined when the id is not waiting). */
  admission(connectionId: string): MediaAdmission | undefined;
}

/** What the HTTP server checks before it attaches a server-mode socket. */
export interface MediaAdmission {
  /** `a`: the token the app must present (query `token` or `Authorization: Bearer`); undefined: none needed. */
  readonly token: string | undefined;
  /** The largest message the socket takes (MAX_MEDIA_MESSAGE_BYTES, or LARGE_MEDIA_MESSAGE_BYTES with `l`). */
  readonly maxMessageBytes: number;
}

/**
 * What a WebSocket channel driver answers about per-call URIs before a request (externalMedia's 400): why `uri`
 * may not be dialled, or undefined when it may.
 */
export interface PerCallUriCheck {
  perCallUriProblem(uri: string): string | undefined;
}

export function checksPerCallUris(driver: object): driver is PerCallUriCheck {
  return typeof (driver as Partial<PerCallUriCheck>).perCallUriProblem === 'function';
}

/**
 * A channel technology that wants to know, before its channel is answered, which Stasis application the channel
 * will enter then (externalMedia's `app` and `data`): WebSocket channels put them in MEDIA_START (`m`), which
 * goes out before the answer.
 */
export interface AwaitsStasis {
  expectStasis(app: string, args: readonly string[]): void;
}

export function awaitsStasis(tech: object): tech is AwaitsStasis {
  return typeof (tech as Partial<AwaitsStasis>).expectStasis === 'function';
}
