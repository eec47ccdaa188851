// The SIP user agent core (RFC 3261 §8, §12, §17 glue): it opens the transports, runs every transaction on one
// timer wheel, answers CANCEL (§9.2) and requests for unknown dialogs (481, §12.2.2), hands requests inside a
// dialog to the dialog's owner and everything else to the stack's user (the PJSIP channel driver).

import { networkInterfaces } from 'node:os';
import type { Via } from '../message/header-values.js';
import { type SipMessage, SipRequest, type SipResponse } from '../message/sip-message.js';
import { parseUri } from '../message/sip-uri.js';
import { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import { realClock, TimerWheel, type Clock } from '../transaction/timer-wheel.js';
import type { SipTimerConfig } from '../transaction/timers.js';
import { newBranch } from '../transaction/transaction-id.js';
import {
  type ClientTransaction,
  type Destination,
  type ServerTransaction,
  TransactionLayer,
} from '../transaction/transaction-layer.js';
import type { ClientTransactionUser } from '../transaction/transaction-ports.js';
import { TcpTransport } from '../transport/tcp-transport.js';
import { openTlsTransport, type SipTlsOptions } from '../transport/tls-transport.js';
import type {
  HostPort,
  Transport,
  TransportDropReason,
  TransportSource,
  TransportUser,
} from '../transport/transport.js';
import { UdpTransport } from '../transport/udp-transport.js';
import { dialogId } from './dialog.js';
import { dialogIdentity, SipStackStats, type DialogListener } from './sip-stack-stats.js';
import { buildResponse, uriHost } from './message-builder.js';

/**
 * A wildcard bind (0.0.0.0, ::) cannot be written into Via, Contact or SDP: the first non-internal address of the
 * machine is (loopback when it has none). Set `external_signaling_address` for anything smarter (NAT).
 */
export function primaryAddress(v6: boolean): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const nic of list ?? []) {
      if (nic.internal || nic.family !== (v6 ? 'IPv6' : 'IPv4') || nic.address.startsWith('fe80:')) continue;
      return nic.address;
    }
  }
  return v6 ? '::1' : '127.0.0.1';
}

export interface SipTransportSpec {
  readonly name: string;
  readonly protocol: 'udp' | 'tcp' | 'tls';
  /** Certificates and verification switches; required for 'tls'. */
  readonly tls?: SipTlsOptions;
  readonly host: string;
  readonly port: number;
  /** Address written into Via and Contact instead of the bound one ('' = the bound address). */
  readonly externalHost?: string;
}

export interface SipStackOptions {
  readonly transports: readonly SipTransportSpec[];
  /** `Server:` / `User-Agent:` value. */
  readonly userAgent: string;
  /** Asterisk's force_rport=yes: answer to the source port even without `;rport` in the Via. */
  readonly forceRport?: boolean;
  readonly timers?: Partial<SipTimerConfig>;
  readonly maxServerTransactions?: number;
  readonly clock?: Clock;
  readonly onDrop?: (reason: TransportDropReason, detail: string) => void;
}

/** Where a request came from, and which of our transports it arrived on. */
export interface SipSource extends Destination {
  readonly protocol: 'udp' | 'tcp' | 'tls';
  readonly local: HostPort;
}

/** The owner of a dialog (an INVITE session): requests inside it and 2xx retransmissions after the transaction. */
export interface DialogUser {
  onRequest(req: SipRequest, tx: ServerTransaction | undefined, source: SipSource): void;
  onStrayResponse?(res: SipResponse): void;
}

/** The stack's user: out-of-dialog requests (INVITE, REGISTER, OPTIONS, MESSAGE, ...). */
export interface SipStackUser {
  onRequest(req: SipRequest, tx: ServerTransaction, source: SipSource): void;
}

interface OpenTransport {
  readonly spec: SipTransportSpec;
  readonly transport: Transport;
}

export class SipStack {
  readonly wheel: TimerWheel;
  readonly layer: TransactionLayer;
  readonly userAgent: string;
  /** Transactions started and retransmissions sent, for the operator's metrics. */
  readonly stats = new SipStackStats();
  /** Told when a dialog starts and ends (the operator's call log). */
  dialogListener: DialogListener | undefined = undefined;
  readonly #transports: OpenTransport[] = [];
  readonly #dialogs = new Map<string, DialogUser>();
  readonly #cancelHandlers = new WeakMap<InviteServerTransaction, (cancel: SipRequest) => void>();
  #user: SipStackUser | undefined;

  private constructor(readonly options: SipStackOptions) {
    this.userAgent = options.userAgent;
    this.wheel = new TimerWheel(options.clock ?? realClock);
    this.layer = new TransactionLayer(
      {
        send: (msg, dest) => this.#send(msg, dest),
        isReliable: (t) => t !== 'UDP',
      },
      {
        onRequest: (req, tx, source) => this.#onRequest(req, tx, source as SipSource),
        onStrayResponse: (res) => this.#onStrayResponse(res),
      },
      this.wheel,
      {
        ...(options.timers === undefined ? {} : { timers: options.timers }),
        ...(options.maxServerTransactions === undefined
          ? {}
          : { maxServerTransactions: options.maxServerTransactions }),
      },
    );
  }

  /** Binds every transport; rejects (closing what was opened) when one cannot bind. */
  static async open(options: SipStackOptions): Promise<SipStack> {
    const stack = new SipStack(options);
    try {
      for (const spec of options.transports) {
        const holder: { open?: OpenTransport } = {};
        const user = {
          onMessage: (msg: SipMessage, source: TransportSource) => {
            if (holder.open !== undefined) stack.#receive(msg, source, holder.open);
          },
          onError: (reason: TransportDropReason, detail: string) => options.onDrop?.(reason, detail),
        };
        const common = { host: spec.host, port: spec.port, forceRport: options.forceRport ?? true };
        const transport = await openTransport(spec, common, user);
        holder.open = { spec, transport };
        stack.#transports.push(holder.open);
      }
    } catch (e) {
      await stack.close();
      throw e;
    }
    return stack;
  }

  set user(user: SipStackUser) {
    this.#user = user;
  }

  get transports(): readonly Transport[] {
    return this.#transports.map((t) => t.transport);
  }

  /** The transport for `protocol` ('udp' first when unspecified). */
  transportFor(protocol: string = 'udp'): OpenTransport | undefined {
    const p = protocol.toLowerCase();
    return this.#transports.find((t) => t.spec.protocol === p) ?? this.#transports[0];
  }

  /** host:port to write in Via/Contact for a transport (its external address, or where it is bound). */
  advertised(protocol?: string): HostPort {
    const t = this.transportFor(protocol);
    if (t === undefined) return { host: '127.0.0.1', port: 5060 };
    const host = t.spec.externalHost || t.transport.local.host;
    if (host === '0.0.0.0' || host === '::')
      return { host: primaryAddress(host === '::'), port: t.transport.local.port };
    return { host, port: t.transport.local.port };
  }

  /** A fresh top Via for a request we send (§8.1.1.7), asking for rport (RFC 3581). */
  newVia(protocol = 'udp'): Via {
    const local = this.advertised(protocol);
    const branch = newBranch();
    return {
      protocol: 'SIP/2.0',
      transport: protocol.toUpperCase(),
      host: uriHost(local.host),
      port: local.port,
      params: [
        { name: 'rport', value: undefined },
        { name: 'branch', value: branch },
      ],
      branch,
      received: undefined,
      rport: true,
      maddr: undefined,
      ttl: undefined,
    };
  }

  /**
   * Where to send a request for `uri` (RFC 3263 reduced to what needs no DNS: an IP literal or `localhost`, the URI
   * port or 5060, the `transport` parameter). Undefined when the host needs a lookup Switchyard does not do.
   */
  resolve(uri: string): Destination | undefined {
    const r = parseUri(uri);
    if (!r.ok || r.value.scheme === 'tel') return undefined;
    let host = r.value.host;
    if (host.startsWith('[')) host = host.slice(1, -1);
    if (host.toLowerCase() === 'localhost') host = '127.0.0.1';
    if (!/^[0-9.]+$/.test(host) && !host.includes(':')) return undefined;
    const param = r.value.params.find((p) => p.name.toLowerCase() === 'transport')?.value?.toUpperCase();
    // RFC 3261 §26.2.2: a sips: URI is reached over TLS.
    const transport = r.value.scheme === 'sips' || param === 'TLS' ? 'TLS' : param === 'TCP' ? 'TCP' : 'UDP';
    const port = r.value.port ?? (transport === 'TLS' ? 5061 : 5060);
    return { host, port, transport };
  }

  /** Sends a request in a new client transaction. */
  request(req: SipRequest, dest: Destination, user: ClientTransactionUser): ClientTransaction {
    const tx = this.layer.sendRequest(req, dest, user);
    this.stats.transactionStarted('client', req.method);
    return tx;
  }

  /** Sends a message outside any transaction (the ACK for a 2xx, a 2xx retransmission). */
  sendStateless(msg: SipMessage, dest: Destination): void {
    this.layer.sendStateless(msg, dest);
  }

  /** Requests inside the dialog `id` go to `user` until `forgetDialog`. */
  addDialog(id: string, user: DialogUser): void {
    const isNew = !this.#dialogs.has(id);
    this.#dialogs.set(id, user);
    if (isNew) this.dialogListener?.onDialogStart(dialogIdentity(id));
  }

  forgetDialog(id: string): void {
    if (this.#dialogs.delete(id)) this.dialogListener?.onDialogEnd(dialogIdentity(id));
  }

  get dialogCount(): number {
    return this.#dialogs.size;
  }

  /** `fn` is called when a CANCEL for this INVITE arrives (after the stack answered the CANCEL 200). */
  onCancel(tx: InviteServerTransaction, fn: (cancel: SipRequest) => void): void {
    this.#cancelHandlers.set(tx, fn);
  }

  /** Forgets the CANCEL handler (the session ended): the transaction may outlive it by Timer L. */
  offCancel(tx: InviteServerTransaction): void {
    this.#cancelHandlers.delete(tx);
  }

  /** Answers a request through its server transaction, statelessly when it has none. */
  respond(
    req: SipRequest,
    tx: ServerTransaction | undefined,
    status: number,
    reason: string,
    headers: ReadonlyArray<readonly [string, string]> = [],
  ): void {
    const res = buildResponse(req, status, reason, { headers: [...headers, ['Server', this.userAgent]] });
    this.sendResponse(tx, res);
  }

  sendResponse(tx: ServerTransaction | undefined, res: SipResponse): void {
    if (tx === undefined) return;
    try {
      tx.respond(res);
    } catch {
      // The transaction already has its final response (a late answer racing a CANCEL): nothing to send.
    }
  }

  async close(): Promise<void> {
    this.layer.close();
    this.wheel.close();
    await Promise.all(this.#transports.map((t) => t.transport.close()));
  }

  #receive(msg: SipMessage, source: TransportSource, open: OpenTransport): void {
    const dest: SipSource = {
      host: source.host,
      port: source.port,
      transport: source.protocol.toUpperCase(),
      protocol: open.spec.protocol,
      local: open.transport.local,
      ...(source.connectionId === undefined ? {} : { connectionId: source.connectionId }),
    };
    if (msg.kind === 'request') this.layer.receiveRequest(msg, dest);
    else this.layer.receiveResponse(msg, dest);
  }

  #send(msg: SipMessage, dest: Destination): void {
    this.stats.sent(msg);
    const t = this.transportFor(dest.transport) ?? this.#transports[0];
    t?.transport.send(msg, dest);
  }

  #onRequest(req: SipRequest, tx: ServerTransaction | undefined, source: SipSource): void {
    if (tx !== undefined) this.stats.transactionStarted('server', req.method);
    if (req.method === 'CANCEL' && tx !== undefined) return this.#cancel(req, tx);
    const toTag = req.toTag;
    if (toTag !== undefined) {
      const owner = this.#dialogs.get(dialogId(req.callId, toTag, req.fromTag ?? ''));
      if (owner !== undefined) return owner.onRequest(req, tx, source);
      // §12.2.2: a request for a dialog we do not know. An ACK is simply dropped.
      if (tx !== undefined) this.respond(req, tx, 481, 'Call/Transaction Does Not Exist');
      return;
    }
    if (tx === undefined) return; // a stray ACK outside any dialog
    if (this.#user === undefined) return this.respond(req, tx, 503, 'Service Unavailable');
    this.#user.onRequest(req, tx, source);
  }

  /**
   * §9.2: 481 when no INVITE transaction matches; otherwise 200 to the CANCEL, and the INVITE's owner is told only
   * while the INVITE has no final response yet (a CANCEL crossing our final response has no effect).
   */
  #cancel(cancel: SipRequest, tx: ServerTransaction): void {
    const invite = this.layer.findInviteServerTransaction(cancel);
    if (invite === undefined) return this.respond(cancel, tx, 481, 'Call/Transaction Does Not Exist');
    this.respond(cancel, tx, 200, 'OK');
    if (invite.state === 'proceeding') this.#cancelHandlers.get(invite)?.(cancel);
  }

  #onStrayResponse(res: SipResponse): void {
    const owner = this.#dialogs.get(dialogId(res.callId, res.fromTag ?? '', res.toTag ?? ''));
    owner?.onStrayResponse?.(res);
  }

  static isInviteTransaction(tx: ServerTransaction | undefined): tx is InviteServerTransaction {
    return tx instanceof InviteServerTransaction;
  }
}

export { SipRequest };

function openTransport(
  spec: SipTransportSpec,
  common: { host: string; port: number; forceRport: boolean },
  user: TransportUser,
): Promise<Transport> {
  if (spec.protocol === 'udp') return UdpTransport.open(common, user);
  if (spec.protocol === 'tcp') return TcpTransport.open(common, user);
  if (spec.tls === undefined) throw new Error(`SIP transport '${spec.name}': TLS needs a certificate and key`);
  return openTlsTransport({ ...common, tls: spec.tls }, user);
}
