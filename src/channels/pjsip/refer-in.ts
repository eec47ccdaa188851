/**
 * A REFER received inside a call's dialog (RFC 3515; res_pjsip_refer.c refer_incoming_refer_request): the phone
 * transfers the call. In Asterisk 22.10.1's order:
 * - no channel: 404; `allow_transfer=no`: 603; no Refer-To, or one that is not a sip:/sips: URI: 400;
 * - otherwise 202 Accepted and an implicit subscription (refer-in-subscription.ts), unless `Refer-Sub: false`,
 *   in which case the outcome itself is the final response (with `Refer-Sub: false`);
 * - `PJSIP_TRANSFER_HANDLING()=ari-only`: ChannelTransfer, and the application reports (ari-transfer.ts);
 * - a Replaces in the Refer-To: attended transfer to the call it names (ours: the two bridges are linked;
 *   another server's: the `external_replaces` extension, 404 when it does not exist);
 * - else blind transfer to the Refer-To user part (`s` when empty) in TRANSFER_CONTEXT or the endpoint's
 *   context, 404 when that extension does not exist.
 * A failure after the 202 is the terminating NOTIFY with its status (the deferred 100 Trying first).
 */
import type { Channel } from '../../core/channel/channel.js';
import { handOverTransfer, hasPendingTransfer, dropPendingTransfer, type TransferState } from '../../core/transfer/ari-transfer.js'; // prettier-ignore
import { bridgeOf } from '../../core/bridge/bridges.js';
import { attendedTransfer, blindTransfer } from '../../core/transfer/bridge-transfer.js';
import { attendedTransferJoined, blindTransferJoined } from '../../core/transfer/dial-transfer.js';
import type { TransferResult } from '../../core/transfer/transfer-events.js';
import type { SipRequest } from '../../sip/message/sip-message.js';
import type { ServerTransaction } from '../../sip/transaction/transaction-layer.js';
import { dialogId } from '../../sip/ua/dialog.js';
import { acceptRefer, answerWithoutSubscription, NO_PROGRESS, wantsSubscription, type ReferProgress } from './refer-in-subscription.js'; // prettier-ignore
import { SipSession } from './sip-session.js';

/** xfer_response_code2sip: the core's transfer result as the SIP status reported to the transferor. */
const STATUS_OF_RESULT: Readonly<Record<TransferResult, number>> = {
  Success: 200,
  Invalid: 400,
  'Not Permitted': 403,
  Fail: 500,
};

/** refer_ari_progress_framehook: each reported state as the sipfrag status and whether it ends the subscription. */
const NOTIFY_OF_STATE: Readonly<Record<TransferState, readonly [number, boolean]>> = {
  channel_progress: [100, false],
  channel_answered: [200, true],
  channel_unavailable: [503, true],
  channel_declined: [603, true],
};

/** The extension Asterisk sends a transfer to a call on another server to. */
const EXTERNAL_REPLACES = 'external_replaces';

interface ReferTarget {
  /** The user part of the Refer-To URI (percent-decoded). */
  readonly user: string;
  readonly replaces: string | undefined;
}

interface Replaces {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
}

/** Refer-To `[display] <sip:user@host;params?headers>` or a bare URI; undefined unless sip:/sips:. */
export function parseReferTo(value: string): ReferTarget | undefined {
  const angle = /<([^>]*)>/.exec(value);
  const uri = (angle?.[1] ?? value).trim();
  const m = /^sips?:(?:([^@]*)@)?([^;?]+)([^?]*)(?:\?(.*))?$/i.exec(uri);
  if (m === null || m[2] === undefined || m[2].trim() === '') return undefined;
  const params = m[3] ?? '';
  const headers = m[4] ?? '';
  let replaces: string | undefined;
  for (const h of headers.split('&')) {
    const eq = h.indexOf('=');
    if (eq > 0 && h.slice(0, eq).toLowerCase() === 'replaces') replaces = h.slice(eq + 1);
  }
  // pjsip also looks for Replaces among the URI parameters.
  replaces ??= /;replaces=([^;]*)/i.exec(params)?.[1];
  const user = safeDecode(m[1] ?? '');
  return { user, replaces: replaces === undefined ? undefined : safeDecode(replaces) };
}

/** The URI of a Refer-To value, as SIPREFERTOHDR holds it. */
function referToUri(value: string): string {
  return (/<([^>]*)>/.exec(value)?.[1] ?? value).trim();
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** RFC 3891 §6.1: `call-id;to-tag=…;from-tag=…`, tags as seen by the receiver of the Replaces (us). */
export function parseReplaces(value: string): Replaces | undefined {
  const [callId = '', ...params] = value.split(';').map((p) => p.trim());
  if (callId === '') return undefined;
  let toTag: string | undefined;
  let fromTag: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    const name = (eq === -1 ? p : p.slice(0, eq)).toLowerCase();
    if (name === 'to-tag') toTag = p.slice(eq + 1);
    else if (name === 'from-tag') fromTag = p.slice(eq + 1);
  }
  if (toTag === undefined || fromTag === undefined) return undefined;
  return { callId, toTag, fromTag };
}

/** The channel of the call the Replaces names, when that call is one of ours (pjsip_ua_find_dialog). */
function channelOfDialog(session: SipSession, r: Replaces): Channel | undefined {
  const id = dialogId(r.callId, r.toTag, r.fromTag);
  for (const channel of session.ctx.core.channels.list()) {
    const tech = channel.tech;
    if (tech instanceof SipSession && tech.dialog?.id === id && !channel.isDestroyed) return channel;
  }
  return undefined;
}

/** Handles a REFER received in the session's dialog; the transaction always gets its final response. */
export function onReferInDialog(session: SipSession, req: SipRequest, tx: ServerTransaction): void {
  const channel = session.channel as Channel | undefined;
  if (channel === undefined || session.isTerminated) return session.respond(req, tx, 404, 'Not Found');
  if (session.endpoint.allowTransfer === false) return session.respond(req, tx, 603, 'Decline');
  const referTo = req.header('refer-to') ?? req.header('r');
  if (referTo === undefined) return session.respond(req, tx, 400, 'Bad Request');
  const target = parseReferTo(referTo);
  if (target === undefined) return session.respond(req, tx, 400, 'Bad Request');
  const subscribed = wantsSubscription(req);
  const progress = subscribed ? acceptRefer(session, req, tx) : NO_PROGRESS;
  let status: number;
  if (session.transferHandling === 'ari-only') status = handOverToApp(session, channel, target, progress);
  else if (target.replaces !== undefined) status = attended(session, channel, target.replaces, progress);
  else status = blind(session, channel, target.user === '' ? 's' : target.user, progress, referToUri(referTo));
  if (!subscribed) return answerWithoutSubscription(session, req, tx, status);
  if (status !== 200) progress.notify(status, true);
}

/** DETERMINE_TRANSFER_CONTEXT: the channel's TRANSFER_CONTEXT, else the endpoint's context. */
function transferContext(session: SipSession, channel: Channel): string {
  return channel.getVariable('TRANSFER_CONTEXT') || session.endpoint.context;
}

function blind(session: SipSession, channel: Channel, exten: string, progress: ReferProgress, uri = ''): number {
  const core = session.ctx.core;
  const context = transferContext(session, channel);
  if (!core.dialplan.exists(context, exten, 1)) return 404;
  let result;
  if (bridgeOf(channel) !== undefined) result = blindTransfer(core, channel, exten, context);
  else {
    // A call joined by Dial(): the peer goes on to the extension and this leg ends (refer_blind_callback
    // marks the transferee).
    result = deferringBye(session, () =>
      blindTransferJoined(core, channel, exten, context, (transferee) => {
        transferee.setVariable('SIPTRANSFER', 'yes');
        transferee.setVariable('SIPREFERRINGCONTEXT', context);
        if (uri !== '') transferee.setVariable('SIPREFERTOHDR', uri);
      }),
    );
  }
  const status = STATUS_OF_RESULT[result];
  // Done once the Local channel is in the transferer's place (see bridge-transfer.ts).
  if (status === 200) progress.notify(200, true);
  return status;
}

function attended(session: SipSession, channel: Channel, value: string, progress: ReferProgress): number {
  const replaces = parseReplaces(value);
  if (replaces === undefined) return 400;
  const other = channelOfDialog(session, replaces);
  if (other === undefined) {
    // A call on another server: the dialplan's external_replaces extension takes it, if there is one.
    if (!session.ctx.core.dialplan.exists(transferContext(session, channel), EXTERNAL_REPLACES, 1)) return 404;
    return blind(session, channel, EXTERNAL_REPLACES, progress);
  }
  const core = session.ctx.core;
  const status =
    STATUS_OF_RESULT[
      bridgeOf(channel) === undefined && bridgeOf(other) === undefined
        ? deferringBye(session, () => attendedTransferJoined(core, channel, other))
        : attendedTransfer(core, channel, other)
    ];
  if (status === 200) progress.notify(200, true);
  return status;
}

/**
 * A transferer leg that a transfer hangs up leaves its BYE to the phone (RFC 5589 §6.1): Asterisk defers the
 * session's termination (ast_sip_session_defer_termination) and sends the BYE itself only after 60 s.
 */
function deferringBye(session: SipSession, transfer: () => TransferResult): TransferResult {
  session.byeDeferred = true;
  const result = transfer();
  if (result !== 'Success') session.byeDeferred = false;
  return result;
}

function handOverToApp(session: SipSession, channel: Channel, target: ReferTarget, progress: ReferProgress): number {
  const replaces = target.replaces === undefined ? undefined : parseReplaces(target.replaces);
  if (target.replaces !== undefined && replaces === undefined) return 400;
  const destinationChannel = replaces === undefined ? undefined : channelOfDialog(session, replaces);
  session.pendingRefer = progress;
  handOverTransfer(
    session.ctx.core,
    channel,
    {
      destination: target.user,
      ...(replaces !== undefined && {
        protocolId: replaces.callId,
        params: [
          { name: 'from', value: replaces.fromTag },
          { name: 'to', value: replaces.toTag },
        ],
      }),
      ...(destinationChannel !== undefined && { destinationChannel }),
    },
    (state) => {
      const [status, isFinal] = NOTIFY_OF_STATE[state];
      progress.notify(status, isFinal);
      if (isFinal) session.pendingRefer = undefined;
    },
  );
  return 200;
}

/**
 * The transferor's channel is going while the application still has its transfer: the subscription ends with
 * 503 (refer_progress_framehook_destroy), as in Asterisk.
 */
export function endPendingRefer(session: SipSession): void {
  const progress = session.pendingRefer;
  if (progress === undefined) return;
  session.pendingRefer = undefined;
  const channel = session.channel as Channel | undefined;
  if (channel !== undefined && hasPendingTransfer(channel)) dropPendingTransfer(channel);
  // After the peer's BYE the dialog is gone: nothing more can be sent in it.
  if (!session.isTerminated) progress.notify(503, true);
}

/** ast_sip_session_defer_termination's timer: how long the transferor has to send its own BYE. */
const DEFERRED_BYE_MS = 60_000;

/**
 * The channel of a leg a transfer ended is going (ChannelDestroyed now, as in Asterisk), but the dialog stays
 * for the phone's BYE (answered 200); without one within 60 s, the BYE goes from here.
 */
export function holdByeAfterTransfer(session: SipSession, cause: number, channel: Channel): void {
  session.refresher.stop();
  session.expiry.stop();
  session.media?.close();
  session.ctx.channelsChanged(session.endpoint, channel);
  const timer = setTimeout(() => {
    if (session.isTerminated) return;
    session.sendBye(cause);
    session.terminate();
  }, DEFERRED_BYE_MS);
  timer.unref();
}
