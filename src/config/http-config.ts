/**
 * http.conf → HttpConfig, following the `[general]` loop of Asterisk's main/http.c (__ast_http_load) and the
 * TLS options of ast_tls_read_conf(). Switchyard differs in two defaults: the server is enabled and bound to
 * 127.0.0.1 out of the box (Asterisk ships with enabled=no and no bindaddr). The TLS options open the HTTPS/WSS
 * listener (tls-listener.ts) and `sessionlimit` caps connections; the session timers are parsed only.
 */
import { isIP } from 'node:net';
import { astTrue, parseIntInRange } from './ari-config.js';
import type { ConfEntry, ConfError, ConfFile } from './conf-types.js';

export interface HttpConfig {
  readonly enabled: boolean;
  /** Host to listen on: an IP literal (no brackets) or a host name. */
  readonly bindaddr: string;
  readonly bindport: number;
  /** URI prefix with its leading `/` (`prefix=asterisk` → `/asterisk`), or '' for none. */
  readonly prefix: string;
  /** Server header; undefined = the built-in one, '' = none. */
  readonly servername: string | undefined;
  readonly enablestatic: boolean;
  readonly sessionlimit: number;
  readonly sessionInactivityMs: number;
  readonly sessionKeepAliveMs: number;
  /** `redirect = /from /to` lines, as written. */
  readonly redirects: readonly string[];
  readonly tlsenable: boolean;
  readonly tlsbindaddr: string;
  readonly tlscertfile: string;
  readonly tlsprivatekey: string;
  readonly tlscipher: string;
  readonly tlscafile: string;
  readonly tlscapath: string;
  /** Switchyard's own `metrics_enabled`: serve Prometheus metrics at `<prefix>/metrics` (default yes). */
  readonly metricsEnabled: boolean;
  /** Switchyard's own `metrics_auth`: `/metrics` asks for an ari.conf user like ARI does (default yes). */
  readonly metricsAuth: boolean;
}

export interface HttpConfigResult {
  readonly config: HttpConfig;
  /** The file's parse errors followed by option errors. */
  readonly errors: readonly ConfError[];
}

/** http.c DEFAULT_PORT, DEFAULT_SESSION_LIMIT, DEFAULT_SESSION_INACTIVITY, DEFAULT_SESSION_KEEP_ALIVE. */
const DEFAULT_PORT = 8088;
const INT_MAX = 2 ** 31 - 1;

export const HTTP_DEFAULTS: HttpConfig = {
  enabled: true,
  bindaddr: '127.0.0.1',
  bindport: DEFAULT_PORT,
  prefix: '',
  servername: undefined,
  enablestatic: false,
  sessionlimit: 100,
  sessionInactivityMs: 30_000,
  sessionKeepAliveMs: 15_000,
  redirects: [],
  tlsenable: false,
  tlsbindaddr: '',
  tlscertfile: '',
  tlsprivatekey: '',
  tlscipher: '',
  tlscafile: '',
  tlscapath: '',
  metricsEnabled: true,
  metricsAuth: true,
};

/** ast_tls_read_conf() names (with their ssl* aliases) that map onto a string field. */
type TlsStringField = 'tlsbindaddr' | 'tlscertfile' | 'tlsprivatekey' | 'tlscipher' | 'tlscafile' | 'tlscapath';
const TLS_STRINGS: Record<string, TlsStringField> = {
  tlsbindaddr: 'tlsbindaddr', sslbindaddr: 'tlsbindaddr',
  tlscertfile: 'tlscertfile', sslcert: 'tlscertfile', tlscert: 'tlscertfile',
  tlsprivatekey: 'tlsprivatekey', sslprivatekey: 'tlsprivatekey',
  tlscipher: 'tlscipher', sslcipher: 'tlscipher',
  tlscafile: 'tlscafile',
  tlscapath: 'tlscapath', tlscadir: 'tlscapath',
}; // prettier-ignore
/** Other TLS switches ast_tls_read_conf() accepts; known, so not reported, but not modelled. */
const TLS_IGNORED = new Set([
  'tlsverifyclient', 'tlsdontverifyserver', 'tlsclientmethod', 'sslclientmethod',
  'tlsservercipherorder', 'tlsdisablev1', 'tlsdisablev11', 'tlsdisablev12',
]); // prettier-ignore

/** `host`, `host:port`, `[v6]`, `[v6]:port` or a bare IPv6 literal (ast_sockaddr_parse forms). */
export function splitHostPort(value: string): { host: string; port?: number } | undefined {
  let host = value;
  let portText: string | undefined;
  const bracket = /^\[([^\]]*)\](?::(.*))?$/.exec(value);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2];
    if (isIP(host) !== 6) return undefined;
  } else if (value.split(':').length === 2) {
    [host, portText] = value.split(':') as [string, string];
  }
  const isHostName = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host);
  if (isIP(host) === 0 && !isHostName) return undefined;
  if (portText === undefined) return { host };
  const port = parseIntInRange(portText, 0, 65535);
  return port === undefined ? undefined : { host, port };
}

export function parseHttpConfig(conf: ConfFile): HttpConfigResult {
  const errors: ConfError[] = [...conf.errors];
  const err = (e: ConfEntry, message: string): void => void errors.push({ file: e.file, line: e.line, message });
  const c = { ...HTTP_DEFAULTS, redirects: [] as string[] };
  let portFromAddr: number | undefined;
  // Asterisk reads only [general]; every [general] section is read here, in order.
  for (const section of conf.sections) {
    if (section.isTemplate || section.name !== 'general') continue;
    for (const e of section.entries) {
      const key = e.key.toLowerCase();
      const tlsField = Object.hasOwn(TLS_STRINGS, key) ? TLS_STRINGS[key] : undefined;
      if (tlsField) c[tlsField] = e.value;
      else if (key === 'tlsenable' || key === 'sslenable') c.tlsenable = astTrue(e.value);
      else if (TLS_IGNORED.has(key)) continue;
      else if (key === 'enabled') c.enabled = astTrue(e.value);
      else if (key === 'enablestatic' || key === 'enable_static') c.enablestatic = astTrue(e.value);
      else if (key === 'servername') c.servername = e.value;
      else if (key === 'redirect') c.redirects.push(e.value);
      else if (key === 'metrics_enabled') c.metricsEnabled = astTrue(e.value);
      else if (key === 'metrics_auth') c.metricsAuth = astTrue(e.value);
      else if (key === 'bindport') {
        // PARSE_DEFAULT: a bad port falls back to the default port, not to the previous value.
        const port = parseIntInRange(e.value, 0, 65535);
        if (port === undefined) err(e, `Invalid port ${e.value} specified. Using default port ${DEFAULT_PORT}`);
        c.bindport = port ?? DEFAULT_PORT;
      } else if (key === 'bindaddr') {
        const hp = splitHostPort(e.value);
        if (!hp) err(e, `Invalid bind address ${e.value}`);
        else {
          c.bindaddr = hp.host;
          portFromAddr = hp.port; // a port given in bindaddr wins over bindport
        }
      } else if (key === 'prefix') {
        // Asterisk prepends '/' unconditionally; we drop slashes the user already wrote so `/ari` still works.
        const p = e.value.replace(/^\/+/, '');
        c.prefix = p === '' ? '' : `/${p}`;
      } else if (key === 'sessionlimit') c.sessionlimit = intOption(e, 1, 100, err);
      else if (key === 'session_inactivity') c.sessionInactivityMs = intOption(e, 1, 30_000, err);
      else if (key === 'session_keep_alive') c.sessionKeepAliveMs = intOption(e, 0, 15_000, err);
      else err(e, `Ignoring unknown option '${e.key}' in http.conf`);
    }
  }
  if (portFromAddr) c.bindport = portFromAddr;
  return { config: c, errors };
}

function intOption(e: ConfEntry, min: number, fallback: number, err: (e: ConfEntry, m: string) => void): number {
  const n = parseIntInRange(e.value, min, INT_MAX);
  if (n === undefined) err(e, `Invalid ${e.key} '${e.value}'`);
  return n ?? fallback;
}
