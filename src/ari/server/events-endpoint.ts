/**
 * The events WebSocket handshake, `GET <prefix>/ari/events` (semantics.md §3.1), after authentication:
 * res_http_websocket.c:ast_websocket_uri_cb (426 without `Upgrade: websocket`, 400 for an unsupported
 * version or when only other sub-protocols are offered), then ari_websockets.c:websocket_attempted_cb
 * (the `app` list, registration before the 101), then the session. Also holds the 30 s ping keepalive.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { StasisRegistry } from '../../core/ports.js';
import { findApiKey } from './auth.js';
import type { Dispatcher } from './dispatcher.js';
import type { EventValidator } from './event-validator.js';
import { EventSession } from './event-session.js';
import { flatHeaders, writeRawResponse } from './http-transport.js';
import { emptyResponse, htmlError } from './responses.js';
import { parseRestRequest, restResponseFields, type UpgradeContext } from './rest-over-ws.js';
import type { AriLogger, AriParam, AriResponse } from './types.js';
import { MAX_VALS, isTrue, separateArgs } from './values.js';

const PING_INTERVAL_MS = 30_000;
/** ws's own checks, done first so that a handshake ws would refuse never registers any app. */
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;

export interface EventsEndpointOptions {
  readonly stasis: StasisRegistry;
  readonly dispatcher: Dispatcher;
  readonly writeTimeoutMs: number;
  readonly serverHeader: string;
  readonly pretty: boolean;
  readonly logger: AriLogger;
  readonly validator?: EventValidator;
}

/** The `app` and `subscribeAll` query parameters (parse_app_args): an error text, or the list. */
export function parseAppArgs(
  params: readonly AriParam[],
): { error: string } | { apps: string[]; subscribeAll: boolean } {
  let apps: string[] | undefined;
  let subscribeAll = false;
  for (const [name, value] of params) {
    if (name === 'app') {
      apps = separateArgs(value).map((a) => a.trim());
      if (apps.length >= MAX_VALS) return { error: JSON.stringify({ message: 'Too many values for app' }) };
    } else if (name === 'subscribeAll') {
      subscribeAll = isTrue(value);
    }
  }
  if (!apps) return { error: 'HTTP request is missing param: [app]' };
  if (apps.some((a) => a === '')) return { error: 'Invalid application provided in param [app].' };
  return { apps, subscribeAll };
}

export class EventsEndpoint {
  readonly #wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: 1 << 20,
    handleProtocols: (protocols: Set<string>) => (protocols.has('ari') ? 'ari' : false),
  });
  readonly #sessions = new Set<EventSession>();
  readonly #pingTimer: NodeJS.Timeout;

  constructor(private readonly opts: EventsEndpointOptions) {
    this.#pingTimer = setInterval(() => {
      for (const s of this.#sessions) s.keepalive();
    }, PING_INTERVAL_MS);
    this.#pingTimer.unref();
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Complete (or refuse) the upgrade of an authenticated `GET /ari/events`; `params` is its query string. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, params: readonly AriParam[]): void {
    const refuse = (res: AriResponse): void => writeRawResponse(socket, res, this.opts.serverHeader, false);
    const h = req.headers;
    if ((h.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuse(htmlError(426, 'Upgrade Required', '', this.opts.serverHeader));
    }
    // res_http_websocket.c:websocket_bad_request — 400, no body, the versions it speaks.
    const badRequest = emptyResponse(400, [['Sec-WebSocket-Version', '7, 8, 13']], 'Bad Request');
    const version = h['sec-websocket-version'];
    if ((version !== '13' && version !== '8') || !KEY_PATTERN.test(h['sec-websocket-key'] ?? '')) {
      return refuse(badRequest);
    }
    const offered = h['sec-websocket-protocol'];
    if (offered !== undefined && !offered.split(',').some((p) => p.trim() === 'ari')) return refuse(badRequest);

    const parsed = parseAppArgs(params);
    if ('error' in parsed) return refuse(htmlError(400, 'Bad Request', parsed.error, this.opts.serverHeader));

    const upgradeCtx: UpgradeContext = { headers: flatHeaders(h), apiKey: findApiKey(params) };
    const session = new EventSession(parsed.apps, {
      writeTimeoutMs: this.opts.writeTimeoutMs,
      logger: this.opts.logger,
      onRequest: (s, text) => this.#restRequest(s, text, upgradeCtx),
      onClosed: (s) => this.#sessions.delete(s),
      ...(this.opts.validator && { validator: this.opts.validator }),
    });
    let connected;
    try {
      connected = this.opts.stasis.connect(parsed.apps, parsed.subscribeAll, session);
    } catch (err) {
      this.opts.logger.error({ err, apps: parsed.apps }, 'Stasis registration threw');
      connected = { error: 'Stasis registration failed' };
    }
    if ('error' in connected) {
      this.opts.logger.warn({ apps: parsed.apps, error: connected.error }, 'Stasis registration failed');
      return refuse(htmlError(500, 'Internal Server Error', 'Stasis registration failed', this.opts.serverHeader));
    }
    session.connection = connected;
    this.#sessions.add(session);

    let attached = false;
    socket.once('close', () => {
      if (!attached) session.close(); // ws refused or the peer left mid-handshake
    });
    this.#wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      attached = true;
      answerCloseWithNormal(ws);
      session.attach(ws, socket);
    });
  }

  /** One RESTRequest frame: parse, dispatch with the upgrade's credentials, answer to the first app. */
  async #restRequest(session: EventSession, text: string, upgradeCtx: UpgradeContext): Promise<void> {
    const parsed = parseRestRequest(text, upgradeCtx);
    let fields;
    if (!parsed.ok) {
      fields = parsed.fields;
    } else {
      const res = await this.opts.dispatcher.dispatch(parsed.request);
      fields = restResponseFields(parsed.transactionId, parsed.requestId, parsed.uri, res, this.opts.pretty);
    }
    if (session.isClosed) return;
    session.connection?.sendEvent(session.apps[0]!, 'RESTResponse', fields);
  }

  /**
   * Server shutdown: every events WebSocket is closed with 1001 after the events already sent to it; resolves
   * when all are closed (each waits at most `timeoutMs` for its peer's close frame).
   */
  async goAway(timeoutMs: number): Promise<void> {
    await Promise.all([...this.#sessions].map((s) => s.goAway(timeoutMs)));
  }

  /** Drop every socket (server shutdown). */
  closeAll(): void {
    clearInterval(this.#pingTimer);
    for (const s of [...this.#sessions]) s.terminate();
    this.#wss.close();
  }
}

/**
 * A client closing without a status code gets 1000 back, as from Asterisk (trace s1: `close code=1000`);
 * `ws` would echo an empty close frame, which the client reads as 1005.
 */
function answerCloseWithNormal(ws: WebSocket): void {
  const close = ws.close.bind(ws);
  ws.close = (code?: number, reason?: string | Buffer): void => close(code ?? 1000, reason);
}
