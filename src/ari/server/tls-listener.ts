/**
 * ARI over HTTPS and WSS (http.conf `tlsenable`): the same requests, api-docs and WebSocket upgrades as the plain
 * listener, on a second address. Asterisk serves both when both are enabled; so does Switchyard. This module turns
 * the http.conf TLS options, as plain values, into `https.createServer` options.
 */
import type { ServerOptions } from 'node:https';
import { readPemFiles } from '../../util/tls-files.js';

/** main/http.c DEFAULT_TLS_PORT: the port of `tlsbindaddr` when it names none. */
export const ARI_TLS_DEFAULT_PORT = 8089;

/** http.conf's TLS options, as written (paths, an OpenSSL cipher list); '' = unset. */
export interface AriTlsSettings {
  /** `tlscertfile`: the certificate chain (PEM). */
  readonly certFile: string;
  /** `tlsprivatekey`: '' = the key is in the certificate file. */
  readonly privateKey: string;
  /** `tlscipher`: an OpenSSL cipher list; '' = Node's default. */
  readonly cipher: string;
  /** `tlscafile` / `tlscapath`: extra CA certificates, sent to clients to complete the chain. */
  readonly caFile: string;
  readonly caPath: string;
}

/**
 * Reads the PEM files into server options; throws naming the file when one cannot be read. Clients are not
 * asked for a certificate: ARI authenticates with ari.conf users over the encrypted connection.
 */
export function ariTlsServerOptions(s: AriTlsSettings): ServerOptions {
  const pem = readPemFiles({ certFile: s.certFile, keyFile: s.privateKey, caFile: s.caFile, caPath: s.caPath });
  return {
    cert: pem.cert,
    key: pem.key,
    ...(pem.ca !== undefined && { ca: pem.ca }),
    ...(s.cipher !== '' && { ciphers: s.cipher }),
  };
}

/** `tlsbindaddr` → host and port (8089 when it gives none); `fallbackHost` when it is empty. */
export function ariTlsAddress(
  tlsbindaddr: string,
  fallbackHost: string,
  split: (v: string) => { host: string; port?: number } | undefined,
): { host: string; port: number } | undefined {
  if (tlsbindaddr.trim() === '') return { host: fallbackHost, port: ARI_TLS_DEFAULT_PORT };
  const hp = split(tlsbindaddr.trim());
  if (hp === undefined) return undefined;
  return { host: hp.host, port: hp.port ?? ARI_TLS_DEFAULT_PORT };
}
