/**
 * ARI `PUT /endpoints/refer` and `PUT /endpoints/{tech}/{resource}/refer` (resource_endpoints.c send_refer →
 * res_pjsip_refer.c refer_send): an out-of-dialog REFER (RFC 3515) asking the destination to contact `refer_to`.
 *
 * As Asterisk does:
 * - `to` is an endpoint (its contact), `endpoint/sip:…`, or a URI through the default outbound endpoint; an
 *   unroutable one fails the request (ARI 404 "Endpoint not found");
 * - `refer_to` is a SIP URI or an endpoint name (its contact); anything else fails the request too;
 * - the `display_name` variable becomes the Refer-To display name; the other variables become headers, except the
 *   ones a request must own (To, From, Via, Route, Contact, Call-ID, CSeq, Allow, Content-Length, Content-Type);
 * - `to_self` with an endpoint as `refer_to`: the Refer-To URI points at this server (host and port rewritten to
 *   the address the REFER leaves from), so the referred party calls the endpoint through us;
 * - the REFER creates an implicit subscription (RFC 3515 §2.4.4): the NOTIFYs that report its progress (sipfrag)
 *   are answered 200 until one says `Subscription-State: terminated`, or the subscription times out.
 * The answer to ARI does not wait for the REFER's response (202 Accepted once it is sent).
 */
import { dialogId } from '../../sip/ua/dialog.js';
import { buildRequest, uriHost } from '../../sip/ua/message-builder.js';
import type { ReferRequest } from '../../core/endpoints.js';
import { resolveDialString } from './dial-string.js';
import type { PjsipContext } from './pjsip-context.js';
import type { ContactStore } from './registrar/contact-store.js';
import { outOfDialog, sendAuthenticated } from './send-request.js';

type Ctx = PjsipContext & { readonly store: ContactStore };

/** Headers the caller's variables may not set (res_pjsip_refer.c is_refer_var_blocked). */
const BLOCKED = new Set(['to', 'from', 'via', 'route', 'contact', 'call-id', 'cseq', 'allow', 'content-length', 'content-type', 'request-uri']); // prettier-ignore
const TOKEN = /^[A-Za-z0-9!%*_+`'~.-]+$/;
/** How long the implicit subscription's NOTIFYs are answered when none ends it (RFC 3515 has no default). */
const SUBSCRIPTION_LIFETIME_MS = 180_000;

/** A quoted-string's content (ast_escape_quoted): backslash before `"` and `\`. */
function escapeQuoted(text: string): string {
  return text.replace(/["\\]/g, (c) => `\\${c}`);
}

/** The Refer-To URI: a SIP URI as given, or an endpoint's contact; undefined when it is neither. */
function referToUri(ctx: Ctx, referTo: string): { uri: string; isEndpoint: boolean } | undefined {
  if (/^sips?:/i.test(referTo)) return { uri: referTo, isEndpoint: false };
  const target = resolveDialString(ctx, referTo);
  return 'error' in target ? undefined : { uri: target.uri, isEndpoint: true };
}

/** `sip:user@host:port;params` with host and port replaced (ast_sip_rewrite_uri_to_local). */
function rewriteHost(uri: string, host: string, port: number): string {
  const m = /^(sips?:)(?:([^@]*)@)?([^;?>]*)(.*)$/i.exec(uri);
  if (m === null) return uri;
  return `${m[1]}${m[2] !== undefined ? `${m[2]}@` : ''}${uriHost(host)}:${port}${m[4]}`;
}

/** CR, LF or NUL: a value that would end its header line and write others into the request. */
const LINE_BREAK = /[\r\n\0]/;

export function sendRefer(ctx: Ctx, to: string, refer: ReferRequest): { error: string } | undefined {
  // Values go into header lines as they are: one that would break its line is no destination (Asterisk's parse fails).
  const values = [refer.from, refer.referTo, ...Object.values(refer.variables)];
  if (values.some((v) => LINE_BREAK.test(v))) return { error: 'Endpoint not found' };
  const target = resolveDialString(ctx, to);
  if ('error' in target) return { error: 'Endpoint not found' };
  const referTo = referToUri(ctx, refer.referTo);
  if (referTo === undefined) return { error: 'Endpoint not found' };
  const { display_name: displayName, ...rest } = refer.variables;
  const headers: [string, string][] = Object.entries(rest).filter(([n]) => TOKEN.test(n) && !BLOCKED.has(n.toLowerCase())); // prettier-ignore
  const fromUser = target.endpoint.fromUser || ctx.config.global.defaultFromUser;
  const built = outOfDialog(ctx, 'REFER', target.uri, fromUser, [], refer.from);
  if (built === undefined) return { error: 'Endpoint not found' };
  const local = ctx.stack.advertised(built.dest.transport);
  const uri = refer.toSelf && referTo.isEndpoint ? rewriteHost(referTo.uri, local.host, local.port) : referTo.uri;
  const referToValue = displayName === undefined ? uri : `"${escapeQuoted(displayName)}" <${uri}>`;
  // A REFER creates a dialog (its subscription): it carries a Contact.
  const spec = {
    ...built.spec,
    contact: `<sip:${fromUser}@${uriHost(local.host)}:${local.port}>`,
    headers: [['Refer-To', referToValue] as const, ...headers, ...(built.spec.headers ?? [])],
  };
  const localTag = spec.from.tag ?? '';
  sendAuthenticated(ctx, { ...built, spec, req: buildRequest(spec) }, ctx.outboundAuths(target.endpoint), (res) =>
    subscribe(ctx, spec.callId, localTag, res.toTag ?? ''),
  );
  return undefined;
}

/** The implicit subscription: its NOTIFYs are answered 200 until it terminates or its lifetime ends. */
function subscribe(ctx: Ctx, callId: string, localTag: string, remoteTag: string): void {
  const id = dialogId(callId, localTag, remoteTag);
  const timer = setTimeout(() => ctx.stack.forgetDialog(id), SUBSCRIPTION_LIFETIME_MS);
  timer.unref();
  ctx.stack.addDialog(id, {
    onRequest: (req, tx) => {
      if (tx === undefined) return;
      if (req.method !== 'NOTIFY') return ctx.stack.respond(req, tx, 405, 'Method Not Allowed', [['Allow', 'NOTIFY']]); // prettier-ignore
      ctx.stack.respond(req, tx, 200, 'OK');
      if (/^\s*terminated/i.test(req.header('subscription-state') ?? '')) {
        clearTimeout(timer);
        ctx.stack.forgetDialog(id);
      }
    },
  });
}
