import type { EndpointConfig } from '../../config/pjsip-types.js';
import type { StasisApp } from '../../core/stasis/stasis-app.js';
import type { SipRequest } from '../../sip/message/sip-message.js';
import type { ServerTransaction } from '../../sip/transaction/transaction-layer.js';
import { buildResponse } from '../../sip/ua/message-builder.js';
import type { SipSource } from '../../sip/ua/sip-stack.js';
import { ALLOW, SUPPORTED, type PjsipContext } from './pjsip-context.js';
import type { PjsipEndpoints } from './pjsip-endpoints.js';
import type { ContactStore } from './registrar/contact-store.js';
import { handleRegister } from './registrar/registrar.js';
import { displayUri, requestExten } from './sip-identity.js';

const ACCEPT =
  'application/sdp, application/simple-message-summary, application/dtmf-relay, application/dtmf, text/plain';

/** §4.9: OPTIONS out of a dialog: 200 unless the Request-URI names a user not in the endpoint's context (404). */
export function answerOptions(ctx: PjsipContext, ep: EndpointConfig, req: SipRequest, tx: ServerTransaction): void {
  const uri = req.requestUri();
  if (!uri.ok || (uri.value.scheme !== 'sip' && uri.value.scheme !== 'sips'))
    return ctx.stack.respond(req, tx, 416, 'Unsupported URI Scheme');
  const user = uri.value.user ?? '';
  if (user !== '' && !ctx.core.dialplan.exists(ep.context, user, 1))
    return ctx.stack.respond(req, tx, 404, 'Not Found');
  ctx.stack.respond(req, tx, 200, 'OK', [
    ['Accept', ACCEPT],
    ['Allow', ALLOW],
    ['Supported', SUPPORTED],
    ['Accept-Encoding', 'identity'],
    ['Accept-Language', 'en'],
  ]);
}

/** §4.10: REGISTER from an authenticated endpoint, through the registrar. */
export function answerRegister(
  ctx: PjsipContext,
  store: ContactStore,
  ep: EndpointConfig,
  req: SipRequest,
  tx: ServerTransaction,
  source: SipSource,
): void {
  const outcome = handleRegister(req, {
    endpoint: ep,
    aors: ctx.config.aors,
    store,
    source: { host: source.host, port: source.port, protocol: source.protocol },
    now: store.now(),
    rewriteContact: ep.rewriteContact,
  });
  const res = buildResponse(req, outcome.status, outcome.reason, {
    toTag: req.topVia?.branch ?? 'reg',
    // The registrar's headers: the Contact list, Date, Expires.
    headers: [['Server', ctx.stack.userAgent], ...outcome.headers.map((h) => [h.name, h.value] as const)],
  });
  ctx.stack.sendResponse(tx, res);
}

/**
 * §4.11: MESSAGE out of a dialog. Only text/plain (else 415); 202 when the endpoint's message context has the
 * Request-URI user or an ARI app listens to the endpoint — those apps get TextMessageReceived — else 404.
 */
export function answerMessage(
  ctx: PjsipContext,
  endpoints: PjsipEndpoints,
  ep: EndpointConfig,
  req: SipRequest,
  tx: ServerTransaction,
  source: SipSource,
): void {
  const type = (req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'text/plain')
    return ctx.stack.respond(req, tx, 415, 'Unsupported Media Type', [['Accept', 'text/plain']]);
  const uri = req.requestUri();
  const exten = uri.ok ? requestExten(uri.value) : 's';
  const context = ep.messageContext || ep.context;
  const listeners = new Set<StasisApp>();
  for (const key of ['endpoint:', 'endpoint:PJSIP', `endpoint:PJSIP/${ep.name}`]) {
    ctx.core.index.addSubscribers(key, listeners);
  }
  if (!ctx.core.dialplan.exists(context, exten, 1) && listeners.size === 0) {
    return ctx.stack.respond(req, tx, 404, 'Not Found');
  }
  ctx.stack.respond(req, tx, 202, 'Accepted');
  const variables: Record<string, string> = {
    PJSIP_RECVADDR: `${source.host}:${source.port}`,
    PJSIP_TRANSPORT: source.protocol,
  };
  for (const h of req.headers) if (!(h.name in variables)) variables[h.name] = h.value;
  const to = req.uri.replace(/^sips?:/i, 'pjsip:');
  ctx.core.endpoints.publish('TextMessageReceived', endpoints.snapshot(ep), {
    message: { from: displayUri(req.from.displayName, req.from.uri), to, body: req.body.toString('utf8'), variables },
  });
}
