// SIP over TCP (RFC 3261 §18.3): a listening server plus outbound connections, all in one table keyed by the
// remote `host:port`, so a message to a peer with a live connection (inbound or outbound) goes over it (§18.2.2).
// Bounded: at most maxConnections sockets (a connection flood is refused, not buffered), idle ones are closed.
// Requests get received/rport like UDP (§18.2.1, RFC 3581); bad input is counted, never thrown. The same class
// carries TLS (§26.3.1) when given TLS sockets (tls-transport.ts).

import net from 'node:net';

import type { SipParseOptions } from '../message/parse-message.js';
import type { SipMessage } from '../message/sip-message.js';
import { serializeSipMessage } from '../message/serialize-message.js';
import type { StreamFramerOptions } from '../message/stream-framer.js';
import { type ReceivedOptions, stampReceived } from './received-rport.js';
import { TcpConnection, type TcpConnectionUser, remoteKey } from './tcp-connection.js';
import {
  type HostPort,
  type Transport,
  type TransportDestination,
  type TransportDropReason,
  type TransportSource,
  type TransportUser,
  bareHost,
  emptyDropCounters,
} from './transport.js';

export interface TcpTransportOptions extends ReceivedOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Inbound plus outbound connections (default 1024); further inbound ones are closed at once. */
  maxConnections?: number;
  /** A connection with no traffic either way for this long is closed (default 300 000 ms). */
  idleTimeoutMs?: number;
  framer?: StreamFramerOptions;
  parse?: SipParseOptions;
  /** How sockets are made; plain TCP when absent. TLS passes its own (tls-transport.ts). */
  sockets?: StreamSockets;
}

/**
 * The socket maker of a stream transport: TCP and TLS differ only here (RFC 3261 §26.3.1: TLS is the TCP
 * transport over a TLS connection). A WSS transport will be another stream transport with its own framing.
 */
export interface StreamSockets {
  readonly protocol: 'tcp' | 'tls';
  /** A listening server whose callback gets each accepted (for TLS: handshaken) socket. */
  createServer(onSocket: (socket: net.Socket) => void): net.Server;
  /** An outbound connection; writes before it is connected are buffered by Node. */
  connect(host: string, port: number): net.Socket;
}

const PLAIN_TCP: StreamSockets = {
  protocol: 'tcp',
  createServer: (onSocket) => net.createServer(onSocket),
  connect: (host, port) => net.connect({ host, port }),
};

export class TcpTransport implements Transport, TcpConnectionUser {
  readonly protocol: 'tcp' | 'tls';
  readonly isReliable = true;
  readonly drops = emptyDropCounters();
  readonly #server: net.Server;
  readonly #user: TransportUser;
  readonly #options: TcpTransportOptions;
  readonly #sockets: StreamSockets;
  readonly #maxConnections: number;
  readonly #idleTimeoutMs: number;
  readonly #byId = new Map<string, TcpConnection>();
  readonly #byKey = new Map<string, TcpConnection>();
  #nextId = 1;
  #local: HostPort = { host: '', port: 0 };
  #closed: Promise<void> | undefined;

  private constructor(user: TransportUser, options: TcpTransportOptions) {
    this.#user = user;
    this.#options = options;
    this.#maxConnections = options.maxConnections ?? 1024;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 300_000;
    this.#sockets = options.sockets ?? PLAIN_TCP;
    this.protocol = this.#sockets.protocol;
    this.#server = this.#sockets.createServer((socket) => this.#accept(socket));
    // tls.Server only: a failed handshake never reaches #accept; it is counted like any socket error.
    this.#server.on('tlsClientError', (err: Error, socket: net.Socket) =>
      this.#drop('SOCKET_ERROR', `TLS handshake: ${err.message}`, {
        host: socket.remoteAddress ?? '',
        port: socket.remotePort ?? 0,
        protocol: this.protocol,
      }),
    );
  }

  /** Starts listening; rejects when the address cannot be bound. */
  static async open(options: TcpTransportOptions, user: TransportUser): Promise<TcpTransport> {
    const t = new TcpTransport(user, options);
    const server = t.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: bareHost(options.host), port: options.port, ipv6Only: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const a = server.address() as net.AddressInfo;
    t.#local = { host: a.address, port: a.port };
    server.on('error', (err) => t.#drop('SOCKET_ERROR', err.message, undefined));
    return t;
  }

  get local(): HostPort {
    return this.#local;
  }

  /** Open connections, inbound and outbound. */
  get connectionCount(): number {
    return this.#byId.size;
  }

  send(msg: SipMessage | Buffer, dest: TransportDestination): void {
    const host = bareHost(dest.host);
    const source: TransportSource = { host, port: dest.port, protocol: this.protocol };
    if (this.#closed !== undefined) return this.#drop('SEND_FAILED', 'transport closed', source);
    const buf = Buffer.isBuffer(msg) ? msg : serializeSipMessage(msg);
    const byId = dest.connectionId === undefined ? undefined : this.#byId.get(dest.connectionId);
    if (byId?.write(buf)) return;
    const byKey = this.#byKey.get(remoteKey(host, dest.port));
    if (byKey?.write(buf)) return;
    if (this.#byId.size >= this.#maxConnections) {
      return this.#drop('SEND_FAILED', `connection limit (${this.#maxConnections}) reached`, source);
    }
    const socket = this.#sockets.connect(host, dest.port);
    const conn = this.#add(socket, { host, port: dest.port }, false);
    conn.write(buf);
  }

  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const c of [...this.#byId.values()]) c.destroy();
    });
    return this.#closed;
  }

  // TcpConnectionUser

  onMessage(conn: TcpConnection, msg: SipMessage): void {
    const source: TransportSource = { ...conn.remote, protocol: this.protocol, connectionId: conn.id };
    if (msg.kind === 'request') stampReceived(msg, source, this.#options);
    try {
      this.#user.onMessage(msg, source);
    } catch (err) {
      this.#drop('HANDLER_ERROR', (err as Error).message, source);
    }
  }

  onDrop(conn: TcpConnection, reason: TransportDropReason, detail: string): void {
    this.#drop(reason, detail, { ...conn.remote, protocol: this.protocol, connectionId: conn.id });
  }

  onClosed(conn: TcpConnection): void {
    this.#byId.delete(conn.id);
    if (this.#byKey.get(conn.key) === conn) this.#byKey.delete(conn.key);
  }

  #accept(socket: net.Socket): void {
    const remote = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    if (this.#closed !== undefined || this.#byId.size >= this.#maxConnections) {
      socket.destroy();
      this.#drop('CONNECTION_LIMIT', `${this.#byId.size} connections open`, { ...remote, protocol: this.protocol });
      return;
    }
    this.#add(socket, remote, true);
  }

  #add(socket: net.Socket, remote: HostPort, isInbound: boolean): TcpConnection {
    const id = `${this.protocol}-${this.#nextId++}`;
    const conn = new TcpConnection(id, socket, remote, isInbound, this, {
      idleTimeoutMs: this.#idleTimeoutMs,
      framer: this.#options.framer,
      parse: this.#options.parse,
    });
    this.#byId.set(id, conn);
    this.#byKey.set(conn.key, conn);
    return conn;
  }

  #drop(reason: TransportDropReason, detail: string, source: TransportSource | undefined): void {
    this.drops[reason]++;
    try {
      this.#user.onError?.(reason, detail, source);
    } catch {
      // a failing observer must not take the transport down
    }
  }
}
