// REGISTER handling of an identified (and already authenticated) endpoint — RFC 3261 §10.3, with the choices
// Asterisk 22's registrar makes (sip-reference §4.10, §5 aor):
//
//   endpoint without aors / AOR max_contacts=0 → 403     To not sip/sips → 416     To user not an AOR → 404
//   bad Contact, `*` with other contacts or non-zero expiry → 400     expiry clamped to [min, max], never 423
//   more bindings than max_contacts → 403, or with remove_existing the soonest-expiring old ones are dropped
//
// Pure logic: the caller builds the response (makeResponse) from the status, reason and headers returned here.

import type { AorConfig, EndpointConfig, PjsipProtocol } from '../../../config/pjsip-types.js';
import type { NameAddr } from '../../../sip/message/header-values.js';
import { paramValue } from '../../../sip/message/sip-lexer.js';
import { type SipHeader, type SipRequest, makeHeader } from '../../../sip/message/sip-message.js';
import { type SipUri, parseUri, serializeUri } from '../../../sip/message/sip-uri.js';
import { type Binding, type ContactStore, contactKey } from './contact-store.js';

export interface RegisterContext {
  endpoint: EndpointConfig;
  aors: ReadonlyMap<string, AorConfig>;
  store: ContactStore;
  source: { host: string; port: number; protocol: PjsipProtocol };
  /** ms on the store's clock (`store.now()`). */
  now: number;
  /** pjsip `rewrite_contact`: store the packet source instead of the Contact's host:port. */
  rewriteContact: boolean;
  /** Wall-clock time for the Date header (default: now). */
  date?: Date;
}

export interface RegisterOutcome {
  status: number;
  reason: string;
  headers: SipHeader[];
}

const refuse = (status: number, reason: string): RegisterOutcome => ({ status, reason, headers: [] });

/** The AOR a REGISTER updates: the To user, or `user@domain`, must be one of the endpoint's `aors`. */
export function findAor(to: SipUri, endpoint: EndpointConfig): string | undefined {
  if (to.user === undefined) return undefined;
  const full = `${to.user}@${to.host}`;
  if (endpoint.aors.includes(full)) return full;
  return endpoint.aors.includes(to.user) ? to.user : undefined;
}

/** A non-negative integer seconds value, or undefined when absent or not a number (then the next source applies). */
function seconds(text: string | null | undefined): number | undefined {
  if (text === undefined || text === null || !/^\s*\d{1,10}\s*$/.test(text)) return undefined;
  return Number(text.trim());
}

/** 0 stays 0 (removal); anything else is raised to minimum_expiration or lowered to maximum_expiration. */
function clamp(expires: number, aor: AorConfig): number {
  if (expires === 0) return 0;
  return Math.min(aor.maximumExpiration, Math.max(aor.minimumExpiration, expires));
}

/** With rewrite_contact the stored host:port is where the packet came from; tcp/tls/ws keep a transport param. */
function rewrite(u: SipUri, source: RegisterContext['source']): string {
  const host = source.host.includes(':') && !source.host.startsWith('[') ? `[${source.host}]` : source.host;
  const params = u.params.filter((p) => p.name.toLowerCase() !== 'transport');
  if (source.protocol !== 'udp') params.push({ name: 'transport', value: source.protocol });
  return serializeUri({ ...u, host, port: source.port, params });
}

interface Wanted {
  uri: string;
  key: string;
  expires: number;
}

export function handleRegister(req: SipRequest, ctx: RegisterContext): RegisterOutcome {
  const { endpoint, store, now } = ctx;
  if (endpoint.aors.length === 0) return refuse(403, 'Forbidden');
  const to = parseUri(req.to.uri);
  if (!to.ok || to.value.scheme === 'tel') return refuse(416, 'Unsupported URI Scheme');
  const aorName = findAor(to.value, endpoint);
  const aor = aorName === undefined ? undefined : ctx.aors.get(aorName);
  if (aor === undefined) return refuse(404, 'Not Found');
  if (aor.maxContacts === 0) return refuse(403, 'Forbidden');

  const contacts = req.contacts();
  if (!contacts.ok) return refuse(400, 'Bad Request');
  const headerExpires = seconds(req.header('expires'));
  const existing = store.bindings(aor.name);

  if (contacts.value === '*') {
    // RFC 3261 §10.3 step 6: `*` only with Expires: 0.
    if (headerExpires !== 0) return refuse(400, 'Bad Request');
    for (const b of existing) store.remove(b.aor, b.uri);
    return ok(req, ctx, aor);
  }

  const wanted: Wanted[] = [];
  for (const c of contacts.value) {
    const w = want(c, headerExpires, aor, ctx);
    if (w === undefined) return refuse(400, 'Bad Request');
    wanted.push(w);
  }

  // RFC 3261 §10.3 step 7: within one Call-ID the CSeq must grow, else the update is aborted. Asterisk keeps no
  // CSeq per contact; a UA that follows the RFC never trips this, and a stale out-of-order REGISTER must not undo a
  // newer one, so we follow the RFC and answer 500 (its "the request fails").
  const byKey = new Map(existing.map((b) => [contactKey(b.uri), b]));
  for (const w of wanted) {
    const b = byKey.get(w.key);
    if (b !== undefined && b.callId === req.callId && req.cseq.seq <= b.cseq)
      return refuse(500, 'Server Internal Error');
  }

  const seen = new Set<string>();
  let added = 0;
  let removed = 0;
  for (const w of wanted) {
    if (seen.has(w.key)) continue;
    seen.add(w.key);
    if (byKey.has(w.key)) removed += w.expires === 0 ? 1 : 0;
    else added += w.expires === 0 ? 0 : 1;
  }
  const excess = existing.length - removed + added - aor.maxContacts;
  let victims: Binding[] = [];
  if (excess > 0) {
    if (!aor.removeExisting) return refuse(403, 'Forbidden');
    // remove_existing: the soonest-expiring bindings this REGISTER does not itself refresh make room —
    // Unreachable ones first with remove_unavailable.
    const unavailableFirst = (b: Binding): number => (aor.removeUnavailable && b.status === 'Unreachable' ? 0 : 1);
    const candidates = existing
      .filter((b) => !seen.has(contactKey(b.uri)))
      .sort((a, b) => unavailableFirst(a) - unavailableFirst(b) || a.expiresAt - b.expiresAt);
    if (candidates.length < excess) return refuse(403, 'Forbidden');
    victims = candidates.slice(0, excess);
  }
  if (store.size - removed - victims.length + added > store.maxBindings) return refuse(503, 'Service Unavailable');
  // Room in the store for the new bindings first when it is nearly full; otherwise the replaced bindings go after the
  // new ones are in, so a phone that re-registers from a new address never looks offline in between.
  if (store.size - removed + added > store.maxBindings) for (const b of victims.splice(0)) store.remove(b.aor, b.uri);

  const path = req.headerValues('path');
  const userAgent = req.header('user-agent');
  const status = aor.qualifyFrequency > 0 ? 'Unknown' : 'NonQualified';
  for (const w of wanted) {
    if (w.expires === 0) {
      store.remove(aor.name, w.uri);
      continue;
    }
    store.upsert({
      uri: w.uri,
      aor: aor.name,
      expiresAt: now + w.expires * 1000,
      callId: req.callId,
      cseq: req.cseq.seq,
      ...(path.length > 0 ? { path } : {}),
      ...(userAgent !== undefined ? { userAgent } : {}),
      viaAddr: `${ctx.source.host}:${ctx.source.port}`,
      registeredAt: byKey.get(w.key)?.registeredAt ?? now,
      status,
    });
  }
  for (const b of victims) store.remove(b.aor, b.uri);
  return ok(req, ctx, aor);
}

/** One Contact's URI and expiry: its `expires` param, else the Expires header, else default_expiration. */
function want(
  c: NameAddr,
  headerExpires: number | undefined,
  aor: AorConfig,
  ctx: RegisterContext,
): Wanted | undefined {
  const u = parseUri(c.uri);
  if (!u.ok || u.value.scheme === 'tel') return undefined;
  const raw = paramValue(c.params, 'expires');
  const expires = clamp(seconds(raw) ?? headerExpires ?? aor.defaultExpiration, aor);
  // The un-REGISTER comes from the same source, so a rewritten binding is found again by rewriting it too.
  const uri = ctx.rewriteContact ? rewrite(u.value, ctx.source) : c.uri;
  return { uri, key: contactKey(uri), expires };
}

function ok(req: SipRequest, ctx: RegisterContext, aor: AorConfig): RegisterOutcome {
  const headers: SipHeader[] = [];
  for (const b of ctx.store.list(aor.name)) headers.push(makeHeader('Contact', contactValue(b, ctx.now)));
  headers.push(makeHeader('Date', (ctx.date ?? new Date()).toUTCString()));
  const requested = seconds(req.header('expires'));
  if (req.hasHeader('expires')) {
    headers.push(makeHeader('Expires', String(clamp(requested ?? aor.defaultExpiration, aor))));
  }
  return { status: 200, reason: 'OK', headers };
}

/** Static contacts never expire: they are listed without an `expires` parameter. */
function contactValue(b: Binding, now: number): string {
  if (b.isStatic) return `<${b.uri}>`;
  return `<${b.uri}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`;
}
