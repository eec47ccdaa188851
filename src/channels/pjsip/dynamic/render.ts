/**
 * Typed res_pjsip objects → the attribute/value tuples Asterisk 22's sorcery lists for them (every attribute of
 * the type, in Asterisk's order; see field-tables.ts). Formats are Asterisk's as observed on 22.10.1: booleans
 * `true`/`false`, `allow` as `(ulaw|alaw)` or `(nothing)`, an unset callerid as `<unknown>`, qualify_timeout with
 * six decimals, one `contact` tuple per static contact (last written first) and one `match` tuple per network
 * written as address/dotted mask.
 */
import { createHash } from 'node:crypto';
import type {
  AorConfig,
  AuthConfig,
  EndpointConfig,
  IdentifyConfig,
  IdentifyMatch,
  TransportConfig,
} from '../../../config/pjsip-types.js';
import type { ConfigTuple } from '../../../core/sorcery/dynamic-config.js';
import type { Binding } from '../registrar/contact-store.js';
import {
  AOR_FIELDS,
  AUTH_FIELDS,
  CONTACT_FIELDS,
  ENDPOINT_FIELDS,
  IDENTIFY_FIELDS,
  TRANSPORT_FIELDS,
  type FieldTable,
} from './field-tables.js';

/** Attribute → value(s); an array gives one tuple per item (at least one, '' when empty). */
type Values = ReadonlyMap<string, string | readonly string[]>;

const bool = (b: boolean): string => (b ? 'true' : 'false');

/** The table's attributes in order, each from the first layer that has it, else the default. */
function render(table: FieldTable, ...layers: (Values | undefined)[]): ConfigTuple[] {
  const out: ConfigTuple[] = [];
  for (const [attribute, fallback] of table) {
    let v: string | readonly string[] = fallback;
    for (const layer of layers) {
      const found = layer?.get(attribute);
      if (found !== undefined) {
        v = found;
        break;
      }
    }
    if (typeof v === 'string') out.push({ attribute, value: v });
    else if (v.length === 0) out.push({ attribute, value: '' });
    else for (const item of v) out.push({ attribute, value: item });
  }
  return out;
}

/** Asterisk's callerid rendering: `"name" <number>`, `<unknown>` when unset. */
function callerId(ep: EndpointConfig): string {
  if (ep.callerIdName === '' && ep.callerIdNumber === '') return '<unknown>';
  return ep.callerIdName === '' ? `<${ep.callerIdNumber}>` : `"${ep.callerIdName}" <${ep.callerIdNumber}>`;
}

/** `raw` holds what was written through ARI: list options keep their text as given (Asterisk stores it so). */
export function renderEndpoint(ep: EndpointConfig, raw?: ReadonlyMap<string, string>): ConfigTuple[] {
  const values = new Map<string, string>([
    ['context', ep.context],
    ['message_context', ep.messageContext],
    ['allow', ep.allow.length === 0 ? '(nothing)' : `(${ep.allow.join('|')})`],
    ['dtmf_mode', ep.dtmfMode],
    ['callerid', callerId(ep)],
    ['from_user', ep.fromUser],
    ['from_domain', ep.fromDomain],
    ['aors', raw?.get('aors') ?? ep.aors.join(',')],
    ['auth', raw?.get('auth') ?? ep.auth.join(',')],
    ['outbound_auth', raw?.get('outbound_auth') ?? ep.outboundAuth.join(',')],
    ['transport', ep.transport],
    ['identify_by', ep.identifyBy.join(',')],
    ['rtp_symmetric', bool(ep.rtpSymmetric)],
    ['force_rport', bool(ep.forceRport)],
    ['rewrite_contact', bool(ep.rewriteContact)],
    ['direct_media', bool(ep.directMedia)],
    ['trust_id_inbound', bool(ep.trustIdInbound)],
    ['moh_suggest', ep.mohSuggest],
    ['moh_passthrough', bool(ep.mohPassthrough)],
    ['language', ep.language],
    ['sdp_owner', ep.sdpOwner],
    ['sdp_session', ep.sdpSession],
    ['rtp_timeout', String(ep.rtpTimeout)],
    ['ignore_183_without_sdp', bool(ep.ignore183WithoutSdp)],
    ['suppress_q850_reason_headers', bool(ep.suppressQ850ReasonHeaders)],
    ['allow_unauthenticated_options', bool(ep.allowUnauthenticatedOptions)],
  ]);
  return render(ENDPOINT_FIELDS, values, raw);
}

export function renderAor(aor: AorConfig, raw?: ReadonlyMap<string, string>): ConfigTuple[] {
  const values = new Map<string, string | readonly string[]>([
    ['contact', [...aor.contacts].reverse()],
    ['max_contacts', String(aor.maxContacts)],
    ['remove_existing', bool(aor.removeExisting)],
    ['remove_unavailable', bool(aor.removeUnavailable)],
    ['qualify_frequency', String(aor.qualifyFrequency)],
    ['qualify_timeout', aor.qualifyTimeout.toFixed(6)],
    ['qualify_2xx_only', bool(aor.qualify2xxOnly)],
    ['default_expiration', String(aor.defaultExpiration)],
    ['minimum_expiration', String(aor.minimumExpiration)],
    ['maximum_expiration', String(aor.maximumExpiration)],
  ]);
  return render(AOR_FIELDS, values, raw);
}

export function renderAuth(auth: AuthConfig, raw?: ReadonlyMap<string, string>): ConfigTuple[] {
  const values = new Map<string, string>([
    ['auth_type', auth.authType === 'md5' ? 'md5' : 'userpass'],
    ['username', auth.username],
    ['password', auth.password],
    ['md5_cred', auth.md5Cred],
    ['realm', auth.realm],
    ['nonce_lifetime', String(auth.nonceLifetime)],
    ['supported_algorithms_uas', auth.algorithmsUas.join(',')],
  ]);
  return render(AUTH_FIELDS, values, raw);
}

/** IPv4 prefix length → dotted mask. */
function dottedMask(prefix: number): string {
  const bits = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 0xff).join('.');
}

function matchText(m: IdentifyMatch): string {
  if (m.family === 'ipv6') return `${m.port === undefined ? m.address : `[${m.address}]:${m.port}`}/${m.prefix}`;
  return `${m.address}${m.port === undefined ? '' : `:${m.port}`}/${dottedMask(m.prefix)}`;
}

export function renderIdentify(identify: IdentifyConfig, raw?: ReadonlyMap<string, string>): ConfigTuple[] {
  const values = new Map<string, string | readonly string[]>([
    ['endpoint', identify.endpoint],
    ['match', identify.match.map(matchText)],
  ]);
  return render(IDENTIFY_FIELDS, values, raw);
}

export function renderTransport(t: TransportConfig): ConfigTuple[] {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  const values = new Map<string, string>([
    ['protocol', t.protocol],
    ['bind', `${host}:${t.port}`],
    ['external_signaling_address', t.externalSignalingAddress],
    ['external_media_address', t.externalMediaAddress],
    ['local_net', t.localNet.join(',')],
  ]);
  return render(TRANSPORT_FIELDS, values);
}

/** A registered contact's sorcery id: `<aor>;@<md5 of the contact URI>` (as Asterisk names them). */
export function contactId(aor: string, uri: string): string {
  return `${aor};@${createHash('md5').update(uri).digest('hex')}`;
}

/**
 * `nowMs` is the store clock's now; expiration_time is in Unix seconds as Asterisk writes it (0: never).
 * `raw` holds what was written through ARI for a contact created that way: it wins over what the AOR implies.
 */
export function renderContact(
  b: Binding,
  context: { readonly aor: AorConfig | undefined; readonly endpoint: string; readonly nowMs: number },
  raw?: ReadonlyMap<string, string>,
): ConfigTuple[] {
  const { aor, endpoint, nowMs } = context;
  const expiresInS = Number.isFinite(b.expiresAt) ? Math.max(0, Math.round((b.expiresAt - nowMs) / 1000)) : 0;
  const own = new Map<string, string>([
    ['uri', b.uri],
    ['call_id', b.callId],
    ['via_addr', b.viaAddr.replace(/:\d+$/, '')],
    ['via_port', /:(\d+)$/.exec(b.viaAddr)?.[1] ?? '0'],
    ['user_agent', b.userAgent ?? ''],
    ['path', (b.path ?? []).join(',')],
    ['expiration_time', String(expiresInS === 0 ? 0 : Math.floor(Date.now() / 1000) + expiresInS)],
  ]);
  const implied = new Map<string, string>([
    ['endpoint', endpoint],
    ['qualify_frequency', String(aor?.qualifyFrequency ?? 0)],
    ['qualify_timeout', (aor?.qualifyTimeout ?? 3).toFixed(6)],
    ['qualify_2xx_only', bool(aor?.qualify2xxOnly ?? false)],
  ]);
  return render(CONTACT_FIELDS, own, raw, implied);
}
