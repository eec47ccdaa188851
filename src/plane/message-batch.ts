/**
 * Messages between the main thread and a media worker, sent in batches: everything posted during one turn of the
 * event loop goes as one array in one postMessage. A call's setup is a handful of messages (open, link, mute, ...)
 * and a burst of calls is thousands; one structured clone per turn costs far less than one per message.
 */
export class MessageBatch<T> {
  #queue: T[] = [];
  #scheduled = false;

  constructor(private readonly post: (batch: T[]) => void) {}

  push(message: T): void {
    this.#queue.push(message);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#flush);
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    this.post(batch);
  };
}
