/**
 * ari.conf → AriConfig, with the option names, defaults and checks of Asterisk's res/ari/config.c.
 * Where Asterisk refuses to load the module (unknown option, bad value) we record a ConfError and keep the default.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DEFAULT_AUTH_FAILURE_LIMITS, type AuthFailureLimits } from '../util/auth-failure-limiter.js';
import { cryptVerify } from '../util/crypt.js';
import type { ConfEntry, ConfError, ConfFile } from './conf-types.js';

export type AriPasswordFormat = 'plain' | 'crypt';

export interface AriUser {
  /** The section name, as first written. */
  readonly name: string;
  readonly password: string;
  readonly passwordFormat: AriPasswordFormat;
  readonly readOnly: boolean;
}

export interface AriConfig {
  readonly enabled: boolean;
  readonly pretty: boolean;
  /** Split on `,` and not trimmed, as res_ari.c origin_allowed() compares them; empty = CORS off. `*` = any. */
  readonly allowedOrigins: readonly string[];
  readonly authRealm: string;
  readonly websocketWriteTimeoutMs: number;
  /** Variables shown in every channel snapshot's `channelvars`. */
  readonly channelvars: readonly string[];
  /** Keyed case-insensitively, like Asterisk's user container (strcasecmp). */
  readonly users: ReadonlyMap<string, AriUser>;
  /**
   * Switchyard's brake on password guessing (not in Asterisk): `auth_failure_limit` (10; 0 = off),
   * `auth_failure_window` (60 s), `auth_failure_block` (300 s), `auth_failure_delay` (250 ms per failure).
   */
  readonly authLimits: AuthFailureLimits;
  /**
   * `type=outbound_websocket` sections (Asterisk 22.5+), keyed by section name: the app's WebSocket server
   * that Switchyard dials. Only sections that pass Asterisk's apply step are here; the checks against
   * websocket_client.conf and the users are made when the connections start (outbound-config.ts).
   */
  readonly outboundWebsockets: ReadonlyMap<string, AriOutboundWebSocket>;
}

/** One `type=outbound_websocket` section of ari.conf (res/ari/config.c). */
export interface AriOutboundWebSocket {
  /** The section name: the session id (persistent) and the prefix of per-call session ids. */
  readonly name: string;
  /** A websocket_client.conf connection. */
  readonly websocketClientId: string;
  /** Split on `,` and trimmed. */
  readonly apps: readonly string[];
  /** The ARI user whose rights REST over WebSocket requests get (its password must be plain). */
  readonly localAriUser: string;
  readonly subscribeAll: boolean;
}

export interface AriConfigResult {
  readonly config: AriConfig;
  /** The file's parse errors followed by option errors. */
  readonly errors: readonly ConfError[];
}

/** AST_DEFAULT_WEBSOCKET_WRITE_TIMEOUT. */
const DEFAULT_WEBSOCKET_WRITE_TIMEOUT_MS = 100;
const INT_MAX = 2 ** 31 - 1;
/** A day: the longest window or block the auth_failure_* options take, in seconds. */
const MAX_AUTH_FAILURE_S = 86_400;
/** The longest hold-back per failure, in ms. */
const MAX_AUTH_FAILURE_DELAY_MS = 10_000;
/** ARI_MAX_APP_NAME_LEN: AST_MAX_CONTEXT (80) minus `stasis-`. */
const MAX_APP_NAME_LEN = 73;

/** A Map whose keys are compared case-insensitively (keys are stored lower-cased). */
class CaseInsensitiveMap<V> extends Map<string, V> {
  override get(key: string): V | undefined {
    return super.get(key.toLowerCase());
  }
  override has(key: string): boolean {
    return super.has(key.toLowerCase());
  }
  override set(key: string, value: V): this {
    return super.set(key.toLowerCase(), value);
  }
  override delete(key: string): boolean {
    return super.delete(key.toLowerCase());
  }
}

/** ast_true(): yes, true, y, t, 1, on (any case) are true; anything else is false. */
export function astTrue(value: string): boolean {
  return /^(yes|true|y|t|1|on)$/i.test(value);
}

/** Decimal integer in [min, max], or undefined (ast_parse_arg PARSE_INT32 | PARSE_IN_RANGE). */
export function parseIntInRange(value: string, min: number, max: number): number | undefined {
  if (!/^[+-]?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}

/** `file` names the source in errors that belong to no particular line. */
export function parseAriConfig(conf: ConfFile, file = 'ari.conf'): AriConfigResult {
  const errors: ConfError[] = [...conf.errors];
  const err = (e: ConfEntry, message: string): void => void errors.push({ file: e.file, line: e.line, message });
  let enabled = true;
  let pretty = false;
  let allowedOrigins = '';
  let authRealm = 'Asterisk REST Interface';
  let websocketWriteTimeoutMs = DEFAULT_WEBSOCKET_WRITE_TIMEOUT_MS;
  let channelvars: string[] = [];
  const authLimits = { ...DEFAULT_AUTH_FAILURE_LIMITS };
  const users = new CaseInsensitiveMap<AriUser>();
  const userWhere = new CaseInsensitiveMap<{ file: string; line: number }>();
  const outbound = new Map<string, OutboundDraft>();
  const badValue = (e: ConfEntry): void => err(e, `Error parsing ${e.key}=${e.value}`);

  for (const section of conf.sections) {
    if (section.isTemplate) continue; // ast_category_browse skips templates
    const first = section.entries[0];
    const where = { file: first?.file ?? file, line: first?.line ?? 0 };
    if (section.name === 'general') {
      // general_option: category "^general$", a case-sensitive regex.
      for (const e of section.entries) {
        switch (e.key.toLowerCase()) {
          case 'enabled':
            enabled = astTrue(e.value);
            break;
          case 'pretty':
            pretty = astTrue(e.value);
            break;
          case 'allowed_origins':
            allowedOrigins = e.value;
            break;
          case 'auth_realm':
            authRealm = e.value;
            break;
          case 'websocket_write_timeout': {
            const ms = parseIntInRange(e.value, 1, INT_MAX);
            if (ms === undefined) badValue(e);
            else websocketWriteTimeoutMs = ms;
            break;
          }
          case 'channelvars':
            channelvars = e.value.split(',').map((v) => v.trim()).filter((v) => v !== ''); // prettier-ignore
            break;
          case 'auth_failure_limit':
          case 'auth_failure_window':
          case 'auth_failure_block':
          case 'auth_failure_delay':
            if (!applyAuthLimit(authLimits, e.key.toLowerCase(), e.value)) badValue(e);
            break;
          default:
            err(e, `Could not find option suitable for category 'general' named '${e.key}'`);
        }
      }
      continue;
    }
    // user_option: any other category whose last `type` is `user` (strcasecmp).
    const type = section.entries.findLast((e) => e.key.toLowerCase() === 'type');
    if (type?.value.trim().toLowerCase() === 'outbound_websocket') {
      const draft = outbound.get(section.name) ?? { ...NO_OUTBOUND, name: section.name, where };
      outbound.set(section.name, draft);
      for (const e of section.entries) applyOutboundOption(draft, e, err);
      continue;
    }
    if (!type || type.value.toLowerCase() !== 'user') {
      const why = type ? `type '${type.value}'` : "no 'type'";
      errors.push({ ...where, message: `Could not find config type for category '${section.name}' (${why})` });
      continue;
    }
    // Repeated sections for one user merge into it, later values winning (aco item_find).
    const prev = users.get(section.name);
    let password = prev?.password ?? '';
    let passwordFormat: AriPasswordFormat = prev?.passwordFormat ?? 'plain';
    let readOnly = prev?.readOnly ?? false;
    for (const e of section.entries) {
      switch (e.key.toLowerCase()) {
        case 'type':
          break;
        case 'password':
          password = e.value;
          break;
        case 'password_format': {
          const f = e.value.toLowerCase();
          if (f === 'plain' || f === 'crypt') passwordFormat = f;
          else badValue(e);
          break;
        }
        case 'read_only':
          readOnly = astTrue(e.value);
          break;
        default:
          err(e, `Could not find option suitable for category '${section.name}' named '${e.key}'`);
      }
    }
    users.set(section.name, { name: prev?.name ?? section.name, password, passwordFormat, readOnly });
    if (!prev) userWhere.set(section.name, where);
  }

  // process_config(): Asterisk logs these and loads anyway.
  if (enabled && users.size === 0) errors.push({ file, line: 0, message: 'No configured users for ARI' });
  for (const u of users.values()) {
    const at = userWhere.get(u.name) ?? { file, line: 0 };
    if (u.password === '') errors.push({ ...at, message: `User '${u.name}' missing password` });
  }
  const config: AriConfig = {
    enabled,
    pretty,
    allowedOrigins: allowedOrigins === '' ? [] : allowedOrigins.split(','),
    authRealm,
    websocketWriteTimeoutMs,
    channelvars,
    users,
    authLimits,
    outboundWebsockets: finishOutbound(outbound, errors),
  };
  return { config, errors };
}

type OutboundDraft = { -readonly [K in keyof AriOutboundWebSocket]: AriOutboundWebSocket[K] } & {
  rawApps: string;
  where: { file: string; line: number };
};

const NO_OUTBOUND = { websocketClientId: '', apps: [], rawApps: '', localAriUser: '', subscribeAll: false };

function applyOutboundOption(d: OutboundDraft, e: ConfEntry, err: (e: ConfEntry, message: string) => void): void {
  switch (e.key.toLowerCase()) {
    case 'type':
      return;
    case 'websocket_client_id':
      d.websocketClientId = e.value.trim();
      return;
    case 'apps':
      d.rawApps = e.value;
      return;
    case 'local_ari_user':
      d.localAriUser = e.value.trim();
      return;
    case 'subscribe_all':
      d.subscribeAll = astTrue(e.value.trim());
      return;
    default:
      err(e, `Could not find option suitable for category '${d.name}' named '${e.key}'`);
  }
}

/** outbound_websocket_apply: a section missing a required option or naming a bad app is discarded. */
function finishOutbound(
  drafts: ReadonlyMap<string, OutboundDraft>,
  errors: ConfError[],
): Map<string, AriOutboundWebSocket> {
  const out = new Map<string, AriOutboundWebSocket>();
  for (const d of drafts.values()) {
    const problems: string[] = [];
    if (d.websocketClientId === '') problems.push('Outbound websocket missing websocket_client_id');
    const apps = d.rawApps.split(',').map((a) => a.trim());
    if (d.rawApps.trim() === '') problems.push('Outbound websocket missing apps');
    else {
      if (apps.some((a) => a === '')) problems.push('Outbound websocket has empty app');
      for (const a of apps) {
        if (a.length > MAX_APP_NAME_LEN)
          problems.push(`Outbound websocket app '${a}' > ${MAX_APP_NAME_LEN} characters`);
      }
    }
    if (d.localAriUser === '') problems.push('Outbound websocket missing local_ari_user');
    for (const p of problems) errors.push({ ...d.where, message: `${d.name}: ${p}` });
    if (problems.length > 0) {
      errors.push({ ...d.where, message: `${d.name}: Outbound websocket configuration failed` });
      continue;
    }
    const { name, websocketClientId, localAriUser, subscribeAll } = d;
    out.set(name, { name, websocketClientId, apps, localAriUser, subscribeAll });
  }
  return out;
}

/** One `auth_failure_*` option into `limits`; false for a value out of range. */
function applyAuthLimit(
  limits: { -readonly [K in keyof AuthFailureLimits]: number },
  key: string,
  value: string,
): boolean {
  switch (key) {
    case 'auth_failure_limit': {
      const n = parseIntInRange(value, 0, INT_MAX);
      if (n !== undefined) limits.maxFailures = n;
      return n !== undefined;
    }
    case 'auth_failure_window':
    case 'auth_failure_block': {
      const s = parseIntInRange(value, 1, MAX_AUTH_FAILURE_S);
      if (s !== undefined && key === 'auth_failure_window') limits.windowMs = s * 1000;
      else if (s !== undefined) limits.blockMs = s * 1000;
      return s !== undefined;
    }
    default: {
      const ms = parseIntInRange(value, 0, MAX_AUTH_FAILURE_DELAY_MS);
      if (ms !== undefined) limits.delayStepMs = ms;
      return ms !== undefined;
    }
  }
}

/**
 * ast_ari_config_validate_user's password check: a user without a password never authenticates; `plain` is
 * compared in constant time (Asterisk uses strcmp), `crypt` goes through crypt(3)-compatible verification.
 */
export function verifyPassword(user: AriUser, candidate: string): boolean {
  if (user.password === '') return false;
  if (user.passwordFormat === 'crypt') return cryptVerify(candidate, user.password);
  // Hashing both sides gives equal-length inputs, so neither length nor content leaks through timing.
  const a = createHash('sha256').update(user.password, 'utf8').digest();
  const b = createHash('sha256').update(candidate, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * The user `name` if `candidate` is its password. An unknown name costs the same work as a wrong password
 * (a configured user's check is run and thrown away), so answer times do not tell which user names exist.
 */
export function verifyUser(users: ReadonlyMap<string, AriUser>, name: string, candidate: string): AriUser | undefined {
  const user = users.get(name);
  if (user !== undefined) return verifyPassword(user, candidate) ? user : undefined;
  const decoy = users.values().next();
  if (!decoy.done) verifyPassword(decoy.value, candidate);
  return undefined;
}
