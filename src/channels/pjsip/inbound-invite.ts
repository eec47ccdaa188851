import type { EndpointConfig } from '../../config/pjsip-types.js';
import type { SipRequest } from '../../sip/message/sip-message.js';
import type { InviteServerTransaction } from '../../sip/transaction/invite-server-transaction.js';
import type { SipSource } from '../../sip/ua/sip-stack.js';
import type { CallMedia } from './call-media.js';
import { InboundSession } from './inbound-session.js';
import type { PjsipContext } from './pjsip-context.js';
import { callerFromFrom, requestExten } from './sip-identity.js';

/** Require option tags Switchyard can honour (reliable provisionals, 100rel, are not among them). */
const SUPPORTED_REQUIRE = new Set(['timer', 'replaces', 'norefersub', 'histinfo']);

/**
 * A new INVITE from an identified (and authenticated) endpoint, in Asterisk's order (sip-reference §4.2): scheme
 * (416), Require (420), body type (415), extension in the endpoint's context (404, before any 100), then 100
 * Trying, then SDP (488 when no codec is common) — only then is there a channel, in `Ring`, running the dialplan.
 */
export async function acceptInvite(
  ctx: PjsipContext,
  endpoint: EndpointConfig,
  invite: SipRequest,
  tx: InviteServerTransaction,
  source: SipSource,
): Promise<void> {
  const stack = ctx.stack;
  const reject = (status: number, reason: string, headers: ReadonlyArray<readonly [string, string]> = []): void =>
    stack.respond(invite, tx, status, reason, headers);

  const uri = invite.requestUri();
  if (!uri.ok) return reject(416, 'Unsupported URI Scheme');
  const unsupported = invite.headerValues('require').filter((tag) => !SUPPORTED_REQUIRE.has(tag.trim().toLowerCase()));
  if (unsupported.length > 0) return reject(420, 'Bad Extension', [['Unsupported', unsupported.join(', ')]]);
  const contentType = (invite.header('content-type') ?? 'application/sdp').split(';')[0]!.trim().toLowerCase();
  if (invite.body.length > 0 && contentType !== 'application/sdp') {
    return reject(415, 'Unsupported Media Type', [['Accept', 'application/sdp']]);
  }
  const exten = requestExten(uri.value);
  if (!ctx.core.dialplan.exists(endpoint.context, exten, 1)) return reject(404, 'Not Found');
  stack.respond(invite, tx, 100, 'Trying');
  // Asterisk 22 during a shutdown: 100 Trying, then 503 when no channel may be allocated any more.
  if (ctx.isRefusingCalls) return reject(503, 'Service Unavailable');
  if (endpoint.allow.length === 0) return reject(488, 'Not Acceptable Here');

  // A CANCEL may arrive while the RTP ports are being bound.
  let cancelled = false;
  stack.onCancel(tx, () => {
    cancelled = true;
    reject(487, 'Request Terminated');
  });
  const opened = await ctx.media.open(ctx.mediaOptions(endpoint));
  if ('error' in opened) return cancelled ? undefined : reject(503, 'Service Unavailable');
  const media: CallMedia = opened;
  if (cancelled) return media.close();
  if (invite.body.length > 0) {
    const r = media.acceptOffer(invite.body.toString('utf8'));
    if (!r.ok) {
      media.close();
      return reject(488, 'Not Acceptable Here');
    }
  }
  const session = new InboundSession(ctx, endpoint, invite, tx, source, media);
  const core = ctx.core;
  const channel = core.newChannel({
    id: core.channels.allocateId(),
    name: ctx.channelName(endpoint.name),
    endpoint: `PJSIP/${endpoint.name}`,
    tech: session,
    state: 'Ring',
    location: { context: endpoint.context, exten, priority: 1, appName: '', appData: '' },
  });
  session.channel = channel;
  channel.attachMedia(media.leg);
  channel.protocolId = invite.callId;
  if (endpoint.language !== '') channel.language = endpoint.language;
  const caller =
    endpoint.callerIdNumber !== '' || endpoint.callerIdName !== ''
      ? { name: endpoint.callerIdName, number: endpoint.callerIdNumber }
      : callerFromFrom(invite, endpoint.trustIdInbound);
  Object.assign(channel.caller, caller);
  channel.vars.set('SIPDOMAIN', uri.value.host);
  channel.touch();
  ctx.channelsChanged(endpoint, channel);
  void core.dialplan.run(channel, { context: endpoint.context, exten, priority: 1 });
}
