/**
 * DTMF digits an AudioSocket app sends (kind 0x03), played on the channel as digits of a device: each begins,
 * lasts DIGIT_DURATION_MS and ends (the end is what ARI publishes as ChannelDtmfReceived and what a bridge passes
 * on), with at least DIGIT_GAP_MS between two, so an app that sends "123" in one burst gives three clean digits.
 *
 * Beyond Asterisk: chan_audiosocket accepts no DTMF from the app (a 0x03 message ends the call).
 */

/**
 * How long a digit from the app lasts: Asterisk's default for digits it makes up itself
 * (AST_DEFAULT_EMULATE_DTMF_DURATION, main/channel.c), as the app gives no duration.
 */
export const DIGIT_DURATION_MS = 100;
/** The least silence between two digits: Asterisk's AST_MIN_DTMF_GAP (45 ms), in whole 20 ms ticks. */
export const DIGIT_GAP_MS = 60;
/** Digits waiting beyond this many are dropped (an app flooding digits). */
export const MAX_QUEUED_DIGITS = 32;

const TICK_MS = 20;
const DURATION_TICKS = DIGIT_DURATION_MS / TICK_MS;
const GAP_TICKS = DIGIT_GAP_MS / TICK_MS;

export interface DigitSink {
  begin(digit: string): void;
  end(digit: string, durationMs: number): void;
}

export class AppDigits {
  readonly #queue: string[] = [];
  #active: string | undefined;
  /** Ticks until the active digit ends, or, with none active, until the next may begin. */
  #ticks = 0;

  constructor(private readonly sink: DigitSink) {}

  /** Whether nothing is playing or waiting. */
  get isIdle(): boolean {
    return this.#active === undefined && this.#ticks === 0 && this.#queue.length === 0;
  }

  /** A digit from the app: it begins now when nothing is playing; false when the queue is full (dropped). */
  push(digit: string): boolean {
    if (this.#active === undefined && this.#ticks === 0 && this.#queue.length === 0) {
      this.#begin(digit);
      return true;
    }
    if (this.#queue.length >= MAX_QUEUED_DIGITS) return false;
    this.#queue.push(digit);
    return true;
  }

  /** One media clock tick: the active digit ends on time, the gap runs, the next digit begins. */
  tick(): void {
    if (this.#ticks > 0 && --this.#ticks > 0) return;
    const active = this.#active;
    if (active !== undefined) {
      this.#active = undefined;
      this.#ticks = GAP_TICKS;
      this.sink.end(active, DIGIT_DURATION_MS);
      return;
    }
    const next = this.#queue.shift();
    if (next !== undefined) this.#begin(next);
  }

  /** Forget everything (the call ends); a digit begun is not ended. */
  clear(): void {
    this.#queue.length = 0;
    this.#active = undefined;
    this.#ticks = 0;
  }

  #begin(digit: string): void {
    this.#active = digit;
    this.#ticks = DURATION_TICKS;
    this.sink.begin(digit);
  }
}
