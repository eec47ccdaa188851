/**
 * The queue of audio a WebSocket channel's app sends, as chan_websocket keeps it (chan_websocket.c 22.10.1,
 * process_binary_message / dequeue_frame): messages are cut into frames of the optimal size and played one per
 * media clock tick.
 *
 * - Normal mode: each message is cut into whole frames; a trailing remainder is dropped, and so is any leftover of
 *   a previous message.
 * - Buffering mode (START/STOP_MEDIA_BUFFERING): remainders join the next message; STOP queues what is left as a
 *   short frame (not padded) and a `buffering-completed` marker behind it.
 * - Passthrough (frame size 0): each message is one frame.
 * - Flow control: a message arriving while 1000 frames wait is dropped whole; XOFF once the length reaches 900; XON
 *   on the first tick that finds the length below 800 after that. A message may take the length past 1000.
 * - Markers (MARK_MEDIA, buffering completed) take no tick of their own and do not count in the length: they are
 *   delivered on the tick that reaches them, before that tick's frame, so a marker comes out once every frame
 *   queued before it has been played. FLUSH drops frames and markers alike (Asterisk sends nothing for them).
 * - Paused: ticks do nothing (no XON either). QUEUE_DRAINED (once asked for) on the first tick finding nothing
 *   queued at all.
 */
import { FrameRing } from './frame-ring.js';

/** chan_websocket's QUEUE_LENGTH_MAX, QUEUE_LENGTH_XOFF_LEVEL and QUEUE_LENGTH_XON_LEVEL. */
export const QUEUE_LENGTH_MAX = 1000;
export const XOFF_LEVEL = 900;
export const XON_LEVEL = 800;

export interface QueueMarker {
  readonly kind: 'mark' | 'buffering-completed';
  /** The correlation id given with the command, if any. */
  readonly id: string | undefined;
}

/** What the queue reports as it goes. */
export interface MediaQueueListener {
  xoff(): void;
  xon(): void;
  drained(): void;
  marker(marker: QueueMarker): void;
}

export class MediaQueue {
  readonly #frames = new FrameRing();
  /** Markers, each with the number of frames queued before it (counted since the queue was made). */
  #markers: { readonly after: number; readonly marker: QueueMarker }[] = [];
  #queued = 0;
  #played = 0;
  #length = 0;
  #full = false;
  #buffering = false;
  #paused = false;
  #reportDrained = false;
  #flushes = 0;
  readonly #leftover: Uint8Array;
  #leftoverLength = 0;

  /** `frameBytes`: the optimal frame size; 0 for passthrough. */
  constructor(
    readonly frameBytes: number,
    private readonly listener: MediaQueueListener,
  ) {
    this.#leftover = new Uint8Array(frameBytes);
  }

  /** Frames waiting (what STATUS reports as queue_length). */
  get length(): number {
    return this.#length;
  }
  get isFull(): boolean {
    return this.#full;
  }
  get isBuffering(): boolean {
    return this.#buffering;
  }
  get isPaused(): boolean {
    return this.#paused;
  }
  /** FLUSH_MEDIAs so far: whoever times the queue's frames knows the app started over. */
  get flushes(): number {
    return this.#flushes;
  }
  /** Bytes of the next frame a tick would play; -1 when none. */
  get nextLength(): number {
    return this.#frames.nextLength;
  }

  /** One BINARY message from the app; false when it was dropped because the queue is full. */
  push(data: Uint8Array): boolean {
    if (this.#length >= QUEUE_LENGTH_MAX) return false;
    const size = this.frameBytes;
    if (size === 0) {
      this.#enqueue(data);
      return true;
    }
    let at = 0;
    if (this.#buffering && this.#leftoverLength > 0) {
      const needed = size - this.#leftoverLength;
      const taken = Math.min(needed, data.length);
      this.#leftover.set(data.subarray(0, taken), this.#leftoverLength);
      if (taken < needed) {
        this.#leftoverLength += taken;
        return true;
      }
      this.#enqueue(this.#leftover);
      at = taken;
    }
    this.#leftoverLength = 0;
    for (; data.length - at >= size; at += size) this.#enqueue(data.subarray(at, at + size));
    if (this.#buffering && at < data.length) {
      this.#leftover.set(data.subarray(at));
      this.#leftoverLength = data.length - at;
    }
    return true;
  }

  startBuffering(): void {
    this.#buffering = true;
  }

  /** End buffering: the leftover as a short frame, then the `buffering-completed` marker. */
  stopBuffering(id: string | undefined): void {
    this.#buffering = false;
    if (this.#leftoverLength > 0) this.#enqueue(this.#leftover.subarray(0, this.#leftoverLength));
    this.#leftoverLength = 0;
    this.#addMarker({ kind: 'buffering-completed', id });
  }

  mark(id: string | undefined): void {
    this.#addMarker({ kind: 'mark', id });
  }

  /**
   * Drop every frame and marker; buffering and the leftover end. Pause stays, and so does the full state (the next
   * tick sends XON). Returns the dropped markers, for a mode that answers them.
   */
  flush(): QueueMarker[] {
    const dropped = this.#markers.map((m) => m.marker);
    this.#flushes++;
    this.#frames.clear();
    this.#markers = [];
    this.#played = this.#queued;
    this.#length = 0;
    this.#buffering = false;
    this.#leftoverLength = 0;
    return dropped;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  reportDrained(): void {
    this.#reportDrained = true;
  }

  /** One media clock tick: the frame to play is copied into `out` (at least `nextLength` long); its length or -1. */
  tick(out: Uint8Array): number {
    if (this.#paused) return -1;
    if (this.#full && this.#length < XON_LEVEL) {
      this.#full = false;
      this.listener.xon();
    }
    if (this.#frames.count === 0 && this.#markers.length === 0) {
      if (this.#reportDrained) {
        this.#reportDrained = false;
        this.listener.drained();
      }
      return -1;
    }
    while (this.#markers.length > 0 && this.#markers[0]!.after <= this.#played) {
      this.listener.marker(this.#markers.shift()!.marker);
    }
    const n = this.#frames.shift(out);
    if (n < 0) return -1;
    this.#played++;
    this.#length--;
    return n;
  }

  #enqueue(frame: Uint8Array): void {
    this.#frames.push(frame);
    this.#queued++;
    this.#length++;
    if (!this.#full && this.#length >= XOFF_LEVEL) {
      this.#full = true;
      this.listener.xoff();
    }
  }

  #addMarker(marker: QueueMarker): void {
    this.#markers.push({ after: this.#queued, marker });
  }
}
