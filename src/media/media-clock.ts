/*
 * One shared media clock: a single timer paces every generator of audio (playback, tones, silence) in
 * 20 ms frames, as Asterisk's channel timing does for generated media.
 *
 * Ticks are due at start + n × period on the monotonic clock (performance.now), not "period after the last
 * timer", so timer lateness never accumulates into drift: over a long run the tick count is exactly
 * elapsed / period. A late timer delivers every tick that fell due (counted in `lateTicks`); after a stall
 * longer than `maxCatchUp` ticks the missed ones are dropped and counted in `skippedTicks`, so a paused process
 * does not burst seconds of audio at once. The timer runs only while someone subscribes.
 *
 * Phases: with `phases` K > 1 the period is cut into K slots and each listener gets the slot with the fewest
 * listeners, so 1 000 channels are served as K bursts of 250 spread over the period instead of one burst of
 * 1 000. Each listener still hears exactly one tick per period at a fixed offset; what changes is that sending
 * (a sendmsg per RTP packet) no longer makes every worker and the receivers want the CPU at the same instant,
 * which on a loaded machine is what makes packets late.
 */
import { performance } from 'node:perf_hooks';

export type MediaClockListener = (tickNo: number) => void;

export interface MediaClockOptions {
  periodMs?: number;
  /** Most overdue ticks delivered at once before the clock resynchronises (default 10 = 200 ms). */
  maxCatchUp?: number;
  /** A listener threw; the other listeners still run. */
  onError?: (err: unknown) => void;
  /** Slots the period is cut into, listeners spread over them (default 1: every listener at once). */
  phases?: number;
}

// A timer that fires up to this early still delivers its tick: Node timers have millisecond resolution.
const EARLY_MS = 1;

export class MediaClock {
  readonly periodMs: number;
  readonly #maxCatchUp: number;
  readonly #onError: (err: unknown) => void;
  readonly #phases: Set<MediaClockListener>[];
  /** Which slot each listener is in. */
  readonly #phaseOf = new Map<MediaClockListener, Set<MediaClockListener>>();
  #listenerCount = 0;
  #timer: NodeJS.Timeout | undefined;
  #startMs = 0;
  /** Slots since the clock (re)started; the last one delivered. */
  #slotNo = 0;
  /** Ticks delivered more than one period after they were due. */
  lateTicks = 0;
  #lastLateTick = 0;
  /** Ticks dropped after a stall longer than maxCatchUp periods. */
  skippedTicks = 0;

  constructor(opts: MediaClockOptions = {}) {
    this.periodMs = opts.periodMs ?? 20;
    this.#maxCatchUp = opts.maxCatchUp ?? 10;
    this.#onError = opts.onError ?? ((err) => process.emitWarning(`media clock listener threw: ${String(err)}`));
    this.#phases = Array.from({ length: Math.max(1, Math.floor(opts.phases ?? 1)) }, () => new Set());
  }

  /** Length of one slot: the period divided by the phases. */
  get #slotMs(): number {
    return this.periodMs / this.#phases.length;
  }

  /**
   * Calls `fn(tickNo)` every period, in the least busy slot (or, with `spread` false, in the first slot: for
   * work whose output crosses to other threads, batched once per slot); returns the unsubscribe function.
   */
  subscribe(fn: MediaClockListener, spread = true): () => void {
    if (this.#phaseOf.has(fn)) return () => this.#unsubscribe(fn);
    let phase = this.#phases[0]!;
    if (spread) for (const p of this.#phases) if (p.size < phase.size) phase = p;
    phase.add(fn);
    this.#phaseOf.set(fn, phase);
    this.#listenerCount++;
    if (this.#timer === undefined) this.#start();
    return () => this.#unsubscribe(fn);
  }

  #unsubscribe(fn: MediaClockListener): void {
    const phase = this.#phaseOf.get(fn);
    if (phase === undefined) return;
    phase.delete(fn);
    this.#phaseOf.delete(fn);
    this.#listenerCount--;
    if (this.#listenerCount === 0) this.#stop();
  }

  get isRunning(): boolean {
    return this.#timer !== undefined;
  }

  /** Whole periods since the clock (re)started. */
  get tickNo(): number {
    return Math.floor(this.#slotNo / this.#phases.length);
  }

  #start(): void {
    this.#startMs = performance.now();
    this.#slotNo = 0;
    this.#lastLateTick = 0;
    this.#schedule();
  }

  #stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    // Wake for the next slot that has listeners: with few of them most slots are empty, and a timer every 2 ms
    // for nothing is 500 wake-ups a second per worker. (The timer callback walks past the empty ones.)
    const count = this.#phases.length;
    let next = this.#slotNo;
    while (next < this.#slotNo + count - 1 && this.#phases[next % count]!.size === 0) next++;
    const dueMs = this.#startMs + (next + 1) * this.#slotMs;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, dueMs - performance.now()));
  }

  readonly #onTimer = (): void => {
    const now = performance.now();
    const slotMs = this.#slotMs;
    const count = this.#phases.length;
    let overdue = Math.floor((now + EARLY_MS - this.#startMs) / slotMs) - this.#slotNo;
    const maxSlots = this.#maxCatchUp * count;
    if (overdue > maxSlots) {
      const skip = overdue - maxSlots;
      this.skippedTicks += Math.floor(skip / count);
      this.#slotNo += skip;
      overdue = maxSlots;
    }
    for (let i = 0; i < overdue && this.#listenerCount > 0; i++) {
      const slot = this.#slotNo++;
      const phase = this.#phases[slot % count]!;
      // Listeners of slot k of period n hear tick n + 1, whatever k is (the first period's ticks are 1).
      const tickNo = Math.floor(slot / count) + 1;
      // Late by a whole period: counted once per period, whichever of its slots were late.
      if (
        phase.size > 0 &&
        tickNo !== this.#lastLateTick &&
        now - (this.#startMs + (slot + 1) * slotMs) >= this.periodMs
      ) {
        this.lateTicks++;
        this.#lastLateTick = tickNo;
      }
      for (const fn of phase) {
        try {
          fn(tickNo);
        } catch (err) {
          this.#onError(err);
        }
      }
    }
    if (this.#listenerCount === 0) return;
    clearTimeout(this.#timer); // a listener may have restarted the clock from inside this tick
    this.#schedule();
  };
}

/** The process-wide 20 ms clock. */
export const mediaClock = new MediaClock();
