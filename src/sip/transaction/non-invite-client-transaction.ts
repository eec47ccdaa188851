// RFC 3261 §17.1.2 (Figure 6): the non-INVITE client transaction.
//
//   trying ──1xx──► proceeding ──200-699──► completed ──Timer K──► terminated   (K is 0 on reliable transports)
//      └────────────200-699──────────────────┘
//   Timer E (UDP): retransmit, doubling up to T2 in Trying, every T2 in Proceeding.   Timer F: timeout to TU.

import type { SipRequest, SipResponse } from '../message/sip-message.js';
import { clientTransactionId } from './transaction-id.js';
import {
  type ClientTransactionUser,
  type Destination,
  InvalidTransitionError,
  type TransactionContext,
} from './transaction-ports.js';
import { type TimerValues, TransactionTimers, timerValues } from './timers.js';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

const NEXT: Record<NonInviteClientState, readonly NonInviteClientState[]> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

/** Stands in for the TU once it has its final response: Completed neither sends nor times out (§17.1.2.2). */
const DONE_USER: ClientTransactionUser = { onResponse: () => {}, onTimeout: () => {} };

export class NonInviteClientTransaction {
  readonly id: string;
  readonly request: SipRequest;
  readonly destination: Destination;
  readonly #ctx: TransactionContext;
  #user: ClientTransactionUser;
  readonly #onTerminated: (tx: NonInviteClientTransaction) => void;
  readonly #timers: TransactionTimers;
  readonly #values: TimerValues;
  #state: NonInviteClientState = 'trying';
  #intervalE = 0;

  constructor(
    request: SipRequest,
    destination: Destination,
    ctx: TransactionContext,
    user: ClientTransactionUser,
    onTerminated: (tx: NonInviteClientTransaction) => void = () => {},
  ) {
    const branch = request.topVia?.branch;
    if (request.method === 'INVITE' || request.method === 'ACK' || branch === undefined) {
      throw new TypeError('NonInviteClientTransaction: a request other than INVITE or ACK, with a Via branch');
    }
    this.id = clientTransactionId(branch, request.method);
    this.request = request;
    this.destination = destination;
    this.#ctx = ctx;
    this.#user = user;
    this.#onTerminated = onTerminated;
    this.#timers = new TransactionTimers(ctx.wheel);
    this.#values = timerValues(ctx.timers, ctx.transport.isReliable(destination.transport));
  }

  get state(): NonInviteClientState {
    return this.#state;
  }

  /** §17.1.2.2: sends the request and starts Timer E (unreliable transports only) and Timer F. */
  start(): void {
    if (!this.#send()) return;
    const e = this.#values.E;
    if (e !== undefined) {
      this.#intervalE = e;
      this.#timers.start('E', e, this.#onTimerE);
    }
    this.#timers.start('F', this.#values.F!, this.#onTimerF);
  }

  receiveResponse(res: SipResponse): void {
    switch (this.#state) {
      case 'trying':
      case 'proceeding': {
        const user = this.#user;
        this.#enter(res.status < 200 ? 'proceeding' : 'completed');
        // The final response is the TU's last word from this transaction; Completed lasts Timer K (T4, 5 s over
        // UDP) only to absorb retransmissions. Letting go of the TU's callbacks here lets an ended call's session
        // go with them rather than linger for Timer K after its BYE was answered.
        if (res.status >= 200) this.#user = DONE_USER;
        user.onResponse(res);
        return;
      }
      case 'completed':
      case 'terminated':
        return; // §17.1.2.2: retransmitted responses are absorbed
    }
  }

  /** Ends the transaction without telling the TU. Idempotent. */
  close(): void {
    this.#enter('terminated');
  }

  readonly #onTimerE = (): void => {
    if (this.#state !== 'trying' && this.#state !== 'proceeding') return;
    if (!this.#send()) return;
    const t2 = this.#ctx.timers.t2Ms;
    this.#intervalE = this.#state === 'trying' ? Math.min(2 * this.#intervalE, t2) : t2;
    this.#timers.start('E', this.#intervalE, this.#onTimerE);
  };

  readonly #onTimerF = (): void => {
    this.#enter('terminated');
    this.#user.onTimeout();
  };

  readonly #toTerminated = (): void => this.#enter('terminated');

  #send(): boolean {
    try {
      this.#ctx.transport.send(this.request, this.destination);
      return true;
    } catch (err) {
      this.#enter('terminated');
      this.#user.onTransportError?.(err);
      return false;
    }
  }

  #enter(next: NonInviteClientState): void {
    if (next === this.#state) return;
    if (!NEXT[this.#state].includes(next)) throw new InvalidTransitionError(this.#state, next);
    this.#state = next;
    switch (next) {
      case 'trying':
      case 'proceeding':
        return; // Timer E keeps running; it fires every T2 from now on
      case 'completed':
        this.#timers.cancel('E', 'F');
        if (this.#values.K === 0) this.#enter('terminated');
        else this.#timers.start('K', this.#values.K!, this.#toTerminated);
        return;
      case 'terminated':
        this.#timers.cancelAll();
        this.#onTerminated(this);
        return;
    }
  }
}
