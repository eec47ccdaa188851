/**
 * The WebSocket media feature of a media engine: the edges of WebSocket channels (websocket-edge.ts), their
 * client connections (opened here, in the worker that holds the channel's media, so client-mode audio never
 * crosses to the main thread), the relay of server-mode messages, and the one media clock that dequeues every
 * edge's frames at 20 ms.
 */
import type { EdgeSpec, MediaCommand, MediaReply } from '../../core/media/media-protocol.js';
import {
  LARGE_MEDIA_MESSAGE_BYTES,
  MAX_MEDIA_MESSAGE_BYTES,
  type WebSocketEvent,
} from '../../core/media/websocket-protocol.js';
import { connectWebSocket } from '../../net/websocket-client.js';
import type { EngineFeature, MediaEngine } from '../engine.js';
import type { MediaChannel } from '../media-channel.js';
import type { PlaneSettings } from '../plane-settings.js';
import { ClientSocket, RelayedSocket } from './media-socket.js';
import { RelayedStream, relayedWebSocket } from '../../net/relayed-websocket.js';

/** A relayed stream never holds output back, so its WebSocket never waits: the main thread times the writes. */
const NO_WRITE_TIMEOUT = Number.POSITIVE_INFINITY;
import { WebSocketEdge } from './websocket-edge.js';

class WebSocketFeature implements EngineFeature {
  readonly #edges = new Set<WebSocketEdge>();
  readonly #connecting = new Map<WebSocketEdge, AbortController>();
  /** Server-mode sockets relayed as bytes, by edge (relayed-stream.ts). */
  readonly #relayed = new Map<WebSocketEdge, RelayedStream>();
  #unsubscribeClock: (() => void) | undefined;

  constructor(private readonly engine: MediaEngine) {}

  openEdge(channel: MediaChannel, spec: EdgeSpec): MediaReply | undefined {
    if (spec.kind !== 'websocket') return undefined;
    const emit = (event: WebSocketEvent): void => this.engine.emit(channel.id, event);
    const edge = new WebSocketEdge(channel, spec, emit);
    // Server mode: the app's socket is in the main thread, reached through the relay from the start.
    if (spec.client === undefined) edge.attach(new RelayedSocket(emit));
    channel.edge = edge;
    this.#edges.add(edge);
    this.#unsubscribeClock ??= this.engine.clock.subscribe(this.#tick);
    return { ok: true };
  }

  command(channel: MediaChannel, cmd: MediaCommand): boolean {
    const edge = channel.edge;
    switch (cmd.op) {
      case 'websocket-connect':
        if (edge instanceof WebSocketEdge) void this.#connect(edge);
        return true;
      case 'websocket-start':
        if (edge instanceof WebSocketEdge) edge.start(cmd.variables, cmd.extras);
        return true;
      case 'websocket-rx':
        if (edge instanceof WebSocketEdge) edge.receive(cmd.data);
        return true;
      case 'websocket-raw-open':
        if (edge instanceof WebSocketEdge) this.#openRelayed(edge);
        return true;
      case 'websocket-raw-rx':
        if (edge instanceof WebSocketEdge) this.#relayed.get(edge)?.feed(cmd.data);
        return true;
      case 'websocket-raw-end':
        if (edge instanceof WebSocketEdge) this.#relayed.get(edge)?.peerEnded();
        return true;
      case 'websocket-raw-finish':
        if (edge instanceof WebSocketEdge) this.#finishRelayed(edge);
        return true;
      default:
        return false;
    }
  }

  closed(channel: MediaChannel): void {
    const edge = channel.edge;
    if (!(edge instanceof WebSocketEdge)) return;
    this.#connecting.get(edge)?.abort();
    // The channel is gone: a relayed socket was finished already (websocket-raw-finish); this side just stops.
    this.#relayed.get(edge)?.destroy();
    this.#relayed.delete(edge);
    this.#edges.delete(edge);
    if (this.#edges.size === 0 && this.#unsubscribeClock !== undefined) {
      this.#unsubscribeClock();
      this.#unsubscribeClock = undefined;
    }
  }

  /** Client mode: dial the app (res_websocket_client's tries), then tell the core. */
  async #connect(edge: WebSocketEdge): Promise<void> {
    const client = edge.spec.client;
    if (client === undefined || this.#connecting.has(edge) || edge.isClosed) return;
    const abort = new AbortController();
    this.#connecting.set(edge, abort);
    const emit = (event: WebSocketEvent): void => this.engine.emit(edge.channel.id, event);
    const result = await connectWebSocket(client.target, {
      query: client.query,
      ...(client.headers !== undefined && { headers: client.headers }),
      signal: abort.signal,
      maxPayload: edge.spec.largeMessages === true ? LARGE_MEDIA_MESSAGE_BYTES : MAX_MEDIA_MESSAGE_BYTES,
    });
    this.#connecting.delete(edge);
    if (!result.ok) {
      if (!edge.isClosed) emit({ ev: 'websocket-failed', reason: result.reason });
      return;
    }
    if (edge.isClosed) {
      result.socket.close(1000);
      return;
    }
    // The client's write timeout is its connection_timeout (res_websocket_client passes it as the socket's).
    const socket = new ClientSocket(result.socket, client.target.connectionTimeoutMs, {
      message: (data) => edge.receive(data),
      ended: (how) => edge.socketEnded(how),
    });
    edge.attach(socket);
    emit({ ev: 'websocket-connected' });
  }

  /** Server mode relayed as bytes: this worker speaks WebSocket on the bytes the main thread moves. */
  #openRelayed(edge: WebSocketEdge): void {
    if (edge.isClosed || this.#relayed.has(edge)) return;
    const emit = (event: WebSocketEvent): void => this.engine.emit(edge.channel.id, event);
    const stream = new RelayedStream(
      (data) => emit({ ev: 'websocket-raw-tx', data }),
      () => emit({ ev: 'websocket-raw-end' }),
    );
    const maxPayload = edge.spec.largeMessages === true ? LARGE_MEDIA_MESSAGE_BYTES : MAX_MEDIA_MESSAGE_BYTES;
    // Writes are timed in the main thread, which holds the socket (100 ms, as Asterisk's server-mode writes).
    const socket = new ClientSocket(relayedWebSocket(stream, maxPayload), NO_WRITE_TIMEOUT, {
      message: (data) => edge.receive(data),
      ended: (how) => edge.socketEnded(how),
    });
    this.#relayed.set(edge, stream);
    edge.attach(socket);
  }

  /**
   * The channel is going and the main thread still holds the app's socket: the edge closes (its last messages —
   * Twilio's `stop` — and the close frame with the call's code are written through the stream at once), and the
   * stream ends without waiting for the app's close frame, so the main thread ends the TCP socket.
   */
  #finishRelayed(edge: WebSocketEdge): void {
    const stream = this.#relayed.get(edge);
    if (stream === undefined) return;
    edge.close();
    this.#relayed.delete(edge);
    stream.destroy();
  }

  readonly #tick = (): void => {
    for (const edge of this.#edges) if (edge.isTicking) edge.tick();
  };
}

/** The WebSocket feature of a media engine (WebSocket channels are opened with an EdgeSpec of kind `websocket`). */
export function installWebSocket(engine: MediaEngine, _settings: PlaneSettings): void {
  engine.features.push(new WebSocketFeature(engine));
}
