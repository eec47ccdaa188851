/**
 * No event before the response that caused it. A client that registers its handlers when a response arrives
 * (`const ch = await client.channels.originate(…); ch.once('StasisStart', …)`) must not find the event already
 * gone past. Which request caused an event is not known when it is published, but only a request whose handler
 * had started by then can have caused it: an event waits until every state-changing request that was in flight
 * when it was published has had its response handed to the kernel (HTTP) or queued on the socket (REST over
 * WebSocket). Requests that start later do not hold it back, so an event waits at most for the requests it
 * overlapped, and never longer than HOLD_LIMIT_MS for a slow one.
 *
 * Asterisk gives no such guarantee: its HTTP thread and its WebSocket writers race (an originate's StasisStart
 * arrives before the 200 in a few percent of originates).
 */
import type { AriRequest, AriResponse } from './types.js';

/** How long a request may hold back the events published while it runs (a handler that is slow to answer). */
export const HOLD_LIMIT_MS = 250;

/** One state-changing request, from its handler's start until its response is on the wire. */
export class RequestTicket {
  #open = true;
  /** False once the ticket no longer holds events back (closed, or held past HOLD_LIMIT_MS). */
  gating = true;

  constructor(
    private readonly gate: CausalGate,
    readonly seq: number,
    readonly openedAt: number,
  ) {}

  get isOpen(): boolean {
    return this.#open;
  }

  /** `res` answers this ticket's request: writing it closes the ticket (see responseWritten). */
  attach(res: AriResponse): AriResponse {
    tickets.set(res, this);
    return res;
  }

  /** The response is written: events waiting on this request may go. Idempotent. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.gating = false;
    this.gate.advance();
  }
}

/** A holder of events (an events WebSocket) told when the requests it waits on have answered. */
export interface GateWaiter {
  release(): void;
}

const tickets = new WeakMap<AriResponse, RequestTicket>();
/** HTTP requests: their response is written by writeResponse, which settles the ticket (see responseWritten). */
const httpRequests = new WeakSet<AriRequest>();

/** `req` came over HTTP: its response will go through writeResponse. */
export function markHttpRequest(req: AriRequest): AriRequest {
  httpRequests.add(req);
  return req;
}

/** Whether `req`'s response will be written by the HTTP transport (which then settles its ticket). */
export function isHttpRequest(req: AriRequest): boolean {
  return httpRequests.has(req);
}

/** The ticket of the request `res` answers, if it was state-changing and has one. */
export function ticketOf(res: AriResponse): RequestTicket | undefined {
  return tickets.get(res);
}

/** The response to `res`'s request has been written (or never will be): release what it held. */
export function responseWritten(res: AriResponse): void {
  tickets.get(res)?.close();
}

/**
 * Requests and the events WebSockets they hold back meet here. One gate serves the process (sharedGate): the
 * HTTP listeners, REST over WebSocket and outbound WebSockets all publish through the same event bus.
 */
export class CausalGate {
  #nextSeq = 1;
  /** Open tickets in start order; those no longer gating are dropped from the front lazily. */
  readonly #tickets: RequestTicket[] = [];
  #head = 0;
  readonly #waiters = new Set<GateWaiter>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = performance.now.bind(performance)) {}

  /** A state-changing request's handler starts now. */
  open(): RequestTicket {
    const ticket = new RequestTicket(this, this.#nextSeq++, this.now());
    this.#tickets.push(ticket);
    return ticket;
  }

  /** The mark of an event published now: it waits for the tickets opened before it (seq < mark). */
  get mark(): number {
    return this.#nextSeq;
  }

  /** Whether an event published with `mark` may go now. */
  mayRelease(mark: number): boolean {
    return this.#oldestGating() >= mark;
  }

  /** No request holds events back right now. */
  get isIdle(): boolean {
    return this.#oldestGating() === Infinity;
  }

  /** `waiter` holds events: tell it (once) when a request answers or the hold limit passes. */
  wait(waiter: GateWaiter): void {
    this.#waiters.add(waiter);
    this.#armTimer();
  }

  forget(waiter: GateWaiter): void {
    this.#waiters.delete(waiter);
  }

  /** A ticket closed: the waiters look again (each takes itself off the list when it has nothing held). */
  advance(): void {
    if (this.#waiters.size === 0) return;
    for (const w of [...this.#waiters]) {
      this.#waiters.delete(w);
      w.release();
    }
  }

  #oldestGating(): number {
    const list = this.#tickets;
    while (this.#head < list.length && !list[this.#head]!.gating) this.#head++;
    if (this.#head === list.length) {
      list.length = 0;
      this.#head = 0;
      return Infinity;
    }
    if (this.#head > 1024 && this.#head * 2 > list.length) {
      list.splice(0, this.#head);
      this.#head = 0;
    }
    return list[this.#head]!.seq;
  }

  #armTimer(): void {
    if (this.#timer !== undefined || this.#oldestGating() === Infinity) return;
    const oldest = this.#tickets[this.#head]!;
    const delay = Math.max(0, oldest.openedAt + HOLD_LIMIT_MS - this.now());
    this.#timer = setTimeout(this.#expire, delay);
    this.#timer.unref();
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    const limit = this.now() - HOLD_LIMIT_MS;
    for (let i = this.#head; i < this.#tickets.length; i++) {
      const t = this.#tickets[i]!;
      if (t.openedAt > limit) break;
      t.gating = false;
    }
    this.advance();
    if (this.#waiters.size > 0) this.#armTimer();
  };
}

/** The process's gate (tests may build their own with a fake clock). */
export const sharedGate = new CausalGate();
