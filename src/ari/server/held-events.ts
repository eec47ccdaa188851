/**
 * An events WebSocket's queue of events held back by requests in flight (causal-gate.ts), in publication order.
 * Each event waits behind the requests that were in flight when it was published; a RESTResponse of the socket's
 * own request goes ahead of the events published since that request started and behind those published before.
 */
import type { CausalGate, GateWaiter, RequestTicket } from './causal-gate.js';

/** A RESTResponse waiting, in order, behind events held back by other requests. */
interface HeldResponse {
  readonly json: string;
  readonly ticket: RequestTicket;
}

export class HeldEvents implements GateWaiter {
  #items: (string | HeldResponse)[] = [];
  /** The gate mark each item waits behind (non-decreasing). */
  #marks: number[] = [];
  #head = 0;
  #isWaiting = false;
  #closed = false;

  constructor(
    private readonly gate: CausalGate,
    private readonly write: (json: string) => void,
  ) {}

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** An event: out at once when nothing is held and no request is in flight, else held in order. */
  push(json: string): void {
    if (this.#closed) return;
    if (this.#head === this.#items.length && this.gate.isIdle) return this.write(json);
    this.#items.push(json);
    this.#marks.push(this.gate.mark);
    this.#wait();
  }

  /** The response to the request of `ticket`; the ticket closes once the response is written. */
  respond(json: string, ticket: RequestTicket): void {
    if (this.#closed) return ticket.close();
    const marks = this.#marks;
    let at = this.#head;
    while (at < marks.length && marks[at]! <= ticket.seq) at++;
    if (at === this.#head) {
      this.write(json);
      ticket.close();
      return;
    }
    this.#items.splice(at, 0, { json, ticket });
    marks.splice(at, 0, ticket.seq);
  }

  /** GateWaiter: a request answered; write what may go now, in order. */
  release(): void {
    this.#isWaiting = false;
    if (this.#closed) return;
    const items = this.#items;
    while (this.#head < items.length && this.gate.mayRelease(this.#marks[this.#head]!)) {
      const item = items[this.#head++]!;
      if (typeof item === 'string') {
        this.write(item);
      } else {
        this.write(item.json);
        item.ticket.close();
      }
    }
    if (this.#head < items.length) return this.#wait();
    this.#reset();
  }

  /** The socket is gone: drop what is held, and stop holding anyone back. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.gate.forget(this);
    for (let i = this.#head; i < this.#items.length; i++) {
      const item = this.#items[i]!;
      if (typeof item !== 'string') item.ticket.close();
    }
    this.#reset();
  }

  #wait(): void {
    if (this.#isWaiting) return;
    this.#isWaiting = true;
    this.gate.wait(this);
  }

  #reset(): void {
    this.#items = [];
    this.#marks = [];
    this.#head = 0;
  }
}
