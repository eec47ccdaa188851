// RFC 3261 §17.2.2 (Figure 8): the non-INVITE server transaction.
//
//   trying ──TU 1xx──► proceeding ──TU 200-699──► completed ──Timer J──► terminated   (J is 0 on reliable transports)
//      └───────────TU 200-699─────────────────────┘
//   A retransmitted request is absorbed in Trying, answered with the last 1xx in Proceeding, the final in Completed.

import type { SipRequest, SipResponse } from '../message/sip-message.js';
import { serverTransactionId } from './transaction-id.js';
import {
  type Destination,
  InvalidTransactionStateError,
  InvalidTransitionError,
  type ServerTransactionUser,
  type TransactionContext,
} from './transaction-ports.js';
import { type TimerValues, TransactionTimers, timerValues } from './timers.js';

export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

const NEXT: Record<NonInviteServerState, readonly NonInviteServerState[]> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

export class NonInviteServerTransaction {
  readonly id: string;
  readonly request: SipRequest;
  readonly destination: Destination;
  readonly #ctx: TransactionContext;
  readonly #user: ServerTransactionUser;
  readonly #onTerminated: (tx: NonInviteServerTransaction) => void;
  readonly #timers: TransactionTimers;
  readonly #values: TimerValues;
  #state: NonInviteServerState = 'trying';
  #lastResponse: SipResponse | undefined;

  constructor(
    request: SipRequest,
    destination: Destination,
    ctx: TransactionContext,
    user: ServerTransactionUser = {},
    onTerminated: (tx: NonInviteServerTransaction) => void = () => {},
  ) {
    const id = serverTransactionId(request);
    if (request.method === 'INVITE' || request.method === 'ACK' || id === undefined) {
      throw new TypeError('NonInviteServerTransaction: a request other than INVITE or ACK, with a Via');
    }
    this.id = id;
    this.request = request;
    this.destination = destination;
    this.#ctx = ctx;
    this.#user = user;
    this.#onTerminated = onTerminated;
    this.#timers = new TransactionTimers(ctx.wheel);
    this.#values = timerValues(ctx.timers, ctx.transport.isReliable(destination.transport));
  }

  get state(): NonInviteServerState {
    return this.#state;
  }

  get lastResponse(): SipResponse | undefined {
    return this.#lastResponse;
  }

  /** Nothing to start: Trying waits for the TU. Present so the layer treats all server transactions alike. */
  start(): void {}

  respond(res: SipResponse): void {
    switch (this.#state) {
      case 'trying':
      case 'proceeding':
        this.#lastResponse = res;
        if (!this.#send(res)) return;
        this.#enter(res.status < 200 ? 'proceeding' : 'completed');
        return;
      case 'completed':
      case 'terminated':
        throw new InvalidTransactionStateError(`send ${res.status}`, this.#state);
    }
  }

  /** A retransmission of the request (§17.2.2); never passed to the TU. */
  receiveRequest(_req: SipRequest): void {
    switch (this.#state) {
      case 'trying':
      case 'terminated':
        return;
      case 'proceeding':
      case 'completed':
        if (this.#lastResponse !== undefined) this.#send(this.#lastResponse);
        return;
    }
  }

  /** Ends the transaction without telling the TU. Idempotent. */
  close(): void {
    this.#enter('terminated');
  }

  readonly #toTerminated = (): void => this.#enter('terminated');

  #send(res: SipResponse): boolean {
    try {
      this.#ctx.transport.send(res, this.destination);
      return true;
    } catch (err) {
      this.#enter('terminated');
      this.#user.onTransportError?.(err);
      return false;
    }
  }

  #enter(next: NonInviteServerState): void {
    if (next === this.#state) return;
    if (!NEXT[this.#state].includes(next)) throw new InvalidTransitionError(this.#state, next);
    this.#state = next;
    switch (next) {
      case 'trying':
      case 'proceeding':
        return;
      case 'completed':
        if (this.#values.J === 0) this.#enter('terminated');
        else this.#timers.start('J', this.#values.J!, this.#toTerminated);
        return;
      case 'terminated':
        this.#timers.cancelAll();
        this.#onTerminated(this);
        return;
    }
  }
}
