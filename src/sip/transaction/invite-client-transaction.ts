// RFC 3261 §17.1.1 (Figure 5), with RFC 6026's Accepted state: the INVITE client transaction.
//
//   calling ──1xx──► proceeding ──300-699 / send ACK──► completed ──Timer D──► terminated
//      │  Timer A: retransmit INVITE (UDP), doubling     │  (D is 0 on reliable transports)
//      │  Timer B: timeout to TU ──────────────────────────────────────────────► terminated
//      └──2xx / to TU──► accepted (2xx retransmissions to TU) ──Timer M──► terminated
//
// The transaction ACKs non-2xx finals itself (§17.1.1.3); the TU ACKs a 2xx in a transaction of its own (§13.2.2.4).

import { serializeVia } from '../message/header-values.js';
import { type SipHeader, SipRequest, type SipResponse, makeHeader } from '../message/sip-message.js';
import { clientTransactionId } from './transaction-id.js';
import {
  type ClientTransactionUser,
  type Destination,
  InvalidTransitionError,
  type TransactionContext,
} from './transaction-ports.js';
import { type TimerValues, TransactionTimers, timerValues } from './timers.js';

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

const NEXT: Record<InviteClientState, readonly InviteClientState[]> = {
  calling: ['proceeding', 'completed', 'accepted', 'terminated'],
  proceeding: ['completed', 'accepted', 'terminated'],
  completed: ['terminated'],
  accepted: ['terminated'],
  terminated: [],
};

export class InviteClientTransaction {
  readonly id: string;
  readonly request: SipRequest;
  readonly destination: Destination;
  readonly #ctx: TransactionContext;
  readonly #user: ClientTransactionUser;
  readonly #onTerminated: (tx: InviteClientTransaction) => void;
  readonly #timers: TransactionTimers;
  readonly #values: TimerValues;
  #state: InviteClientState = 'calling';
  #intervalA = 0;
  #ack: SipRequest | undefined;

  constructor(
    request: SipRequest,
    destination: Destination,
    ctx: TransactionContext,
    user: ClientTransactionUser,
    onTerminated: (tx: InviteClientTransaction) => void = () => {},
  ) {
    const branch = request.topVia?.branch;
    if (request.method !== 'INVITE' || branch === undefined)
      throw new TypeError('InviteClientTransaction: an INVITE with a Via branch');
    this.id = clientTransactionId(branch, 'INVITE');
    this.request = request;
    this.destination = destination;
    this.#ctx = ctx;
    this.#user = user;
    this.#onTerminated = onTerminated;
    this.#timers = new TransactionTimers(ctx.wheel);
    this.#values = timerValues(ctx.timers, ctx.transport.isReliable(destination.transport));
  }

  get state(): InviteClientState {
    return this.#state;
  }

  /** The ACK this transaction sent for a non-2xx final response, if any. */
  get ack(): SipRequest | undefined {
    return this.#ack;
  }

  /** §17.1.1.2: sends the INVITE and starts Timer A (unreliable transports only) and Timer B. */
  start(): void {
    if (!this.#send(this.request)) return;
    const a = this.#values.A;
    if (a !== undefined) {
      this.#intervalA = a;
      this.#timers.start('A', a, this.#onTimerA);
    }
    this.#timers.start('B', this.#values.B!, this.#onTimerB);
  }

  receiveResponse(res: SipResponse): void {
    switch (this.#state) {
      case 'calling':
      case 'proceeding':
        if (res.status < 200) {
          this.#enter('proceeding');
        } else if (res.status < 300) {
          this.#enter('accepted');
        } else {
          this.#ack = makeAck(this.request, res);
          this.#send(this.#ack);
          this.#enter('completed');
        }
        this.#user.onResponse(res);
        return;
      case 'completed':
        // §17.1.1.2: a retransmitted final response is ACKed again, not passed up.
        if (res.status >= 300 && this.#ack !== undefined) this.#send(this.#ack);
        return;
      case 'accepted':
        // RFC 6026 §8.4: 2xx retransmissions go to the TU, which ACKs each.
        if (res.status >= 200 && res.status < 300) this.#user.onResponse(res);
        return;
      case 'terminated':
        return;
    }
  }

  /** Ends the transaction without telling the TU (the TU is going away). Idempotent. */
  close(): void {
    this.#enter('terminated');
  }

  readonly #onTimerA = (): void => {
    if (this.#state !== 'calling') return;
    if (!this.#send(this.request)) return;
    this.#intervalA *= 2; // §17.1.1.2: no cap for INVITE
    this.#timers.start('A', this.#intervalA, this.#onTimerA);
  };

  readonly #onTimerB = (): void => {
    if (this.#state !== 'calling') return;
    this.#enter('terminated');
    this.#user.onTimeout();
  };

  readonly #toTerminated = (): void => this.#enter('terminated');

  #send(msg: SipRequest): boolean {
    try {
      this.#ctx.transport.send(msg, this.destination);
      return true;
    } catch (err) {
      this.#enter('terminated');
      this.#user.onTransportError?.(err);
      return false;
    }
  }

  #enter(next: InviteClientState): void {
    if (next === this.#state) return;
    if (!NEXT[this.#state].includes(next)) throw new InvalidTransitionError(this.#state, next);
    this.#state = next;
    switch (next) {
      case 'calling':
        return;
      case 'proceeding':
        // §17.1.1.2: no more retransmissions; Timer B only times out the Calling state.
        this.#timers.cancel('A', 'B');
        return;
      case 'completed':
        this.#timers.cancel('A', 'B');
        if (this.#values.D === 0) this.#enter('terminated');
        else this.#timers.start('D', this.#values.D!, this.#toTerminated);
        return;
      case 'accepted':
        this.#timers.cancel('A', 'B').start('M', this.#values.M!, this.#toTerminated);
        return;
      case 'terminated':
        this.#timers.cancelAll();
        this.#onTerminated(this);
        return;
    }
  }
}

/**
 * §17.1.1.3: the ACK for a non-2xx final response. Same Request-URI, Call-ID, From and CSeq number as the INVITE;
 * To from the response (it carries the tag); one Via, the INVITE's top one (same branch); the INVITE's Route headers.
 */
export function makeAck(invite: SipRequest, res: SipResponse): SipRequest {
  const top = invite.via[0]!;
  const headers: SipHeader[] = [makeHeader('Via', serializeVia(top))];
  for (const h of invite.headers) if (h.key === 'route') headers.push(h);
  headers.push(makeHeader('Max-Forwards', '70'));
  for (const h of invite.headers) if (h.key === 'from') headers.push(h);
  for (const h of res.headers) if (h.key === 'to') headers.push(h);
  for (const h of invite.headers) if (h.key === 'call-id') headers.push(h);
  headers.push(makeHeader('CSeq', `${invite.cseq.seq} ACK`), makeHeader('Content-Length', '0'));
  return new SipRequest('ACK', invite.uri, {
    headers,
    body: Buffer.alloc(0),
    via: [top],
    from: invite.from,
    to: res.to,
    callId: invite.callId,
    cseq: { seq: invite.cseq.seq, method: 'ACK' },
    contentLength: 0,
    maxForwards: 70,
  });
}
