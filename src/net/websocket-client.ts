/**
 * Outbound WebSocket connections as Asterisk's res_websocket_client makes them for a websocket_client.conf
 * connection (WebSocket media channels in client mode, ARI outbound WebSockets): one cycle of up to
 * `reconnect_attempts` tries with `reconnect_interval` between them, each bounded by `connection_timeout`, HTTP
 * Basic auth from username/password, `Sec-WebSocket-Protocol` from `protocols`, and extra query parameters kept per
 * call. A persistent connection repeats the cycle itself. Headers may be added per call too (not in Asterisk): they
 * come after the configured ones, so a per-call `Authorization` replaces the configured credentials.
 *
 * Asterisk facts followed (res_websocket_client.c, res_http_websocket.c, 22.10.1):
 * - At least one try is made; `reconnect_attempts` counts tries, not retries.
 * - Extra parameters are appended with `?`, or `&` when the configured URI already has a query.
 * - Credentials in the URI's userinfo win over username/password, which are used only when both are set.
 * - The server may leave `Sec-WebSocket-Protocol` out of its reply; when present it must be one we offered.
 * - A reply with `Sec-WebSocket-Extensions` is refused (no extension is offered).
 * Unlike Asterisk 22/23, the timeout covers the whole handshake, so a server that accepts TCP and never answers
 * cannot hold a call (Asterisk #1979).
 *
 * A leaf: it depends only on Node and `ws`, so the media workers and the main thread can both use it.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';

/** The connection a client dials (websocket_client.conf), as plain values. */
export interface WebSocketClientSettings {
  readonly uri: string;
  readonly protocols: readonly string[];
  readonly username: string;
  readonly password: string;
  /** Each try's limit, handshake included (ms). */
  readonly connectionTimeoutMs: number;
  readonly reconnectIntervalMs: number;
  /** Tries per cycle (at least one is made). */
  readonly reconnectAttempts: number;
  readonly tls: {
    readonly caListFile: string;
    readonly caListPath: string;
    readonly certFile: string;
    readonly privKeyFile: string;
    readonly verifyServerCert: boolean;
    readonly verifyServerHostname: boolean;
  };
}

export interface ConnectOptions {
  /** Query parameters for this connection only, already URI-encoded (`a=1&b=2`). */
  readonly query?: string;
  /** Handshake headers for this connection only (names checked by the caller), in order; a later one wins. */
  readonly headers?: readonly (readonly [string, string])[];
  /** Stops the cycle (between tries, or the try under way). */
  readonly signal?: AbortSignal;
  /** The largest message accepted; a bigger one closes the socket with 1009. */
  readonly maxPayload?: number;
  /** Called after each failed try (for logging). */
  readonly onAttemptFailed?: (attempt: number, reason: string) => void;
}

/** The socket type callers hold (re-exported so that they need not import `ws` themselves). */
export type ClientWebSocket = WebSocket;

export type ConnectResult =
  | { readonly ok: true; readonly socket: ClientWebSocket; readonly protocol: string; readonly attempts: number }
  | { readonly ok: false; readonly reason: string; readonly attempts: number };

/** `uri` with `query` appended: `?` when it has no query yet, `&` when it has one (ast_websocket_client_connect). */
export function clientUri(uri: string, query: string): string {
  if (query === '') return uri;
  return `${uri}${uri.includes('?') ? '&' : '?'}${query}`;
}

/** One cycle of tries; resolves with the open socket or the last failure. */
export async function connectWebSocket(
  settings: WebSocketClientSettings,
  options: ConnectOptions = {},
): Promise<ConnectResult> {
  const tries = Math.max(1, settings.reconnectAttempts);
  let tls: TlsMaterial;
  try {
    tls = await tlsMaterial(settings);
  } catch (err) {
    return { ok: false, reason: `TLS files: ${(err as Error).message}`, attempts: 0 };
  }
  const uri = clientUri(settings.uri, options.query ?? '');
  let reason = 'aborted';
  let made = 0;
  while (made < tries && !options.signal?.aborted) {
    const result = await connectOnce(uri, settings, tls, options);
    made++;
    if (result.ok) return { ...result, attempts: made };
    reason = result.reason;
    options.onAttemptFailed?.(made, reason);
    if (made < tries && !(await pause(settings.reconnectIntervalMs, options.signal))) break;
  }
  return { ok: false, reason: options.signal?.aborted ? 'aborted' : reason, attempts: made };
}

interface TlsMaterial {
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
}

/** ca_list_file, every file of ca_list_path (Node has no CA directory option), cert_file and priv_key_file. */
async function tlsMaterial(settings: WebSocketClientSettings): Promise<TlsMaterial> {
  const { caListFile, caListPath, certFile, privKeyFile } = settings.tls;
  const out: TlsMaterial = {};
  const ca: Buffer[] = [];
  if (caListFile !== '') ca.push(await readFile(caListFile));
  if (caListPath !== '') {
    for (const name of (await readdir(caListPath)).sort()) {
      if (/\.(pem|crt|cer)$/i.test(name)) ca.push(await readFile(join(caListPath, name)));
    }
  }
  if (ca.length > 0) out.ca = ca;
  // Without priv_key_file the key is looked for in cert_file, as OpenSSL's loader does for Asterisk.
  if (certFile !== '') {
    out.cert = await readFile(certFile);
    out.key = privKeyFile === '' ? out.cert : await readFile(privKeyFile);
  }
  return out;
}

type TryResult = { ok: true; socket: WebSocket; protocol: string } | { ok: false; reason: string };

function connectOnce(
  uri: string,
  settings: WebSocketClientSettings,
  tls: TlsMaterial,
  options: ConnectOptions,
): Promise<TryResult> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      resolve({ ok: false, reason: `invalid URI ${uri}` });
      return;
    }
    const offered = settings.protocols;
    let selected = '';
    const headers: Record<string, string> = {};
    // The offer is written by hand so that a reply without a protocol is accepted, as Asterisk accepts it (`ws`
    // refuses that when it makes the offer); a reply naming a protocol is checked below.
    if (offered.length > 0) headers['Sec-WebSocket-Protocol'] = offered.join(', ');
    const hasUserinfo = url.username !== '' || url.password !== '';
    if (!hasUserinfo && settings.username !== '' && settings.password !== '') {
      headers.Authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
    }
    for (const [name, value] of options.headers ?? []) {
      // Header names are case-insensitive: a per-call header replaces a configured one of any spelling.
      for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
      headers[name] = value;
    }
    let socket: WebSocket;
    try {
      socket = new WebSocket(uri, {
        headers,
        handshakeTimeout: settings.connectionTimeoutMs,
        perMessageDeflate: false,
        followRedirects: false,
        ...(options.maxPayload !== undefined && { maxPayload: options.maxPayload }),
        ...tls,
        rejectUnauthorized: settings.tls.verifyServerCert,
        ...(!settings.tls.verifyServerHostname && { checkServerIdentity: () => undefined }),
        finishRequest: (req: ClientRequest) => {
          req.prependListener('upgrade', (res: IncomingMessage) => {
            const chosen = res.headers['sec-websocket-protocol'];
            if (chosen === undefined || !offered.includes(chosen)) return; // `ws` fails one we did not offer
            selected = chosen;
            delete res.headers['sec-websocket-protocol'];
          });
          req.end();
        },
      });
    } catch (err) {
      resolve({ ok: false, reason: (err as Error).message });
      return;
    }
    const onAbort = (): void => socket.terminate();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (result: TryResult): void => {
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('open', onOpen);
      socket.off('error', onError);
      socket.off('close', onClose);
      // A failed socket may still report (an abort during the handshake does): nobody listens any more.
      if (!result.ok) socket.on('error', () => undefined);
      resolve(result);
    };
    const onOpen = (): void => settle({ ok: true, socket, protocol: selected });
    const onError = (err: Error): void =>
      settle({ ok: false, reason: options.signal?.aborted ? 'aborted' : describe(err) });
    const onClose = (): void => settle({ ok: false, reason: options.signal?.aborted ? 'aborted' : 'closed' });
    socket.on('open', onOpen);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
}

function describe(err: Error): string {
  if (err.message === 'Server sent a subprotocol but none was requested') return 'Server sent an invalid subprotocol';
  return err.message;
}

/** Wait `ms`; false when aborted meanwhile. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (value: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
