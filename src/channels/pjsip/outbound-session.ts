import { randomUUID } from 'node:crypto';
import type { EndpointConfig } from '../../config/pjsip-types.js';
import type { Channel } from '../../core/channel/channel.js';
import type { ControlIndication } from '../../core/frame.js';
import type { SipRequest, SipResponse } from '../../sip/message/sip-message.js';
import { Dialog, initialCSeq } from '../../sip/ua/dialog.js';
import { buildRequest, nameAddr, uriHost, withoutPort, type RequestSpec } from '../../sip/ua/message-builder.js';
import { OutboundLeg, type CallTarget, type LegOwner } from './outbound-leg.js';
import { ALLOW, SUPPORTED, type PjsipContext } from './pjsip-context.js';
import { causeFromStatus, q850Reason } from './sip-causes.js';
import type { SessionFacts } from './session-functions.js';
import { parseSessionExpires } from './session-refresh.js';
import { SipSession } from './sip-session.js';

export type { CallTarget } from './outbound-leg.js';

/** The cause the losing forks are cancelled with: answered elsewhere (Asterisk's "Call completed elsewhere"). */
const ANSWERED_ELSEWHERE = 26;

/**
 * The UAC side of a call Switchyard places (originate, /dial, Dial()): sip-reference §2.2 and §4.3. The INVITE
 * offers our SDP to every target at once (each contact of the endpoint's AORs, one leg each); 180 rings, 183 is
 * progress, the first 2xx answers (ACKed by us, §13.2.2.4) and the other legs are cancelled; when every leg
 * failed, the channel is hung up with the mapped cause and the status as tech_cause. A hangup before the answer
 * CANCELs each leg once it had a provisional response (§9.1) — before that nothing can be sent.
 */
export class OutboundSession extends SipSession implements LegOwner {
  readonly callId = randomUUID();
  readonly localTag = randomUUID();
  readonly legs: OutboundLeg[];
  /** The leg that answered. */
  #winner: OutboundLeg | undefined;
  #cancelPending: number | undefined;
  #isFailed = false;
  #hasRung = false;
  /** The channel on whose behalf the call is made (its media worker hosts ours). */
  near: Channel | undefined;

  constructor(ctx: PjsipContext, endpoint: EndpointConfig, targets: readonly CallTarget[]) {
    super(ctx, endpoint);
    this.legs = targets.map((t) => {
      const leg = new OutboundLeg(t, ctx.stack, endpoint, this);
      leg.authsFor = () => ctx.outboundAuths(endpoint);
      return leg;
    });
    this.peer = targets[0]!.destination;
  }

  get #isAnswered(): boolean {
    return this.#winner !== undefined;
  }

  protected facts(): SessionFacts {
    const leg = this.#winner ?? this.legs[0]!;
    const dest = leg.target.destination;
    const local = this.ctx.stack.advertised(dest.transport);
    return {
      invite: leg.invite,
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
    // A callee's RTP runs in its caller's worker when there is one: the two are usually linked next.
    const media = await this.ctx.media.open(this.ctx.mediaOptions(this.endpoint), this.near?.media);
    if ('error' in media) {
      if (!channel.isDestroyed) channel.queueHangup(34, 0);
      return;
    }
    if (channel.isDestroyed || channel.isHangupRequested) return media.close();
    this.media = media;
    channel.attachMedia(media.leg);
    const sdp = media.offer();
    const cseq = initialCSeq();
    for (const leg of this.legs) leg.send(this.#inviteSpecFor(channel, sdp, leg.target, cseq));
  }

  #inviteSpecFor(channel: Channel, sdp: string, target: CallTarget, cseq: number): RequestSpec {
    const ep = this.endpoint;
    const local = this.ctx.stack.advertised(target.destination.transport);
    const domain = ep.fromDomain || uriHost(local.host);
    const caller = channel.connected.number !== '' ? channel.connected : channel.caller;
    // No caller id → "Anonymous" <sip:anonymous@anonymous.invalid> (an empty id is not presentable, §1.2).
    const from =
      caller.number === '' && ep.fromUser === ''
        ? nameAddr('sip:anonymous@anonymous.invalid', 'Anonymous', this.localTag)
        : nameAddr(`sip:${ep.fromUser || caller.number}@${domain}`, caller.name, this.localTag);
    return {
      method: 'INVITE',
      uri: target.uri,
      via: this.ctx.stack.newVia(target.destination.transport),
      from,
      to: nameAddr(withoutPort(target.uri)),
      callId: this.callId,
      cseq,
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

  onProvisional(leg: OutboundLeg, res: SipResponse): void {
    if (this.isTerminated || this.#isAnswered || this.channel === undefined) return;
    const hasSdp = res.body.length > 0;
    if (hasSdp) this.media?.acceptAnswer(res.body.toString('utf8'));
    if (res.toTag !== undefined && this.dialog === undefined && leg.invite !== undefined) {
      this.dialog = Dialog.uac(leg.invite, res);
    }
    if (res.status === 180 && !hasSdp) {
      if (this.#hasRung) return; // several forks ringing: one Ringing for the channel
      this.#hasRung = true;
      return this.channel.receive({ kind: 'control', indication: 'ringing' });
    }
    if (res.status === 180) this.channel.setState('Ringing');
    else if (res.status === 183 && !hasSdp && this.endpoint.ignore183WithoutSdp) return;
    this.channel.receive({ kind: 'control', indication: 'progress' });
  }

  onSuccess(leg: OutboundLeg, res: SipResponse): void {
    const invite = leg.invite;
    if (invite === undefined) return;
    if (this.#winner === leg) return this.#ack(this.dialog, invite); // a 2xx retransmission
    if (this.#winner !== undefined || this.isTerminated || this.#cancelPending !== undefined) {
      // Answered after we gave up, or a second fork answered too: ACK and BYE that dialog at once (§9.1).
      const late = Dialog.uac(invite, res);
      late.refreshTarget(res);
      this.#ack(late, invite);
      this.#byeOn(late, this.#winner === undefined ? (this.#cancelPending ?? 16) : ANSWERED_ELSEWHERE);
      if (this.#winner === undefined) this.terminate();
      return;
    }
    this.#winner = leg;
    this.peer = leg.target.destination;
    this.dialog = Dialog.uac(invite, res);
    this.dialog.refreshTarget(res);
    this.ctx.stack.addDialog(this.dialog.id, this);
    this.#ack(this.dialog, invite);
    for (const other of this.legs) if (other !== leg) other.cancel(ANSWERED_ELSEWHERE);
    if (res.body.length > 0) this.media?.acceptAnswer(res.body.toString('utf8'));
    // RFC 4028: a 2xx that makes us (the UAC) the refresher obliges us to re-INVITE every half interval.
    const timer = parseSessionExpires(res.header('session-expires'));
    if (timer?.refresher !== undefined) this.startSessionTimer(Math.max(timer.seconds, 90), timer.refresher === 'uac');
    this.channel.receive({ kind: 'control', indication: 'answer' });
  }

  onFailure(_leg: OutboundLeg, status: number): void {
    // The call fails when its last leg does, with that leg's status (§2.2, §3.1).
    if (this.#isAnswered || this.legs.some((l) => l.failedStatus === undefined)) return;
    this.#fail(status);
  }

  /** §13.2.2.4: the ACK for a 2xx is a new transaction-less request to the remote target, same CSeq number. */
  #ack(dialog: Dialog | undefined, invite: SipRequest): void {
    if (dialog === undefined) return;
    const dest = this.ctx.stack.resolve(dialog.nextHop()) ?? this.peer;
    if (dest === undefined) return;
    const ack = buildRequest({ ...dialog.request('ACK', invite.cseq.seq), via: this.ctx.stack.newVia(dest.transport) });
    this.ctx.stack.sendStateless(ack, dest);
  }

  /** A BYE on a dialog that is not the session's (a fork that answered too late). */
  #byeOn(dialog: Dialog, cause: number): void {
    const dest = this.ctx.stack.resolve(dialog.nextHop()) ?? this.peer;
    if (dest === undefined) return;
    const headers: Array<readonly [string, string]> = [['User-Agent', this.ctx.stack.userAgent]];
    if (!this.endpoint.suppressQ850ReasonHeaders) headers.push(['Reason', q850Reason(cause)]);
    const bye = buildRequest({ ...dialog.request('BYE'), via: this.ctx.stack.newVia(dest.transport), headers });
    this.ctx.stack.request(bye, dest, { onResponse: () => {}, onTimeout: () => {} });
  }

  /** A 2xx retransmission after the transaction ended (RFC 6026): ACK it again. */
  onStrayResponse(res: SipResponse): void {
    const invite = this.#winner?.invite;
    if (res.status >= 200 && res.status < 300 && invite !== undefined) this.#ack(this.dialog, invite);
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
    if (indication === 'hold' || indication === 'unhold') this.indicateHold(indication, this.#isAnswered);
  }

  protected release(cause: number): void {
    if (this.#isAnswered) return this.sendBye(cause);
    if (this.#isFailed) return;
    this.#cancelPending = cause;
    // Without a provisional response nothing may be sent (§9.1): such a leg runs on until its first 1xx or Timer B.
    for (const leg of this.legs) leg.cancel(cause);
  }

  /** Keeps the INVITE transactions (and their ACKs of the 487) alive after the channel is gone. */
  override terminate(): void {
    this.refresher.stop();
    this.expiry.stop();
    this.isTerminated = true;
    this.media?.close();
    if (this.#isAnswered) this.forgetDialog();
  }
}
