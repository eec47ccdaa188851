/**
 * A WebSocket channel in Twilio mode (`f(twilio)`): one Twilio Media Streams stream over the channel's socket, so
 * a bot written for Twilio (Pipecat, Vocode and the like) talks to Switchyard unchanged. The edge keeps its socket,
 * its media clock and its frame queue (media-queue.ts); this session replaces what crosses the socket:
 *
 * - Up: `connected`, then `start` with the stream's SIDs and `customParameters` (the channel's `TWILIO_PARAM_<name>`
 *   variables), then a `media` message per frame the channel sends, µ-law at 8 kHz whatever the channel's format.
 * - The bot's `media` payloads, of any length, are joined and cut into 20 ms frames (the queue's buffering mode)
 *   and played one per tick. A partial frame is completed with µ-law silence when a `mark` follows it, or once it
 *   has waited a whole tick with nothing queued before it (Asterisk held such a tail until the next message, #2006).
 * - `mark` is echoed once the audio before it has gone out: the queue reaches it on the tick after the last frame
 *   before it was read, and it is sent on the next tick, since a frame read on a tick reaches a bridged caller's RTP
 *   on that tick or, through a bridge in another worker, on the next. `clear` drops every queued frame at once and
 *   echoes the marks still pending, as Twilio does.
 * - A digit written to the channel becomes `dtmf`; the end of the call `stop`, before the socket closes.
 *
 * Twilio's SIDs are made up: `MZ`/`CA` and 32 hex digits of a hash of the channel id, and an all-zero account,
 * unless the channel has TWILIO_CALL_SID or TWILIO_ACCOUNT_SID. The queue's limits stay chan_websocket's (1000
 * frames, 20 s; a message arriving at the limit is dropped whole); XOFF, XON and the other chan_websocket events
 * have no Twilio counterpart and are not sent.
 */
import { createHash } from 'node:crypto';
import { encodeUlaw } from '../../media/codecs/g711.js';
import type { ControlEvent } from './control-codec.js';
import type { MediaQueue } from './media-queue.js';
import {
  CONNECTED_MESSAGE,
  base64Capacity,
  decodeBase64Into,
  dtmfMessage,
  markMessage,
  mediaMessage,
  parseTwilioMessage,
  startMessage,
  stopMessage,
  type TwilioIds,
  type TwilioInbound,
} from './twilio-codec.js';

/** Bytes of one 20 ms µ-law frame at 8 kHz: what the bot's audio is cut into. */
export const TWILIO_FRAME_BYTES = 160;
/** Channel variables read when the stream starts. */
export const CUSTOM_PARAMETER_PREFIX = 'TWILIO_PARAM_';
export const ACCOUNT_SID_VARIABLE = 'TWILIO_ACCOUNT_SID';
export const CALL_SID_VARIABLE = 'TWILIO_CALL_SID';
/** G.711 µ-law's code for 0 (ITU-T G.711 Table 2a): silence. */
const ULAW_SILENCE = 0xff;
/** Whole ticks a partial frame waits, with nothing queued before it, before it is completed and played. */
const PARTIAL_WAIT_TICKS = 1;
const INITIAL_DECODE_BYTES = 4096;
const SID_HEX_DIGITS = 32;
const DEFAULT_ACCOUNT_SID = 'AC' + '0'.repeat(SID_HEX_DIGITS);
/** Asterisk's inheritance prefixes (`_X` one level, `__X` every level) are not part of a parameter's name. */
const INHERITANCE = /^_{1,2}/;

/** `waiting` for the socket, `streaming` from `start` on, `stopped` once `stop` is sent (or the call ended first). */
export type TwilioStreamState = 'waiting' | 'streaming' | 'stopped';
type State = TwilioStreamState;
const NEXT: Record<State, readonly State[]> = {
  waiting: ['streaming', 'stopped'],
  streaming: ['stopped'],
  stopped: [],
};

export interface TwilioSessionOptions {
  /** Milliseconds on a monotonic clock (media timestamps count from the start); `performance.now` by default. */
  readonly now?: () => number;
}

export class TwilioSession {
  #state: State = 'waiting';
  #ids: TwilioIds | undefined;
  #sequence = 0;
  #chunk = 0;
  #startedAt = 0;
  /** Bytes of the frame the bot's audio has begun but not completed (held in the queue's leftover). */
  #partial = 0;
  #partialWaited = 0;
  /** Marks the queue reached on the last tick, echoed on this one (beforeTick). */
  readonly #reached: string[] = [];
  #decoded = Buffer.alloc(INITIAL_DECODE_BYTES);
  #encoded = Buffer.alloc(TWILIO_FRAME_BYTES);
  readonly #silence = new Uint8Array(TWILIO_FRAME_BYTES).fill(ULAW_SILENCE);
  readonly #now: () => number;

  constructor(
    private readonly queue: MediaQueue,
    private readonly channelId: string,
    private readonly send: (text: string) => void,
    options: TwilioSessionOptions = {},
  ) {
    this.#now = options.now ?? (() => performance.now());
  }

  get state(): State {
    return this.#state;
  }

  /** The stream's SIDs, once started. */
  get ids(): TwilioIds | undefined {
    return this.#ids;
  }

  /** An event the edge would send in chan_websocket's protocol, in Twilio's words where it has any. */
  event(e: ControlEvent): void {
    switch (e.event) {
      case 'MEDIA_START':
        this.#start(e.variables);
        return;
      case 'MEDIA_MARK_PROCESSED':
        if (this.#state === 'streaming') this.#reached.push(e.correlationId ?? '');
        return;
      case 'DTMF_END':
        if (this.#state === 'streaming') this.send(dtmfMessage(++this.#sequence, this.#ids!.streamSid, e.digit));
        return;
      case 'MEDIA_XOFF':
      case 'MEDIA_XON':
      case 'QUEUE_DRAINED':
      case 'MEDIA_BUFFERING_COMPLETED':
      case 'STATUS':
      case 'ERROR':
        return; // no counterpart in Media Streams
    }
  }

  /** One TEXT message from the bot; what it was taken for (ignored ones are dropped, as Twilio does). */
  receive(text: string): TwilioInbound {
    const message = parseTwilioMessage(text);
    if (this.#state !== 'streaming') return message;
    switch (message.kind) {
      case 'media':
        this.#queueAudio(message.payload);
        break;
      case 'mark':
        // The mark follows every byte before it: a partial frame is played, completed with silence.
        this.#completePartial();
        this.queue.mark(message.name);
        break;
      case 'clear': {
        const dropped = this.queue.flush();
        this.queue.startBuffering();
        this.#partial = 0;
        this.#echoReached();
        for (const marker of dropped) if (marker.kind === 'mark') this.#echoMark(marker.id ?? '');
        break;
      }
      case 'ignored':
        break;
    }
    return message;
  }

  /**
   * Before each media clock tick: the marks reached on the last tick are echoed, and a partial frame alone in the
   * queue for a whole tick is completed and played.
   */
  beforeTick(): void {
    if (this.#reached.length > 0) this.#echoReached();
    if (this.#partial === 0 || this.queue.nextLength !== -1) return;
    if (this.#partialWaited++ < PARTIAL_WAIT_TICKS) return;
    this.#completePartial();
  }

  /** A frame toward the bot (8 kHz samples), as a `media` message. */
  sendPcm(samples: Int16Array): void {
    if (this.#state !== 'streaming') return;
    if (samples.length > this.#encoded.length) this.#encoded = Buffer.alloc(samples.length);
    encodeUlaw(samples, this.#encoded, samples.length);
    this.#media(this.#encoded.toString('base64', 0, samples.length));
  }

  /** A frame already in µ-law (relayed from a G.711 µ-law caller without decoding). */
  sendUlaw(payload: Buffer): void {
    if (this.#state === 'streaming') this.#media(payload.toString('base64'));
  }

  /** The call ends: `stop` once if the stream started; nothing more is sent after it. */
  stop(): void {
    if (this.#state === 'stopped') return;
    if (this.#state === 'streaming') {
      this.#echoReached();
      this.send(stopMessage(++this.#sequence, this.#ids!));
    }
    this.#enter('stopped');
  }

  #start(variables: readonly (readonly [string, string])[]): void {
    if (this.#state !== 'waiting') return;
    const ids = twilioIds(this.channelId, variables);
    this.#ids = ids;
    this.#enter('streaming');
    this.#startedAt = this.#now();
    // Twilio bots send audio in any sizes: remainders join the next message instead of being dropped.
    this.queue.startBuffering();
    this.send(CONNECTED_MESSAGE);
    this.send(startMessage(++this.#sequence, ids, customParameters(variables)));
  }

  #media(payloadBase64: string): void {
    const timestampMs = Math.round(this.#now() - this.#startedAt);
    this.send(mediaMessage(++this.#sequence, this.#ids!.streamSid, ++this.#chunk, timestampMs, payloadBase64));
  }

  #echoReached(): void {
    for (const name of this.#reached) this.#echoMark(name);
    this.#reached.length = 0;
  }

  #echoMark(name: string): void {
    if (this.#state === 'streaming') this.send(markMessage(++this.#sequence, this.#ids!.streamSid, name));
  }

  #queueAudio(payloadBase64: string): void {
    const capacity = base64Capacity(payloadBase64);
    if (capacity > this.#decoded.length) this.#decoded = Buffer.alloc(Math.max(capacity, this.#decoded.length * 2));
    const bytes = decodeBase64Into(payloadBase64, this.#decoded);
    if (bytes === 0) return;
    // A message arriving while the queue is full is dropped whole (chan_websocket's rule); nothing of it is held.
    if (!this.queue.push(this.#decoded.subarray(0, bytes))) return;
    this.#partial = (this.#partial + bytes) % TWILIO_FRAME_BYTES;
    this.#partialWaited = 0;
  }

  #completePartial(): void {
    if (this.#partial === 0) return;
    if (this.queue.push(this.#silence.subarray(0, TWILIO_FRAME_BYTES - this.#partial))) this.#partial = 0;
  }

  #enter(next: State): void {
    if (next === this.#state) return;
    if (!NEXT[this.#state].includes(next)) throw new Error(`Twilio stream: ${this.#state} → ${next}`);
    this.#state = next;
  }
}

/** `<prefix>` and 32 hex digits of a hash of the channel id: stable for a channel, distinct between channels. */
function sidOf(prefix: 'MZ' | 'CA', channelId: string): string {
  return prefix + createHash('sha256').update(`${prefix}:${channelId}`).digest('hex').slice(0, SID_HEX_DIGITS);
}

/** The stream's SIDs: made up from the channel id, the account and call SIDs taken from variables when set. */
export function twilioIds(channelId: string, variables: readonly (readonly [string, string])[]): TwilioIds {
  const variable = (name: string): string | undefined => {
    const value = variables.find(([n]) => n === name)?.[1];
    return value === '' ? undefined : value;
  };
  return {
    streamSid: sidOf('MZ', channelId),
    accountSid: variable(ACCOUNT_SID_VARIABLE) ?? DEFAULT_ACCOUNT_SID,
    callSid: variable(CALL_SID_VARIABLE) ?? sidOf('CA', channelId),
  };
}

/**
 * `customParameters`: every `TWILIO_PARAM_<name>` variable as `<name>`, in the order they were set (the list
 * comes most recent first, as Asterisk keeps a channel's variables).
 */
export function customParameters(variables: readonly (readonly [string, string])[]): Record<string, string> {
  const entries: [string, string][] = [];
  for (let i = variables.length - 1; i >= 0; i--) {
    const [raw, value] = variables[i]!;
    const name = raw.replace(INHERITANCE, '');
    if (name.startsWith(CUSTOM_PARAMETER_PREFIX) && name.length > CUSTOM_PARAMETER_PREFIX.length) {
      entries.push([name.slice(CUSTOM_PARAMETER_PREFIX.length), value]);
    }
  }
  // fromEntries defines own properties: a parameter named `__proto__` stays a parameter.
  return Object.fromEntries(entries);
}
