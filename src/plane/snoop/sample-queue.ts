/**
 * A queue of signed-linear samples between a producer and a consumer that run at their own pace: what a snoop
 * taps from its target until the media clock reads it, or what is whispered until the target's next frame takes
 * it (Asterisk's audiohook keeps an `ast_slinfactory` per direction for this).
 *
 * A ring over one buffer allocated up front: pushing and reading never allocate. Audio that nobody takes does
 * not pile up: past `capacity` samples the queue is emptied and starts again from the new audio, as Asterisk
 * flushes an audiohook's factories once they hold more than 500 ms (audiohook.c, long-queue tolerance).
 */
export class SampleQueue {
  readonly #ring: Int16Array;
  #start = 0;
  #length = 0;

  constructor(readonly capacity: number) {
    this.#ring = new Int16Array(capacity);
  }

  /** Samples waiting. */
  get available(): number {
    return this.#length;
  }

  /** Drop everything waiting. */
  flush(): void {
    this.#start = 0;
    this.#length = 0;
  }

  /** Append `samples`; a queue that would overflow is flushed first (stale audio goes). */
  push(samples: Int16Array): void {
    const ring = this.#ring;
    const size = ring.length;
    const n = Math.min(samples.length, size);
    const from = samples.length - n;
    if (this.#length + n > size) this.flush();
    // Sample by sample rather than through subarray views: nothing is allocated per frame.
    let at = (this.#start + this.#length) % size;
    for (let i = from; i < samples.length; i++) {
      ring[at] = samples[i]!;
      if (++at === size) at = 0;
    }
    this.#length += n;
  }

  /** Move the next `out.length` samples into `out`; false (nothing taken) when fewer are waiting. */
  readInto(out: Int16Array): boolean {
    const n = out.length;
    if (n > this.#length) return false;
    const ring = this.#ring;
    const size = ring.length;
    let at = this.#start;
    for (let i = 0; i < n; i++) {
      out[i] = ring[at]!;
      if (++at === size) at = 0;
    }
    this.#take(n);
    return true;
  }

  /**
   * Add the next `out.length` samples to `out`, clipping at the 16-bit limits (`ast_slinear_saturated_add`);
   * false (nothing taken, `out` unchanged) when fewer are waiting.
   */
  mixInto(out: Int16Array): boolean {
    const n = out.length;
    if (n > this.#length) return false;
    const ring = this.#ring;
    const size = ring.length;
    let at = this.#start;
    for (let i = 0; i < n; i++) {
      const sum = out[i]! + ring[at]!;
      out[i] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum;
      if (++at === size) at = 0;
    }
    this.#take(n);
    return true;
  }

  #take(n: number): void {
    this.#length -= n;
    this.#start = this.#length === 0 ? 0 : (this.#start + n) % this.#ring.length;
  }
}
