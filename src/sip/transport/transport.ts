// The contract every SIP transport implements (RFC 3261 §18): UDP, TCP and TLS (tls-transport.ts: TCP over
// node:tls). WS and WSS (RFC 7118) are still to come: a WSS transport is a WebSocket server over `https`
// (`tls.SecureContextOptions` as in SipTlsOptions) whose messages are whole WebSocket frames, so it needs no
// stream framer; it implements this same interface with `protocol: 'wss'` and `isReliable: true`.
// A transport owns its sockets and framing; it hands whole parsed messages up to one delegate (the transaction
// layer) and reports every dropped input with a stable reason instead of throwing.

import type { SipMessage } from '../message/sip-message.js';

export type TransportProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

export interface HostPort {
  /** An IP address without brackets (`127.0.0.1`, `::1`) or, for outbound sends, a host name. */
  host: string;
  port: number;
}

/** Where a message came from; `connectionId` names the stream connection it arrived on (TCP, TLS, WS). */
export interface TransportSource extends HostPort {
  protocol: TransportProtocol;
  connectionId?: string;
}

/** Where to send; for stream transports a `connectionId` picks that connection if it is still open. */
export interface TransportDestination extends HostPort {
  connectionId?: string;
}

/** Stable reasons an input was dropped or a connection refused; each one is counted by the transport. */
export type TransportDropReason =
  | 'OVERSIZE'
  | 'MALFORMED'
  | 'MALFORMED_ANSWERED'
  | 'FRAMING'
  | 'CONNECTION_LIMIT'
  | 'IDLE_TIMEOUT'
  | 'SOCKET_ERROR'
  | 'SEND_FAILED'
  | 'HANDLER_ERROR';

export interface TransportUser {
  /** A whole, parsed message; requests already carry `received`/`rport` on their top Via (RFC 3261 §18.2.1). */
  onMessage(msg: SipMessage, source: TransportSource): void;
  /** An input dropped (or a send that failed), with why; informational, the transport has already acted. */
  onError?(reason: TransportDropReason, detail: string, source: TransportSource | undefined): void;
}

export interface Transport {
  readonly protocol: TransportProtocol;
  /** UDP is not; TCP, TLS, WS and WSS are (RFC 3261 §17.1.1.2: no retransmissions over reliable transports). */
  readonly isReliable: boolean;
  /** The bound address (the real port once bound to port 0). */
  readonly local: HostPort;
  /** Counted drops by reason. */
  readonly drops: Readonly<Record<TransportDropReason, number>>;
  /** Never throws for network reasons: a failure is reported to `onError` as `SEND_FAILED`. */
  send(msg: SipMessage | Buffer, dest: TransportDestination): void;
  /** Idempotent; resolves once every socket is closed. */
  close(): Promise<void>;
}

export function emptyDropCounters(): Record<TransportDropReason, number> {
  return {
    OVERSIZE: 0,
    MALFORMED: 0,
    MALFORMED_ANSWERED: 0,
    FRAMING: 0,
    CONNECTION_LIMIT: 0,
    IDLE_TIMEOUT: 0,
    SOCKET_ERROR: 0,
    SEND_FAILED: 0,
    HANDLER_ERROR: 0,
  };
}

/** `[::1]` → `::1`: addresses are kept without brackets everywhere in the transport layer. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
