// What a transaction needs from outside (RFC 3261 §17): a transport to send through, a timer wheel, the T1/T2/T4
// configuration, and a transaction user (TU) to report to. No sockets: the transport is a port the SIP transport
// layer implements and tests record.

import type { SipMessage, SipResponse } from '../message/sip-message.js';
import type { TimerWheel } from './timer-wheel.js';
import type { SipTimerConfig } from './timers.js';

export interface Destination {
  host: string;
  port: number;
  /** Upper-case Via transport token: UDP, TCP, TLS, SCTP, WS, WSS. */
  transport: string;
  /** For stream transports: the connection a request came in on, so its responses go back over it (§18.2.2). */
  connectionId?: string;
}

export interface TransactionTransport {
  send(msg: SipMessage, dest: Destination): void;
  /** RFC 3261 §17.1.1.2: reliable transports carry retransmission themselves (no Timer A, E, G). */
  isReliable(transport: string): boolean;
}

export interface TransactionContext {
  readonly wheel: TimerWheel;
  readonly transport: TransactionTransport;
  readonly timers: SipTimerConfig;
}

/** The TU of a client transaction (one listener: a delegate). */
export interface ClientTransactionUser {
  /** Every response the TU should see: provisional, the final one, and (INVITE) each 2xx retransmission. */
  onResponse(res: SipResponse): void;
  /** Timer B or F fired: the TU treats it as a 408 (§8.1.3.1). */
  onTimeout(): void;
  /** The transport threw while sending (§17.1.4); the transaction is terminated. */
  onTransportError?(err: unknown): void;
}

/** The TU of a server transaction. */
export interface ServerTransactionUser {
  /** An INVITE transaction moved to Accepted (its 2xx was sent, RFC 6026): it waits Timer L for retransmissions. */
  onAccepted?(): void;
  /** Timer H fired: the ACK for a non-2xx final response never came (§17.2.1). */
  onTimeout?(): void;
  /** The transport threw while sending a response (§17.2.4); the transaction is terminated. */
  onTransportError?(err: unknown): void;
}

export class InvalidTransitionError extends Error {
  readonly code = 'INVALID_TRANSITION';
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`transaction: no move from ${from} to ${to}`);
  }
}

export class InvalidTransactionStateError extends Error {
  readonly code = 'INVALID_TRANSACTION_STATE';
  constructor(action: string, state: string) {
    super(`transaction: cannot ${action} in state ${state}`);
  }
}
