/**
 * One ARI outbound WebSocket session (Asterisk 22.5+, res/ari/ari_websockets.c): Switchyard dials the
 * application's WebSocket server and then behaves as on an inbound `/ari/events` socket — the apps' events go
 * out as text frames and the app's text frames are REST over WebSocket requests.
 *
 * Asterisk behaviour followed (22.10.1, checked on the wire):
 * - The apps are registered before the first connection is tried, so events produced meanwhile are queued and
 *   sent first once connected; the first frames are `ApplicationRegistered`, one per app that was new.
 * - Events produced while the socket is down are queued too. A socket that closes is dialled again at once;
 *   on every reconnection the queued events are sent, then `ApplicationRegistered` for every app again.
 * - A failed cycle of tries (websocket_client.conf `reconnect_attempts`) is followed by `reconnect_interval`
 *   and a new cycle, forever for a persistent connection; a per-call connection gives up instead.
 * - REST requests run with the rights of `local_ari_user` (Asterisk builds a Basic `Authorization` header from
 *   its plain password) and are answered as `RESTResponse` events of the first app.
 * - Asterisk sends no pings on these sockets. A persistent session that ends (shutdown, section removed)
 *   sends `ApplicationUnregistered` for each app, then close code 1000.
 */
import type { EventSink, StasisConnection } from '../../core/ports.js';
import { nowTimestamp } from '../../core/time.js';
import { connectWebSocket, type ClientWebSocket, type WebSocketClientSettings } from '../../net/websocket-client.js';
import { EventSession } from '../server/event-session.js';
import type { EventValidator } from '../server/event-validator.js';
import { formatJson } from '../server/responses.js';
import { parseRestRequest, restResponseFields, type UpgradeContext } from '../server/rest-over-ws.js';
import type { AriLogger, AriRequest, AriResponse } from '../server/types.js';

/** Events kept while the socket is down; beyond this the oldest are dropped (Asterisk keeps them all). */
export const MAX_QUEUED_EVENTS = 100_000;
/** RFC 6455 §7.4.1: normal closure, what Asterisk sends when it ends an outbound session. */
const NORMAL_CLOSURE = 1000;

/** What the connection needs from the Stasis registry (StasisApps). */
export interface OutboundRegistry {
  get(name: string): unknown;
  connect(apps: readonly string[], subscribeAll: boolean, sink: EventSink): StasisConnection | { error: string };
}

export interface OutboundConnectionOptions {
  /** The session id: the outbound_websocket section, or `<section>:<channel name>` per call. */
  readonly id: string;
  readonly apps: readonly string[];
  readonly subscribeAll: boolean;
  readonly kind: 'persistent' | 'per_call';
  readonly client: WebSocketClientSettings;
  readonly registry: OutboundRegistry;
  readonly dispatch: (req: AriRequest) => Promise<AriResponse>;
  /** `local_ari_user` and its plain password. */
  readonly user: { readonly name: string; readonly password: string };
  readonly asteriskId: string;
  readonly pretty: boolean;
  readonly writeTimeoutMs: number;
  readonly logger: AriLogger;
  readonly validator?: EventValidator;
}

export class OutboundConnection implements EventSink {
  #stasis: StasisConnection | undefined;
  #session: EventSession | undefined;
  #ws: ClientWebSocket | undefined;
  #queued: string[] = [];
  #isQueueReported = false;
  #stopped = false;
  readonly #abort = new AbortController();
  readonly #upgrade: UpgradeContext;

  constructor(private readonly opts: OutboundConnectionOptions) {
    const basic = Buffer.from(`${opts.user.name}:${opts.user.password}`).toString('base64');
    this.#upgrade = { headers: { authorization: `Basic ${basic}` }, apiKey: undefined };
  }

  get id(): string {
    return this.opts.id;
  }

  get apps(): readonly string[] {
    return this.opts.apps;
  }

  get isConnected(): boolean {
    return this.#session !== undefined && !this.#session.isClosed;
  }

  /**
   * Register the apps (session_register_apps): an error text when the registry refuses a name. Each app that
   * was not registered before gets `ApplicationRegistered`, queued until the socket is up.
   */
  register(): string | undefined {
    const fresh = this.opts.apps.filter((app) => this.opts.registry.get(app) === undefined);
    const connected = this.opts.registry.connect(this.opts.apps, this.opts.subscribeAll, this);
    if ('error' in connected) return connected.error;
    this.#stasis = connected;
    for (const app of fresh) this.send(this.#appEvent('ApplicationRegistered', app));
    return undefined;
  }

  /**
   * Dial and keep the socket up until stop(). `onFirst` is told whether the first cycle of tries connected;
   * `onLost` when a per-call connection could not be made again after its socket closed.
   */
  async run(onFirst: (connected: boolean) => void = () => {}, onLost: () => void = () => {}): Promise<void> {
    const { client, logger, id } = this.opts;
    let isFirst = true;
    while (!this.#stopped) {
      const result = await connectWebSocket(client, { signal: this.#abort.signal });
      if (this.#stopped) {
        if (result.ok) result.socket.terminate();
        break;
      }
      if (!result.ok) {
        if (this.opts.kind === 'per_call') {
          logger.warn({ id, uri: client.uri, tries: result.attempts, reason: result.reason }, 'Outbound ARI WebSocket connection failed; giving up'); // prettier-ignore
          if (isFirst) onFirst(false);
          else onLost();
          break;
        }
        logger.warn({ id, uri: client.uri, tries: result.attempts, reason: result.reason, retry_ms: client.reconnectIntervalMs }, 'Outbound ARI WebSocket connection failed; retrying'); // prettier-ignore
        await pause(client.reconnectIntervalMs, this.#abort.signal);
        continue;
      }
      logger.info({ id, uri: client.uri }, 'Outbound ARI WebSocket connected');
      const closed = this.#attach(result.socket, !isFirst);
      if (isFirst) onFirst(true);
      isFirst = false;
      await closed;
      if (this.#stopped) break;
      logger.warn({ id, uri: client.uri }, 'Outbound ARI WebSocket disconnected; reconnecting');
    }
  }

  /** EventSink: to the socket when it is up, else queued in order. */
  send(json: string): void {
    if (this.#stopped) return;
    const session = this.#session;
    if (session !== undefined && !session.isClosed) {
      session.send(json);
      return;
    }
    if (this.#queued.length >= MAX_QUEUED_EVENTS) {
      this.#queued.shift();
      if (!this.#isQueueReported) {
        this.#isQueueReported = true;
        this.opts.logger.warn({ id: this.opts.id }, 'Outbound ARI WebSocket down too long: dropping the oldest queued events'); // prettier-ignore
      }
    }
    this.#queued.push(json);
  }

  /** End the session: close code 1000, the apps released (deactivated), no more dialling. Idempotent. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#abort.abort();
    this.#queued = [];
    const ws = this.#ws;
    if (ws !== undefined && ws.readyState === ws.OPEN) {
      // session_unregister_apps: a persistent session tells the app before the socket closes (a per-call one
      // has nothing to tell: Asterisk's goes out on a socket already closed). Written on the socket itself, as
      // the last frames: the session may hold events back for a while, and the close would overtake them.
      if (this.opts.kind === 'persistent') {
        for (const app of this.opts.apps) ws.send(this.#appEvent('ApplicationUnregistered', app));
      }
      ws.close(NORMAL_CLOSURE);
    } else {
      ws?.terminate();
    }
    try {
      this.#stasis?.close();
    } catch (err) {
      this.opts.logger.error({ err, id: this.opts.id }, 'closing the Stasis connection failed');
    }
    this.#stasis = undefined;
  }

  /** Shutdown: drop the socket now. */
  terminate(): void {
    this.#ws?.terminate();
    this.stop();
  }

  /** Take the socket: flush what was queued, then (on a reconnection) ApplicationRegistered for every app. */
  #attach(ws: ClientWebSocket, isReconnection: boolean): Promise<void> {
    this.#ws = ws;
    return new Promise((resolve) => {
      const session = new EventSession(this.opts.apps, {
        writeTimeoutMs: this.opts.writeTimeoutMs,
        logger: this.opts.logger,
        onRequest: (s, text) => this.#restRequest(s, text),
        onClosed: () => {
          if (this.#ws === ws) this.#ws = undefined;
          resolve();
        },
        ...(this.opts.validator && { validator: this.opts.validator }),
      });
      this.#session = session;
      session.attach(ws);
      const queued = this.#queued;
      this.#queued = [];
      for (const json of queued) session.send(json);
      if (isReconnection) for (const app of this.opts.apps) session.send(this.#appEvent('ApplicationRegistered', app));
    });
  }

  async #restRequest(session: EventSession, text: string): Promise<void> {
    const parsed = parseRestRequest(text, this.#upgrade);
    let fields;
    if (!parsed.ok) {
      fields = parsed.fields;
    } else {
      const res = await this.opts.dispatch(parsed.request);
      fields = restResponseFields(parsed.transactionId, parsed.requestId, parsed.uri, res, this.opts.pretty);
    }
    if (session.isClosed) return;
    this.#stasis?.sendEvent(this.opts.apps[0]!, 'RESTResponse', fields);
  }

  /** session_send_app_event: not filtered by the app's event filter (the app may be going away). */
  #appEvent(type: 'ApplicationRegistered' | 'ApplicationUnregistered', app: string): string {
    const json = JSON.stringify({ type, timestamp: nowTimestamp(), application: app, asterisk_id: this.opts.asteriskId }); // prettier-ignore
    return this.opts.pretty ? formatJson(json, true) : json;
  }
}

/** Wait `ms`, or less when aborted. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
