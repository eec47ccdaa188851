/**
 * The TLS options of a pjsip.conf transport (res_pjsip's transport object: cert_file, priv_key_file,
 * ca_list_file, ca_list_path, password, cipher, method, verify_client, verify_server, require_client_cert).
 * They are read into `transport.tls` whatever the protocol, as Asterisk accepts them on any transport; only a
 * `protocol=tls` transport uses them.
 */
import { astTrue } from './ari-config.js';
import type { ConfEntry } from './conf-types.js';
import type { TransportTlsConfig } from './pjsip-types.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

export const TLS_DEFAULTS: TransportTlsConfig = {
  certFile: '',
  privKeyFile: '',
  caListFile: '',
  caListPath: '',
  password: '',
  cipher: '',
  method: undefined,
  verifyClient: false,
  verifyServer: false,
  requireClientCert: false,
};

const PATHS = {
  cert_file: 'certFile',
  priv_key_file: 'privKeyFile',
  ca_list_file: 'caListFile',
  ca_list_path: 'caListPath',
  password: 'password',
} as const;
const SWITCHES = {
  verify_client: 'verifyClient',
  verify_server: 'verifyServer',
  require_client_cert: 'requireClientCert',
} as const;
/** `method` values Asterisk lists; the SSL ones name protocols OpenSSL 3 no longer offers. */
const PINNED = ['tlsv1', 'tlsv1_1', 'tlsv1_2', 'tlsv1_3'] as const;
const DEFAULT_METHODS = new Set(['default', 'unspecified', 'sslv23']);

/** Applies one transport option if it is a TLS one; false when `key` is not a TLS option. */
export function applyTransportTls(
  d: { tls?: TransportTlsConfig },
  e: ConfEntry,
  key: string,
  err: (e: ConfEntry, message: string) => void,
): boolean {
  const isPath = Object.hasOwn(PATHS, key);
  const isSwitch = Object.hasOwn(SWITCHES, key);
  if (!isPath && !isSwitch && key !== 'cipher' && key !== 'method') return false;
  const tls: Writable<TransportTlsConfig> = { ...TLS_DEFAULTS, ...d.tls };
  if (isPath) tls[PATHS[key as keyof typeof PATHS]] = e.value;
  else if (isSwitch) tls[SWITCHES[key as keyof typeof SWITCHES]] = astTrue(e.value);
  else if (key === 'cipher') {
    // Asterisk takes a comma-separated list of OpenSSL cipher names; OpenSSL's own separator is ':'.
    tls.cipher = e.value
      .split(/[,:]/)
      .map((c) => c.trim())
      .filter((c) => c !== '')
      .join(':');
  } else {
    const m = e.value.trim().toLowerCase();
    const pinned = PINNED.find((p) => p === m);
    if (pinned !== undefined) tls.method = pinned;
    else {
      tls.method = undefined;
      if (!DEFAULT_METHODS.has(m)) err(e, `TLS method '${e.value}' is not supported; using the default (TLSv1.2+)`);
    }
  }
  d.tls = tls;
  return true;
}
