import { randomUUID } from 'node:crypto';
import type { EndpointConfig } from '../../config/pjsip-types.js';
import type { Channel } from '../../core/channel/channel.js';
import type { ControlIndication } from '../../core/frame.js';
import { ClientAuth } from '../../sip/auth/client-auth.js';
import type { SipRequest, SipResponse } from '../../sip/message/sip-message.js';
import type { InviteClientTransaction } from '../../sip/transaction/invite-client-transaction.js';
import type { Destination } from '../../sip/transaction/transaction-ports.js';
import { Dialog, initialCSeq } from '../../sip/ua/dialog.js';
import { buildRequest, nameAddr, uriHost, withoutPort, type RequestSpec } from '../../sip/ua/message-builder.js';
import { ALLOW, SUPPORTED, type PjsipContext } from './pjsip-context.js';
import { causeFromStatus, q850Reason } from './sip-causes.js';
import type { SessionFacts } from './session-functions.js';
import { parseSessionExpires } from './session-refresh.js';
import { SipSession } from './sip-session.js';

/** Where an outbound call goes: the Request-URI and the first hop. */
export interface CallTarget {
  readonly uri: string;
  readonly destination: Destination;
}

/**
 * The UAC side of a call Switchyard places (originate, /dial, Dial()): sip-reference §2.2 and §4.3. The INVITE
 * offers our SDP; 180 rings, 183 is progress, 2xx answers (ACKed by us, §13.2.2.4), a failure hangs the channel
 * up with the mapped cause and the status as tech_cause. A hangup before the answer CANCELs once a provisional
 * response came (§9.1) — before that, nothing can be sent and the INVITE just runs to Timer B.
 */
export class OutboundSession extends SipSession {
  readonly callId = randomUUID();
  readonly localTag = randomUUID();
  #invite: SipRequest | undefined;
  /** What the INVITE was built from: an authenticated retry is the same request with credentials added. */
  #inviteSpec: RequestSpec | undefined;
  #tx: InviteClientTransaction | undefined;
  #hadProvisional = false;
  #cancelPending: number | undefined;
  #isAnswered = false;
  #isFailed = false;
  #auth: ClientAuth | undefined;
  #authTries = 0;

  constructor(
    ctx: PjsipContext,
    endpoint: EndpointConfig,
    readonly target: CallTarget,
  ) {
    super(ctx, endpoint);
    this.peer = target.destination;
  }

  protected facts(): SessionFacts {
    const local = this.ctx.stack.advertised(this.target.destination.transport);
    const dest = this.target.destination;
    return {
      invite: this.#invite,
      isInbound: false,
      localAddr: `${local.host}:${local.port}`,
      remoteAddr: `${dest.host}:${dest.port}`,
    };
  }

  call(channel: Channel): { ok: true } | { ok: false; cause: number } {
    // A failure while the RTP ports are bound must end the call, never become an unhandled rejection.
    this.#start(channel).catch(() => {
      if (!channel.isDestroyed) channel.queueHangup(38, 0);
    });
    return { ok: true };
  }

  async #start(channel: Channel): Promise<void> {
    const media = await this.ctx.media.open(this.ctx.mediaOptions(this.endpoint), this.mediaSink);
    if ('error' in media) {
      if (!channel.isDestroyed) channel.queueHangup(34, 0);
      return;
    }
    if (channel.isDestroyed || channel.isHangupRequested) return media.close();
    this.media = media;
    this.#inviteSpec = this.#inviteSpecFor(channel, media.offer());
    this.#send(buildRequest(this.#inviteSpec));
  }

  #inviteSpecFor(channel: Channel, sdp: string): RequestSpec {
    const ep = this.endpoint;
    const local = this.ctx.stack.advertised(this.target.destination.transport);
    const domain = ep.fromDomain || uriHost(local.host);
    const caller = channel.connected.number !== '' ? channel.connected : channel.caller;
    // No caller id → "Anonymous" <sip:anonymous@anonymous.invalid> (an empty id is not presentable, §1.2).
    const from =
      caller.number === '' && ep.fromUser === ''
        ? nameAddr('sip:anonymous@anonymous.invalid', 'Anonymous', this.localTag)
        : nameAddr(`sip:${ep.fromUser || caller.number}@${domain}`, caller.name, this.localTag);
    const to = nameAddr(withoutPort(this.target.uri));
    return {
      method: 'INVITE',
      uri: this.target.uri,
      via: this.ctx.stack.newVia(this.target.destination.transport),
      from,
      to,
      callId: this.callId,
      cseq: initialCSeq(),
      contact: this.contact('asterisk'),
      headers: [
        ['Allow', ALLOW],
        ['Supported', `${SUPPORTED}, histinfo`],
        ['User-Agent', this.ctx.stack.userAgent],
        ...this.extraHeaders,
      ],
      body: Buffer.from(sdp),
      contentType: 'application/sdp',
    };
  }

  #send(invite: SipRequest): void {
    this.#invite = invite;
    this.#tx = this.ctx.stack.request(invite, this.target.destination, {
      onResponse: (res) => this.#onResponse(res),
      onTimeout: () => this.#fail(408),
    }) as InviteClientTransaction;
  }

  #onResponse(res: SipResponse): void {
    if (res.status < 200) return this.#onProvisional(res);
    if (res.status < 300) return this.#onSuccess(res);
    if ((res.status === 401 || res.status === 407) && this.#retryWithAuth(res)) return;
    this.#fail(res.status);
  }

  #onProvisional(res: SipResponse): void {
    if (res.status === 100) return;
    this.#hadProvisional = true;
    if (this.#cancelPending !== undefined) return this.#sendCancel(this.#cancelPending);
    if (this.isTerminated || this.channel === undefined) return;
    const hasSdp = res.body.length > 0;
    if (hasSdp) this.media?.acceptAnswer(res.body.toString('utf8'));
    if (res.toTag !== undefined && this.dialog === undefined && this.#invite !== undefined) {
      this.dialog = Dialog.uac(this.#invite, res);
    }
    if (res.status === 180 && !hasSdp) return this.channel.receive({ kind: 'control', indication: 'ringing' });
    if (res.status === 180) this.channel.setState('Ringing');
    else if (res.status === 183 && !hasSdp && this.endpoint.ignore183WithoutSdp) return;
    this.channel.receive({ kind: 'control', indication: 'progress' });
  }

  #onSuccess(res: SipResponse): void {
    const invite = this.#invite;
    if (invite === undefined) return;
    const first = !this.#isAnswered;
    if (first) {
      this.dialog = Dialog.uac(invite, res);
      this.dialog.refreshTarget(res);
      this.ctx.stack.addDialog(this.dialog.id, this);
      this.#isAnswered = true;
    }
    this.#ack(invite, res);
    if (!first) return;
    if (this.isTerminated || this.#cancelPending !== undefined || this.channel?.isDestroyed !== false) {
      // Answered after we gave up (CANCEL crossed the 200): end it at once (§9.1).
      this.sendBye(this.#cancelPending ?? 16);
      return this.terminate();
    }
    if (res.body.length > 0) this.media?.acceptAnswer(res.body.toString('utf8'));
    // RFC 4028: a 2xx that makes us (the UAC) the refresher obliges us to re-INVITE every half interval.
    const timer = parseSessionExpires(res.header('session-expires'));
    if (timer?.refresher !== undefined) this.startSessionTimer(Math.max(timer.seconds, 90), timer.refresher === 'uac');
    this.channel.receive({ kind: 'control', indication: 'answer' });
  }

  /** §13.2.2.4: the ACK for a 2xx is a new transaction-less request to the remote target, same CSeq number. */
  #ack(invite: SipRequest, _res: SipResponse): void {
    const dialog = this.dialog;
    if (dialog === undefined) return;
    const dest = this.destination() ?? this.target.destination;
    const ack = buildRequest({
      ...dialog.request('ACK', invite.cseq.seq),
      via: this.ctx.stack.newVia(dest.transport),
    });
    this.ctx.stack.sendStateless(ack, dest);
  }

  /** A 2xx retransmission after the transaction ended (RFC 6026): ACK it again. */
  onStrayResponse(res: SipResponse): void {
    if (res.status >= 200 && res.status < 300 && this.#invite !== undefined) this.#ack(this.#invite, res);
  }

  /** outbound_auth: answer one 401/407 with credentials (a second challenge for the same nonce fails the call). */
  #retryWithAuth(res: SipResponse): boolean {
    const spec = this.#inviteSpec;
    const auths = this.ctx.outboundAuths(this.endpoint);
    if (spec === undefined || auths.length === 0 || this.#authTries++ >= 2 || this.isTerminated) return false;
    this.#auth ??= new ClientAuth(auths);
    const status = res.status as 401 | 407;
    const values = res.headerLines(status === 401 ? 'www-authenticate' : 'proxy-authenticate');
    const r = this.#auth.answer(status, values, { method: 'INVITE', uri: spec.uri });
    if (!r.ok) return false;
    // The same INVITE (Call-ID, From tag, body) with the next CSeq, a new branch and the credentials (§22.2).
    this.#inviteSpec = {
      ...spec,
      via: this.ctx.stack.newVia(this.target.destination.transport),
      cseq: spec.cseq + 1,
      headers: [
        ...(spec.headers ?? []).filter(([n]) => !/^(proxy-)?authorization$/i.test(n)),
        ...r.headers.map((h) => [h.name, h.value] as const),
      ],
    };
    this.#send(buildRequest(this.#inviteSpec));
    return true;
  }

  /** A final failure (or Timer B as 408): hard hangup with the mapped cause and the status (§2.2, §3.1). */
  #fail(status: number): void {
    if (this.#isFailed || this.#isAnswered) return;
    this.#isFailed = true;
    const cancelled = this.#cancelPending !== undefined;
    this.terminate();
    if (cancelled || this.channel === undefined || this.channel.isDestroyed) return;
    this.channel.queueHangup(causeFromStatus(status), status);
  }

  answer(): void {}

  indicate(_channel: Channel, indication: ControlIndication): void {
    if ((indication === 'hold' || indication === 'unhold') && this.#isAnswered) this.holdByReinvite(indication);
  }

  protected release(cause: number): void {
    if (this.#isAnswered) return this.sendBye(cause);
    if (this.#isFailed || this.#tx === undefined) return;
    this.#cancelPending = cause;
    if (this.#hadProvisional) this.#sendCancel(cause);
    // Without a provisional response nothing may be sent (§9.1): the INVITE runs on until Timer B.
  }

  /** §9.1: CANCEL with the INVITE's Request-URI, Call-ID, From, To, CSeq number and top Via (same branch). */
  #sendCancel(cause: number): void {
    const invite = this.#invite;
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
      headers: [...headers, ['User-Agent', this.ctx.stack.userAgent]],
    });
    this.ctx.stack.request(cancel, this.target.destination, { onResponse: () => {}, onTimeout: () => {} });
  }

  /** Keeps the INVITE transaction (and its ACK of the 487) alive after the channel is gone. */
  override terminate(): void {
    this.refresher.stop();
    this.expiry.stop();
    this.isTerminated = true;
    this.media?.close();
    if (this.#isAnswered) this.forgetDialog();
  }
}
