import type { EndpointConfig } from '../../config/pjsip-types.js';
import type { Channel } from '../../core/channel/channel.js';
import type { ChannelTech } from '../../core/channel/channel-tech.js';
import type { ControlIndication, Frame } from '../../core/frame.js';
import { startMusicOnHold, stopMusicOnHold } from '../../core/media/moh-control.js';
import type { SipRequest, SipResponse } from '../../sip/message/sip-message.js';
import type { ServerTransaction } from '../../sip/transaction/transaction-layer.js';
import type { Destination } from '../../sip/transaction/transaction-ports.js';
import type { Dialog } from '../../sip/ua/dialog.js';
import { buildRequest, buildResponse } from '../../sip/ua/message-builder.js';
import type { DialogUser, SipSource } from '../../sip/ua/sip-stack.js';
import type { CallMedia } from './call-media.js';
import { parseInfoDtmf } from './info-dtmf.js';
import { endPendingRefer, holdByeAfterTransfer, onReferInDialog } from './refer-in.js';
import type { ReferProgress } from './refer-in-subscription.js';
import { qosVariables } from './qos-vars.js';
import { readSessionFunction, writeSessionFunction, type SessionFacts } from './session-functions.js';
import { SessionExpiry, SessionRefresher, parseSessionExpires, sendReinvite } from './session-refresh.js';
import { ALLOW, SUPPORTED, type PjsipContext } from './pjsip-context.js';
import { causeFromReasonHeaders, hasStatusForCause, q850Reason, statusFromCause } from './sip-causes.js';

/**
 * One INVITE session (chan_pjsip + res_pjsip_session): the channel technology of a PJSIP channel. What both
 * directions share lives here — requests inside the dialog (BYE, re-INVITE hold, INFO DTMF, OPTIONS), BYE on
 * hangup, media frames and DTMF out; `InboundSession` and `OutboundSession` add the INVITE transaction.
 */
export abstract class SipSession implements ChannelTech, DialogUser {
  readonly technology = 'PJSIP';
  readonly keepsUnknownCause = true;
  channel!: Channel;
  dialog: Dialog | undefined;
  media: CallMedia | undefined;
  /** Where in-dialog requests go when the remote target cannot be resolved (the peer's source address). */
  peer: Destination | undefined;
  /** Whether the peer has the call on hold (its last offer was sendonly/inactive/0.0.0.0). */
  isRemoteHeld = false;
  isTerminated = false;
  /** DTMF mode now in force (PJSIP_DTMF_MODE()). */
  dtmfMode: string;
  /** PJSIP_TRANSFER_HANDLING(): a REFER is carried out (`core`) or handed to the ARI application (`ari-only`). */
  transferHandling: 'core' | 'ari-only' = 'core';
  /** The subscription of a REFER handed to the application and not yet finished (refer-in.ts). */
  pendingRefer: ReferProgress | undefined;
  /** A transfer this leg asked for ended it: its BYE is left to the phone for a while (refer-in.ts). */
  byeDeferred = false;

  constructor(
    readonly ctx: PjsipContext,
    readonly endpoint: EndpointConfig,
  ) {
    this.dtmfMode = endpoint.dtmfMode;
  }

  abstract call(channel: Channel, timeoutMs: number): { ok: true } | { ok: false; cause: number };
  abstract answer(channel: Channel): void;
  abstract indicate(channel: Channel, indication: ControlIndication): void;
  /** Ends the SIP side for a channel being destroyed (final response, CANCEL or BYE). */
  protected abstract release(cause: number): void;

  hangup(channel: Channel): void {
    this.setQosVariables();
    const cause = channel.hangupCause;
    // tech_cause is the SIP status the cause maps to, when it maps to one (sip-reference §3.4).
    if (channel.techCause === 0 && hasStatusForCause(cause)) channel.techCause = statusFromCause(cause);
    endPendingRefer(this);
    if (this.byeDeferred && !this.isTerminated) return holdByeAfterTransfer(this, cause, channel);
    if (!this.isTerminated) this.release(cause);
    this.terminate();
    this.ctx.channelsChanged(this.endpoint, channel);
  }

  write(_channel: Channel, frame: Frame): void {
    const media = this.media;
    switch (frame.kind) {
      case 'dtmf-begin':
        if (this.#dtmfByRtp()) media?.beginDtmf(frame.digit);
        return;
      case 'dtmf-end':
        if (this.#dtmfByRtp()) media?.endDtmf(frame.digit, frame.durationMs);
        else if (this.#dtmfByInfo()) this.#sendInfoDtmf(frame.digit, frame.durationMs);
        return;
      case 'control':
        return;
    }
  }

  /** RFC 4733 when negotiated (rfc4733, auto, auto_info), or tones in the audio (inband, auto without it). */
  #dtmfByRtp(): boolean {
    const mode = this.dtmfMode;
    if (this.media?.usesInband === true) return mode === 'inband' || mode === 'auto';
    return (mode === 'rfc4733' || mode === 'auto' || mode === 'auto_info') && this.media?.hasTelephoneEvent === true;
  }

  #dtmfByInfo(): boolean {
    return this.dtmfMode === 'info' || (this.dtmfMode === 'auto_info' && this.media?.hasTelephoneEvent !== true);
  }

  /** sip-reference §4.8: one INFO per digit, `application/dtmf-relay`, `Signal=4\r\nDuration=250\r\n`. */
  #sendInfoDtmf(digit: string, durationMs: number): void {
    if (this.dialog === undefined || this.isTerminated) return;
    const body = Buffer.from(`Signal=${digit}\r\nDuration=${durationMs}\r\n`);
    this.sendInDialog('INFO', [], body, 'application/dtmf-relay');
  }

  /** Headers added to our outgoing INVITE with `PJSIP_HEADER(add,Name)` (set through originate variables). */
  readonly extraHeaders: Array<readonly [string, string]> = [];

  protected abstract facts(): SessionFacts;

  readFunction(_channel: Channel, func: string, args: string): string | undefined {
    return readSessionFunction(this, this.facts(), func, args);
  }

  writeFunction(_channel: Channel, func: string, args: string, value: string): boolean {
    return writeSessionFunction(this, func, args, value);
  }

  /** chan_pjsip_get_uniqueid: the dialog's Call-ID. */
  pvtUniqueId(): string {
    return this.dialog?.callId ?? this.facts().invite?.callId ?? '';
  }

  rtpStatistics(): Readonly<Record<string, number>> | undefined {
    return this.media?.stats();
  }

  /** Sends a request inside the dialog in its own client transaction; responses are only logged by the caller. */
  sendInDialog(
    method: string,
    headers: ReadonlyArray<readonly [string, string]>,
    body?: Buffer,
    contentType?: string,
    onResponse?: (res: SipResponse) => void,
    onTimeout?: () => void,
  ): void {
    const dialog = this.dialog;
    if (dialog === undefined) return;
    const dest = this.destination();
    if (dest === undefined) return;
    const stack = this.ctx.stack;
    const req = buildRequest({
      ...dialog.request(method),
      via: stack.newVia(dest.transport),
      headers: [...headers, ['User-Agent', stack.userAgent]],
      ...(body === undefined ? {} : { body }),
      ...(contentType === undefined ? {} : { contentType }),
    });
    stack.request(req, dest, { onResponse: (res) => onResponse?.(res), onTimeout: () => onTimeout?.() });
  }

  /** Where requests in the dialog go: the route set / remote target, else the peer's address. */
  destination(): Destination | undefined {
    // Over a stream transport the dialog stays on the connection it came in on (pjsip reuses it too).
    if (this.peer !== undefined && this.peer.connectionId !== undefined) return this.peer;
    const hop = this.dialog?.nextHop();
    const resolved = hop === undefined || this.endpoint.rewriteContact ? undefined : this.ctx.stack.resolve(hop);
    return resolved ?? this.peer;
  }

  /** Our side's direction: sendonly while we hold the call by re-INVITE. */
  localDirection: 'sendrecv' | 'sendonly' = 'sendrecv';
  /** Our re-INVITE in progress, and the one waiting for it to end (RFC 3261 §14.1). */
  readonly reinvite: { busy: boolean; next: (() => void) | undefined } = { busy: false, next: undefined };
  /** RFC 4028: re-INVITEs that keep the session alive when we are the refresher. */
  readonly refresher = new SessionRefresher(this);
  /** RFC 4028 §10: when the peer refreshes and stops doing so, the session ends before it expires. */
  readonly expiry = new SessionExpiry();

  /** Session timer negotiated: we refresh, or we watch the peer's refreshes. */
  protected startSessionTimer(seconds: number, weRefresh: boolean): void {
    if (weRefresh) return this.refresher.start(seconds);
    this.expiry.start(seconds, () => {
      if (this.isTerminated || this.channel === undefined) return;
      // The session timed out: BYE, and the channel ends as a request timeout (408 → cause 18, §3.1).
      this.sendBye(18);
      this.isTerminated = true;
      this.forgetDialog();
      this.channel.queueHangup(18, 408);
    });
  }

  /**
   * A hold/unhold indication (chan_pjsip_indicate). With `moh_passthrough=no` (the default) the held channel hears
   * music on hold played here — `ast_moh_start` with the indication's class, which an ARI hold does not give, so
   * the `default` class — and unhold stops it; nothing goes on the wire. With `yes`, a re-INVITE once answered.
   * No ChannelHold event is published either way.
   */
  protected indicateHold(indication: 'hold' | 'unhold', isAnswered: boolean): void {
    if (!this.endpoint.mohPassthrough) {
      if (indication === 'hold') startMusicOnHold(this.channel);
      else stopMusicOnHold(this.channel);
      return;
    }
    if (isAnswered) this.holdByReinvite(indication);
  }

  /**
   * ARI hold/unhold with `moh_passthrough=yes` (sip-reference §4.7): a re-INVITE offering sendonly (hold) or
   * sendrecv, with a new o= version and the session timer headers; the 2xx is ACKed.
   */
  protected holdByReinvite(indication: 'hold' | 'unhold'): void {
    if (!this.endpoint.mohPassthrough) return;
    this.localDirection = indication === 'hold' ? 'sendonly' : 'sendrecv';
    sendReinvite(this, this.localDirection, 1800);
  }

  /** BYE with `Reason: Q.850;cause=N` (sip-reference §4.4). */
  sendBye(cause: number): void {
    const headers: Array<readonly [string, string]> = [];
    if (!this.endpoint.suppressQ850ReasonHeaders) headers.push(['Reason', q850Reason(cause)]);
    // Counted until its final answer, so that a shutdown can wait for the peers' 200s (pending-byes.ts).
    const answered = this.ctx.pendingByes.add();
    const send = (): void => {
      if (this.dialog === undefined || this.destination() === undefined) return answered();
      const onResponse = (res: SipResponse): void => {
        if (res.status >= 200) answered();
      };
      this.sendInDialog('BYE', headers, undefined, undefined, onResponse, answered);
    };
    // A BYE while our re-INVITE is pending waits for it to end (sip-reference §4.4), and nothing else follows it.
    if (this.reinvite.busy) {
      this.reinvite.next = send;
      return;
    }
    send();
  }

  /** A request inside our dialog. */
  onRequest(req: SipRequest, tx: ServerTransaction | undefined, source: SipSource): void {
    if (req.method === 'ACK') return this.onAck(req);
    if (tx === undefined) return;
    if (this.dialog !== undefined && !this.dialog.acceptRemoteCSeq(req)) {
      return this.respond(req, tx, 500, 'Server Internal Error');
    }
    switch (req.method) {
      case 'BYE':
        return this.#onBye(req, tx);
      case 'INVITE':
        return this.#onReinvite(req, tx, source);
      case 'INFO':
        return this.#onInfo(req, tx);
      case 'REFER':
        return onReferInDialog(this, req, tx);
      case 'OPTIONS':
        return this.respond(req, tx, 200, 'OK', [
          ['Allow', ALLOW],
          ['Supported', SUPPORTED],
        ]);
      case 'UPDATE':
        // RFC 3311: an UPDATE may carry an offer (answered in the 200) or only refresh the session timer.
        return this.#onReinvite(req, tx, source);
      case 'MESSAGE': {
        // In a dialog any text/* or application/* body is accepted (no ARI event), other types are 415 (§4.11).
        const type = (req.header('content-type') ?? '').trim().toLowerCase();
        if (type.startsWith('text/') || type.startsWith('application/')) return this.respond(req, tx, 202, 'Accepted');
        return this.respond(req, tx, 415, 'Unsupported Media Type');
      }
      default:
        return this.respond(req, tx, 501, 'Not Implemented');
    }
  }

  /** An ACK for our 2xx (UAS) — handled by InboundSession. */
  protected onAck(_ack: SipRequest): void {}

  respond(
    req: SipRequest,
    tx: ServerTransaction,
    status: number,
    reason: string,
    headers: ReadonlyArray<readonly [string, string]> = [],
    body?: Buffer,
  ): void {
    const res = buildResponse(req, status, reason, {
      headers: [['Server', this.ctx.stack.userAgent], ...headers],
      ...(body === undefined ? {} : { body, contentType: 'application/sdp' }),
    });
    this.ctx.stack.sendResponse(tx, res);
  }

  /** §4.5: 200, then a hard hangup request with the Reason header's cause (none: `{}`, cause 0). */
  #onBye(req: SipRequest, tx: ServerTransaction): void {
    this.respond(req, tx, 200, 'OK');
    const cause = causeFromReasonHeaders(req.headerValues('reason'));
    this.isTerminated = true;
    this.forgetDialog();
    if (this.channel === undefined) return;
    const techCause = cause !== undefined && hasStatusForCause(cause) ? statusFromCause(cause) : 0;
    this.setQosVariables();
    this.channel.queueHangup(cause ?? 0, techCause);
  }

  /**
   * RFC 4028 §9 as the answering side of an INVITE (initial or refresh) or UPDATE with Session-Expires: the 2xx
   * carries it back (never below Min-SE 90) with the refresher asked for — else the sender when it supports
   * timers, else us — and our refresher or expiry watch starts (again). No Session-Expires: no timer.
   */
  protected sessionTimerHeaders(req: SipRequest): Array<readonly [string, string]> {
    const asked = parseSessionExpires(req.header('session-expires'));
    if (asked === undefined) return [];
    const seconds = Math.max(asked.seconds, 90);
    const senderDoes = req.headerValues('supported').some((t) => t.trim().toLowerCase() === 'timer');
    // `uac`/`uas` name the roles in this transaction: the request's sender is the UAC, we are the UAS.
    const refresher = asked.refresher ?? (senderDoes ? 'uac' : 'uas');
    this.refresher.stop();
    this.expiry.stop();
    this.startSessionTimer(seconds, refresher === 'uas');
    const headers: Array<readonly [string, string]> = [['Session-Expires', `${seconds};refresher=${refresher}`]];
    if (senderDoes) headers.push(['Require', 'timer']);
    return headers;
  }

  /**
   * §4.7: a re-INVITE (or an UPDATE with an offer). sendonly/inactive/0.0.0.0 puts the call on hold
   * (ChannelHold), sendrecv takes it off. Without a body a re-INVITE gets our offer, an UPDATE a plain 200.
   */
  #onReinvite(req: SipRequest, tx: ServerTransaction, _source: SipSource): void {
    const media = this.media;
    if (media === undefined) return this.respond(req, tx, 488, 'Not Acceptable Here');
    const headers: Array<readonly [string, string]> = [
      ['Contact', this.contact()],
      ['Allow', ALLOW],
      ['Supported', SUPPORTED],
      ...this.sessionTimerHeaders(req),
    ];
    if (req.body.length === 0) {
      const body = req.method === 'INVITE' ? Buffer.from(media.offer()) : undefined;
      return this.respond(req, tx, 200, 'OK', headers, body);
    }
    const r = media.acceptOffer(req.body.toString('utf8'));
    if (!r.ok) return this.respond(req, tx, 488, 'Not Acceptable Here');
    this.dialog?.refreshTarget(req);
    this.respond(req, tx, 200, 'OK', headers, Buffer.from(r.answer));
    if (r.hold !== this.isRemoteHeld) {
      this.isRemoteHeld = r.hold;
      if (r.hold) this.channel.publish('ChannelHold', { musicclass: this.endpoint.mohSuggest });
      else this.channel.publish('ChannelUnhold');
    }
  }

  /** §4.8: INFO with dtmf-relay or dtmf is a digit whatever the DTMF mode; no body is fine. */
  #onInfo(req: SipRequest, tx: ServerTransaction): void {
    if (req.body.length === 0) return this.respond(req, tx, 200, 'OK');
    const dtmf = parseInfoDtmf(req.header('content-type') ?? '', req.body.toString('utf8'));
    if (dtmf === undefined) return; // another content type: Asterisk sends no response at all
    if ('error' in dtmf) return this.respond(req, tx, 500, 'Server Internal Error');
    this.respond(req, tx, 200, 'OK');
    if (dtmf.digit !== '') this.channel.receive({ kind: 'dtmf-end', digit: dtmf.digit, durationMs: dtmf.durationMs });
  }

  #qosSet = false;

  /** RTPAUDIOQOS* from the stream's statistics, once, as the call ends (each a ChannelVarset before the hangup). */
  setQosVariables(): void {
    const stats = this.media?.stats();
    if (this.#qosSet || stats === undefined || this.channel === undefined) return;
    this.#qosSet = true;
    for (const [name, value] of qosVariables(stats)) this.channel.setVariable(name, value);
  }

  /** Our Contact: `<sip:host:port>` as UAS (no user part), `<sip:asterisk@host:port>` as UAC (§4.1). */
  contact(user?: string): string {
    // The address of the transport the call runs on; over TCP the URI says so, or the peer would answer by UDP.
    const transport = this.peer?.transport ?? 'UDP';
    const local = this.ctx.stack.advertised(transport);
    const host = local.host.includes(':') ? `[${local.host}]` : local.host;
    const param = transport === 'UDP' ? '' : `;transport=${transport.toLowerCase()}`;
    return `<sip:${user === undefined ? '' : `${user}@`}${host}:${local.port}${param}>`;
  }

  forgetDialog(): void {
    if (this.dialog !== undefined) this.ctx.stack.forgetDialog(this.dialog.id);
  }

  /** Releases everything the session holds; idempotent. */
  terminate(): void {
    this.refresher.stop();
    this.expiry.stop();
    this.isTerminated = true;
    this.forgetDialog();
    this.media?.close();
  }
}
