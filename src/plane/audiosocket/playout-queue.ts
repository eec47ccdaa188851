/**
 * The audio an AudioSocket app sent, waiting to be read by the channel one 20 ms frame per media clock tick.
 *
 * Asterisk has no such queue: each message becomes a frame at once, however long and whenever it comes, so an
 * app must send 20 ms chunks in real time or be heard choppy. Here messages of any size are re-framed into
 * 20 ms frames and paced by the clock, so an app that sends in bursts (a text-to-speech engine handing over a
 * second at once) is still heard smoothly.
 *
 * - Bounded: past `capacity` samples the oldest audio is dropped (and counted), so an app that sends faster than
 *   real time for long cannot make the delay grow without end; what it sent last is what is heard.
 * - No added delay of its own: a frame goes out as soon as a whole one is there. An app sending exactly 20 ms in
 *   real time keeps at most one frame waiting (after the first time a chunk came just after a tick).
 * - A tail shorter than a frame that sat through a whole tick without more audio coming goes out padded with
 *   silence, so the end of what the app said is never held back until it speaks again.
 *
 * One ring allocated up front; pushing and pulling never allocate.
 */
export class PlayoutQueue {
  readonly #ring: Int16Array;
  #start = 0;
  #length = 0;
  /** A tail shorter than a frame was seen at the last pull and nothing has been pushed since. */
  #tailWaited = false;
  /** Samples dropped because the queue was full (oldest first). */
  droppedSamples = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Int16Array(capacity);
  }

  /** Samples waiting. */
  get available(): number {
    return this.#length;
  }

  /** Append the first `count` samples of `samples`; returns how many samples (old or new) were dropped. */
  push(samples: Int16Array, count = samples.length): number {
    const ring = this.#ring;
    const size = ring.length;
    this.#tailWaited = false;
    // More than fits at once: only its last `size` samples can be kept.
    const from = count > size ? count - size : 0;
    const excess = this.#length + (count - from) - size;
    let dropped = from;
    if (excess > 0) {
      this.#start = (this.#start + excess) % size;
      this.#length -= excess;
      dropped += excess;
    }
    let at = (this.#start + this.#length) % size;
    for (let i = from; i < count; i++) {
      ring[at] = samples[i]!;
      if (++at === size) at = 0;
    }
    this.#length += count - from;
    this.droppedSamples += dropped;
    return dropped;
  }

  /**
   * Fill `out` with the next frame (`out.length` samples): true when it was filled — a whole frame, or a tail that
   * waited a tick, padded with silence; false when there is nothing to send this tick.
   */
  pull(out: Int16Array): boolean {
    const n = out.length;
    const length = this.#length;
    if (length === 0) {
      this.#tailWaited = false;
      return false;
    }
    if (length < n && !this.#tailWaited) {
      this.#tailWaited = true;
      return false;
    }
    const take = Math.min(n, length);
    const ring = this.#ring;
    const size = ring.length;
    let at = this.#start;
    for (let i = 0; i < take; i++) {
      out[i] = ring[at]!;
      if (++at === size) at = 0;
    }
    out.fill(0, take);
    this.#length -= take;
    this.#start = this.#length === 0 ? 0 : at;
    this.#tailWaited = false;
    return true;
  }

  /** Drop everything waiting (not counted as dropped: the call is ending). */
  clear(): void {
    this.#start = 0;
    this.#length = 0;
    this.#tailWaited = false;
  }
}
