import { randomUUID } from 'node:crypto';
import type { EndpointConfig } from '../../config/pjsip-types.js';
import type { Channel } from '../../core/channel/channel.js';
import type { ControlIndication } from '../../core/frame.js';
import type { SipRequest } from '../../sip/message/sip-message.js';
import type { InviteServerTransaction } from '../../sip/transaction/invite-server-transaction.js';
import type { TimerHandle } from '../../sip/transaction/timer-wheel.js';
import { Dialog } from '../../sip/ua/dialog.js';
import { buildResponse } from '../../sip/ua/message-builder.js';
import type { SipSource } from '../../sip/ua/sip-stack.js';
import type { CallMedia } from './call-media.js';
import type { SessionFacts } from './session-functions.js';
import { ALLOW, SUPPORTED, type PjsipContext } from './pjsip-context.js';
import { causeFromReasonHeaders, q850Reason, reasonPhrase, statusFromCause } from './sip-causes.js';
import { SipSession } from './sip-session.js';

/**
 * The UAS side of an incoming call (sip-reference §2.1, §4.2): the channel rings in `Ring` while the dialplan or
 * an ARI app decides; `ring` sends 180, `progress` 183 with SDP, `answer` 200 with SDP (retransmitted until the
 * ACK, RFC 3261 §13.3.1.4); a hangup before the answer is a final response mapped from the cause (§3.2), after
 * it a BYE. A CANCEL from the caller ends the channel with 487.
 */
export class InboundSession extends SipSession {
  readonly localTag = randomUUID();
  #sent183 = false;
  #isFinal = false;
  #isAnswered = false;
  #awaitingAck = false;
  #retransmit: TimerHandle | undefined;
  /** The cause of a hangup that came before the ACK: the BYE waits for it. */
  #byeAfterAck: number | undefined;

  constructor(
    ctx: PjsipContext,
    endpoint: EndpointConfig,
    readonly invite: SipRequest,
    readonly tx: InviteServerTransaction,
    readonly source: SipSource,
    media: CallMedia,
  ) {
    super(ctx, endpoint);
    this.media = media;
    this.peer = { host: source.host, port: source.port, transport: source.transport };
    if (source.connectionId !== undefined) this.peer.connectionId = source.connectionId;
    this.dialog = Dialog.uas(invite, this.localTag);
    ctx.stack.addDialog(this.dialog.id, this);
    ctx.stack.onCancel(tx, (cancel) => this.#onCancel(cancel));
  }

  protected facts(): SessionFacts {
    const local = this.source.local;
    return {
      invite: this.invite,
      isInbound: true,
      localAddr: `${local.host}:${local.port}`,
      remoteAddr: `${this.source.host}:${this.source.port}`,
    };
  }

  call(): { ok: true } | { ok: false; cause: number } {
    return { ok: false, cause: 0 }; // an inbound channel is never called
  }

  answer(_channel: Channel): void {
    if (this.#isFinal || this.isTerminated || this.media === undefined) return;
    this.#isFinal = true;
    this.#isAnswered = true;
    const res = this.#response(
      200,
      [['Supported', SUPPORTED], ...this.sessionTimerHeaders(this.invite)],
      this.media.currentAnswer(),
    );
    this.ctx.stack.sendResponse(this.tx, res);
    // §13.3.1.4: the UAS core retransmits its 2xx (T1 doubling to T2) until the ACK; after 64*T1 it gives up and
    // ends the session with a BYE.
    this.#awaitingAck = true;
    const wheel = this.ctx.stack.wheel;
    let interval = 500;
    const started = wheel.now();
    const again = (): void => {
      if (!this.#awaitingAck) return;
      if (wheel.now() - started >= 32_000) {
        this.#awaitingAck = false;
        if (this.#byeAfterAck !== undefined) return this.#byeNow();
        this.sendBye(16);
        this.isTerminated = true;
        this.channel.queueHangup(16);
        return;
      }
      this.ctx.stack.sendResponse(this.tx, res);
      interval = Math.min(interval * 2, 4000);
      this.#retransmit = wheel.schedule(interval, again);
    };
    this.#retransmit = wheel.schedule(interval, again);
  }

  protected override onAck(ack: SipRequest): void {
    if (!this.#awaitingAck) return;
    this.#awaitingAck = false;
    this.ctx.stack.wheel.cancel(this.#retransmit);
    if (this.#byeAfterAck !== undefined) return this.#byeNow();
    // Late offer (an INVITE without SDP): our 200 carried the offer and the answer comes in the ACK (§4.2).
    if (this.invite.body.length === 0 && ack.body.length > 0) this.media?.acceptAnswer(ack.body.toString('utf8'));
  }

  #byeNow(): void {
    const cause = this.#byeAfterAck ?? 16;
    this.#byeAfterAck = undefined;
    this.sendBye(cause);
    this.forgetDialog();
  }

  /** While a BYE waits for the ACK the dialog stays registered, so the ACK still finds this session. */
  override terminate(): void {
    // The INVITE transaction lives on for Timer L (32 s); it must not keep this session (and its media) alive.
    this.ctx.stack.offCancel(this.tx);
    if (this.#byeAfterAck === undefined) return super.terminate();
    this.refresher.stop();
    this.expiry.stop();
    this.isTerminated = true;
    this.media?.close();
  }

  indicate(_channel: Channel, indication: ControlIndication): void {
    if (indication === 'hold' || indication === 'unhold') return this.indicateHold(indication, this.#isAnswered);
    if (this.#isFinal || this.isTerminated) return;
    switch (indication) {
      case 'ringing':
        // After a 183 the ringing is in-band: another 183 (allow_sending_180_after_183=no, §2.1).
        if (this.#sent183) return this.#provisional(183, true);
        return this.#provisional(180, false);
      case 'progress':
        this.#sent183 = true;
        return this.#provisional(183, true);
      case 'busy':
        return this.#reject(17);
      case 'congestion':
        return this.#reject(34);
      case 'answer':
      case 'proceeding':
      case 'srcupdate':
      case 'stop':
        return;
    }
  }

  transfer(channel: Channel, destination: string): void {
    // ARI redirect of a ringing call: 302 with the new Contact (§4.6); a non-URI destination does nothing.
    const uri = destination.startsWith('PJSIP/') ? destination.slice(6) : destination;
    if (!/^sips?:/i.test(uri) || this.#isFinal) return;
    this.#isFinal = true;
    const res = this.#response(302, [
      ['Contact', `<${uri}>`],
      ['Reason', q850Reason(0)],
      ['Supported', 'histinfo'],
    ]);
    this.ctx.stack.sendResponse(this.tx, res);
    this.isTerminated = true;
    channel.queueHangup(23, 302);
  }

  protected release(cause: number): void {
    if (this.#isAnswered && this.#awaitingAck) {
      // RFC 3261 §15: no BYE before the ACK of our 2xx (or its timeout); the 2xx keeps being retransmitted.
      this.#byeAfterAck = cause;
      return;
    }
    this.ctx.stack.wheel.cancel(this.#retransmit);
    if (this.#isAnswered) return this.sendBye(cause);
    if (this.#isFinal) return;
    this.#reject(cause);
  }

  /** A final error response for the cause (§3.2), with `Reason: Q.850;cause=N`. */
  #reject(cause: number): void {
    if (this.#isFinal) return;
    this.#isFinal = true;
    const headers: Array<readonly [string, string]> = [];
    if (!this.endpoint.suppressQ850ReasonHeaders) headers.push(['Reason', q850Reason(cause)]);
    this.ctx.stack.sendResponse(this.tx, this.#response(statusFromCause(cause), headers));
  }

  #provisional(status: 180 | 183, withSdp: boolean): void {
    const sdp = withSdp ? this.media?.currentAnswer() : undefined;
    this.ctx.stack.sendResponse(this.tx, this.#response(status, [], sdp));
  }

  /** §4.5: 200 to the CANCEL (sent by the stack), 487 to the INVITE, then a hard hangup (127/487 by default). */
  #onCancel(cancel: SipRequest): void {
    if (this.#isFinal) return;
    this.#isFinal = true;
    const cause = causeFromReasonHeaders(cancel.headerValues('reason'));
    const headers: Array<readonly [string, string]> = [];
    if (!this.endpoint.suppressQ850ReasonHeaders) headers.push(['Reason', q850Reason(cause ?? 0)]);
    this.ctx.stack.sendResponse(this.tx, this.#response(487, headers));
    this.isTerminated = true;
    this.forgetDialog();
    this.channel?.queueHangup(cause ?? 127, 487);
  }

  #response(status: number, headers: ReadonlyArray<readonly [string, string]>, sdp?: string) {
    const all: Array<readonly [string, string]> = [['Server', this.ctx.stack.userAgent]];
    if (status > 100 && status < 300) all.push(['Contact', this.contact()], ['Allow', ALLOW]);
    all.push(...headers);
    return buildResponse(this.invite, status, reasonPhrase(status), {
      toTag: this.localTag,
      headers: all,
      ...(sdp === undefined ? {} : { body: Buffer.from(sdp), contentType: 'application/sdp' }),
    });
  }
}
