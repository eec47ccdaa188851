/**
 * One events WebSocket (res/ari/ari_websockets.c ari_ws_session): the EventSink of its Stasis connection.
 * Events produced between registration and the socket being ready are queued and flushed in order
 * (ari_ws_session_update); a write that makes no progress for `websocket_write_timeout` ms drops the socket
 * (ast_websocket_write with its timeout); client text frames are REST requests, handled strictly one at a
 * time in arrival order (the session's read loop); non-text frames are ignored.
 */
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import type { RawData, WebSocket } from 'ws';
import type { EventSink, StasisConnection } from '../../core/ports.js';
import { sharedGate, type CausalGate, type RequestTicket } from './causal-gate.js';
import type { EventValidator } from './event-validator.js';
import { HeldEvents } from './held-events.js';
import type { AriLogger } from './types.js';

/** Requests waiting on one socket beyond this many are dropped (a client flooding without reading). */
const MAX_QUEUED_REQUESTS = 10_000;
/** RFC 6455 §7.4.1: the endpoint is going away (a server shutting down). */
const GOING_AWAY = 1001;
/** Events waiting to be written past which the consumer is reported as slow (once per socket). */
export const SLOW_CONSUMER_QUEUE_DEPTH = 1000;

export interface EventSessionOptions {
  readonly writeTimeoutMs: number;
  readonly logger: AriLogger;
  /** Handle one client text frame (a RESTRequest); the promise settles when its response is sent. */
  readonly onRequest: (session: EventSession, text: string) => Promise<void>;
  /** Called once when the session ends. */
  readonly onClosed: (session: EventSession) => void;
  /** Developer-mode validation of every event sent (see event-validator.ts). */
  readonly validator?: EventValidator;
  /** Holds events back until the responses of the requests in flight are written (causal-gate.ts). */
  readonly gate?: CausalGate;
}

/** The RESTResponse event as the bus serializes it, compact or pretty (its `type` comes first). */
function isRestResponse(json: string): boolean {
  return json.startsWith('{"type":"RESTResponse"') || json.startsWith('{\n  "type": "RESTResponse"');
}

export class EventSession implements EventSink {
  connection: StasisConnection | undefined;
  #ws: WebSocket | undefined;
  /** The TCP socket under #ws, corked while one loop turn's events are written (one syscall per turn). */
  #socket: Duplex | undefined;
  #corked = false;
  readonly #uncork = (): void => {
    this.#corked = false;
    this.#socket?.uncork();
  };
  #queued: string[] = [];
  #closed = false;
  #pendingWrites = 0;
  #writeTimer: NodeJS.Timeout | undefined;
  /** performance.now() when writes last made progress while some were pending; undefined when none are. */
  #stalledSince: number | undefined;
  #isReportedSlow = false;
  #isAlive = true;
  readonly #requests: string[] = [];
  #draining = false;
  readonly #gate: CausalGate;
  /** Events held back by requests in flight (causal-gate.ts). */
  readonly #held: HeldEvents;
  /** The REST over WebSocket request being served, until its RESTResponse is taken. */
  #ticket: RequestTicket | undefined;

  constructor(
    readonly apps: readonly string[],
    private readonly opts: EventSessionOptions,
  ) {
    this.#gate = opts.gate ?? sharedGate;
    this.#held = new HeldEvents(this.#gate, (json) => this.#write(json));
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Events accepted for this socket and not yet written to it (including those waiting for the upgrade). */
  get queuedEvents(): number {
    return this.#pendingWrites + this.#queued.length + this.#held.size;
  }

  /** How long (ms) the socket has had events pending without any being written; 0 when nothing is pending. */
  get writeLagMs(): number {
    return this.#stalledSince === undefined ? 0 : performance.now() - this.#stalledSince;
  }

  /**
   * EventSink: one serialized event as one text frame. While requests are in flight it waits for their
   * responses (causal-gate.ts); this socket's own RESTResponse goes ahead of the events its request caused.
   */
  send(json: string): void {
    if (this.#closed) return;
    if (this.opts.validator) json = this.opts.validator.check(json);
    const ticket = this.#ticket;
    if (ticket !== undefined && isRestResponse(json)) {
      this.#ticket = undefined;
      return this.#held.respond(json, ticket);
    }
    this.#held.push(json);
  }

  #write(json: string): void {
    const ws = this.#ws;
    if (!ws) {
      this.#queued.push(json);
      return;
    }
    if (ws.readyState !== ws.OPEN) return;
    if (this.#pendingWrites++ === 0) this.#stalledSince = performance.now();
    else if (this.#pendingWrites >= SLOW_CONSUMER_QUEUE_DEPTH && !this.#isReportedSlow) this.#reportSlow();
    if (this.#writeTimer === undefined && this.opts.writeTimeoutMs > 0) this.#armWriteTimer();
    // Events come in bursts (a call's setup is a dozen events; a loop turn under load serves many requests):
    // the frames of one turn go out in one write, once the turn has polled every socket (setImmediate), not
    // one write per request served.
    if (!this.#corked && this.#socket) {
      this.#corked = true;
      this.#socket.cork();
      setImmediate(this.#uncork);
    }
    ws.send(json, this.#onWritten);
  }

  /** The upgrade completed: take the socket and flush what was queued, in order. */
  attach(ws: WebSocket, socket?: Duplex): void {
    if (this.#closed) {
      ws.terminate();
      return;
    }
    this.#ws = ws;
    this.#socket = socket;
    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on('pong', () => {
      this.#isAlive = true;
    });
    ws.on('error', (err: Error) => this.opts.logger.warn({ err }, 'ARI WebSocket error'));
    ws.on('close', () => this.close());
    const queued = this.#queued;
    this.#queued = [];
    for (const json of queued) this.#write(json);
  }

  /** Keepalive tick: a peer that did not answer the previous ping is dropped. */
  keepalive(): void {
    const ws = this.#ws;
    if (!ws || this.#closed) return;
    if (!this.#isAlive) {
      this.opts.logger.warn(
        { app: this.apps.join(','), queue_depth: this.queuedEvents },
        'ARI WebSocket peer did not answer ping; dropping it',
      );
      ws.terminate();
      return;
    }
    this.#isAlive = false;
    try {
      ws.ping();
    } catch {
      ws.terminate();
    }
  }

  /** Drop the socket now (write timeout, a shutdown that ran out of time). */
  terminate(): void {
    if (this.#ws) this.#ws.terminate();
    this.close();
  }

  /**
   * Server shutdown: a 1001 (Going Away, RFC 6455 §7.4.1) close frame goes out after the events already
   * written; resolves once the socket is closed, the peer having answered or `timeoutMs` having passed.
   */
  goAway(timeoutMs: number): Promise<void> {
    const ws = this.#ws;
    if (!ws || this.#closed || ws.readyState === ws.CLOSED) {
      this.terminate();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => ws.terminate(), timeoutMs);
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      if (ws.readyState === ws.OPEN) ws.close(GOING_AWAY, 'Server shutting down');
    });
  }

  /** The socket is gone: release the apps (deactivated, not destroyed) exactly once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queued = [];
    this.#requests.length = 0;
    this.#releaseAll();
    if (this.#writeTimer !== undefined) clearTimeout(this.#writeTimer);
    this.#writeTimer = undefined;
    try {
      this.connection?.close();
    } catch (err) {
      this.opts.logger.error({ err }, 'closing the Stasis connection failed');
    }
    this.opts.onClosed(this);
  }

  /** Nothing more goes out: what this socket holds stops holding others back. */
  #releaseAll(): void {
    this.#held.close();
    this.#ticket?.close();
    this.#ticket = undefined;
  }

  #armWriteTimer(): void {
    this.#writeTimer = setTimeout(() => {
      this.#writeTimer = undefined;
      if (this.#pendingWrites === 0 || this.#closed) return;
      this.opts.logger.warn(
        { app: this.apps.join(','), queue_depth: this.queuedEvents },
        'ARI WebSocket write timed out; closing it',
      );
      this.terminate();
    }, this.opts.writeTimeoutMs);
  }

  #reportSlow(): void {
    this.#isReportedSlow = true;
    this.opts.logger.warn(
      { app: this.apps.join(','), queue_depth: this.queuedEvents, write_lag_ms: Math.round(this.writeLagMs) },
      'ARI WebSocket consumer is slow: events are queuing',
    );
  }

  readonly #onWritten = (err?: Error): void => {
    this.#pendingWrites--;
    this.#stalledSince = this.#pendingWrites > 0 ? performance.now() : undefined;
    if (err) {
      if (!this.#closed) this.terminate();
      return;
    }
    // Progress: the timeout counts again from now. The one timer is restarted (refresh), not rebuilt per event.
    if (this.#pendingWrites > 0 && !this.#closed && this.opts.writeTimeoutMs > 0) {
      if (this.#writeTimer !== undefined) this.#writeTimer.refresh();
      else this.#armWriteTimer();
    } else if (this.#writeTimer !== undefined) {
      clearTimeout(this.#writeTimer);
      this.#writeTimer = undefined;
    }
  };

  #onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary || this.#closed) return;
    if (this.#requests.length >= MAX_QUEUED_REQUESTS) {
      this.opts.logger.warn({ apps: this.apps }, 'too many REST over WebSocket requests queued; dropping one');
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    this.#requests.push(text);
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (!this.#closed && this.#requests.length > 0) {
        const text = this.#requests.shift()!;
        // Events published while this request runs wait for its RESTResponse (causal-gate.ts).
        const ticket = this.#gate.open();
        this.#ticket = ticket;
        try {
          await this.opts.onRequest(this, text);
        } catch (err) {
          this.opts.logger.error({ err }, 'REST over WebSocket request failed');
        }
        // No RESTResponse came (the app's event filter dropped it, the socket closed): stop holding.
        if (this.#ticket === ticket) {
          this.#ticket = undefined;
          ticket.close();
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}
