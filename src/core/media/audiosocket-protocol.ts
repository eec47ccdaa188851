/**
 * The AudioSocket part of the media plane's protocol (see media-protocol.ts): the edge spec of an AudioSocket
 * channel's media, its one command and its events. Plain, structured-cloneable data.
 *
 * An AudioSocket channel (chan_audiosocket + res_audiosocket) is a TCP client: its media is opened in a worker
 * with an edge of kind `audiosocket`, which resolves the host and connects there while the channel is requested
 * (Asterisk connects inside the request, 2 s per resolved address). The call sends the UUID message; from then on
 * audio and DTMF go both ways as `[kind u8][length u16 BE][payload]` messages.
 */

/** The technology name of AudioSocket channels, under which their driver is registered. */
export const AUDIOSOCKET_TECHNOLOGY = 'AudioSocket';

/** The formats an AudioSocket channel speaks here: the pipeline runs at 8 or 16 kHz. */
export type AudioSocketFormat = 'slin' | 'slin16';

/** Where an AudioSocket channel's audio goes: the app's TCP server, and what the channel tells it. */
export interface AudioSocketEdgeSpec {
  readonly kind: 'audiosocket';
  /** Host name or address (resolved in the worker) and port of the app's server. */
  readonly host: string;
  readonly port: number;
  /** The channel's UUID as text (already checked by the driver); sent as 16 raw bytes on call. */
  readonly uuid: string;
  readonly format: AudioSocketFormat;
}

/** Commands (`op` names unique across the whole protocol). */
export type AudioSocketCommand =
  /** The channel is called: send the UUID message (once, before any audio or DTMF goes out). */
  { readonly op: 'audiosocket-call' };

/** Why an AudioSocket connection ended. */
export type AudioSocketEndReason =
  /** Resolving or connecting failed (every address refused, unreachable or timed out). */
  | 'connect-failed'
  /** The app sent a hangup message (kind 0x00). */
  | 'hangup'
  /** The app closed the connection, or it broke. */
  | 'closed';

/**
 * Things worth a log line that do not end the call (Switchyard goes beyond Asterisk here, which ends the call on
 * each of the first four): an error message from the app, a message of a kind the app may not send or that is
 * unknown, an empty message, audio at a rate other than 8 or 16 kHz, and audio or DTMF dropped because a queue
 * was full.
 */
export type AudioSocketNotice =
  | 'error-message'
  | 'unexpected-kind'
  | 'empty-message'
  | 'unsupported-rate'
  | 'bad-dtmf'
  | 'playout-overflow'
  | 'dtmf-overflow'
  | 'send-backlog';

/** Events (`ev` names unique across the whole protocol). */
export type AudioSocketEvent =
  /** The TCP connection is up (the edge is open). */
  | { readonly ev: 'audiosocket-connected'; readonly remote: string }
  /** The connection is gone or never came: the channel hangs up. */
  | { readonly ev: 'audiosocket-ended'; readonly reason: AudioSocketEndReason; readonly detail: string }
  /**
   * Something to log; `count` is how many times it has happened on this channel (sent at the 1st, 10th, 100th,
   * ... occurrence, so an app that floods bad messages does not flood the log).
   */
  | {
      readonly ev: 'audiosocket-notice';
      readonly notice: AudioSocketNotice;
      readonly detail: string;
      readonly count: number;
    };

/** RFC 4122 text form: 8-4-4-4-12 hexadecimal digits (libuuid's `uuid_parse` takes exactly this, any case). */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Bytes in a UUID. */
export const UUID_BYTES = 16;

/** The 16 bytes of a UUID in its text form (in the order written, RFC 4122 §4.1.2); undefined when not one. */
export function uuidBytes(text: string): Uint8Array | undefined {
  if (!UUID_TEXT.test(text)) return undefined;
  const hex = text.replaceAll('-', '');
  const out = new Uint8Array(UUID_BYTES);
  for (let i = 0; i < UUID_BYTES; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}
