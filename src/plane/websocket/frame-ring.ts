/**
 * A first-in first-out queue of byte frames of any length (20 ms chunks, a short last chunk, or whole messages in
 * passthrough), kept in one circular byte buffer and one circular list of lengths. It starts small and doubles
 * when full, so a channel holds only as much memory as its app queues, and a steady stream allocates nothing.
 */

const INITIAL_BYTES = 4096;
const INITIAL_FRAMES = 32;

export class FrameRing {
  #bytes = new Uint8Array(INITIAL_BYTES);
  /** Read and write offsets into #bytes, and the bytes held. */
  #readAt = 0;
  #writeAt = 0;
  #used = 0;
  #lengths = new Int32Array(INITIAL_FRAMES);
  #first = 0;
  #count = 0;

  /** Frames held. */
  get count(): number {
    return this.#count;
  }

  /** Bytes of the oldest frame; -1 when there is none. */
  get nextLength(): number {
    return this.#count === 0 ? -1 : this.#lengths[this.#first]!;
  }

  /** Append `src` as one frame (copied). */
  push(src: Uint8Array): void {
    const n = src.length;
    if (this.#used + n > this.#bytes.length) this.#growBytes(this.#used + n);
    if (this.#count === this.#lengths.length) this.#growLengths();
    const cap = this.#bytes.length;
    const head = Math.min(n, cap - this.#writeAt);
    this.#bytes.set(head === n ? src : src.subarray(0, head), this.#writeAt);
    if (head < n) this.#bytes.set(src.subarray(head), 0);
    this.#writeAt = (this.#writeAt + n) % cap;
    this.#used += n;
    this.#lengths[(this.#first + this.#count) % this.#lengths.length] = n;
    this.#count++;
  }

  /** Move the oldest frame into `out` (at least `nextLength` long); its length, or -1 when empty. */
  shift(out: Uint8Array): number {
    if (this.#count === 0) return -1;
    const n = this.#lengths[this.#first]!;
    const cap = this.#bytes.length;
    const head = Math.min(n, cap - this.#readAt);
    out.set(this.#bytes.subarray(this.#readAt, this.#readAt + head), 0);
    if (head < n) out.set(this.#bytes.subarray(0, n - head), head);
    this.#readAt = (this.#readAt + n) % cap;
    this.#used -= n;
    this.#first = (this.#first + 1) % this.#lengths.length;
    this.#count--;
    return n;
  }

  clear(): void {
    this.#readAt = this.#writeAt = this.#used = 0;
    this.#first = this.#count = 0;
  }

  /** A bigger byte buffer holding the same frames from offset 0. */
  #growBytes(needed: number): void {
    let size = this.#bytes.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    const cap = this.#bytes.length;
    const head = Math.min(this.#used, cap - this.#readAt);
    next.set(this.#bytes.subarray(this.#readAt, this.#readAt + head), 0);
    if (head < this.#used) next.set(this.#bytes.subarray(0, this.#used - head), head);
    this.#bytes = next;
    this.#readAt = 0;
    this.#writeAt = this.#used;
  }

  #growLengths(): void {
    const next = new Int32Array(this.#lengths.length * 2);
    for (let i = 0; i < this.#count; i++) next[i] = this.#lengths[(this.#first + i) % this.#lengths.length]!;
    this.#lengths = next;
    this.#first = 0;
  }
}
