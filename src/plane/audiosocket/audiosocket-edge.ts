/**
 * The edge of an AudioSocket channel: a TCP connection to the app, carrying the channel's audio as 16-bit
 * little-endian PCM at 8 kHz (kind 0x10) or 16 kHz (kind 0x12), and DTMF.
 *
 * Toward the app (as chan_audiosocket): the UUID message first, on call; then one audio message per 20 ms frame
 * the channel is written (frames of other lengths are gathered into 20 ms ones), and one DTMF message per digit,
 * at its end. Nothing goes out before the UUID.
 *
 * From the app, where Switchyard goes beyond Asterisk (which ends the call on anything but audio and hangup):
 * - audio is re-framed into 20 ms frames read on the media clock (playout-queue.ts), so bursts are heard smoothly;
 *   audio of the other pipeline rate (8 ↔ 16 kHz) is resampled rather than refused;
 * - a DTMF message (0x03) is a digit on the channel, as a device's (app-digits.ts);
 * - an error message (0xFF) is logged with its code and the call goes on;
 * - an empty message, a UUID message, audio at another rate, or an unknown kind is logged and skipped.
 * A hangup message (0x00) ends the call, as does the connection closing; the edge closing closes the socket.
 */
import type { Socket } from 'node:net';
import type { AudioSocketEndReason, AudioSocketNotice } from '../../core/media/audiosocket-protocol.js';
import type { MediaEvent } from '../../core/media/media-protocol.js';
import { createResampler, type Resampler } from '../../media/resample.js';
import type { MediaChannel } from '../media-channel.js';
import { frameSamples, type MediaEdge } from '../pipeline.js';
import { AppDigits } from './app-digits.js';
import { AudioSocketFramer } from './audiosocket-framer.js';
import {
  audioKindFor,
  audioKindRate,
  audioMessage,
  decodePcmLe,
  dtmfDigit,
  dtmfMessage,
  Kind,
  MAX_PAYLOAD_BYTES,
  uuidMessage,
} from './audiosocket-messages.js';
import { PlayoutQueue } from './playout-queue.js';

/** Audio from the app waits at most this long; older audio is dropped when more comes. */
export const MAX_PLAYOUT_MS = 1000;
/** Audio to an app that does not read is dropped once this much waits in the socket. */
export const MAX_SEND_BACKLOG_MS = 1000;
/** After the edge closes, the socket has this long to flush before it is destroyed. */
const CLOSE_GRACE_MS = 2000;

export class AudioSocketEdge implements MediaEdge {
  readonly rate: 8000 | 16000;
  readonly #kind: number;
  readonly #framer = new AudioSocketFramer();
  readonly #playout: PlayoutQueue;
  readonly #digits: AppDigits;
  /** One frame read per tick. */
  readonly #frame: Int16Array;
  /**
   * A message's samples, decoded: grown to the longest message the app has sent (at most 32767 samples), not
   * allocated at that size up front — 64 KB a channel is 64 MB at a thousand calls of 20 ms messages.
   */
  #decoded = new Int16Array(0);
  #resampled = new Int16Array(0);
  #resampler: Resampler | undefined;
  /** Audio to send, gathered into 20 ms frames when the channel writes other lengths. */
  readonly #outFrame: Int16Array;
  #outHeld = 0;
  readonly #maxBacklogBytes: number;
  readonly #notices = new Map<AudioSocketNotice, number>();
  #isCalled = false;
  #isClosed = false;

  constructor(
    readonly socket: Socket,
    private readonly channel: MediaChannel,
    rate: 8000 | 16000,
    private readonly uuid: Uint8Array,
    private readonly emit: (event: MediaEvent) => void,
  ) {
    this.rate = rate;
    this.#kind = audioKindFor(rate);
    this.#frame = new Int16Array(frameSamples(rate));
    this.#outFrame = new Int16Array(frameSamples(rate));
    this.#playout = new PlayoutQueue((rate * MAX_PLAYOUT_MS) / 1000);
    this.#maxBacklogBytes = (rate * 2 * MAX_SEND_BACKLOG_MS) / 1000;
    this.#digits = new AppDigits({
      begin: (digit) => emit({ ev: 'dtmf-begin', digit }),
      end: (digit, durationMs) => emit({ ev: 'dtmf-end', digit, durationMs }),
    });
    socket.on('data', (chunk: Buffer) => this.#framer.push(chunk, this.#onMessage));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      this.#end('closed', `connection error: ${err.code ?? err.message}`),
    );
    socket.on('close', () => this.#end('closed', 'the app closed the connection'));
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Audio from the app waiting to be read, in samples, and how much was dropped for lack of room. */
  get playout(): { readonly waiting: number; readonly dropped: number } {
    return { waiting: this.#playout.available, dropped: this.#playout.droppedSamples };
  }

  /** The channel is called: the UUID message goes out, once, before anything else. */
  call(): void {
    if (this.#isCalled || this.#isClosed) return;
    this.#isCalled = true;
    this.socket.write(uuidMessage(this.uuid));
  }

  /** One media clock tick: the app's digits move on, and the next 20 ms of its audio is read. */
  tick(): void {
    if (this.#isClosed) return;
    if (!this.#digits.isIdle) this.#digits.tick();
    if (this.#playout.pull(this.#frame)) this.channel.read(this.#frame);
  }

  write(samples: Int16Array): void {
    if (!this.#isCalled || this.#isClosed) return;
    const size = this.#outFrame.length;
    if (this.#outHeld === 0 && samples.length === size) {
      this.#send(samples);
      return;
    }
    for (let i = 0; i < samples.length;) {
      const take = Math.min(size - this.#outHeld, samples.length - i);
      this.#outFrame.set(samples.subarray(i, i + take), this.#outHeld);
      this.#outHeld += take;
      i += take;
      if (this.#outHeld === size) {
        this.#send(this.#outFrame);
        this.#outHeld = 0;
      }
    }
  }

  /** chan_audiosocket sends a digit at its end only (send_digit_end). */
  dtmfEnd(digit: string): void {
    if (this.#isCalled && !this.#isClosed) this.socket.write(dtmfMessage(digit));
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#release();
    // Asterisk closes the descriptor; a graceful end lets what is queued (a last digit) reach the app first.
    const socket = this.socket;
    socket.end();
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  #send(frame: Int16Array): void {
    if (this.socket.writableLength > this.#maxBacklogBytes) {
      this.#notice('send-backlog', `the app is not reading: audio dropped (${this.socket.writableLength} bytes wait)`);
      return;
    }
    this.socket.write(audioMessage(this.#kind, frame));
  }

  readonly #onMessage = (kind: number, payload: Buffer): boolean => {
    if (this.#isClosed) return false;
    if (kind === Kind.HANGUP) {
      this.#end('hangup', 'the app sent a hangup message');
      return false;
    }
    if (payload.length === 0) {
      this.#notice('empty-message', `an empty message of kind ${hex(kind)} was skipped`);
      return true;
    }
    const rate = audioKindRate(kind);
    if (rate !== undefined) this.#audio(rate, payload);
    else if (kind === Kind.DTMF) this.#dtmf(payload);
    else if (kind === Kind.ERROR) this.#notice('error-message', `the app sent error code ${hex(payload[0]!)}`);
    else this.#notice('unexpected-kind', `a message of kind ${hex(kind)} was skipped`);
    return true;
  };

  #audio(rate: number, payload: Buffer): void {
    if (rate !== 8000 && rate !== 16000) {
      this.#notice('unsupported-rate', `audio at ${rate} Hz was skipped (this channel speaks ${this.rate} Hz)`);
      return;
    }
    const samples = Math.min(payload.length >> 1, MAX_PAYLOAD_BYTES >> 1);
    if (this.#decoded.length < samples) this.#decoded = new Int16Array(samples);
    const n = decodePcmLe(payload, this.#decoded);
    const dropped =
      rate === this.rate ? this.#playout.push(this.#decoded, n) : this.#playout.push(this.#resample(rate, n));
    if (dropped > 0) {
      const ms = Math.round((this.#playout.droppedSamples * 1000) / this.rate);
      this.#notice('playout-overflow', `the app sends faster than real time: ${ms} ms of its audio dropped so far`);
    }
  }

  /** 8 ↔ 16 kHz with one converter per call, so its filter history runs across messages. */
  #resample(rate: number, n: number): Int16Array {
    const from = rate as 8000 | 16000;
    if (this.#resampler?.fromRate !== from) this.#resampler = createResampler(from, this.rate);
    const input = this.#decoded.subarray(0, n);
    const need = this.#resampler!.outputLength(n);
    if (this.#resampled.length < need) this.#resampled = new Int16Array(need);
    return this.#resampled.subarray(0, this.#resampler!.process(input, this.#resampled));
  }

  #dtmf(payload: Buffer): void {
    const digit = dtmfDigit(payload);
    if (digit === undefined) this.#notice('bad-dtmf', `a DTMF message not naming a digit (${payload.toString('hex')})`);
    else if (!this.#digits.push(digit)) this.#notice('dtmf-overflow', `digit ${digit} dropped: too many waiting`);
  }

  /** The connection ended by the app's doing: the core is told (and hangs the channel up). */
  #end(reason: AudioSocketEndReason, detail: string): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#release();
    this.socket.destroy();
    this.emit({ ev: 'audiosocket-ended', reason, detail });
  }

  #release(): void {
    this.#playout.clear();
    this.#digits.clear();
    this.#framer.reset();
  }

  /** Counted; told to the core at the 1st, 10th, 100th, ... time. */
  #notice(notice: AudioSocketNotice, detail: string): void {
    const count = (this.#notices.get(notice) ?? 0) + 1;
    this.#notices.set(notice, count);
    if (isPowerOfTen(count)) this.emit({ ev: 'audiosocket-notice', notice, detail, count });
  }
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

function isPowerOfTen(n: number): boolean {
  while (n >= 10 && n % 10 === 0) n /= 10;
  return n === 1;
}
