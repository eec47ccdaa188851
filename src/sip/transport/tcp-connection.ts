// One SIP-over-TCP connection (RFC 3261 §18.3): a socket, its SipStreamFramer and its idle timer. The connection
// frames and parses; what a message means, and the connection table, belong to TcpTransport.

import type { Socket } from 'node:net';

import { type SipParseOptions, parseSipMessage } from '../message/parse-message.js';
import type { SipMessage } from '../message/sip-message.js';
import { serializeSipMessage } from '../message/serialize-message.js';
import { SipStreamFramer, type StreamFramerOptions } from '../message/stream-framer.js';
import { errorResponseFor } from './error-response.js';
import type { HostPort, TransportDropReason } from './transport.js';

export interface TcpConnectionUser {
  onMessage(conn: TcpConnection, msg: SipMessage): void;
  onDrop(conn: TcpConnection, reason: TransportDropReason, detail: string): void;
  onClosed(conn: TcpConnection): void;
}

export interface TcpConnectionOptions {
  idleTimeoutMs: number;
  framer?: StreamFramerOptions;
  parse?: SipParseOptions;
}

/** `host:port`, IPv6 in brackets: the connection table's key. */
export function remoteKey(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class TcpConnection {
  readonly id: string;
  readonly remote: HostPort;
  readonly key: string;
  readonly isInbound: boolean;
  readonly #socket: Socket;
  readonly #user: TcpConnectionUser;
  readonly #framer: SipStreamFramer;
  readonly #parse: SipParseOptions | undefined;
  #isClosing = false;
  #hasReportedClose = false;

  constructor(
    id: string,
    socket: Socket,
    remote: HostPort,
    isInbound: boolean,
    user: TcpConnectionUser,
    options: TcpConnectionOptions,
  ) {
    this.id = id;
    this.remote = remote;
    this.key = remoteKey(remote.host, remote.port);
    this.isInbound = isInbound;
    this.#socket = socket;
    this.#user = user;
    this.#framer = new SipStreamFramer(options.framer);
    this.#parse = options.parse;
    socket.setNoDelay(true);
    // Node's socket timeout counts both directions' activity, which is what "idle" means here.
    socket.setTimeout(options.idleTimeoutMs);
    socket.on('timeout', () => {
      this.#user.onDrop(this, 'IDLE_TIMEOUT', `idle for ${options.idleTimeoutMs} ms`);
      this.destroy();
    });
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (err) => this.#user.onDrop(this, 'SOCKET_ERROR', err.message));
    socket.on('close', () => this.#closed());
  }

  get isOpen(): boolean {
    return !this.#isClosing && !this.#socket.destroyed;
  }

  /** Queues bytes (node buffers them until an outbound connect completes). */
  write(buf: Buffer): boolean {
    if (!this.isOpen) return false;
    this.#socket.write(buf);
    return true;
  }

  /** Closes at once; the transport forgets the connection now, not when the socket's close event comes. */
  destroy(): void {
    this.#socket.destroy();
    this.#closed();
  }

  #closed(): void {
    if (this.#hasReportedClose) return;
    this.#hasReportedClose = true;
    this.#isClosing = true;
    this.#user.onClosed(this);
  }

  #receive(chunk: Buffer): void {
    if (this.#isClosing) return;
    const r = this.#framer.push(chunk);
    for (const raw of r.messages) {
      const parsed = parseSipMessage(raw, this.#parse);
      if (parsed.ok) {
        this.#user.onMessage(this, parsed.value);
        continue;
      }
      // The framing is intact, so only this message is lost: answer it if possible and keep the connection.
      const reply = errorResponseFor(raw, parsed.code, parsed.error);
      if (reply !== undefined) this.write(serializeSipMessage(reply));
      this.#user.onDrop(this, reply === undefined ? 'MALFORMED' : 'MALFORMED_ANSWERED', parsed.error);
      if (this.#isClosing) return;
    }
    if (r.error === undefined) return;
    // The stream cannot be resynchronised (stream-framer.ts): answer 400 when this chunk still shows the request's
    // Via, Call-ID and CSeq, then close.
    this.#user.onDrop(this, 'FRAMING', `${r.error.code}: ${r.error.reason}`);
    const reply = errorResponseFor(chunk, 'BAD_CONTENT_LENGTH', r.error.reason);
    this.#isClosing = true;
    if (reply === undefined) this.destroy();
    else this.#socket.end(serializeSipMessage(reply));
  }
}
