import type { EndpointConfig } from '../../config/pjsip-types.js';
import { ClientAuth, type OutboundAuth } from '../../sip/auth/client-auth.js';
import type { SipRequest, SipResponse } from '../../sip/message/sip-message.js';
import type { InviteClientTransaction } from '../../sip/transaction/invite-client-transaction.js';
import type { Destination } from '../../sip/transaction/transaction-ports.js';
import { buildRequest, type RequestSpec } from '../../sip/ua/message-builder.js';
import type { SipStack } from '../../sip/ua/sip-stack.js';
import { q850Reason } from './sip-causes.js';

/** Where an outbound call goes: the Request-URI and the first hop. */
export interface CallTarget {
  readonly uri: string;
  readonly destination: Destination;
}

/** What a leg reports to the session that forked it. */
export interface LegOwner {
  onProvisional(leg: OutboundLeg, res: SipResponse): void;
  onSuccess(leg: OutboundLeg, res: SipResponse): void;
  /** A final failure of this leg (Timer B counts as 408). */
  onFailure(leg: OutboundLeg, status: number): void;
}

/**
 * One branch of an outbound INVITE (RFC 3261 §16.7 seen from the UAC; Asterisk calls every contact of the
 * endpoint's AORs at once): its own Request-URI, branch and transaction, sharing the session's Call-ID and From
 * tag. It answers a 401/407 with outbound_auth and holds a CANCEL until a provisional response came (§9.1).
 */
export class OutboundLeg {
  invite: SipRequest | undefined;
  hadProvisional = false;
  failedStatus: number | undefined;
  #spec: RequestSpec | undefined;
  #tx: InviteClientTransaction | undefined;
  #cancelPending: number | undefined;
  #auth: ClientAuth | undefined;
  #authTries = 0;

  constructor(
    readonly target: CallTarget,
    private readonly stack: SipStack,
    private readonly endpoint: EndpointConfig,
    private readonly owner: LegOwner,
  ) {}

  get isCancelPending(): boolean {
    return this.#cancelPending !== undefined;
  }

  send(spec: RequestSpec): void {
    this.#spec = spec;
    const invite = buildRequest(spec);
    this.invite = invite;
    this.#tx = this.stack.request(invite, this.target.destination, {
      onResponse: (res) => this.#onResponse(res),
      onTimeout: () => this.#failed(408),
    }) as InviteClientTransaction;
  }

  #onResponse(res: SipResponse): void {
    if (res.status < 200) {
      if (res.status === 100) return;
      this.hadProvisional = true;
      if (this.#cancelPending !== undefined) return this.#sendCancel(this.#cancelPending);
      return this.owner.onProvisional(this, res);
    }
    if (res.status < 300) return this.owner.onSuccess(this, res);
    if ((res.status === 401 || res.status === 407) && this.#retryWithAuth(res)) return;
    this.#failed(res.status);
  }

  #failed(status: number): void {
    if (this.failedStatus !== undefined) return;
    this.failedStatus = status;
    this.owner.onFailure(this, status);
  }

  /** outbound_auth: answer one 401/407 with credentials (a second challenge for the same nonce fails the leg). */
  #retryWithAuth(res: SipResponse): boolean {
    const spec = this.#spec;
    const auths: readonly OutboundAuth[] = this.authsFor();
    if (spec === undefined || auths.length === 0 || this.#authTries++ >= 2 || this.#cancelPending !== undefined) {
      return false;
    }
    this.#auth ??= new ClientAuth(auths);
    const status = res.status as 401 | 407;
    const values = res.headerLines(status === 401 ? 'www-authenticate' : 'proxy-authenticate');
    const r = this.#auth.answer(status, values, { method: 'INVITE', uri: spec.uri });
    if (!r.ok) return false;
    // The same INVITE (Call-ID, From tag, body) with the next CSeq, a new branch and the credentials (§22.2).
    this.send({
      ...spec,
      via: this.stack.newVia(this.target.destination.transport),
      cseq: spec.cseq + 1,
      headers: [
        ...(spec.headers ?? []).filter(([n]) => !/^(proxy-)?authorization$/i.test(n)),
        ...r.headers.map((h) => [h.name, h.value] as const),
      ],
    });
    return true;
  }

  /** Set by the session: the endpoint's outbound_auth credentials. */
  authsFor: () => readonly OutboundAuth[] = () => [];

  /** Give up on this leg: CANCEL now if a provisional came, else as soon as one comes (§9.1). */
  cancel(cause: number): void {
    if (this.failedStatus !== undefined || this.#cancelPending !== undefined || this.#tx === undefined) return;
    this.#cancelPending = cause;
    if (this.hadProvisional) this.#sendCancel(cause);
  }

  /** §9.1: CANCEL with the INVITE's Request-URI, Call-ID, From, To, CSeq number and top Via (same branch). */
  #sendCancel(cause: number): void {
    const invite = this.invite;
    if (invite === undefined || this.#tx === undefined || this.#tx.state !== 'proceeding') return;
    const headers: Array<readonly [string, string]> = [];
    if (!this.endpoint.suppressQ850ReasonHeaders) headers.push(['Reason', q850Reason(cause)]);
    const cancel = buildRequest({
      method: 'CANCEL',
      uri: invite.uri,
      via: invite.via[0]!,
      from: invite.from,
      to: invite.to,
      callId: invite.callId,
      cseq: invite.cseq.seq,
      headers: [...headers, ['User-Agent', this.stack.userAgent]],
    });
    this.stack.request(cancel, this.target.destination, { onResponse: () => {}, onTimeout: () => {} });
  }
}
