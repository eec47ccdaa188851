/**
 * `res_pjsip.so` reload: pjsip.conf is read again and its endpoints, AORs, auths, identifies and global options
 * replace the ones the previous read made, in the maps the SIP driver looks objects up in, in one synchronous
 * step (no request ever sees half a configuration). `res_pjsip_endpoint_identifier_ip.so` reloads only the
 * identify sections (Asterisk 22: `ast_sorcery_reload_object(sorcery, "identify")`).
 *
 * What Asterisk 22.10.1 does, and Switchyard with it (checked with `PUT /ari/asterisk/modules/res_pjsip.so` and
 * `module reload res_pjsip.so` after editing pjsip.conf):
 * - new requests use the new objects; a call in progress keeps the endpoint object it started with;
 * - an AOR's static contacts follow the file; contacts bound by REGISTER stay;
 * - objects created over ARI (/asterisk/config/dynamic, sorcery memory wizard) stay;
 * - a changed transport that is already bound is not reloaded and a notice says so
 *   (config_transport.c, `allow_reload` defaults to no); a transport removed from the file keeps its socket;
 * - a file that cannot be parsed at all, or is missing, leaves everything as it was and logs an error
 *   (res_sorcery_config.c); the reload still succeeds (204).
 * Differences: a transport that is new in the file is opened at the next start (Asterisk binds it at once);
 * `user_agent` and `default_realm` also apply at the next start. Both are logged.
 */
import type { ConfError } from '../config/conf-types.js';
import { anonymousSipExposure, defaultUserAgent } from '../config/load-config.js';
import { parsePjsipConfig } from '../config/pjsip-config.js';
import type { AorConfig, IdentifyConfig, PjsipConfig, PjsipGlobalConfig, TransportConfig } from '../config/pjsip-types.js'; // prettier-ignore
import { readForReload } from './conf-validity.js';

export interface PjsipReloadLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** What a reload changes in the SIP driver: its live configuration, static contacts and endpoint states. */
export interface PjsipReloadTarget {
  readonly config: PjsipConfig;
  readonly store: { setStatic(aor: AorConfig): void };
  readonly endpointsView: { endpointsReloaded(): void };
}

const PJSIP_CONF = 'pjsip.conf';
/** Asterisk's notice for a bound transport whose options changed (config_transport.c transport_apply). */
const TRANSPORT_NOT_RELOADABLE =
  'is not fully reloadable, not reloading: protocol, bind, TLS (everything but certificate and private key if ' +
  'filename is unchanged), TCP, ToS, or CoS options.';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The driver's maps are built mutable by the pjsip.conf reader and shared by reference with its lookups. */
function mutable<V>(map: ReadonlyMap<string, V>): Map<string, V> {
  return map as Map<string, V>;
}

/** Objects of one type, by name, from a fresh read: which replace, which go, which ARI-made ones win. */
function replaceNamed<V>(
  live: Map<string, V>,
  fresh: ReadonlyMap<string, V>,
  fromFile: ReadonlySet<string>,
  onKeptDynamic: (name: string) => void,
): Set<string> {
  for (const name of fromFile) if (!fresh.has(name)) live.delete(name);
  const next = new Set<string>();
  for (const [name, value] of fresh) {
    if (live.has(name) && !fromFile.has(name)) {
      onKeptDynamic(name);
      continue;
    }
    live.set(name, value);
    next.add(name);
  }
  return next;
}

const sameContacts = (a: AorConfig, b: AorConfig): boolean =>
  a.qualifyFrequency === b.qualifyFrequency &&
  a.contacts.length === b.contacts.length &&
  a.contacts.every((c, i) => c === b.contacts[i]);

const sameTransport = (a: TransportConfig, b: TransportConfig): boolean => JSON.stringify(a) === JSON.stringify(b);

export class PjsipReloader {
  #fileEndpoints: Set<string>;
  #fileAors: Set<string>;
  #fileAuths: Set<string>;
  #fileIdentifies: Set<string>;

  /** `target.config` holds exactly what pjsip.conf gave at start (nothing has been created over ARI yet). */
  constructor(
    private readonly target: PjsipReloadTarget,
    private readonly configDir: string,
    private readonly log: PjsipReloadLogger,
  ) {
    const { config } = target;
    this.#fileEndpoints = new Set(config.endpoints.keys());
    this.#fileAors = new Set(config.aors.keys());
    this.#fileAuths = new Set(config.auths.keys());
    this.#fileIdentifies = new Set(config.identifies.map((i) => i.name));
  }

  /** `res_pjsip.so`: every object type of pjsip.conf. */
  reloadAll(): void {
    const fresh = this.#read();
    if (fresh === undefined) return;
    const { config } = this.target;
    const kept = (type: string) => (name: string) =>
      this.log.warn({ type, name }, `res_pjsip reload: ${type} '${name}' created over ARI is kept; pjsip.conf's is ignored`); // prettier-ignore
    this.#fileEndpoints = replaceNamed(mutable(config.endpoints), fresh.endpoints, this.#fileEndpoints, kept('endpoint')); // prettier-ignore
    this.#reloadAors(fresh.aors, kept('aor'));
    this.#fileAuths = replaceNamed(mutable(config.auths), fresh.auths, this.#fileAuths, kept('auth'));
    this.#reloadIdentifies(fresh.identifies);
    this.#reloadGlobal(fresh.global);
    this.#checkTransports(fresh.transports);
    this.target.endpointsView.endpointsReloaded();
    const exposure = anonymousSipExposure(config); // the warning given at start, for an [anonymous] added now
    if (exposure !== undefined) this.log.warn({}, exposure);
    this.log.info(
      { endpoints: config.endpoints.size, aors: config.aors.size, auths: config.auths.size, identifies: config.identifies.length }, // prettier-ignore
      'res_pjsip reloaded pjsip.conf',
    );
  }

  /** `res_pjsip_endpoint_identifier_ip.so`: the identify sections only. */
  reloadIdentifies(): void {
    const fresh = this.#read();
    if (fresh === undefined) return;
    this.#reloadIdentifies(fresh.identifies);
    this.log.info({ identifies: this.target.config.identifies.length }, 'identify sections of pjsip.conf reloaded');
  }

  #read(): PjsipConfig | undefined {
    const read = readForReload(this.configDir, PJSIP_CONF);
    if (read.kind !== 'ok') {
      this.#logErrors(read.errors);
      this.log.error({ file: PJSIP_CONF }, `${read.reason}; the running SIP configuration is kept`);
      return undefined;
    }
    const parsed = parsePjsipConfig(read.conf, { userAgent: defaultUserAgent() });
    this.#logErrors(parsed.errors);
    return parsed.config;
  }

  #logErrors(errors: readonly ConfError[]): void {
    for (const e of errors) this.log.warn({ file: e.file, line: e.line }, e.message);
  }

  #reloadAors(fresh: ReadonlyMap<string, AorConfig>, onKept: (name: string) => void): void {
    const { config, store } = this.target;
    const before = new Map(config.aors);
    this.#fileAors = replaceNamed(mutable(config.aors), fresh, this.#fileAors, onKept);
    for (const [name, old] of before) {
      if (!config.aors.has(name)) store.setStatic({ ...old, contacts: [] }); // its static contacts go with it
    }
    for (const name of this.#fileAors) {
      const now = config.aors.get(name);
      const old = before.get(name);
      if (now !== undefined && (old === undefined || !sameContacts(old, now))) store.setStatic(now);
    }
  }

  #reloadIdentifies(fresh: readonly IdentifyConfig[]): void {
    const live = this.target.config.identifies as IdentifyConfig[];
    const freshByName = new Map(fresh.map((i) => [i.name, i]));
    const byName = new Map(live.map((i) => [i.name, i]));
    const kept = (name: string): void =>
      this.log.warn({ type: 'identify', name }, `res_pjsip reload: identify '${name}' created over ARI is kept; pjsip.conf's is ignored`); // prettier-ignore
    this.#fileIdentifies = replaceNamed(byName, freshByName, this.#fileIdentifies, kept);
    live.splice(0, live.length, ...byName.values()); // the identifier holds this array
  }

  #reloadGlobal(fresh: PjsipGlobalConfig): void {
    const live = this.target.config.global as Mutable<PjsipGlobalConfig>;
    for (const key of ['userAgent', 'defaultRealm'] as const) {
      if (live[key] !== fresh[key]) {
        this.log.warn({ option: key }, `res_pjsip reload: global ${key === 'userAgent' ? 'user_agent' : 'default_realm'} applies at the next start`); // prettier-ignore
      }
    }
    live.defaultFromUser = fresh.defaultFromUser;
    live.maxForwards = fresh.maxForwards;
    live.keepAliveInterval = fresh.keepAliveInterval;
    live.defaultOutboundEndpoint = fresh.defaultOutboundEndpoint;
    // The endpoint identifier holds this array: change its contents, not the reference.
    const order = live.endpointIdentifierOrder as string[];
    order.splice(0, order.length, ...fresh.endpointIdentifierOrder);
  }

  #checkTransports(fresh: readonly TransportConfig[]): void {
    const bound = new Map(this.target.config.transports.map((t) => [t.name, t]));
    for (const t of fresh) {
      const running = bound.get(t.name);
      if (running === undefined) {
        this.log.warn({ transport: t.name }, `Transport '${t.name}' is new in pjsip.conf; it is opened at the next start`); // prettier-ignore
      } else if (!sameTransport(running, t)) {
        this.log.info({ transport: t.name }, `Transport '${t.name}' ${TRANSPORT_NOT_RELOADABLE}`);
      }
    }
  }
}
