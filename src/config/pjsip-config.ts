/**
 * pjsip.conf → PjsipConfig: the sorcery object types transport, endpoint, aor, auth, identify and global, with
 * Asterisk 22's defaults (sip-reference §5). A section's type is its last `type=` line (templates included, since
 * the parser copies their entries first). Where Asterisk would refuse an object or option we record a ConfError
 * and keep going: a bad option keeps its default, a section without a usable type is skipped.
 */
import { isIP } from 'node:net';
import { astTrue, parseIntInRange } from './ari-config.js';
import { applyTransportTls } from './pjsip-tls-config.js';
import { applyCodecLine, parseCallerId, parseIdentifyMatch, splitList, type Err } from './pjsip-values.js';
import type { ConfEntry, ConfError, ConfFile, ConfSection } from './conf-types.js';
import type {
  AorConfig,
  AuthConfig,
  DtmfMode,
  EndpointConfig,
  IdentifyConfig,
  PjsipConfig,
  PjsipGlobalConfig,
  PjsipProtocol,
  TransportConfig,
} from './pjsip-types.js';

export { parseCallerId, parseIdentifyMatch, splitList } from './pjsip-values.js';

export interface PjsipConfigResult {
  readonly config: PjsipConfig;
  /** The file's parse errors followed by object and option errors. */
  readonly errors: readonly ConfError[];
}

export interface PjsipConfigOptions {
  /** Default `user_agent`, e.g. `Switchyard 0.1.0` (Asterisk writes `Asterisk PBX <version>`). */
  readonly userAgent?: string;
}

/** A draft of a config object: writable fields, lists as plain arrays. */
type Draft<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

const DTMF_MODES: readonly DtmfMode[] = ['rfc4733', 'inband', 'info', 'auto', 'auto_info', 'none'];
const PROTOCOLS: readonly PjsipProtocol[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];
const IDENTIFY_BY = ['username', 'ip', 'auth_username', 'header', 'request_uri'];
const UINT_MAX = 2 ** 32 - 1;

/** Options Asterisk accepts that Switchyard reads but does not act on yet: accepted silently. */
const ACCEPTED: Record<string, ReadonlySet<string>> = {
  transport: new Set(['external_signaling_port', 'symmetric_transport', 'allow_reload', 'tos', 'cos', 'method',
    'websocket_write_timeout', 'allow_wildcard_certs']),
  endpoint: new Set(['send_pai', 'send_rpid', 'send_diversion', 'trust_id_outbound', 'inband_progress', '100rel',
    'timers', 'timers_min_se', 'timers_sess_expires', 'allow_overlap', 'redirect_method', 'media_address',
    'ice_support', 'use_avpf', 'media_encryption', 'rtp_ipv6', 'call_group',
    'pickup_group', 'named_call_group', 'named_pickup_group', 'mailboxes', 'set_var', 'tone_zone',
    'rtp_timeout_hold', 'connected_line_method', 'direct_media_method', 'disable_direct_media_on_nat',
    'callerid_privacy', 'callerid_tag', 'send_connected_line', 'rtp_keepalive', 'suppress_moh_on_sendonly']),
  aor: new Set(['authenticate_qualify', 'outbound_proxy',
    'support_path', 'voicemail_extension', 'mailboxes']),
  auth: new Set(['supported_algorithms_uac']),
  identify: new Set(['srv_lookups']),
  global: new Set(['allow_sending_180_after_183', 'debug', 'max_initial_qualify_time', 'contact_expiration_check_interval',
    'unidentified_request_count', 'unidentified_request_period', 'unidentified_request_prune_interval',
    'disable_multi_domain', 'ignore_uri_user_options', 'send_contact_status_on_update_registration', 'norefersub']),
}; // prettier-ignore

function globalDefaults(userAgent: string): Draft<PjsipGlobalConfig> {
  return {
    userAgent,
    defaultFromUser: 'asterisk',
    defaultRealm: 'asterisk',
    maxForwards: 70,
    keepAliveInterval: 90,
    defaultOutboundEndpoint: '',
    endpointIdentifierOrder: ['ip', 'username', 'anonymous'],
  };
}

function endpointDefaults(name: string): Draft<EndpointConfig> {
  return {
    name, context: 'default', messageContext: '', allow: [], dtmfMode: 'rfc4733', callerIdName: '',
    callerIdNumber: '', fromUser: '', fromDomain: '', aors: [], auth: [], outboundAuth: [], transport: '',
    identifyBy: ['username', 'ip'], rtpSymmetric: false, forceRport: true, rewriteContact: false,
    directMedia: true, trustIdInbound: false, mohSuggest: 'default', mohPassthrough: false, language: '',
    sdpOwner: '-', sdpSession: 'Asterisk', rtpTimeout: 0, ignore183WithoutSdp: false,
    suppressQ850ReasonHeaders: false, allowUnauthenticatedOptions: false, allowTransfer: true,
  }; // prettier-ignore
}

function aorDefaults(name: string): Draft<AorConfig> {
  return {
    name, contacts: [], maxContacts: 0, removeExisting: false, qualifyFrequency: 0, qualifyTimeout: 3,
    qualify2xxOnly: false, removeUnavailable: false,
    defaultExpiration: 3600, minimumExpiration: 60, maximumExpiration: 7200,
  }; // prettier-ignore
}

function authDefaults(name: string): Draft<AuthConfig> {
  return {
    name,
    authType: 'digest',
    username: '',
    password: '',
    md5Cred: '',
    realm: '',
    nonceLifetime: 32,
    algorithmsUas: ['MD5'],
  };
}

/** Applies one option; returns false when the key is not one of this type's options. */
type Apply<T> = (d: Draft<T>, e: ConfEntry, key: string, err: Err) => boolean;

function uintInto<T>(d: T, field: keyof T, e: ConfEntry, err: Err, max = UINT_MAX): void {
  const n = parseIntInRange(e.value, 0, max);
  if (n === undefined) err(e, `Error parsing ${e.key}=${e.value}`);
  else (d as Record<keyof T, unknown>)[field] = n;
}

const applyGlobal: Apply<PjsipGlobalConfig> = (d, e, key, err) => {
  if (key === 'user_agent') d.userAgent = e.value;
  else if (key === 'default_from_user') d.defaultFromUser = e.value;
  else if (key === 'default_realm') d.defaultRealm = e.value;
  else if (key === 'default_outbound_endpoint') d.defaultOutboundEndpoint = e.value;
  else if (key === 'max_forwards') uintInto(d, 'maxForwards', e, err, 255);
  else if (key === 'keep_alive_interval') uintInto(d, 'keepAliveInterval', e, err);
  else if (key === 'endpoint_identifier_order') d.endpointIdentifierOrder = splitList(e.value);
  else return false;
  return true;
};

interface TransportDraft extends Draft<TransportConfig> {
  hasBind: boolean;
  hasPort: boolean;
}

const applyTransport: Apply<TransportConfig> = (draft, e, key, err) => {
  const d = draft as TransportDraft;
  if (key === 'protocol') {
    const p = e.value.toLowerCase() as PjsipProtocol;
    if (PROTOCOLS.includes(p)) d.protocol = p;
    else err(e, `Transport protocol '${e.value}' is not supported`);
  } else if (key === 'bind') {
    const m = /^\[([^\]]+)\](?::(.*))?$/.exec(e.value) ?? /^([^:]+)(?::(.*))?$/.exec(e.value);
    const host = m ? m[1]! : e.value; // a bare IPv6 literal has several colons and no port
    const port = m?.[2] === undefined ? undefined : parseIntInRange(m[2], 0, 65535);
    if (isIP(host) === 0 || (m?.[2] !== undefined && port === undefined)) err(e, `Invalid bind address '${e.value}'`);
    else {
      d.host = host;
      d.hasBind = true;
      d.hasPort = port !== undefined;
      if (port !== undefined) d.port = port;
    }
  } else if (key === 'external_signaling_address') d.externalSignalingAddress = e.value;
  else if (key === 'external_media_address') d.externalMediaAddress = e.value;
  else if (key === 'local_net') d.localNet.push(...splitList(e.value));
  else return applyTransportTls(d, e, key, err);
  return true;
};

const applyEndpoint: Apply<EndpointConfig> = (d, e, key, err) => {
  const strings = {
    context: 'context', message_context: 'messageContext', from_user: 'fromUser', from_domain: 'fromDomain',
    transport: 'transport', moh_suggest: 'mohSuggest', language: 'language', sdp_owner: 'sdpOwner',
    sdp_session: 'sdpSession',
  } as const; // prettier-ignore
  const booleans = {
    rtp_symmetric: 'rtpSymmetric', force_rport: 'forceRport', rewrite_contact: 'rewriteContact',
    direct_media: 'directMedia', trust_id_inbound: 'trustIdInbound', moh_passthrough: 'mohPassthrough',
    ignore_183_without_sdp: 'ignore183WithoutSdp', suppress_q850_reason_headers: 'suppressQ850ReasonHeaders',
    allow_unauthenticated_options: 'allowUnauthenticatedOptions', allow_transfer: 'allowTransfer',
  } as const; // prettier-ignore
  if (Object.hasOwn(strings, key)) d[strings[key as keyof typeof strings]] = e.value;
  else if (Object.hasOwn(booleans, key)) d[booleans[key as keyof typeof booleans]] = astTrue(e.value);
  else if (key === 'allow' || key === 'disallow') applyCodecLine(d.allow, e, err);
  else if (key === 'aors') d.aors.push(...splitList(e.value));
  else if (key === 'auth') d.auth.push(...splitList(e.value));
  else if (key === 'outbound_auth') d.outboundAuth.push(...splitList(e.value));
  else if (key === 'rtp_timeout') uintInto(d, 'rtpTimeout', e, err);
  else if (key === 'device_state_busy_at') uintInto(d, 'deviceStateBusyAt', e, err);
  else if (key === 'dtmf_mode') {
    const m = e.value.toLowerCase() as DtmfMode;
    if (DTMF_MODES.includes(m)) d.dtmfMode = m;
    else err(e, `Error parsing ${e.key}=${e.value}`);
  } else if (key === 'callerid') {
    const id = parseCallerId(e.value);
    d.callerIdName = id.name;
    d.callerIdNumber = id.number;
  } else if (key === 'identify_by') {
    const items = splitList(e.value.toLowerCase());
    const bad = items.filter((i) => !IDENTIFY_BY.includes(i));
    if (bad.length > 0) err(e, `Unrecognized identification method '${bad[0]}' in identify_by`);
    else d.identifyBy = items;
  } else return false;
  return true;
};

const applyAor: Apply<AorConfig> = (d, e, key, err) => {
  if (key === 'contact') d.contacts.push(...splitList(e.value));
  else if (key === 'max_contacts') uintInto(d, 'maxContacts', e, err);
  else if (key === 'remove_existing') d.removeExisting = astTrue(e.value);
  else if (key === 'remove_unavailable') d.removeUnavailable = astTrue(e.value);
  else if (key === 'qualify_2xx_only') d.qualify2xxOnly = astTrue(e.value);
  else if (key === 'qualify_frequency') uintInto(d, 'qualifyFrequency', e, err, 86400);
  else if (key === 'default_expiration') uintInto(d, 'defaultExpiration', e, err);
  else if (key === 'minimum_expiration') uintInto(d, 'minimumExpiration', e, err);
  else if (key === 'maximum_expiration') uintInto(d, 'maximumExpiration', e, err);
  else if (key === 'qualify_timeout') {
    const t = /^\d+(\.\d*)?$/.test(e.value) ? Number(e.value) : NaN;
    if (Number.isNaN(t)) err(e, `Error parsing ${e.key}=${e.value}`);
    else d.qualifyTimeout = t;
  } else return false;
  return true;
};

const applyAuth: Apply<AuthConfig> = (d, e, key, err) => {
  if (key === 'username') d.username = e.value;
  else if (key === 'password') d.password = e.value;
  else if (key === 'md5_cred') d.md5Cred = e.value;
  else if (key === 'realm') d.realm = e.value;
  else if (key === 'nonce_lifetime') uintInto(d, 'nonceLifetime', e, err);
  else if (key === 'supported_algorithms_uas') {
    const known = { MD5: 'MD5', 'SHA-256': 'SHA-256', 'SHA-512-256': 'SHA-512-256' } as const;
    const list: Array<(typeof known)[keyof typeof known]> = [];
    for (const name of splitList(e.value)) {
      const a = known[name.toUpperCase() as keyof typeof known];
      if (a === undefined) err(e, `Unsupported digest algorithm '${name}'`);
      else if (!list.includes(a)) list.push(a);
    }
    if (list.length > 0) d.algorithmsUas = list;
  } else if (key === 'auth_type') {
    const t = e.value.toLowerCase();
    if (t === 'userpass' || t === 'digest') d.authType = 'digest';
    else if (t === 'md5') d.authType = 'md5';
    else err(e, `Unsupported auth_type '${e.value}'`);
  } else return false;
  return true;
};

const applyIdentify: Apply<IdentifyConfig> = (d, e, key, err) => {
  if (key === 'endpoint') d.endpoint = e.value;
  else if (key === 'match') {
    for (const item of splitList(e.value)) {
      const m = parseIdentifyMatch(item);
      if (typeof m === 'string') err(e, m);
      else d.match.push(m);
    }
  } else if (key === 'match_header' || key === 'match_request_uri')
    err(e, `Identify option '${e.key}' is not supported`);
  else return false;
  return true;
};

/** Runs `apply` over a section's entries, reporting unknown options. */
function applyAll<T>(type: string, section: ConfSection, d: Draft<T>, apply: Apply<T>, err: Err): void {
  for (const e of section.entries) {
    const key = e.key.toLowerCase();
    if (key === 'type' || apply(d, e, key, err) || ACCEPTED[type]?.has(key)) continue;
    err(e, `Could not find option suitable for category '${section.name}' named '${e.key}'`);
  }
}

export function parsePjsipConfig(file: ConfFile, opts: PjsipConfigOptions = {}): PjsipConfigResult {
  const errors: ConfError[] = [...file.errors];
  const err: Err = (e, message) => void errors.push({ file: e.file, line: e.line, message });
  const global = globalDefaults(opts.userAgent ?? 'Switchyard');
  const transports = new Map<string, TransportDraft>();
  const endpoints = new Map<string, Draft<EndpointConfig>>();
  const aors = new Map<string, Draft<AorConfig>>();
  const auths = new Map<string, Draft<AuthConfig>>();
  const identifies = new Map<string, Draft<IdentifyConfig>>();
  /** A name reused for the same type adds to the first object (later values win, lists accumulate). */
  const where = new Map<string, { file: string; line: number }>(); // `type:name` → first section's place
  const draft = <T>(map: Map<string, T>, section: ConfSection, type: string, make: (n: string) => T): T => {
    const found = map.get(section.name) ?? make(section.name);
    map.set(section.name, found);
    const first = section.entries[0];
    if (first && !where.has(`${type}:${section.name}`))
      where.set(`${type}:${section.name}`, { file: first.file, line: first.line });
    return found;
  };
  const placeOf = (type: string, name: string): { file: string; line: number } =>
    where.get(`${type}:${name}`) ?? { file: 'pjsip.conf', line: 0 };

  for (const section of file.sections) {
    if (section.isTemplate) continue; // templates are copied into their users by the parser
    const typeEntry = section.entries.findLast((e) => e.key.toLowerCase() === 'type');
    const type = typeEntry?.value.toLowerCase() ?? '';
    switch (type) {
      case 'global':
        applyAll('global', section, global, applyGlobal, err);
        break;
      case 'transport': {
        const make = (name: string): TransportDraft => ({
          name, protocol: 'udp', host: '', port: 5060, externalSignalingAddress: '', externalMediaAddress: '',
          localNet: [], hasBind: false, hasPort: false,
        }); // prettier-ignore
        applyAll('transport', section, draft(transports, section, 'transport', make), applyTransport, err);
        break;
      }
      case 'endpoint':
        applyAll('endpoint', section, draft(endpoints, section, 'endpoint', endpointDefaults), applyEndpoint, err);
        break;
      case 'aor':
        applyAll('aor', section, draft(aors, section, 'aor', aorDefaults), applyAor, err);
        break;
      case 'auth':
        applyAll('auth', section, draft(auths, section, 'auth', authDefaults), applyAuth, err);
        break;
      case 'identify': {
        const make = (name: string): Draft<IdentifyConfig> => ({ name, endpoint: '', match: [] });
        applyAll('identify', section, draft(identifies, section, 'identify', make), applyIdentify, err);
        break;
      }
      default: {
        const at = section.entries[0] ?? { file: 'pjsip.conf', line: 0 };
        const why = typeEntry ? `unknown type '${typeEntry.value}'` : "no 'type'";
        errors.push({ file: at.file, line: typeEntry?.line ?? at.line, message: `Section '${section.name}' skipped: ${why}` }); // prettier-ignore
      }
    }
  }

  const finalTransports: TransportConfig[] = [];
  for (const { hasBind, hasPort, ...t } of transports.values()) {
    if (!hasBind) {
      errors.push({ ...placeOf('transport', t.name), message: `Transport '${t.name}' skipped: no 'bind' address` });
      continue;
    }
    finalTransports.push({ ...t, port: hasPort ? t.port : t.protocol === 'tls' ? 5061 : 5060 });
  }
  const finalIds: IdentifyConfig[] = [];
  for (const i of identifies.values()) {
    const message = `Identify '${i.name}' skipped: no 'endpoint'`;
    if (i.endpoint === '') errors.push({ ...placeOf('identify', i.name), message });
    else finalIds.push(i);
  }
  const config: PjsipConfig = { global, transports: finalTransports, endpoints, aors, auths, identifies: finalIds };
  return { config, errors };
}
