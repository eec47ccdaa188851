// SIP over UDP (RFC 3261 §18): one datagram, one message. Each datagram is size-checked and parsed; a request gets
// received/rport stamped (§18.2.1, RFC 3581) before it goes up. Bad input is counted and dropped — a request that
// can still be routed is answered 400/505 (§8.2.x, §16.3); responses are never answered. Nothing here throws on input.
// Messages larger than the path MTU are accepted on receive; §18.1.1's switch to TCP for large requests is the
// sender's concern (Asterisk runs with disable_tcp_switch=yes).

import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';

import { type SipParseOptions, parseSipMessage } from '../message/parse-message.js';
import type { SipMessage } from '../message/sip-message.js';
import { serializeSipMessage } from '../message/serialize-message.js';
import { errorResponseFor } from './error-response.js';
import { type ReceivedOptions, stampReceived } from './received-rport.js';
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

export interface UdpTransportOptions extends ReceivedOptions {
  /** Address to bind (IPv4 or IPv6, no brackets). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Datagrams larger than this are dropped unread (default 65 535, the largest a UDP datagram can be). */
  maxDatagramBytes?: number;
  parse?: SipParseOptions;
}

export class UdpTransport implements Transport {
  readonly protocol = 'udp';
  readonly isReliable = false;
  readonly drops = emptyDropCounters();
  readonly #socket: dgram.Socket;
  readonly #user: TransportUser;
  readonly #options: UdpTransportOptions;
  readonly #maxDatagramBytes: number;
  #local: HostPort = { host: '', port: 0 };
  #closed: Promise<void> | undefined;

  private constructor(socket: dgram.Socket, user: TransportUser, options: UdpTransportOptions) {
    this.#socket = socket;
    this.#user = user;
    this.#options = options;
    this.#maxDatagramBytes = options.maxDatagramBytes ?? 65535;
  }

  /** Binds the socket; rejects when the address cannot be bound. */
  static async open(options: UdpTransportOptions, user: TransportUser): Promise<UdpTransport> {
    const host = bareHost(options.host);
    const socket = dgram.createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', ipv6Only: isIPv6(host) });
    const t = new UdpTransport(socket, user, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(options.port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    const a = socket.address();
    t.#local = { host: a.address, port: a.port };
    socket.on('message', (buf, rinfo) => t.#receive(buf, rinfo));
    socket.on('error', (err) => t.#drop('SOCKET_ERROR', err.message, undefined));
    return t;
  }

  get local(): HostPort {
    return this.#local;
  }

  send(msg: SipMessage | Buffer, dest: TransportDestination): void {
    if (this.#closed !== undefined) return this.#drop('SEND_FAILED', 'transport closed', undefined);
    const buf = Buffer.isBuffer(msg) ? msg : serializeSipMessage(msg);
    const host = bareHost(dest.host);
    try {
      this.#socket.send(buf, dest.port, host, (err) => {
        if (err) this.#drop('SEND_FAILED', err.message, { host, port: dest.port, protocol: 'udp' });
      });
    } catch (err) {
      // dgram throws synchronously for an invalid port or a closed socket
      this.#drop('SEND_FAILED', (err as Error).message, { host, port: dest.port, protocol: 'udp' });
    }
  }

  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => this.#socket.close(() => resolve()));
    return this.#closed;
  }

  #receive(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const source: TransportSource = { host: rinfo.address, port: rinfo.port, protocol: 'udp' };
    if (buf.length > this.#maxDatagramBytes) return this.#drop('OVERSIZE', `${buf.length} bytes`, source);
    // RFC 5626 §4.4.1 / common practice: a bare CRLF (or CRLFCRLF) datagram is a keep-alive, not a message.
    if (isAllCrlf(buf)) return;
    const r = parseSipMessage(buf, this.#options.parse);
    if (!r.ok) {
      const reply = errorResponseFor(buf, r.code, r.error);
      if (reply === undefined) return this.#drop('MALFORMED', r.error, source);
      // Sent to the packet's source, as rport would (the Via of a broken request is not trusted further).
      this.send(reply, source);
      return this.#drop('MALFORMED_ANSWERED', r.error, source);
    }
    const msg = r.value;
    if (msg.kind === 'request') stampReceived(msg, source, this.#options);
    try {
      this.#user.onMessage(msg, source);
    } catch (err) {
      this.#drop('HANDLER_ERROR', (err as Error).message, source);
    }
  }

  #drop(reason: TransportDropReason, detail: string, source: TransportSource | undefined): void {
    this.drops[reason]++;
    try {
      this.#user.onError?.(reason, detail, source);
    } catch {
      // a failing observer must not take the socket down
    }
  }
}

export function isAllCrlf(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 0x0d && buf[i] !== 0x0a) return false;
  return true;
}
