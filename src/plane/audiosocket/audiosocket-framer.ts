/**
 * Slices a TCP byte stream into AudioSocket messages (`[kind u8][length u16 BE][payload]`, see
 * audiosocket-messages.ts). Reads may split a message anywhere or carry several: whole messages inside one chunk
 * are handed on as views of it (nothing copied), and only a message cut by the end of a chunk is gathered in a
 * buffer of its own until its last byte comes.
 *
 * It never throws on what it is fed: every length is checked before it is read, and since a length is 16 bits a
 * message can never exceed 3 + 65535 bytes, so nothing grows without bound. There is no marker to resynchronise
 * on: a stream of garbage is read as messages of whatever kinds and lengths its bytes say, which the receiver
 * judges by kind (and the connection stays as aligned as the sender made it).
 */
import { HEADER_BYTES, MAX_PAYLOAD_BYTES } from './audiosocket-messages.js';

/**
 * Called for each message; `payload` is valid during the call only (a view of the chunk or of the framer's own
 * buffer). Returning false drops the rest of the chunk: the receiver has closed.
 */
export type OnMessage = (kind: number, payload: Buffer) => boolean | void;

/** The partial buffer starts at a 20 ms 16 kHz frame's message and grows to what a message needs. */
const INITIAL_PARTIAL_BYTES = HEADER_BYTES + 640;
const MAX_MESSAGE_BYTES = HEADER_BYTES + MAX_PAYLOAD_BYTES;

export class AudioSocketFramer {
  #partial = Buffer.allocUnsafe(INITIAL_PARTIAL_BYTES);
  /** Bytes of an incomplete message held in #partial. */
  #held = 0;

  /** Bytes received that are not yet part of a whole message. */
  get pendingBytes(): number {
    return this.#held;
  }

  /** Feed the next chunk of the stream; `onMessage` is called for each message it completes, in order. */
  push(chunk: Buffer, onMessage: OnMessage): void {
    let offset = this.#held > 0 ? this.#complete(chunk, onMessage) : 0;
    if (offset < 0) return;
    while (chunk.length - offset >= HEADER_BYTES) {
      const end = offset + HEADER_BYTES + ((chunk[offset + 1]! << 8) | chunk[offset + 2]!);
      if (end > chunk.length) break;
      if (onMessage(chunk[offset]!, chunk.subarray(offset + HEADER_BYTES, end)) === false) return;
      offset = end;
    }
    if (offset < chunk.length) this.#hold(chunk, offset, chunk.length - offset);
  }

  /** Forget a partial message (the connection is gone). */
  reset(): void {
    this.#held = 0;
  }

  /**
   * Add the start of `chunk` to the held message; returns where the chunk's unread bytes start, or -1 when the
   * receiver closed.
   */
  #complete(chunk: Buffer, onMessage: OnMessage): number {
    let offset = 0;
    // First the header, if it is not whole yet; then the rest of the payload it announces.
    if (this.#held < HEADER_BYTES) {
      const take = Math.min(HEADER_BYTES - this.#held, chunk.length);
      this.#hold(chunk, 0, take);
      offset = take;
      if (this.#held < HEADER_BYTES) return offset;
    }
    const total = HEADER_BYTES + ((this.#partial[1]! << 8) | this.#partial[2]!);
    const take = Math.min(total - this.#held, chunk.length - offset);
    this.#hold(chunk, offset, take);
    offset += take;
    if (this.#held < total) return offset;
    this.#held = 0;
    const partial = this.#partial;
    return onMessage(partial[0]!, partial.subarray(HEADER_BYTES, total)) === false ? -1 : offset;
  }

  /** Append `length` bytes of `chunk` from `from` to the held message, growing the buffer when needed. */
  #hold(chunk: Buffer, from: number, length: number): void {
    const need = this.#held + length;
    if (need > this.#partial.length) {
      const bigger = Buffer.allocUnsafe(Math.min(Math.max(need, 2 * this.#partial.length), MAX_MESSAGE_BYTES));
      this.#partial.copy(bigger, 0, 0, this.#held);
      this.#partial = bigger;
    }
    chunk.copy(this.#partial, this.#held, from, from + length);
    this.#held = need;
  }
}
