/*
 * One shared media clock: a single timer paces every generator of audio (playback, tones, silence) in
 * 20 ms frames, as Asterisk's channel timing does for generated media.
 *
 * Ticks are due at start + n × period on the monotonic clock (performance.now), not "period after the last
 * timer", so timer lateness never accumulates into drift: over a long run the tick count is exactly
 * elapsed / period. A late timer delivers every tick that fell due (counted in `lateTicks`); after a stall
 * longer than `maxCatchUp` ticks the missed ones are dropped and counted in `skippedTicks`, so a paused process
 * does not burst seconds of audio at once. The timer runs only while someone subscribes.
 */
import { performance } from 'node:perf_hooks';

export type MediaClockListener = (tickNo: number) => void;

export interface MediaClockOptions {
  periodMs?: number;
  /** Most overdue ticks delivered at once before the clock resynchronises (default 10 = 200 ms). */
  maxCatchUp?: number;
  /** A listener threw; the other listeners still run. */
  onError?: (err: unknown) => void;
}

// A timer that fires up to this early still delivers its tick: Node timers have millisecond resolution.
const EARLY_MS = 1;

export class MediaClock {
  readonly periodMs: number;
  readonly #maxCatchUp: number;
  readonly #onError: (err: unknown) => void;
  readonly #listeners = new Set<MediaClockListener>();
  #timer: NodeJS.Timeout | undefined;
  #startMs = 0;
  /** Ticks since the clock (re)started; the last tick delivered. */
  #tickNo = 0;
  /** Ticks delivered more than one period after they were due. */
  lateTicks = 0;
  /** Ticks dropped after a stall longer than maxCatchUp periods. */
  skippedTicks = 0;

  constructor(opts: MediaClockOptions = {}) {
    this.periodMs = opts.periodMs ?? 20;
    this.#maxCatchUp = opts.maxCatchUp ?? 10;
    this.#onError = opts.onError ?? ((err) => process.emitWarning(`media clock listener threw: ${String(err)}`));
  }

  /** Calls `fn(tickNo)` every period; returns the unsubscribe function. */
  subscribe(fn: MediaClockListener): () => void {
    this.#listeners.add(fn);
    if (this.#timer === undefined) this.#start();
    return () => {
      this.#listeners.delete(fn);
      if (this.#listeners.size === 0) this.#stop();
    };
  }

  get isRunning(): boolean {
    return this.#timer !== undefined;
  }

  get tickNo(): number {
    return this.#tickNo;
  }

  #start(): void {
    this.#startMs = performance.now();
    this.#tickNo = 0;
    this.#schedule();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const dueMs = this.#startMs + (this.#tickNo + 1) * this.periodMs;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, dueMs - performance.now()));
  }

  readonly #onTimer = (): void => {
    const now = performance.now();
    let overdue = Math.floor((now + EARLY_MS - this.#startMs) / this.periodMs) - this.#tickNo;
    if (overdue > this.#maxCatchUp) {
      const skip = overdue - this.#maxCatchUp;
      this.skippedTicks += skip;
      this.#tickNo += skip;
      overdue = this.#maxCatchUp;
    }
    for (let i = 0; i < overdue && this.#listeners.size > 0; i++) {
      this.#tickNo++;
      if (now - (this.#startMs + this.#tickNo * this.periodMs) >= this.periodMs) this.lateTicks++;
      for (const fn of this.#listeners) {
        try {
          fn(this.#tickNo);
        } catch (err) {
          this.#onError(err);
        }
      }
    }
    if (this.#listeners.size === 0) return;
    clearTimeout(this.#timer); // a listener may have restarted the clock from inside this tick
    this.#schedule();
  };
}

/** The process-wide 20 ms clock. */
export const mediaClock = new MediaClock();
