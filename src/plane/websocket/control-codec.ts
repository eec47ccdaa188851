/**
 * chan_websocket's TEXT control messages, both ways, in its two formats (Asterisk 22.8+):
 *
 *   plain-text  command `NAME[ <arg>]` (the argument is everything after the first space);
 *               event   `NAME key:value key:value…`, or the bare word for events without data
 *   json        command `{"command":"NAME", …}`;
 *               event   `{"event":"NAME","channel_id":"<uniqueid>", …}`, compact, keys in Asterisk's order
 *
 * Texts are Asterisk's exactly (chan_websocket.c 22.10.1, checked against a running 22.10.1), including the
 * trailing newline of three SET_MEDIA_DIRECTION errors. Pure functions: the queue and the socket are elsewhere.
 */
import type { ControlMessageFormat, MediaStartExtras } from '../../core/media/websocket-protocol.js';
import { jsonExtras, plainExtras } from './media-start-extras.js';

/** chan_websocket's MAX_TEXT_MESSAGE_LEN: longer TEXT messages are not commands. */
export const MAX_COMMAND_BYTES = 128;

/** A command as received: its name, and the fields the commands read. */
export interface ControlCommand {
  readonly name: string | undefined;
  /** plain-text: the text after the first space; json: `correlation_id` when it is a string. */
  readonly arg: string | undefined;
  /** json `direction` when it is a string (SET_MEDIA_DIRECTION; plain-text has none). */
  readonly direction: string | undefined;
}

export type ParsedControl =
  | { readonly kind: 'command'; readonly command: ControlCommand }
  /** Nothing to do: an empty message, or one longer than the limit. */
  | { readonly kind: 'ignored'; readonly why: 'empty' | 'too-long' }
  /** json only: the text is not a JSON object or array (Asterisk answers with an ERROR event). */
  | { readonly kind: 'invalid-json' };

/** What ast_strip removes at both ends (C isspace). */
const SPACE = /^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g;

/** One TEXT message from the app: `bytes` is its size on the wire (the limit counts bytes, not characters). */
export function parseControl(text: string, bytes: number, format: ControlMessageFormat): ParsedControl {
  if (bytes === 0) return { kind: 'ignored', why: 'empty' };
  if (bytes > MAX_COMMAND_BYTES) return { kind: 'ignored', why: 'too-long' };
  const stripped = text.replace(SPACE, '');
  if (format === 'plain-text') {
    const space = stripped.indexOf(' ');
    const name = space === -1 ? stripped : stripped.slice(0, space);
    const arg = space === -1 ? undefined : stripped.slice(space + 1);
    return { kind: 'command', command: { name, arg, direction: undefined } };
  }
  let json: unknown;
  try {
    json = JSON.parse(stripped);
  } catch {
    return { kind: 'invalid-json' };
  }
  // jansson decodes only an object or an array at the top without JSON_DECODE_ANY.
  if (typeof json !== 'object' || json === null) return { kind: 'invalid-json' };
  const field = (name: string): string | undefined => {
    const v = Array.isArray(json) ? undefined : (json as Record<string, unknown>)[name];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    kind: 'command',
    command: { name: field('command'), arg: field('correlation_id'), direction: field('direction') },
  };
}

/** Events to the app. */
export type ControlEvent =
  | {
      readonly event: 'MEDIA_START';
      readonly connectionId: string;
      readonly channel: string;
      readonly format: string;
      readonly optimalFrameSize: number;
      readonly ptime: number;
      /** Every channel variable (json only), in Asterisk's order: most recently set first. */
      readonly variables: readonly (readonly [string, string])[];
      /** `m` (not in Asterisk): app, args and chosen variables, after Asterisk's fields (media-start-extras.ts). */
      readonly extras?: MediaStartExtras;
    }
  | { readonly event: 'MEDIA_XOFF' | 'MEDIA_XON' | 'QUEUE_DRAINED' }
  | { readonly event: 'MEDIA_BUFFERING_COMPLETED' | 'MEDIA_MARK_PROCESSED'; readonly correlationId: string | undefined }
  | {
      readonly event: 'STATUS';
      readonly queueLength: number;
      readonly xonLevel: number;
      readonly xoffLevel: number;
      readonly queueFull: boolean;
      readonly bulkMedia: boolean;
      readonly mediaPaused: boolean;
    }
  | { readonly event: 'DTMF_END'; readonly digit: string }
  | { readonly event: 'ERROR'; readonly text: string };

/** The TEXT message for `e` on channel `channelId`. */
export function formatControl(e: ControlEvent, format: ControlMessageFormat, channelId: string): string {
  return format === 'json' ? formatJson(e, channelId) : formatPlain(e, channelId);
}

function formatPlain(e: ControlEvent, channelId: string): string {
  switch (e.event) {
    case 'MEDIA_START':
      return (
        `MEDIA_START connection_id:${e.connectionId} channel:${e.channel} channel_id:${channelId} ` +
        `format:${e.format} optimal_frame_size:${e.optimalFrameSize} ptime:${e.ptime}${plainExtras(e.extras)}`
      );
    case 'MEDIA_XOFF':
    case 'MEDIA_XON':
    case 'QUEUE_DRAINED':
      return e.event;
    case 'MEDIA_BUFFERING_COMPLETED':
    case 'MEDIA_MARK_PROCESSED':
      return e.correlationId ? `${e.event} ${e.correlationId}` : e.event;
    case 'STATUS':
      return (
        `STATUS channel_id:${channelId} queue_length:${e.queueLength} xon_level:${e.xonLevel} ` +
        `xoff_level:${e.xoffLevel} queue_full:${e.queueFull} bulk_media:${e.bulkMedia} media_paused:${e.mediaPaused}`
      );
    case 'DTMF_END':
      return `DTMF_END digit:${e.digit} channel_id:${channelId}`;
    case 'ERROR':
      return `ERROR channel_id:${channelId} error_text:${e.text}`;
  }
}

function formatJson(e: ControlEvent, channelId: string): string {
  switch (e.event) {
    case 'MEDIA_START':
      return JSON.stringify({
        event: e.event,
        connection_id: e.connectionId,
        channel: e.channel,
        channel_id: channelId,
        format: e.format,
        optimal_frame_size: e.optimalFrameSize,
        ptime: e.ptime,
        channel_variables: Object.fromEntries(e.variables),
        ...jsonExtras(e.extras),
      });
    case 'MEDIA_XOFF':
    case 'MEDIA_XON':
    case 'QUEUE_DRAINED':
      return JSON.stringify({ event: e.event, channel_id: channelId });
    case 'MEDIA_BUFFERING_COMPLETED':
    case 'MEDIA_MARK_PROCESSED':
      return JSON.stringify({ event: e.event, channel_id: channelId, correlation_id: e.correlationId ?? '' });
    case 'STATUS':
      return JSON.stringify({
        event: e.event,
        channel_id: channelId,
        queue_length: e.queueLength,
        xon_level: e.xonLevel,
        xoff_level: e.xoffLevel,
        queue_full: e.queueFull,
        bulk_media: e.bulkMedia,
        media_paused: e.mediaPaused,
      });
    case 'DTMF_END':
      return JSON.stringify({ event: e.event, channel_id: channelId, digit: e.digit });
    case 'ERROR':
      return JSON.stringify({ event: e.event, channel_id: channelId, error_text: e.text });
  }
}
