/**
 * websocket_client.conf → the outbound WebSocket connections (res_websocket_client, Asterisk 22.5+): shared by
 * WebSocket media channels in client mode (`WebSocket/<connection id>`) and ARI outbound WebSockets. Each section
 * of `type=websocket_client` is one connection named after the section; sections of another type are skipped and
 * reported. A section without a usable `uri` is refused, as Asterisk's apply step refuses it; a bad value is
 * reported and keeps its default; an option Asterisk 22.10 does not know is reported and ignored.
 *
 * Beyond Asterisk: a `[general]` section (no `type`) opens per-call URIs — a WebSocket media channel may dial a
 * `ws://`/`wss://` URI named in its request (`WebSocket/<ws://host/path>`, externalMedia's `external_host`) when
 * its host is in `allowed_per_call_hosts` (nothing is allowed without it). The section's other options are a
 * connection's own (`protocols`, `connection_timeout`, `reconnect_interval`, `reconnect_attempts`, the TLS files
 * and checks) and apply to every per-call URI; `uri`, `username`, `password`, `connection_type` and `tls_enabled`
 * have no meaning there (credentials go in the URI or a per-call header; TLS follows `wss:`). Asterisk reports a
 * section without a type, so keep `[general]` out of a file Asterisk also reads.
 */
import { HostAllowList } from '../net/host-allow-list.js';
import { astTrue, parseIntInRange } from './ari-config.js';
import type { ConfEntry, ConfError, ConfFile, ConfSection } from './conf-types.js';
import { splitList } from './pjsip-config.js';

export type WebSocketConnectionType = 'persistent' | 'per_call_config';

export interface WebSocketClientConfig {
  /** The section name: the connection id (`WebSocket/<name>`, externalMedia `external_host`). */
  readonly name: string;
  /** `ws://` or `wss://`; path and query kept; userinfo in it wins over username/password. */
  readonly uri: string;
  /** Sent as `Sec-WebSocket-Protocol`; empty sends none. */
  readonly protocols: readonly string[];
  readonly username: string;
  readonly password: string;
  /** Unset unless written (Asterisk has no default; set it explicitly). */
  readonly connectionType: WebSocketConnectionType | undefined;
  /** ms: each try's limit; also the write timeout of client media sockets. */
  readonly connectionTimeoutMs: number;
  readonly reconnectIntervalMs: number;
  /** Tries per cycle (per_call: give up after them; persistent: cycles forever). */
  readonly reconnectAttempts: number;
  readonly tlsEnabled: boolean;
  readonly tls: {
    readonly caListFile: string;
    readonly caListPath: string;
    readonly certFile: string;
    readonly privKeyFile: string;
    readonly verifyServerCert: boolean;
    readonly verifyServerHostname: boolean;
  };
}

/** The `[general]` section: which per-call URIs may be dialled, and how. */
export interface PerCallUriConfig {
  /** `allowed_per_call_hosts`: empty unless configured (deny by default). */
  readonly allowedHosts: HostAllowList;
  /** The settings every per-call URI connection uses (its `uri` is the call's). */
  readonly settings: WebSocketClientConfig;
}

/** The option that lists the hosts per-call URIs may name, as error messages spell it. */
export const ALLOWED_PER_CALL_HOSTS = 'allowed_per_call_hosts';
export const PER_CALL_LIST_NAME = `websocket_client.conf [general] ${ALLOWED_PER_CALL_HOSTS}`;

/** [general] options that belong to one connection only. */
const CONNECTION_ONLY = new Set(['uri', 'username', 'password', 'connection_type', 'tls_enabled']);

/** The connections by name, with the `[general]` per-call URI settings beside them. */
export class WebSocketClientConnections extends Map<string, WebSocketClientConfig> {
  constructor(readonly perCall: PerCallUriConfig = { allowedHosts: HostAllowList.NONE, settings: defaults('') }) {
    super();
  }
}

export interface WebSocketClientConfigResult {
  /** The connections by name (and the per-call URI settings of `[general]`). */
  readonly config: WebSocketClientConnections;
  /** The file's parse errors followed by section and option errors. */
  readonly errors: readonly ConfError[];
}

/** res_websocket_client.c's registered defaults (reconnect_attempts is 4 whatever the connection type). */
export const WEBSOCKET_CLIENT_DEFAULTS = {
  connectionTimeoutMs: 500,
  reconnectIntervalMs: 500,
  reconnectAttempts: 4,
} as const;

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** Options of Asterisk 23.5 (proxies, keepalives, pings) that 22.10 rejects: reported as not supported. */
const LATER_OPTIONS = new Set([
  'proxy_host',
  'proxy_username',
  'proxy_password',
  'enable_tcp_keepalives',
  'tcp_keepalive_time',
  'tcp_keepalive_interval',
  'tcp_keepalive_probes',
  'enable_pingpongs',
  'pingpong_interval',
  'pingpong_probes',
]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Draft = Mutable<Omit<WebSocketClientConfig, 'tls'>> & { tls: Mutable<WebSocketClientConfig['tls']> };

function defaults(name: string): Draft {
  return {
    name,
    uri: '',
    protocols: [],
    username: '',
    password: '',
    connectionType: undefined,
    ...WEBSOCKET_CLIENT_DEFAULTS,
    tlsEnabled: false,
    tls: {
      caListFile: '',
      caListPath: '',
      certFile: '',
      privKeyFile: '',
      verifyServerCert: true,
      verifyServerHostname: true,
    },
  };
}

type Err = (e: ConfEntry, message: string) => void;

/** One option into the draft; false when the name is not an option. */
function apply(d: Draft, e: ConfEntry, err: Err): boolean {
  const key = e.key.toLowerCase();
  const int = (set: (n: number) => void): void => {
    const n = parseIntInRange(e.value.trim(), INT_MIN, INT_MAX);
    if (n === undefined) err(e, `Error parsing ${e.key}=${e.value}`);
    else set(n);
  };
  switch (key) {
    case 'uri':
      d.uri = e.value.trim();
      return true;
    case 'protocols':
      d.protocols = splitList(e.value);
      return true;
    case 'username':
      d.username = e.value;
      return true;
    case 'password':
      d.password = e.value;
      return true;
    case 'connection_type': {
      const v = e.value.trim().toLowerCase();
      if (v === 'persistent' || v === 'per_call_config') d.connectionType = v;
      else err(e, `Error parsing ${e.key}=${e.value}: persistent or per_call_config`);
      return true;
    }
    case 'connection_timeout':
      int((n) => (d.connectionTimeoutMs = n));
      return true;
    case 'reconnect_interval':
      int((n) => (d.reconnectIntervalMs = n));
      return true;
    case 'reconnect_attempts':
      int((n) => (d.reconnectAttempts = n));
      return true;
    case 'tls_enabled':
      d.tlsEnabled = astTrue(e.value.trim());
      return true;
    case 'ca_list_file':
      d.tls.caListFile = e.value.trim();
      return true;
    case 'ca_list_path':
      d.tls.caListPath = e.value.trim();
      return true;
    case 'cert_file':
      d.tls.certFile = e.value.trim();
      return true;
    case 'priv_key_file':
      d.tls.privKeyFile = e.value.trim();
      return true;
    case 'verify_server_cert':
      d.tls.verifyServerCert = astTrue(e.value.trim());
      return true;
    case 'verify_server_hostname':
      d.tls.verifyServerHostname = astTrue(e.value.trim());
      return true;
    default:
      return false;
  }
}

/** Why a connection's `uri` cannot be used, or undefined when it can. */
function uriProblem(uri: string): string | undefined {
  if (uri === '') return "no 'uri'";
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `'uri' ${uri} is not a URI`;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return `'uri' ${uri} is not ws:// or wss://`;
  return undefined;
}

export function parseWebSocketClientConfig(file: ConfFile): WebSocketClientConfigResult {
  const errors: ConfError[] = [...file.errors];
  const err: Err = (e, message) => void errors.push({ file: e.file, line: e.line, message });
  const drafts = new Map<string, { draft: Draft; at: ConfEntry | undefined }>();
  const general = defaults('');
  const allowed: string[] = [];
  for (const section of file.sections) {
    if (section.isTemplate) continue; // templates are copied into their users by the parser
    const typeEntry = section.entries.findLast((e) => e.key.toLowerCase() === 'type');
    if (typeEntry === undefined && section.name.toLowerCase() === 'general') {
      parseGeneral(section, general, allowed, err);
      continue;
    }
    if (typeEntry?.value.trim().toLowerCase() !== 'websocket_client') {
      skip(section, typeEntry ? `unknown type '${typeEntry.value}'` : "no 'type'", errors);
      continue;
    }
    // A name used again adds to the first section (sorcery merges them), later values winning.
    const found = drafts.get(section.name) ?? { draft: defaults(section.name), at: section.entries[0] };
    drafts.set(section.name, found);
    for (const e of section.entries) {
      const key = e.key.toLowerCase();
      if (key === 'type' || apply(found.draft, e, err)) continue;
      if (LATER_OPTIONS.has(key)) err(e, `Option '${e.key}' (Asterisk 23.5) is not supported; ignored`);
      else err(e, `Could not find option suitable for category '${section.name}' named '${e.key}'`);
    }
  }
  const hosts = HostAllowList.parse(allowed);
  for (const entry of hosts.invalid) {
    const at = file.sections.find((s) => s.name.toLowerCase() === 'general')?.entries[0];
    errors.push({ file: at?.file ?? 'websocket_client.conf', line: at?.line ?? 0, message: `${ALLOWED_PER_CALL_HOSTS}: '${entry}' is not a host, address, block or pattern; ignored` }); // prettier-ignore
  }
  const config = new WebSocketClientConnections({ allowedHosts: hosts.list, settings: general });
  for (const [name, { draft, at }] of drafts) {
    const problem = uriProblem(draft.uri);
    if (problem === undefined) config.set(name, draft);
    else errors.push({ file: at?.file ?? 'websocket_client.conf', line: at?.line ?? 0, message: `Connection '${name}' skipped: ${problem}` }); // prettier-ignore
  }
  return { config, errors };
}

/** `[general]`: the allow-list lines, and a connection's options as the settings of per-call URIs. */
function parseGeneral(section: ConfSection, settings: Draft, allowed: string[], err: Err): void {
  for (const e of section.entries) {
    const key = e.key.toLowerCase();
    if (key === ALLOWED_PER_CALL_HOSTS) allowed.push(e.value);
    else if (CONNECTION_ONLY.has(key)) err(e, `Option '${e.key}' applies to one connection; not used in [general]`);
    else if (!apply(settings, e, err)) err(e, `Could not find option suitable for category 'general' named '${e.key}'`);
  }
}

function skip(section: ConfSection, why: string, errors: ConfError[]): void {
  const at = section.entries[0];
  errors.push({
    file: at?.file ?? 'websocket_client.conf',
    line: at?.line ?? 0,
    message: `Section '${section.name}' skipped: ${why}`,
  });
}
