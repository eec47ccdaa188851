/**
 * Reads ari.conf, http.conf, extensions.conf, pjsip.conf, rtp.conf, asterisk.conf, musiconhold.conf and
 * indications.conf from one folder, as Asterisk reads them
 * from its config dir (ast_config_AST_CONFIG_DIR). Relative `#include` names resolve against that folder, as in Asterisk
 * (config.c resolves them against the config dir, not against the including file). Glob includes are not
 * expanded. A missing file means that subsystem's defaults.
 */
import { parseAdmissionLimits, parseSystemName, type AdmissionLimits } from './asterisk-options.js';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAriConfig, verifyPassword, type AriConfig } from './ari-config.js';
import { parseConf } from './conf-parser.js';
import type { ConfError, ConfFile } from './conf-types.js';
import { parseHttpConfig, type HttpConfig } from './http-config.js';
import { parsePjsipConfig } from './pjsip-config.js';
import type { PjsipConfig, RtpConfig } from './pjsip-types.js';
import { parseRtpConfig } from './rtp-config.js';
import { parseMediaConfig, type MediaConfig } from './media-config.js';
import { parseWebSocketClientConfig, type WebSocketClientConfig } from './websocket-client-config.js';

export interface LoadedConfig {
  /** The folder the files were read from (the package's `config/` when none was given). */
  readonly dir: string;
  readonly ari: AriConfig;
  readonly http: HttpConfig;
  readonly extensions: ConfFile;
  readonly pjsip: PjsipConfig;
  readonly rtp: RtpConfig;
  /** asterisk.conf directories, musiconhold.conf, indications.conf. */
  readonly media: MediaConfig;
  /** asterisk.conf `[options]` maxcalls, maxload, minmemfree, maxheapmb. */
  readonly limits: AdmissionLimits;
  /** asterisk.conf `[options]` systemname / autosystemname; "" when neither is set, as in Asterisk. */
  readonly systemName: string;
  /** websocket_client.conf: outbound WebSocket connections by name. */
  readonly websocketClients: ReadonlyMap<string, WebSocketClientConfig>;
  /** Every file's parse and option errors, in the order ari, http, extensions, pjsip, rtp, media. */
  readonly errors: readonly ConfError[];
}

/** The password ari.conf.sample and our embedded ari.conf ship with. */
const DEFAULT_PASSWORD = 'asterisk';

/** The package's `config/` folder: found from this module's URL, so it works from src/ (tsx) and dist/. */
export function embeddedConfigDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'config');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('switchyard: cannot find package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** `Switchyard <version>` from the package.json beside `config/`: the default SIP User-Agent/Server header. */
export function defaultUserAgent(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(embeddedConfigDir(), '..', 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? `Switchyard ${pkg.version}` : 'Switchyard';
  } catch {
    return 'Switchyard';
  }
}

/** File text, undefined when it does not exist; other read errors (EACCES, EISDIR) propagate. */
function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Parses `name` from `dir`; undefined when the file is absent; a read failure becomes an error entry. */
export function loadConf(dir: string, name: string, errors: ConfError[]): ConfFile | undefined {
  let text: string | undefined;
  try {
    text = readIfExists(join(dir, name));
  } catch (e) {
    errors.push({ file: name, line: 0, message: `Cannot read ${name}: ${(e as Error).message}` });
    return undefined;
  }
  if (text === undefined) return undefined;
  return parseConf(text, {
    file: name,
    readInclude: (inc) => readIfExists(isAbsolute(inc) ? inc : join(dir, inc)), // errors reported by the parser
  });
}

const EMPTY: ConfFile = { sections: [], errors: [] };

/**
 * Loads the five files from `configDir`, or the embedded defaults when it is undefined. Throws only when
 * `configDir` is not a directory (a mistyped --config-dir should not silently start on defaults).
 */
export function loadConfig(configDir: string | undefined): LoadedConfig {
  const dir = configDir === undefined ? embeddedConfigDir() : resolve(configDir);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new Error(`config dir ${dir} does not exist or is not a directory`);

  const errors: ConfError[] = [];
  const ari = parseAriConfig(loadConf(dir, 'ari.conf', errors) ?? EMPTY, 'ari.conf');
  errors.push(...ari.errors);
  const http = parseHttpConfig(loadConf(dir, 'http.conf', errors) ?? EMPTY);
  errors.push(...http.errors);
  const extensions = loadConf(dir, 'extensions.conf', errors) ?? EMPTY;
  errors.push(...extensions.errors);
  const pjsip = parsePjsipConfig(loadConf(dir, 'pjsip.conf', errors) ?? EMPTY, { userAgent: defaultUserAgent() });
  errors.push(...pjsip.errors);
  const rtp = parseRtpConfig(loadConf(dir, 'rtp.conf', errors) ?? EMPTY);
  errors.push(...rtp.errors);
  const asterisk = loadConf(dir, 'asterisk.conf', errors);
  const limits = parseAdmissionLimits(asterisk);
  errors.push(...limits.errors);
  const musiconhold = loadConf(dir, 'musiconhold.conf', errors);
  const indications = loadConf(dir, 'indications.conf', errors);
  const media = parseMediaConfig(
    { ...(asterisk && { asterisk }), ...(musiconhold && { musiconhold }), ...(indications && { indications }) },
    dir,
  );
  errors.push(...media.errors);
  const websocketClients = parseWebSocketClientConfig(loadConf(dir, 'websocket_client.conf', errors) ?? EMPTY);
  errors.push(...websocketClients.errors);
  return {
    dir,
    ari: ari.config,
    http: http.config,
    extensions,
    pjsip: pjsip.config,
    rtp: rtp.config,
    media: media.config,
    limits: limits.limits,
    systemName: parseSystemName(asterisk),
    websocketClients: websocketClients.config,
    errors,
  };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');
LOOPBACK.addSubnet('::ffff:127.0.0.0', 104, 'ipv6'); // IPv4-mapped loopback

/** True for 127.0.0.0/8, ::1 (any spelling, bracketed or not), IPv4-mapped 127/8, and `localhost`. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (h.toLowerCase() === 'localhost') return true;
  const family = isIP(h);
  if (family === 4) return LOOPBACK.check(h, 'ipv4');
  if (family === 6) return LOOPBACK.check(h, 'ipv6');
  return false;
}

/**
 * Refuses a listener reachable from other hosts while an ARI user still has the default password `asterisk`
 * (plain, or a crypt hash of it): anyone on the network could then control calls. Throws with the fix.
 */
export function assertSafeBinding(http: Pick<HttpConfig, 'bindaddr'>, ari: Pick<AriConfig, 'users'>): void {
  if (isLoopbackAddress(http.bindaddr)) return;
  const weak = [...ari.users.values()].filter((u) => verifyPassword(u, DEFAULT_PASSWORD)).map((u) => u.name);
  if (weak.length === 0) return;
  throw new Error(
    `refusing to listen on ${http.bindaddr || 'all interfaces'}: ARI user(s) ${weak.map((n) => `'${n}'`).join(', ')} ` +
      `still have the default password '${DEFAULT_PASSWORD}'. Set another password in ari.conf, ` +
      'or bind to a loopback address (http.conf bindaddr=127.0.0.1).',
  );
}

/**
 * The SIP side of the same guard: a transport reachable from other hosts while an `anonymous` endpoint exists
 * lets anyone on the network place calls into that endpoint's context without authenticating (Asterisk gives
 * unmatched requests to it). That is a legitimate set-up for a public SIP address, so it is not refused; the
 * returned sentence is logged as a warning at start. Undefined when there is nothing to say.
 */
export function anonymousSipExposure(pjsip: Pick<PjsipConfig, 'transports' | 'endpoints'>): string | undefined {
  const anonymous = pjsip.endpoints.get('anonymous');
  if (anonymous === undefined) return undefined;
  const open = pjsip.transports.filter((t) => !isLoopbackAddress(t.host));
  if (open.length === 0) return undefined;
  const where = open.map((t) => `'${t.name}' (${t.protocol} ${t.host || 'all interfaces'})`).join(', ');
  return (
    `SIP transport(s) ${where} accept requests from other hosts and an 'anonymous' endpoint exists: ` +
    `anyone who can reach them can call into context '${anonymous.context}' without authenticating. ` +
    'Remove [anonymous] from pjsip.conf, give it a context that only answers what strangers may reach, or bind ' +
    'the transports to a loopback address.'
  );
}
