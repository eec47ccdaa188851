// SIP over TCP (RFC 3261 §18.3): a listening server plus outbound connections, all in one table keyed by the
// remote `host:port`, so a message to a peer with a live connection (inbound or outbound) goes over it (§18.2.2).
// Bounded: at most maxConnections sockets (a connection flood is refused, not buffered), idle ones are closed.
// Requests get received/rport like UDP (§18.2.1, RFC 3581); bad input is counted, never thrown.

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
}

export class TcpTransport implements Transport, TcpConnectionUser {
  readonly protocol = 'tcp';
  readonly isReliable = true;
  readonly drops = emptyDropCounters();
  readonly #server: net.Server;
  readonly #user: TransportUser;
  readonly #options: TcpTransportOptions;
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
    this.#server = net.createServer((socket) => this.#accept(socket));
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
    const source: TransportSource = { host, port: dest.port, protocol: 'tcp' };
    if (this.#closed !== undefined) return this.#drop('SEND_FAILED', 'transport closed', source);
    const buf = Buffer.isBuffer(msg) ? msg : serializeSipMessage(msg);
    const byId = dest.connectionId === undefined ? undefined : this.#byId.get(dest.connectionId);
    if (byId?.write(buf)) return;
    const byKey = this.#byKey.get(remoteKey(host, dest.port));
    if (byKey?.write(buf)) return;
    if (this.#byId.size >= this.#maxConnections) {
      return this.#drop('SEND_FAILED', `connection limit (${this.#maxConnections}) reached`, source);
    }
    const socket = net.connect({ host, port: dest.port });
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
    const source: TransportSource = { ...conn.remote, protocol: 'tcp', connectionId: conn.id };
    if (msg.kind === 'request') stampReceived(msg, source, this.#options);
    try {
      this.#user.onMessage(msg, source);
    } catch (err) {
      this.#drop('HANDLER_ERROR', (err as Error).message, source);
    }
  }

  onDrop(conn: TcpConnection, reason: TransportDropReason, detail: string): void {
    this.#drop(reason, detail, { ...conn.remote, protocol: 'tcp', connectionId: conn.id });
  }

  onClosed(conn: TcpConnection): void {
    this.#byId.delete(conn.id);
    if (this.#byKey.get(conn.key) === conn) this.#byKey.delete(conn.key);
  }

  #accept(socket: net.Socket): void {
    const remote = { host: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    if (this.#closed !== undefined || this.#byId.size >= this.#maxConnections) {
      socket.destroy();
      this.#drop('CONNECTION_LIMIT', `${this.#byId.size} connections open`, { ...remote, protocol: 'tcp' });
      return;
    }
    this.#add(socket, remote, true);
  }

  #add(socket: net.Socket, remote: HostPort, isInbound: boolean): TcpConnection {
    const id = `tcp-${this.#nextId++}`;
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
