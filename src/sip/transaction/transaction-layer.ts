// RFC 3261 §17: the transaction layer. It creates client transactions for the TU's requests, matches responses to
// them (§17.1.3), matches requests to server transactions or creates new ones (§17.2.3), and forgets a transaction
// when it terminates. Sending goes through the `TransactionTransport` port; no sockets here.
//
// The number of server transactions is bounded: past `maxServerTransactions` a new request is refused statelessly
// with 503 (RFC 3261 §21.5.4), so a flood of requests with fresh branches cannot grow memory without bound.

import type { Via } from '../message/header-values.js';
import { viaDestination } from '../transport/received-rport.js';
import { type SipRequest, type SipResponse, makeHeader } from '../message/sip-message.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { makeResponse } from './make-response.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import type { TimerWheel } from './timer-wheel.js';
import { DEFAULT_SIP_TIMERS, type SipTimerConfig } from './timers.js';
import { responseTransactionId, serverTransactionId } from './transaction-id.js';
import type {
  ClientTransactionUser,
  Destination,
  TransactionContext,
  TransactionTransport,
} from './transaction-ports.js';

export type { Destination, TransactionTransport } from './transaction-ports.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

/** The core's side of the layer: new requests, responses no transaction wanted, server timeouts. */
export interface TransactionLayerUser {
  /**
   * A request that created a server transaction (the TU answers through `tx.respond()`), or an ACK no transaction
   * absorbed (`tx` undefined: the ACK for a 2xx, which belongs to the dialog, §13.3.1.4).
   */
  onRequest(req: SipRequest, tx: ServerTransaction | undefined, source: Destination): void;
  /** §17.1.3: a response matching no client transaction (e.g. a 2xx retransmission after Timer M) goes to the core. */
  onStrayResponse?(res: SipResponse, source: Destination): void;
  /** Timer H fired on an INVITE server transaction: the ACK never came. */
  onServerTimeout?(tx: InviteServerTransaction): void;
  /** A request refused with 503 because the server transaction limit was reached. */
  onOverload?(req: SipRequest, source: Destination): void;
}

export interface TransactionLayerOptions {
  timers?: Partial<SipTimerConfig>;
  /** Server transactions kept at most; further requests get a stateless 503. Default 10 000. */
  maxServerTransactions?: number;
  /** Retry-After (seconds) on the overload 503. Default 5. */
  retryAfterS?: number;
}

export class TransactionLayer {
  readonly #ctx: TransactionContext;
  readonly #user: TransactionLayerUser;
  readonly #maxServer: number;
  readonly #retryAfterS: number;
  readonly #clients = new Map<string, ClientTransaction>();
  readonly #servers = new Map<string, ServerTransaction>();
  readonly #removeClient = (tx: ClientTransaction): void => {
    if (this.#clients.get(tx.id) === tx) this.#clients.delete(tx.id);
  };
  /** INVITE transactions in Accepted: answered calls, which do not count against the flood limit. */
  readonly #accepted = new Set<ServerTransaction>();
  readonly #removeServer = (tx: ServerTransaction): void => {
    if (this.#servers.get(tx.id) === tx) this.#servers.delete(tx.id);
    this.#accepted.delete(tx);
  };

  constructor(
    transport: TransactionTransport,
    user: TransactionLayerUser,
    wheel: TimerWheel,
    options: TransactionLayerOptions = {},
  ) {
    this.#ctx = { wheel, transport, timers: { ...DEFAULT_SIP_TIMERS, ...options.timers } };
    this.#user = user;
    this.#maxServer = options.maxServerTransactions ?? 10_000;
    this.#retryAfterS = options.retryAfterS ?? 5;
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  get serverCount(): number {
    return this.#servers.size;
  }

  /**
   * Starts a client transaction for `req` (its top Via carries a fresh branch, see `newBranch()`). An ACK is not a
   * transaction: the TU sends the ACK for a 2xx with `sendStateless()`.
   */
  sendRequest(req: SipRequest, dest: Destination, user: ClientTransactionUser): ClientTransaction {
    if (req.method === 'ACK') throw new TypeError('TransactionLayer: an ACK is sent with sendStateless()');
    const tx =
      req.method === 'INVITE'
        ? new InviteClientTransaction(req, dest, this.#ctx, user, this.#removeClient)
        : new NonInviteClientTransaction(req, dest, this.#ctx, user, this.#removeClient);
    if (this.#clients.has(tx.id)) throw new Error(`TransactionLayer: client transaction ${tx.id} exists`);
    this.#clients.set(tx.id, tx);
    tx.start();
    return tx;
  }

  /** Sends a message outside any transaction (the ACK for a 2xx, a proxy's stateless forward). */
  sendStateless(msg: SipRequest | SipResponse, dest: Destination): void {
    this.#ctx.transport.send(msg, dest);
  }

  /** §17.1.3: a response from the transport. */
  receiveResponse(res: SipResponse, source: Destination): void {
    const id = responseTransactionId(res);
    const tx = id === undefined ? undefined : this.#clients.get(id);
    if (tx !== undefined) tx.receiveResponse(res);
    else this.#user.onStrayResponse?.(res, source);
  }

  /** §17.2.3: a request from the transport, with the address it came from. */
  receiveRequest(req: SipRequest, source: Destination): void {
    const id = serverTransactionId(req);
    if (id === undefined) return; // no Via: the parser should not have let it through; nothing to answer to
    const existing = this.#servers.get(id);
    if (req.method === 'ACK') {
      if (existing instanceof InviteServerTransaction && existing.receiveAck(req)) return;
      this.#user.onRequest(req, undefined, source);
      return;
    }
    if (existing !== undefined) {
      existing.receiveRequest(req);
      return;
    }
    const dest = responseDestination(req.topVia!, source, this.#ctx.transport.isReliable(source.transport));
    // The limit bounds what a peer can make us hold without our consent: transactions of answered calls (Accepted,
    // 32 s of Timer L each) are excluded, so the call rate is not capped at maxServer / 32 s; a hard cap of ten
    // times the limit still bounds the total.
    const live = this.#servers.size - this.#accepted.size;
    if (live >= this.#maxServer || this.#servers.size >= this.#maxServer * 10) {
      const retryAfter = makeHeader('Retry-After', String(this.#retryAfterS));
      this.#ctx.transport.send(makeResponse(req, 503, 'Service Unavailable', [retryAfter]), dest);
      this.#user.onOverload?.(req, source);
      return;
    }
    let tx: ServerTransaction;
    if (req.method === 'INVITE') {
      const ist: InviteServerTransaction = new InviteServerTransaction(
        req,
        dest,
        this.#ctx,
        { onTimeout: () => this.#user.onServerTimeout?.(ist), onAccepted: () => this.#accepted.add(ist) },
        this.#removeServer,
      );
      tx = ist;
    } else {
      tx = new NonInviteServerTransaction(req, dest, this.#ctx, {}, this.#removeServer);
    }
    this.#servers.set(id, tx);
    tx.start();
    this.#user.onRequest(req, tx, source);
  }

  /** §9.2: the INVITE server transaction a CANCEL targets (same branch and sent-by), if it still exists. */
  findInviteServerTransaction(cancel: SipRequest): InviteServerTransaction | undefined {
    const id = serverTransactionId(cancel, 'INVITE');
    const tx = id === undefined ? undefined : this.#servers.get(id);
    return tx instanceof InviteServerTransaction ? tx : undefined;
  }

  /** Terminates every transaction without telling the TUs (shutdown). */
  close(): void {
    for (const tx of [...this.#clients.values()]) tx.close();
    for (const tx of [...this.#servers.values()]) tx.close();
  }
}

/**
 * RFC 3261 §18.2.2 with RFC 3581: where a server sends responses. Reliable transports answer on the connection the
 * request came in on; over UDP the transport's Via rules decide (received/rport, sent-by port, maddr) — one
 * implementation of §18.2.2, in the transport layer.
 */
export function responseDestination(via: Via, source: Destination, isReliable: boolean): Destination {
  if (isReliable) return source;
  return { ...viaDestination(via, undefined, source), transport: source.transport };
}
