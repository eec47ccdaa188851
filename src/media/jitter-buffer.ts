/**
 * An adaptive jitter buffer for one incoming stream of 20 ms signed-linear frames, played out on the media clock
 * (one `pull` per tick), as a bridge participant's input into the mixer.
 *
 * Frames are placed by their RTP timestamp (in samples at the stream's rate). The playout point trails the newest
 * timestamp by a target delay that follows the measured interarrival jitter (RFC 3550 §6.4.1 estimator, in
 * samples): target = max(two frames, JITTER_FACTOR × jitter), clamped to MAX_DELAY_MS. When the frame due is
 * missing — lost, or later than the delay allows — packet-loss concealment repeats the last frame, fading it by
 * half per frame, and plays silence once the fade has run out; a frame arriving after its slot was concealed is
 * dropped. The buffer grows its delay by concealing one extra frame and shrinks it by skipping one, never more than
 * one frame per second, so the output is continuous: every tick yields exactly one frame.
 *
 * A timestamp far from the playout point (a new source, a sender restart, a long pause) resynchronises.
 */
import { performance } from 'node:perf_hooks';

const MAX_DELAY_MS = 200;
/**
 * The least delay, in frames: one frame of cushion beyond the frame itself, so a stream that arrives in phase with
 * the clock that pulls it (a frame landing just before its tick) does not lose every frame that lands just after.
 */
const MIN_DELAY_FRAMES = 2;
const JITTER_FACTOR = 3;
/** Frames held at most (a flood is trimmed from the oldest end). */
const CAPACITY = 32;
/** Concealed frames before silence: a fading repeat of the last one. */
const CONCEAL_FRAMES = 4;
/** Delay changes at most this often. */
const ADAPT_INTERVAL_MS = 1000;
/** A timestamp more than this far from the playout point means a new stream. */
const RESYNC_MS = 1000;

export interface JitterStats {
  /** Frames played from the buffer. */
  played: number;
  /** Frames concealed (missing when due). */
  concealed: number;
  /** Frames that arrived after their slot (dropped). */
  late: number;
  /** Frames dropped to shrink the delay or because the buffer was full. */
  discarded: number;
  /** Current target delay in ms and estimated jitter in ms. */
  targetMs: number;
  jitterMs: number;
}

export class JitterBuffer {
  readonly stats: JitterStats = { played: 0, concealed: 0, late: 0, discarded: 0, targetMs: 0, jitterMs: 0 };
  readonly #frames: (Int16Array | undefined)[] = [];
  readonly #stamps: number[] = [];
  readonly #last: Int16Array;
  #next: number | undefined;
  #newest = 0;
  #jitter = 0;
  #transit: number | undefined;
  #concealRun = 0;
  #lastAdaptMs = 0;
  #expectedDelay: number;
  #counter = 0;

  constructor(
    readonly rate: number,
    readonly frameSamples = rate / 50,
  ) {
    this.#last = new Int16Array(frameSamples);
    for (let i = 0; i < CAPACITY; i++) {
      this.#frames.push(new Int16Array(frameSamples));
      this.#stamps.push(-1);
    }
    this.#expectedDelay = MIN_DELAY_FRAMES * frameSamples;
  }

  /** Frames waiting. */
  get depth(): number {
    let n = 0;
    for (const s of this.#stamps) if (s >= 0) n++;
    return n;
  }

  /**
   * A frame that arrived now. `timestamp` is its RTP timestamp in samples (undefined: count frames as they come,
   * for sources without one). The samples are copied.
   */
  push(samples: Int16Array, timestamp?: number, nowMs = performance.now()): void {
    const fs = this.frameSamples;
    const ts = timestamp === undefined ? (this.#counter += fs) : timestamp;
    this.#estimateJitter(ts, nowMs);
    const resync = this.#next === undefined || Math.abs(this.#delta(ts, this.#next)) > (RESYNC_MS * this.rate) / 1000;
    if (resync) {
      this.#clear();
      this.#next = ts - this.#expectedDelay + fs;
      this.#newest = ts;
    }
    if (this.#delta(ts, this.#next!) < 0) {
      this.stats.late++;
      return;
    }
    if (this.#delta(ts, this.#newest) > 0) this.#newest = ts;
    const slot = this.#slot(ts);
    if (this.#stamps[slot]! >= 0 && this.#stamps[slot] !== ts) this.stats.discarded++;
    this.#stamps[slot] = ts;
    const dst = this.#frames[slot]!;
    const n = Math.min(samples.length, fs);
    dst.set(n === samples.length ? samples : samples.subarray(0, n));
    if (n < fs) dst.fill(0, n);
  }

  /** The next frame to play (one per tick): the frame due, or its concealment. Writes `out` (frameSamples long). */
  pull(out: Int16Array, nowMs = performance.now()): void {
    const next = this.#next;
    if (next === undefined) {
      out.fill(0);
      return;
    }
    this.#adapt(nowMs);
    const slot = this.#slot(this.#next!);
    if (this.#stamps[slot] === this.#next) {
      out.set(this.#frames[slot]!);
      this.#last.set(out);
      this.#stamps[slot] = -1;
      this.#concealRun = 0;
      this.stats.played++;
    } else {
      this.#conceal(out);
    }
    this.#next = this.#next! + this.frameSamples;
  }

  /** Forget everything (the participant left, or a new stream). */
  reset(): void {
    this.#clear();
    this.#next = undefined;
    this.#transit = undefined;
    this.#jitter = 0;
  }

  #conceal(out: Int16Array): void {
    this.stats.concealed++;
    this.#concealRun++;
    if (this.#concealRun > CONCEAL_FRAMES) {
      out.fill(0);
      return;
    }
    // Fade the last frame by half per concealed frame (a short, quiet repeat rather than a click).
    const shift = this.#concealRun;
    const last = this.#last;
    for (let i = 0; i < out.length; i++) out[i] = last[i]! >> shift;
  }

  /** RFC 3550 §6.4.1: J += (|D| − J) / 16, with D the change in transit time, all in samples. */
  #estimateJitter(ts: number, nowMs: number): void {
    const arrival = (nowMs * this.rate) / 1000;
    const transit = arrival - ts;
    if (this.#transit !== undefined) {
      const d = Math.abs(transit - this.#transit);
      if (d < (RESYNC_MS * this.rate) / 1000) this.#jitter += (d - this.#jitter) / 16;
    }
    this.#transit = transit;
    const fs = this.frameSamples;
    const max = (MAX_DELAY_MS * this.rate) / 1000;
    const wanted = Math.min(max, Math.max(MIN_DELAY_FRAMES * fs, JITTER_FACTOR * this.#jitter));
    this.#expectedDelay = Math.ceil(wanted / fs) * fs;
    this.stats.jitterMs = (this.#jitter * 1000) / this.rate;
    this.stats.targetMs = (this.#expectedDelay * 1000) / this.rate;
  }

  /** Move the playout point one frame toward the target delay, at most once per ADAPT_INTERVAL_MS. */
  #adapt(nowMs: number): void {
    if (nowMs - this.#lastAdaptMs < ADAPT_INTERVAL_MS) return;
    const fs = this.frameSamples;
    const delay = this.#delta(this.#newest, this.#next!) + fs;
    if (delay > this.#expectedDelay + fs) {
      // Too much buffered: skip the oldest frame.
      const slot = this.#slot(this.#next!);
      if (this.#stamps[slot] === this.#next) this.#stamps[slot] = -1;
      this.#next = this.#next! + fs;
      this.stats.discarded++;
      this.#lastAdaptMs = nowMs;
    } else if (delay < this.#expectedDelay - fs && delay >= 0) {
      // Too little: play a concealed frame in front to let the buffer fill.
      this.#next = this.#next! - fs;
      this.#lastAdaptMs = nowMs;
    }
  }

  #slot(ts: number): number {
    const index = Math.floor(ts / this.frameSamples) % CAPACITY;
    return index < 0 ? index + CAPACITY : index;
  }

  /** a − b for 32-bit RTP timestamps (wrap-aware: the signed 32-bit difference). */
  #delta(a: number, b: number): number {
    return (a - b) | 0;
  }

  #clear(): void {
    for (let i = 0; i < CAPACITY; i++) this.#stamps[i] = -1;
    this.#concealRun = 0;
  }
}
