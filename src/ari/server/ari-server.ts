/**
 * The ARI front end: `node:http` for REST and the api-docs, `ws` for the events WebSocket (with REST over
 * WebSocket), both going through one transport-independent Dispatcher (semantics.md §1-§3). Anything
 * outside `<prefix>/ari` answers 404 `{"message":"Resource not found"}`.
 */
import { answerClientError, headerLimitResponse, NODE_MAX_HEADER_BYTES } from './http-edge.js';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { AriAuthLimiter, holdBack, type AuthLimitOptions } from './auth-limiter.js';
import { withByteRange } from './byte-range.js';
import { Dispatcher } from './dispatcher.js';
import { EventsEndpoint } from './events-endpoint.js';
import { readBody } from './http-body.js';
import { toAriRequest, writeRawResponse, writeResponse } from './http-transport.js';
import { LowerCaseMethods } from './method-case.js';
import { MediaEndpoint, mediaConnectionPath, type MediaRouteOptions } from './media-endpoint.js';
import { MetricsEndpoint, isMetricsPath, type MetricsRouteOptions } from './metrics-endpoint.js';
import { errorResponse } from './responses.js';
import type { AriLogger, AriRequest, AriResponse, AriServerOptions } from './types.js';
import { ariRelativePath, normalizePrefix, splitTarget } from './uri.js';

export type { AriDocs, AriAuth, AriLogger, AriParam, AriRequest, AriResponse, AriServerOptions } from './types.js';

/** main/http.c MAX_CONTENT_LENGTH. */
const DEFAULT_MAX_BODY_BYTES = 40960;
/** http.conf session_keep_alive default (ms). */
const KEEP_ALIVE_MS = 15_000;

// Asterisk does not insist on a Host header (api-docs then simply have no basePath).
// Lenient parsing (LF-only lines, as Asterisk reads them) and a header limit above Asterisk's own, which
// http-edge.ts applies with Asterisk's answers; what Node still cannot parse is answered there too.
const SERVER_OPTIONS = { requireHostHeader: false, insecureHTTPParser: true, maxHeaderSize: NODE_MAX_HEADER_BYTES };

function listenOn(server: Server, host: string, port: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address() as AddressInfo;
      resolve({ host: addr.address, port: addr.port });
    });
  });
}

const SILENT: AriLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** http.conf `sessionlimit`: the most HTTP connections (WebSockets included) open at once. */
export interface SessionLimitOptions {
  readonly sessionLimit?: number;
}

/** A request read for its headers and query only (/metrics). */
const NO_BODY = { kind: 'none' } as const;

export class AriServer {
  readonly #opts: AriServerOptions;
  /** `<prefix>/media/<connection id>`: WebSocket media channels' sockets (when a driver serves them). */
  readonly #media: MediaEndpoint | undefined;
  /** `<prefix>/metrics`: Prometheus metrics, when the app provides them. */
  readonly #metrics: MetricsEndpoint | undefined;
  readonly #logger: AriLogger;
  readonly #prefix: string;
  readonly #maxBodyBytes: number;
  readonly #dispatcher: Dispatcher;
  readonly #events: EventsEndpoint;
  readonly #http: Server;
  /** http.conf tlsenable: the same server over TLS (tls-listener.ts), once listenTls() is called. */
  #https: Server | undefined;
  readonly #sessionLimit: number | undefined;
  /** Lower-case methods at the start of a plain HTTP connection (method-case.ts). */
  readonly #lowerCase: LowerCaseMethods;
  /** Per-address brake on failed authentications (429 while an address is refused). */
  readonly #authLimiter: AriAuthLimiter;
  #closing: Promise<void> | undefined;

  constructor(
    opts: AriServerOptions & MediaRouteOptions & MetricsRouteOptions & AuthLimitOptions & SessionLimitOptions,
  ) {
    this.#opts = opts;
    this.#logger = opts.logger ?? SILENT;
    this.#authLimiter = new AriAuthLimiter(opts, this.#logger);
    this.#media = opts.mediaConnections && new MediaEndpoint(opts.mediaConnections, opts.serverHeader, this.#logger);
    this.#metrics = opts.metrics && new MetricsEndpoint(opts.metrics, opts.auth);
    this.#prefix = normalizePrefix(opts.prefix);
    this.#maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#dispatcher = new Dispatcher({
      operations: opts.operations,
      handlers: opts.handlers,
      docs: opts.docs,
      auth: opts.auth,
      allowedOrigins: opts.allowedOrigins,
      prefix: this.#prefix,
      serverHeader: opts.serverHeader,
      logger: this.#logger,
    });
    this.#events = new EventsEndpoint({
      stasis: opts.stasis,
      dispatcher: this.#dispatcher,
      writeTimeoutMs: opts.websocketWriteTimeoutMs,
      serverHeader: opts.serverHeader,
      pretty: opts.pretty,
      logger: this.#logger,
      ...(opts.validator && { validator: opts.validator }),
    });
    this.#sessionLimit = opts.sessionLimit;
    this.#http = this.#wire(createServer(SERVER_OPTIONS, (req, res) => this.#onRequest(req, res)));
    this.#lowerCase = new LowerCaseMethods(this.#http, this.#http.headersTimeout);
  }

  /** Start listening; resolves with the bound address (port 0 picks a free port). */
  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return listenOn(this.#http, host, port);
  }

  /**
   * Also serve over TLS (HTTPS, and WSS for the events and media WebSockets) at `host:port`, with the certificate
   * material in `tls` (see ariTlsServerOptions). The plain listener is independent of this one.
   */
  listenTls(host: string, port: number, tls: HttpsServerOptions): Promise<{ host: string; port: number }> {
    if (this.#https !== undefined) return Promise.reject(new Error('ARI TLS listener already started'));
    const server = createHttpsServer({ ...SERVER_OPTIONS, ...tls }, (req, res) => this.#onRequest(req, res));
    server.on('tlsClientError', (err: Error) => this.#logger.warn({ err }, 'ARI TLS handshake failed'));
    this.#https = this.#wire(server);
    return listenOn(server, host, port);
  }

  /** The handlers and limits both listeners share. */
  #wire<S extends Server>(server: S): S {
    server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) =>
      answerClientError(err, socket, this.#opts.serverHeader),
    );
    server.keepAliveTimeout = KEEP_ALIVE_MS;
    // http.conf sessionlimit: connections beyond it are closed at once, unanswered, as Asterisk's HTTP server does.
    if (this.#sessionLimit !== undefined && this.#sessionLimit > 0) server.maxConnections = this.#sessionLimit;
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.#onUpgrade(req, socket, head));
    return server;
  }

  /** Shutdown: each events WebSocket gets a 1001 close frame after its queued events (see EventSession.goAway). */
  closeEventSockets(timeoutMs: number): Promise<void> {
    return this.#events.goAway(timeoutMs);
  }

  /** Stop listening, drop every WebSocket (their apps are deactivated) and every HTTP connection. */
  close(): Promise<void> {
    this.#closing ??= new Promise((resolve) => {
      this.#events.closeAll();
      this.#media?.closeAll();
      this.#lowerCase.dropWaiting();
      const servers = this.#https === undefined ? [this.#http] : [this.#http, this.#https];
      let open = servers.length;
      for (const server of servers) {
        server.close(() => {
          if (--open === 0) resolve();
        });
        server.closeAllConnections();
      }
    });
    return this.#closing;
  }

  /** The transport-independent core: what HTTP and REST over WebSocket both run. */
  dispatch(req: AriRequest): Promise<AriResponse> {
    return this.#dispatcher.dispatch(req);
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#handleRequest(req, res).catch((err: unknown) => {
      this.#logger.error({ err, method: req.method, url: req.url }, 'ARI request failed');
      writeResponse(res, errorResponse(500, 'Internal Server Error'), this.#opts.serverHeader, false);
    });
  }

  async #handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const overLimit = headerLimitResponse(req, this.#opts.serverHeader);
    if (overLimit !== undefined) return writeResponse(res, overLimit, this.#opts.serverHeader, false);
    const { path } = splitTarget(req.url ?? '/');
    const media = this.#media;
    const mediaId = media && mediaConnectionPath(path, this.#prefix);
    if (media && mediaId !== undefined) {
      writeResponse(res, media.plainResponse(mediaId), this.#opts.serverHeader, false);
      return;
    }
    if (this.#metrics && isMetricsPath(path, this.#prefix)) {
      // /metrics checks the ARI users too: its failures count against the address like any other.
      const address = req.socket.remoteAddress;
      const refused = this.#authLimiter.refusal(address);
      if (refused) return writeResponse(res, refused, this.#opts.serverHeader, false);
      const response = await this.#metrics.respond(req);
      await holdBack(this.#authLimiter.settle(address, toAriRequest(req, '', NO_BODY), response));
      writeResponse(res, response, this.#opts.serverHeader, false);
      return;
    }
    const ariPath = ariRelativePath(path, this.#prefix);
    if (ariPath === undefined) {
      writeResponse(res, errorResponse(404, 'Resource not found'), this.#opts.serverHeader, this.#opts.pretty);
      return;
    }
    const address = req.socket.remoteAddress;
    const refused = this.#authLimiter.refusal(address);
    if (refused) {
      writeResponse(res, refused, this.#opts.serverHeader, this.#opts.pretty);
      return;
    }
    const body = await readBody(req, this.#maxBodyBytes);
    const ariReq = toAriRequest(req, ariPath, body);
    const response = withByteRange(await this.#dispatcher.dispatch(ariReq), ariReq.method, ariReq.headers);
    await holdBack(this.#authLimiter.settle(address, ariReq, response) + (response.holdMs ?? 0));
    writeResponse(res, response, this.#opts.serverHeader, this.#opts.pretty);
  }

  /** Node hands over requests carrying `Upgrade`: the events WebSocket, or an ordinary answer on the raw socket. */
  #onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err: Error) => this.#logger.warn({ err }, 'ARI upgrade socket error'));
    const server = this.#opts.serverHeader;
    try {
      const { path } = splitTarget(req.url ?? '/');
      const media = this.#media;
      const mediaId = media && mediaConnectionPath(path, this.#prefix);
      if (media && mediaId !== undefined) {
        media.upgrade(req, socket, head, mediaId);
        return;
      }
      const ariPath = ariRelativePath(path, this.#prefix);
      if (ariPath === undefined) {
        writeRawResponse(socket, errorResponse(404, 'Resource not found'), server, this.#opts.pretty);
        return;
      }
      const address = req.socket.remoteAddress;
      const refused = this.#authLimiter.refusal(address);
      if (refused) {
        writeRawResponse(socket, refused, server, this.#opts.pretty);
        return;
      }
      const ariReq = toAriRequest(req, ariPath, { kind: 'none' });
      const prepared = this.#dispatcher.prepare(ariReq);
      if (prepared.kind === 'events') {
        this.#events.upgrade(req, socket, head, ariReq.params);
        return;
      }
      this.#dispatcher
        .execute(prepared, ariReq)
        .then(async (res) => {
          await holdBack(this.#authLimiter.settle(address, ariReq, res));
          writeRawResponse(socket, res, server, this.#opts.pretty);
        })
        .catch((err: unknown) => {
          this.#logger.error({ err }, 'ARI upgrade request failed');
          socket.destroy();
        });
    } catch (err) {
      this.#logger.error({ err }, 'ARI upgrade failed');
      writeRawResponse(socket, errorResponse(500, 'Internal Server Error'), server, false);
    }
  }
}
