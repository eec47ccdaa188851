// A hashed timer wheel (Varghese & Lauck): one array of slots, each a doubly linked list of pending timers, turned
// by a single clock tick. Insert and cancel are O(1); a tick visits one slot. Every SIP transaction timer (RFC 3261
// §17, Table 4) lives here, so thousands of transactions cost one interval, not thousands of `setTimeout`s.
//
// Time comes from an injected `Clock`: production uses `realClock` (one unref'd `setInterval`), tests a manual clock
// they advance. While a timer fires, `now()` is the time of the tick being processed, so a retransmission rescheduled
// from a callback keeps the exact RFC schedule however far a test jumps the clock in one step.

export interface Clock {
  /** Milliseconds on a monotonic scale. */
  now(): number;
  /** Calls `fn` about every `intervalMs` (or whenever a test advances time); returns a function that stops it. */
  onTick(fn: () => void, intervalMs: number): () => void;
}

/** The production clock: `performance.now()` and one interval that never keeps the process alive. */
export const realClock: Clock = {
  now: () => performance.now(),
  onTick(fn, intervalMs) {
    const t = setInterval(fn, intervalMs);
    t.unref();
    return () => clearInterval(t);
  },
};

/** A scheduled timer; pass it to `cancel()`. Its fields belong to the wheel. */
export class TimerHandle {
  /** @internal */ fn: (() => void) | undefined;
  /** @internal */ dueTick = 0;
  /** @internal */ slot = -1;
  /** @internal */ prev: TimerHandle | undefined;
  /** @internal */ next: TimerHandle | undefined;

  /** Whether the timer is still waiting to fire. */
  get isPending(): boolean {
    return this.slot >= 0;
  }
}

export interface TimerWheelOptions {
  /** Resolution; a timer fires on the first tick at or after its due time. Default 10 ms. */
  tickMs?: number;
  /** Number of slots, a power of two. Default 512 (5.12 s a turn at 10 ms). */
  slots?: number;
  /** Called with whatever a timer callback throws; by default it is rethrown on the next tick of the event loop. */
  onError?: (err: unknown) => void;
}

export class TimerWheel {
  readonly tickMs: number;
  readonly #clock: Clock;
  readonly #heads: (TimerHandle | undefined)[];
  readonly #mask: number;
  readonly #onError: (err: unknown) => void;
  readonly #stop: () => void;
  /** The last tick processed. */
  #tick: number;
  #isFiring = false;
  /** The next node of the slot being fired, kept valid when a callback cancels it. */
  #cursor: TimerHandle | undefined;
  #size = 0;

  constructor(clock: Clock, options: TimerWheelOptions = {}) {
    const slots = options.slots ?? 512;
    if (slots <= 0 || (slots & (slots - 1)) !== 0) throw new RangeError('TimerWheel: slots must be a power of two');
    this.tickMs = options.tickMs ?? 10;
    this.#clock = clock;
    this.#heads = new Array<TimerHandle | undefined>(slots).fill(undefined);
    this.#mask = slots - 1;
    this.#onError =
      options.onError ??
      ((err) =>
        process.nextTick(() => {
          throw err;
        }));
    this.#tick = Math.floor(clock.now() / this.tickMs);
    this.#stop = clock.onTick(() => this.advance(), this.tickMs);
  }

  /** The current time: the tick being processed while timers fire, the clock's time otherwise. */
  now(): number {
    return this.#isFiring ? this.#tick * this.tickMs : this.#clock.now();
  }

  /** Pending timers. */
  get size(): number {
    return this.#size;
  }

  /** Runs `fn` once, `ms` from now (rounded up to the next tick; never in the tick that is firing). */
  schedule(ms: number, fn: () => void): TimerHandle {
    const h = new TimerHandle();
    h.fn = fn;
    h.dueTick = Math.max(Math.ceil((this.now() + ms) / this.tickMs), this.#tick + 1);
    h.slot = h.dueTick & this.#mask;
    h.next = this.#heads[h.slot];
    if (h.next !== undefined) h.next.prev = h;
    this.#heads[h.slot] = h;
    this.#size++;
    return h;
  }

  /** Stops a pending timer; a fired or cancelled one is left alone. */
  cancel(h: TimerHandle | undefined): void {
    if (h === undefined || h.slot < 0) return;
    if (h === this.#cursor) this.#cursor = h.next;
    if (h.prev === undefined) this.#heads[h.slot] = h.next;
    else h.prev.next = h.next;
    if (h.next !== undefined) h.next.prev = h.prev;
    h.prev = h.next = h.fn = undefined;
    h.slot = -1;
    this.#size--;
  }

  /** Fires every timer due up to the clock's time; the clock's tick hook calls this. */
  advance(): void {
    if (this.#isFiring) return;
    const target = Math.floor(this.#clock.now() / this.tickMs);
    this.#isFiring = true;
    try {
      while (this.#tick < target) {
        this.#tick++;
        this.#cursor = this.#heads[this.#tick & this.#mask];
        while (this.#cursor !== undefined) {
          const h = this.#cursor;
          this.#cursor = h.next;
          if (h.dueTick > this.#tick) continue; // a later turn of the wheel
          const fn = h.fn!;
          this.cancel(h);
          try {
            fn();
          } catch (err) {
            this.#onError(err);
          }
        }
      }
    } finally {
      this.#cursor = undefined;
      this.#isFiring = false;
    }
  }

  /** Stops the tick; pending timers never fire. */
  close(): void {
    this.#stop();
  }
}
