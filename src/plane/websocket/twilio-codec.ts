/**
 * Twilio Media Streams messages (twilio.com/docs/voice/media-streams/websocket-messages), both ways. Every message
 * is a JSON TEXT frame with an `event` discriminator; audio is base64 µ-law at 8000 Hz, mono, without headers.
 *
 *   to the bot     connected  {"event":"connected","protocol":"Call","version":"1.0.0"}   (first; no sequence)
 *                  start      sequenceNumber, streamSid, start{streamSid, accountSid, callSid, tracks,
 *                             customParameters, mediaFormat{encoding, sampleRate, channels}}
 *                  media      sequenceNumber, streamSid, media{track, chunk, timestamp, payload}
 *                  dtmf       sequenceNumber, streamSid, dtmf{track:"inbound_track", digit}
 *                  mark       sequenceNumber, streamSid, mark{name}
 *                  stop       sequenceNumber, streamSid, stop{accountSid, callSid}
 *   from the bot   media {payload} · mark {name} · clear   (each with the streamSid, which is not checked)
 *
 * `sequenceNumber`, `chunk` and `timestamp` are strings, as Twilio sends them: the sequence counts every message
 * from "1" (the start message) on, the chunk counts media messages from "1", the timestamp is milliseconds since
 * the stream started. Pure functions: the state lives in twilio-session.ts.
 */

/** The stream's identifiers as Twilio names them (MZ…, AC…, CA…: two letters and 32 hex digits). */
export interface TwilioIds {
  readonly streamSid: string;
  readonly accountSid: string;
  readonly callSid: string;
}

/** `mediaFormat` of the start message: the only format Media Streams carries. */
export const TWILIO_MEDIA_FORMAT = { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } as const;

/** The track of the caller's audio in `start.tracks` and `media.track`; DTMF names its track differently. */
const INBOUND_TRACK = 'inbound';
const DTMF_TRACK = 'inbound_track';

/** The first message of a stream. */
export const CONNECTED_MESSAGE = '{"event":"connected","protocol":"Call","version":"1.0.0"}';

export function startMessage(
  sequence: number,
  ids: TwilioIds,
  customParameters: Readonly<Record<string, string>>,
): string {
  return JSON.stringify({
    event: 'start',
    sequenceNumber: String(sequence),
    start: {
      accountSid: ids.accountSid,
      streamSid: ids.streamSid,
      callSid: ids.callSid,
      tracks: [INBOUND_TRACK],
      customParameters,
      mediaFormat: TWILIO_MEDIA_FORMAT,
    },
    streamSid: ids.streamSid,
  });
}

/**
 * One media message. Written by hand, once per 20 ms frame: every part is digits, base64 or a SID (no character
 * needs escaping), so no object is built for JSON.stringify.
 */
export function mediaMessage(
  sequence: number,
  streamSid: string,
  chunk: number,
  timestampMs: number,
  payloadBase64: string,
): string {
  return (
    `{"event":"media","sequenceNumber":"${sequence}","media":{"track":"${INBOUND_TRACK}","chunk":"${chunk}",` +
    `"timestamp":"${timestampMs}","payload":"${payloadBase64}"},"streamSid":"${streamSid}"}`
  );
}

export function dtmfMessage(sequence: number, streamSid: string, digit: string): string {
  return JSON.stringify({
    event: 'dtmf',
    streamSid,
    sequenceNumber: String(sequence),
    dtmf: { track: DTMF_TRACK, digit },
  });
}

/** A mark echoed to the bot (its audio played, or dropped by `clear`). */
export function markMessage(sequence: number, streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', sequenceNumber: String(sequence), streamSid, mark: { name } });
}

export function stopMessage(sequence: number, ids: TwilioIds): string {
  return JSON.stringify({
    event: 'stop',
    sequenceNumber: String(sequence),
    stop: { accountSid: ids.accountSid, callSid: ids.callSid },
    streamSid: ids.streamSid,
  });
}

/** Why a message from the bot was not acted on. */
export type TwilioIgnoredReason =
  'not-json' | 'no-event' | 'unknown-event' | 'media-without-payload' | 'mark-without-name';

/** A message from the bot, as far as it matters here. */
export type TwilioInbound =
  /** Audio to play: base64 µ-law text, decoded by the session into its own buffer. */
  | { readonly kind: 'media'; readonly payload: string }
  | { readonly kind: 'mark'; readonly name: string }
  | { readonly kind: 'clear' }
  | { readonly kind: 'ignored'; readonly why: TwilioIgnoredReason };

/** One TEXT message from the bot. Never throws: anything unusable is `ignored` with its reason. */
export function parseTwilioMessage(text: string): TwilioInbound {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'ignored', why: 'not-json' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { kind: 'ignored', why: 'not-json' };
  const message = json as Record<string, unknown>;
  const field = (outer: string, inner: string): unknown => {
    const o = message[outer];
    return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[inner] : undefined;
  };
  switch (message.event) {
    case 'media': {
      const payload = field('media', 'payload');
      return typeof payload === 'string'
        ? { kind: 'media', payload }
        : { kind: 'ignored', why: 'media-without-payload' };
    }
    case 'mark': {
      const name = field('mark', 'name');
      return typeof name === 'string' ? { kind: 'mark', name } : { kind: 'ignored', why: 'mark-without-name' };
    }
    case 'clear':
      return { kind: 'clear' };
    case undefined:
      return { kind: 'ignored', why: 'no-event' };
    default:
      return { kind: 'ignored', why: 'unknown-event' };
  }
}

/** Bytes `base64` decodes to at most (what a buffer must hold before `decodeBase64Into`). */
export function base64Capacity(base64: string): number {
  return Math.ceil(base64.length / 4) * 3;
}

/**
 * Decode `base64` into `out` (at least `base64Capacity` long); the bytes written. Node's decoder does not reject
 * text outside the alphabet: bad text yields fewer or garbled bytes, never an exception.
 */
export function decodeBase64Into(base64: string, out: Buffer): number {
  return out.write(base64, 0, out.length, 'base64');
}
