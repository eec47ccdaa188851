/**
 * The events WebSocket of one or more Stasis applications (semantics.md §3): every text frame is one JSON
 * event with a `type`. When the socket drops the stream reconnects with exponential backoff; reconnecting
 * re-activates the apps with their old subscriptions (§3.2), so a caller keeps controlling its channels.
 * Events sent while no socket was open are lost: Asterisk drops the events of a deactivated app.
 */
import WebSocket from 'ws';
import type { AriEvent, EventOf, EventType } from '../ari/models/wire.js';
import type { AriEventStream, EventsOptions } from './types.js';

/** The only sub-protocol the events WebSocket speaks (§3.1). */
const ARI_SUBPROTOCOL = 'ari';

/** Backoff between reconnection attempts: doubling from `initialMs` up to `maxMs`, back to `initialMs` once a
 *  connection opens. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 10_000 };

/** The delay before reconnection attempt `attempt` (0 = the first after a drop). */
export function backoffDelayMs(backoff: Backoff, attempt: number): number {
  return Math.min(backoff.initialMs * 2 ** attempt, backoff.maxMs);
}

/**
 * `ws://host[:port][/prefix]/ari/events?app=a,b[&subscribeAll=true]` for the ARI root `ariUrl`
 * (http → ws, https → wss). Several apps are ONE comma-separated value (§3.1).
 */
export function eventsUrl(ariUrl: string, apps: string | readonly string[], options: EventsOptions = {}): string {
  const list = typeof apps === 'string' ? [apps] : apps;
  if (list.length === 0 || list.some((a) => a === '')) throw new TypeError('events: at least one app name is needed');
  const app = list.map((a) => encodeURIComponent(a)).join(',');
  const base = ariUrl.replace(/^http/, 'ws');
  return `${base}/events?app=${app}${options.subscribeAll ? '&subscribeAll=true' : ''}`;
}

type Listener = (event: AriEvent) => void;

/** One consumer of the async iterator: events arriving after it was created, in order. */
class EventQueue implements AsyncIterator<AriEvent> {
  readonly #buffer: AriEvent[] = [];
  #waiting: ((r: IteratorResult<AriEvent>) => void) | undefined;
  #done = false;

  constructor(private readonly onReturn: (q: EventQueue) => void) {}

  push(event: AriEvent): void {
    if (this.#done) return;
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting({ value: event, done: false });
    } else this.#buffer.push(event);
  }

  end(): void {
    this.#done = true;
    this.#waiting?.({ value: undefined, done: true });
    this.#waiting = undefined;
  }

  next(): Promise<IteratorResult<AriEvent>> {
    const event = this.#buffer.shift();
    if (event !== undefined) return Promise.resolve({ value: event, done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.#waiting = resolve));
  }

  return(): Promise<IteratorResult<AriEvent>> {
    this.end();
    this.#buffer.length = 0;
    this.onReturn(this);
    return Promise.resolve({ value: undefined, done: true });
  }
}

function isEvent(value: unknown): value is AriEvent {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The events WebSocket; see AriEventStream. */
export class EventStream implements AriEventStream {
  #ws: WebSocket | undefined;
  #isClosed = false;
  #attempt = 0;
  #timer: NodeJS.Timeout | undefined;
  #connections = 0;
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #errorListeners = new Set<(err: Error) => void>();
  readonly #queues = new Set<EventQueue>();
  #readyWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(
    private readonly url: string,
    private readonly authorization: string,
    private readonly backoff: Backoff = DEFAULT_BACKOFF,
  ) {
    this.#connect();
  }

  get connections(): number {
    return this.#connections;
  }

  on<T extends EventType>(type: T, listener: (event: EventOf<T>) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    const l = listener as Listener;
    set.add(l);
    return () => void set.delete(l);
  }

  onError(listener: (err: Error) => void): () => void {
    this.#errorListeners.add(listener);
    return () => void this.#errorListeners.delete(listener);
  }

  ready(): Promise<void> {
    if (this.#isClosed) return Promise.reject(new Error('events stream closed'));
    if (this.#ws?.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }));
  }

  [Symbol.asyncIterator](): AsyncIterator<AriEvent> {
    const queue = new EventQueue((q) => this.#queues.delete(q));
    if (this.#isClosed) queue.end();
    else this.#queues.add(queue);
    return queue;
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    clearTimeout(this.#timer);
    this.#ws?.close();
    this.#ws = undefined;
    for (const q of this.#queues) q.end();
    this.#queues.clear();
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const w of waiters) w.reject(new Error('events stream closed'));
  }

  #connect(): void {
    const ws = new WebSocket(this.url, ARI_SUBPROTOCOL, { headers: { Authorization: this.authorization } });
    this.#ws = ws;
    ws.on('open', () => {
      this.#attempt = 0;
      this.#connections++;
      const waiters = this.#readyWaiters;
      this.#readyWaiters = [];
      for (const w of waiters) w.resolve();
    });
    // §3.3: non-text frames carry nothing for the client.
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) this.#dispatch(data.toString('utf8'));
    });
    ws.on('error', (err) => this.#report(err));
    ws.on('close', () => {
      if (this.#ws === ws) this.#ws = undefined;
      if (!this.#isClosed) this.#scheduleReconnect();
    });
  }

  #scheduleReconnect(): void {
    const delay = backoffDelayMs(this.backoff, this.#attempt++);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#isClosed) this.#connect();
    }, delay);
  }

  #dispatch(text: string): void {
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      return this.#report(new Error('events WebSocket: a frame that is not JSON'));
    }
    if (!isEvent(event)) return this.#report(new Error('events WebSocket: a message without a type'));
    const listeners = this.#listeners.get(event.type);
    if (listeners) {
      for (const l of listeners) {
        try {
          l(event);
        } catch (err) {
          this.#report(err instanceof Error ? err : new Error(String(err)));
        }
      }
    }
    for (const q of this.#queues) q.push(event);
  }

  #report(err: Error): void {
    if (this.#isClosed) return;
    for (const l of this.#errorListeners) {
      try {
        l(err);
      } catch {
        // An error listener that throws has nowhere left to report to.
      }
    }
  }
}
