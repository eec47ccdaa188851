/**
 * Which media worker a new channel's media opens in, when it is not opened near another channel (a Local pair, a
 * callee, a snoop follow their peer).
 *
 * - `spread`: round robin, every worker gets every other channel.
 * - `pack` (the default): the first worker that is less than PACK_BUSY busy, else the least busy one (with
 *   hysteresis, PACK_HYSTERESIS). One busy
 *   thread carries a packet for less than two half-busy ones: each packet that wakes an idle thread pays for the
 *   wake-up and the trip through the scheduler, and a busy thread finds several packets at each wake. Measured with
 *   the bridge benchmark (250 and 500 two-party calls, the load generator on the same two cores, runs
 *   interleaved): 40–44 % and 76–86 % CPU packed against 67–69 % and 114–121 % spread. Past PACK_BUSY the next
 *   worker takes the new channels, so a loaded server still uses every core.
 *
 * How busy a worker is comes from the worker itself (its thread's CPU time over the last sample, and the channels
 * it had then); channels opened since the sample are added at the cost per channel that sample showed, so a burst
 * of calls does not all land in one worker before its next sample, and no channel counts for less than
 * DEFAULT_CHANNEL_COST, so channels whose media has not started yet still fill a worker.
 */

export type PlacementPolicy = 'pack' | 'spread';

export const PLACEMENT_POLICIES: readonly PlacementPolicy[] = ['pack', 'spread'];

/** A worker's own last measurement. */
export interface WorkerLoad {
  /** Fraction of the sample period its thread ran on a CPU (0..1). */
  readonly busy: number;
  /** Channels it had when it took the sample. */
  readonly channels: number;
}

/** Past this estimated busy fraction a worker takes new channels only when every other is as busy. */
export const PACK_BUSY = 0.6;
/**
 * Cost of one channel before a sample has shown it (a fraction of a core): about what a G.711 leg relayed or
 * streamed both ways costs here (0.07–0.08 %), rounded up so that an unmeasured burst spills over early.
 */
export const DEFAULT_CHANNEL_COST = 0.001;
/**
 * Hysteresis of `pack`: a worker found PACK_BUSY busy takes new channels again only once it is below
 * PACK_BUSY − PACK_HYSTERESIS, and when every worker is that busy the last one picked keeps the new channels while
 * it is within PACK_HYSTERESIS of the least busy. A worker's samples wander by several percent from one to the next;
 * without this, new channels flipped between workers at every sample near the threshold, and a call and the channel
 * an app made for it a few milliseconds later (external media, the other half of a bridge) landed in different
 * workers: 40 % of the frames of 500 WebSocket media streams crossed between workers.
 */
export const PACK_HYSTERESIS = 0.15;

export class WorkerPlacement {
  /** Channels opened in each worker and not yet closed, as the core counts them. */
  readonly #open: number[] = [];
  /** Workers found PACK_BUSY busy and not yet back under PACK_BUSY − PACK_HYSTERESIS. */
  readonly #full: boolean[] = [];
  #last = 0;
  #next = 0;

  constructor(
    readonly policy: PlacementPolicy,
    private readonly load?: (worker: number) => WorkerLoad | undefined,
  ) {}

  /** The worker for a new channel among `count`; the caller opens it there and calls `opened`. */
  pick(count: number): number {
    if (this.policy === 'spread' || this.load === undefined || count <= 1) return this.#next++ % count;
    let best = 0;
    let bestBusy = Infinity;
    for (let w = 0; w < count; w++) {
      const busy = this.estimate(w);
      if (this.#full[w] === true) {
        if (busy < PACK_BUSY - PACK_HYSTERESIS) this.#full[w] = false;
      } else if (busy >= PACK_BUSY) {
        this.#full[w] = true;
      }
      if (this.#full[w] !== true) return (this.#last = w);
      if (busy < bestBusy) [best, bestBusy] = [w, busy];
    }
    if (this.#last < count && this.estimate(this.#last) - bestBusy < PACK_HYSTERESIS) return this.#last;
    return (this.#last = best);
  }

  /**
   * Worker `w`'s last sample plus what the channels opened since then will add, and never less than its channels
   * at DEFAULT_CHANNEL_COST each: a call's media often starts after it was placed (answered, then bridged), so a
   * sample taken during a ramp sees channels that cost nothing yet.
   */
  estimate(w: number): number {
    const sample = this.load?.(w);
    const open = this.#open[w] ?? 0;
    const floor = open * DEFAULT_CHANNEL_COST;
    if (sample === undefined) return floor;
    const perChannel = sample.channels > 0 ? Math.max(DEFAULT_CHANNEL_COST, sample.busy / sample.channels) : DEFAULT_CHANNEL_COST; // prettier-ignore
    return Math.max(floor, sample.busy + Math.max(0, open - sample.channels) * perChannel);
  }

  opened(worker: number): void {
    this.#open[worker] = (this.#open[worker] ?? 0) + 1;
  }

  closed(worker: number): void {
    this.#open[worker] = Math.max(0, (this.#open[worker] ?? 0) - 1);
  }

  /** A worker died: none of its channels are left. */
  reset(worker: number): void {
    this.#open[worker] = 0;
    this.#full[worker] = false;
  }
}
