// RFC 3261 §17.2.1 (Figure 7), with RFC 6026's Accepted state: the INVITE server transaction.
//
//   proceeding ──TU 300-699──► completed ──ACK──► confirmed ──Timer I──► terminated   (I is 0 on reliable transports)
//      │ INVITE again: resend last 1xx   │ Timer G (UDP): resend final, doubling to T2; INVITE again: resend final
//      │ 100 Trying after 200 ms         │ Timer H: no ACK, tell the TU ──────────────────────► terminated
//      └──TU 2xx──► accepted (TU's 2xx retransmissions pass through; INVITEs absorbed) ──Timer L──► terminated

import type { SipRequest, SipResponse } from '../message/sip-message.js';
import { makeResponse } from './make-response.js';
import { serverTransactionId } from './transaction-id.js';
import {
  type Destination,
  InvalidTransactionStateError,
  InvalidTransitionError,
  type ServerTransactionUser,
  type TransactionContext,
} from './transaction-ports.js';
import { TRYING_DELAY_MS, type TimerValues, TransactionTimers, timerValues } from './timers.js';

export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

const NEXT: Record<InviteServerState, readonly InviteServerState[]> = {
  proceeding: ['completed', 'accepted', 'terminated'],
  completed: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  accepted: ['terminated'],
  terminated: [],
};

export class InviteServerTransaction {
  readonly id: string;
  /** Released on entering Accepted, as is the last response (see `#release`). */
  #request: SipRequest | undefined;
  /** Where responses go (§18.2.2). */
  readonly destination: Destination;
  readonly #ctx: TransactionContext;
  readonly #user: ServerTransactionUser;
  readonly #onTerminated: (tx: InviteServerTransaction) => void;
  readonly #timers: TransactionTimers;
  readonly #values: TimerValues;
  #state: InviteServerState = 'proceeding';
  #lastResponse: SipResponse | undefined;
  #intervalG = 0;

  constructor(
    request: SipRequest,
    destination: Destination,
    ctx: TransactionContext,
    user: ServerTransactionUser = {},
    onTerminated: (tx: InviteServerTransaction) => void = () => {},
  ) {
    const id = serverTransactionId(request);
    if (request.method !== 'INVITE' || id === undefined)
      throw new TypeError('InviteServerTransaction: an INVITE with a Via');
    this.id = id;
    this.#request = request;
    this.destination = destination;
    this.#ctx = ctx;
    this.#user = user;
    this.#onTerminated = onTerminated;
    this.#timers = new TransactionTimers(ctx.wheel);
    this.#values = timerValues(ctx.timers, ctx.transport.isReliable(destination.transport));
  }

  get state(): InviteServerState {
    return this.#state;
  }

  /** The INVITE; undefined once the transaction is Accepted. */
  get request(): SipRequest | undefined {
    return this.#request;
  }

  get lastResponse(): SipResponse | undefined {
    return this.#lastResponse;
  }

  /** §17.2.1: a 100 Trying goes out after 200 ms unless the TU has responded by then. */
  start(): void {
    this.#timers.start('Trying', TRYING_DELAY_MS, this.#onTrying);
  }

  /** The TU's response: 1xx stays in Proceeding, 2xx moves to Accepted, 300-699 to Completed. */
  respond(res: SipResponse): void {
    switch (this.#state) {
      case 'proceeding':
        this.#timers.cancel('Trying');
        this.#lastResponse = res;
        if (!this.#send(res)) return;
        if (res.status >= 300) this.#enter('completed');
        else if (res.status >= 200) this.#enter('accepted');
        return;
      case 'accepted':
        // RFC 6026 §8.5: the TU retransmits its 2xx through the transaction.
        if (res.status >= 200 && res.status < 300) {
          this.#send(res);
          return;
        }
        throw new InvalidTransactionStateError(`send ${res.status}`, this.#state);
      case 'completed':
      case 'confirmed':
      case 'terminated':
        throw new InvalidTransactionStateError(`send ${res.status}`, this.#state);
    }
  }

  /** A retransmission of the INVITE (§17.2.1): resend the last response; never passed to the TU. */
  receiveRequest(_req: SipRequest): void {
    switch (this.#state) {
      case 'proceeding':
      case 'completed':
        if (this.#lastResponse !== undefined) this.#send(this.#lastResponse);
        return;
      case 'confirmed':
      case 'accepted':
      case 'terminated':
        return;
    }
  }

  /**
   * An ACK that matched this transaction. Returns true when the transaction absorbed it (the ACK for its non-2xx
   * final and its retransmissions); false when it belongs to the TU (an ACK for a 2xx, RFC 6026 §8.7).
   */
  receiveAck(_ack: SipRequest): boolean {
    switch (this.#state) {
      case 'completed':
        this.#enter('confirmed');
        return true;
      case 'confirmed':
      case 'proceeding':
        return true;
      case 'accepted':
      case 'terminated':
        return false;
    }
  }

  /** Ends the transaction without telling the TU. Idempotent. */
  close(): void {
    this.#enter('terminated');
  }

  readonly #onTrying = (): void => {
    if (this.#state !== 'proceeding' || this.#lastResponse !== undefined || this.#request === undefined) return;
    this.#lastResponse = makeResponse(this.#request, 100, 'Trying');
    this.#send(this.#lastResponse);
  };

  readonly #onTimerG = (): void => {
    if (this.#state !== 'completed' || this.#lastResponse === undefined) return;
    if (!this.#send(this.#lastResponse)) return;
    this.#intervalG = Math.min(2 * this.#intervalG, this.#ctx.timers.t2Ms);
    this.#timers.start('G', this.#intervalG, this.#onTimerG);
  };

  readonly #onTimerH = (): void => {
    this.#enter('terminated');
    this.#user.onTimeout?.();
  };

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

  #enter(next: InviteServerState): void {
    if (next === this.#state) return;
    if (!NEXT[this.#state].includes(next)) throw new InvalidTransitionError(this.#state, next);
    this.#state = next;
    switch (next) {
      case 'proceeding':
        return;
      case 'completed': {
        const g = this.#values.G;
        if (g !== undefined) {
          this.#intervalG = g;
          this.#timers.start('G', g, this.#onTimerG);
        }
        this.#timers.start('H', this.#values.H!, this.#onTimerH);
        return;
      }
      case 'confirmed':
        this.#timers.cancel('G', 'H');
        if (this.#values.I === 0) this.#enter('terminated');
        else this.#timers.start('I', this.#values.I!, this.#toTerminated);
        return;
      case 'accepted':
        // RFC 6026 §7.1: in Accepted an INVITE retransmission is absorbed without a response and each 2xx
        // retransmission is handed in by the TU, so neither the INVITE nor the 2xx is needed again. Letting them go
        // matters because the state lasts Timer L (64*T1, 32 s): at a steady call rate, that many seconds of calls'
        // INVITEs and 2xx answers (SDP included) would otherwise stay in memory after the calls have ended.
        this.#request = undefined;
        this.#lastResponse = undefined;
        this.#timers.start('L', this.#values.L!, this.#toTerminated);
        this.#user.onAccepted?.();
        return;
      case 'terminated':
        this.#timers.cancelAll();
        this.#onTerminated(this);
        return;
    }
  }
}
