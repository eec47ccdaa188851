/**
 * Links between channels in different workers (a bridge of two calls that arrived on different cores). Frames
 * read in one worker for a channel in another are packed into one buffer per destination and posted once per
 * turn of the event loop (transferred, not copied), so the message count stays at a few per tick however many
 * calls cross, and the receiving worker writes each frame into its channel as if it had been read there.
 *
 *   batch := frame*
 *   frame := id:u32 rate:u32 count:u32 hasTimestamp:u32 timestamp:u32 samples:i16[count] (padded to 4 bytes)
 */
import type { MessagePort } from 'node:worker_threads';
import type { LinkTarget } from './pipeline.js';

const HEADER_WORDS = 5;

/** Writes a frame that arrived from another worker into the channel it names. */
export type Deliver = (id: number, samples: Int16Array, rate: number, timestamp: number | undefined) => void;
const INITIAL_BATCH_BYTES = 64 * 1024;

class Batch {
  buffer = new ArrayBuffer(INITIAL_BATCH_BYTES);
  used = 0;

  append(id: number, samples: Int16Array, rate: number, timestamp: number | undefined): void {
    const bytes = HEADER_WORDS * 4 + ((samples.length * 2 + 3) & ~3);
    if (this.used + bytes > this.buffer.byteLength) {
      const grown = new ArrayBuffer(Math.max(this.buffer.byteLength * 2, this.used + bytes));
      new Uint8Array(grown).set(new Uint8Array(this.buffer, 0, this.used));
      this.buffer = grown;
    }
    const header = new Uint32Array(this.buffer, this.used, HEADER_WORDS);
    header[0] = id;
    header[1] = rate;
    header[2] = samples.length;
    header[3] = timestamp === undefined ? 0 : 1;
    header[4] = timestamp ?? 0;
    new Int16Array(this.buffer, this.used + HEADER_WORDS * 4, samples.length).set(samples);
    this.used += bytes;
  }
}

export class RemoteLinks {
  readonly #batches = new Map<number, Batch>();
  readonly #targets = new Map<string, LinkTarget>();
  #flushScheduled = false;

  /** `deliver` writes a frame that arrived from another worker into the channel it names. */
  readonly ports = new Map<number, MessagePort>();

  constructor(private readonly deliver: Deliver) {}

  /** The port to worker `worker` (each pair of workers shares one MessageChannel). */
  addPort(worker: number, port: MessagePort): void {
    this.ports.set(worker, port);
    port.on('message', (buffer: ArrayBuffer) => RemoteLinks.unpack(buffer, this.deliver));
  }

  /** A link target standing for channel `id` of worker `worker`. */
  target(worker: number, id: number): LinkTarget {
    const key = `${worker}:${id}`;
    let target = this.#targets.get(key);
    if (target === undefined) {
      target = { writeLinked: (samples, rate, timestamp) => this.#append(worker, id, samples, rate, timestamp) };
      this.#targets.set(key, target);
    }
    return target;
  }

  /** Forget the targets naming a channel that closed. */
  forget(worker: number, id: number): void {
    this.#targets.delete(`${worker}:${id}`);
  }

  #append(worker: number, id: number, samples: Int16Array, rate: number, timestamp: number | undefined): void {
    if (!this.ports.has(worker)) return;
    let batch = this.#batches.get(worker);
    if (batch === undefined) {
      batch = new Batch();
      this.#batches.set(worker, batch);
    }
    batch.append(id, samples, rate, timestamp);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    for (const [worker, batch] of this.#batches) {
      if (batch.used === 0) continue;
      const buffer = batch.buffer.slice(0, batch.used);
      batch.used = 0;
      this.ports.get(worker)?.postMessage(buffer, [buffer]);
    }
  };

  static unpack(buffer: ArrayBuffer, deliver: Deliver): void {
    let at = 0;
    while (at + HEADER_WORDS * 4 <= buffer.byteLength) {
      const header = new Uint32Array(buffer, at, HEADER_WORDS);
      const count = header[2]!;
      const end = at + HEADER_WORDS * 4 + count * 2;
      if (end > buffer.byteLength) return;
      const timestamp = header[3] === 1 ? header[4] : undefined;
      deliver(header[0]!, new Int16Array(buffer, at + HEADER_WORDS * 4, count), header[1]!, timestamp);
      at += HEADER_WORDS * 4 + ((count * 2 + 3) & ~3);
    }
  }
}
