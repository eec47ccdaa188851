/**
 * WebSocket media channels (chan_websocket): `WebSocket/<connection id>[/<options>]`. Client mode dials the
 * websocket_client.conf connection of that name when the channel is called; `WebSocket/INCOMING` waits for the
 * app to connect to `/media/<uuid>` on the HTTP server, the UUID being published in MEDIA_WEBSOCKET_CONNECTION_ID.
 * The channel speaks exactly one format (`c()`, else the request's first), answers when its socket is up (unless
 * `n`), and its audio, queue and control messages live in the media plane (src/plane/websocket/).
 *
 * Facts this follows (chan_websocket.c 22.10.1, and a running 22.10.1):
 * - The channel is named `WebSocket/<connection id as dialed>/<hex handle>`, Down, at `s@default`.
 * - MEDIA_WEBSOCKET_OPTIMAL_FRAME_SIZE then MEDIA_WEBSOCKET_CONNECTION_ID are set at the request.
 * - A `c()` naming no known format, `v()` with INCOMING, an unknown client connection or a bad option fail the
 *   request. ARI originate without formats gives Asterisk slin192 (the first audio format it knows); Switchyard
 *   carries ulaw, alaw, g722, slin and slin16, takes slin16 then, and refuses the other formats with a 400.
 *
 * Beyond Asterisk (beyond-options.ts): `WebSocket/<ws://host:port/path>` dials that URI when websocket_client.conf
 * `[general] allowed_per_call_hosts` allows its host, with the `[general]` settings; the channel is named
 * `WebSocket/<host[:port]>/<handle>` and its connection id is the URI without credentials or query. `h()` adds
 * handshake headers, and `a` (server mode) puts a fresh token in MEDIA_WEBSOCKET_TOKEN that `/media/<id>` requires.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  PER_CALL_LIST_NAME,
  WebSocketClientConnections,
  type PerCallUriConfig,
  type WebSocketClientConfig,
} from '../../config/websocket-client-config.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import { badRequest } from '../../core/errors.js';
import { KNOWN_FORMAT_NAMES } from '../../core/media/format-names.js';
import {
  CONNECTION_ID_VARIABLE,
  INCOMING_CONNECTION_ID,
  LARGE_MEDIA_MESSAGE_BYTES,
  MAX_MEDIA_MESSAGE_BYTES,
  TOKEN_VARIABLE,
  OPTIMAL_FRAME_SIZE_VARIABLE,
  WEBSOCKET_TECHNOLOGY,
  optimalFrameSize,
  type ControlMessageFormat,
  type MediaAdmission,
  type MediaConnections,
  type MediaSocketHandler,
  type MediaSocketPeer,
  type PerCallUriCheck,
  type WebSocketClientTarget,
  type WebSocketEdgeSpec,
} from '../../core/media/websocket-protocol.js';
import { perCallUriProblem } from '../../net/host-allow-list.js';
import type { ChannelDriver, ChannelRequest } from '../../core/ports.js';
import { isAudioCodec, type AudioCodecName } from '../../media/codecs/audio-codecs.js';
import { parseWebSocketDialString } from './dial-string.js';
import { WebSocketMediaConnection } from './media-connection.js';
import { WebSocketTech } from './websocket-tech.js';

/** The format of a channel whose request names none (Asterisk would take slin192, which is not carried here). */
const DEFAULT_CODEC: AudioCodecName = 'slin16';
/** Handles look like the heap addresses Asterisk prints (`%p`), distinct per channel. */
const HANDLE_BASE = 0x7f0000000000;
const HANDLE_STEP = 0x40;
/** Random bytes in a `/media` token (`a`): 192 bits, 32 characters of base64url. */
const TOKEN_BYTES = 24;

export interface WebSocketDriverOptions {
  /** chan_websocket.conf `[global] control_message_format`: for channels without `f()` (default plain-text). */
  readonly controlFormat?: ControlMessageFormat;
  /** websocket_client.conf `[general]`: by default the one parsed with the connections, else none allowed. */
  readonly perCall?: PerCallUriConfig;
}

export class WebSocketDriver implements ChannelDriver, MediaConnections, PerCallUriCheck {
  readonly technology = WEBSOCKET_TECHNOLOGY;
  /** Server-mode channels by connection id, until they hang up. */
  readonly #incoming = new Map<string, WebSocketMediaConnection>();
  #handle = HANDLE_BASE + randomInt(0x1000000) * 0x10000;
  readonly #perCall: PerCallUriConfig;

  constructor(
    private readonly core: Core,
    private readonly clients: ReadonlyMap<string, WebSocketClientConfig>,
    private readonly options: WebSocketDriverOptions = {},
  ) {
    const own = clients instanceof WebSocketClientConnections ? clients.perCall : undefined;
    this.#perCall = options.perCall ?? own ?? new WebSocketClientConnections().perCall;
  }

  /** externalMedia's check of `external_host`: a configured websocket_client connection. */
  knowsResource(name: string): boolean {
    return this.clients.has(name);
  }

  /** Why `uri` may not be dialled per call (externalMedia answers 400 with it); undefined when it may. */
  perCallUriProblem(uri: string): string | undefined {
    return perCallUriProblem(uri, this.#perCall.allowedHosts, PER_CALL_LIST_NAME);
  }

  request(resource: string, request: ChannelRequest): Channel | { error: string } {
    const dial = parseWebSocketDialString(resource);
    if ('error' in dial) return dial;
    const isServer = !dial.isUri && dial.connectionId === INCOMING_CONNECTION_ID;
    const target = isServer ? undefined : this.#target(dial.connectionId, dial.isUri);
    if (target !== undefined && 'error' in target) return target;
    const { beyond } = dial;
    if (isServer && dial.query !== '') return { error: "URI parameters are not allowed for 'WebSocket/INCOMING'" };
    if (isServer && beyond.headers.length > 0) return { error: "Headers are not allowed for 'WebSocket/INCOMING'" };
    if (!isServer && beyond.requireToken) return { error: "A token (a) applies to 'WebSocket/INCOMING' only" };
    const format = dial.codec ?? request.formats?.[0] ?? DEFAULT_CODEC;
    if (!KNOWN_FORMAT_NAMES.has(format)) return { error: `No codec found: ${format}` };
    if (!isAudioCodec(format)) {
      throw badRequest(`WebSocket channels carry ulaw, alaw, g722, slin or slin16; format ${format} is not supported`);
    }

    const connectionId = isServer ? randomUUID() : (target?.connectionId ?? dial.connectionId);
    const tech = new WebSocketTech(() => {
      if (isServer) this.#incoming.delete(connectionId);
    });
    const channel = this.core.newChannel({
      id: request.id,
      name: `${WEBSOCKET_TECHNOLOGY}/${target?.nameHost ?? dial.connectionId}/0x${this.#nextHandle()}`,
      tech,
      state: 'Down',
      location: { context: 'default', exten: 's', priority: 1, appName: '', appData: '' },
    });
    channel.setVariable(OPTIMAL_FRAME_SIZE_VARIABLE, String(optimalFrameSize(format, dial.passthrough)));
    channel.setVariable(CONNECTION_ID_VARIABLE, connectionId);
    const token = beyond.requireToken ? randomBytes(TOKEN_BYTES).toString('base64url') : undefined;
    if (token !== undefined) channel.setVariable(TOKEN_VARIABLE, token);

    const spec: WebSocketEdgeSpec = {
      kind: 'websocket',
      codec: format,
      passthrough: dial.passthrough,
      controlFormat: dial.controlFormat ?? this.options.controlFormat ?? 'plain-text',
      direction: dial.direction,
      connectionId,
      channelName: channel.name,
      channelId: channel.id,
      ...(target !== undefined && {
        client: {
          target: target.target,
          query: dial.query,
          ...(beyond.headers.length > 0 && { headers: beyond.headers }),
        },
      }),
      ...(beyond.largeMessages && { largeMessages: true }),
      ...(beyond.reportFlushedMarks && { reportFlushedMarks: true }),
    };
    const leg = this.core.media.open(spec, request.originator?.media);
    channel.attachMedia(leg);
    const names = beyond.mediaStartVariables;
    const connection = new WebSocketMediaConnection(channel, leg, {
      isServer,
      noAutoAnswer: dial.noAutoAnswer,
      ...(token !== undefined && { token }),
      largeMessages: beyond.largeMessages,
      ...(names !== undefined && { mediaStart: { names, read: (name: string) => this.#read(channel, name) } }),
    });
    tech.connection = connection;
    if (isServer) this.#incoming.set(connectionId, connection);
    return channel;
  }

  // MediaConnections: the HTTP server's `/media/<connection id>`.

  state(connectionId: string): 'ready' | 'attached' | 'unknown' {
    const connection = this.#incoming.get(connectionId);
    if (connection === undefined || connection.channel.isDestroyed) return 'unknown';
    return connection.isAttached ? 'attached' : 'ready';
  }

  attach(connectionId: string, peer: MediaSocketPeer): MediaSocketHandler | undefined {
    if (this.state(connectionId) !== 'ready') return undefined;
    const connection = this.#incoming.get(connectionId)!;
    connection.attach(peer);
    return connection;
  }

  admission(connectionId: string): MediaAdmission | undefined {
    if (this.state(connectionId) === 'unknown') return undefined;
    const { settings } = this.#incoming.get(connectionId)!;
    return {
      token: settings.token,
      maxMessageBytes: settings.largeMessages === true ? LARGE_MEDIA_MESSAGE_BYTES : MAX_MEDIA_MESSAGE_BYTES,
    };
  }

  /**
   * Where a client-mode channel connects: its websocket_client.conf connection, or a per-call URI with the
   * `[general]` settings (named by its host, identified by the URI without credentials or query).
   */
  #target(
    id: string,
    isUri: boolean,
  ): { target: WebSocketClientTarget; connectionId?: string; nameHost?: string } | { error: string } {
    if (!isUri) {
      const client = this.clients.get(id);
      if (client === undefined) return { error: `WebSocket client connection '${id}' not found` };
      return { target: clientTarget(client) };
    }
    const problem = this.perCallUriProblem(id);
    if (problem !== undefined) return { error: `Per-call URI refused: ${problem}` };
    const url = new URL(id);
    return {
      target: clientTarget({ ...this.#perCall.settings, uri: id }),
      connectionId: `${url.protocol}//${url.host}${url.pathname}`,
      nameHost: url.host,
    };
  }

  /** A variable or dialplan function of the channel as MEDIA_START's `m` extras show it ('' when unset or failing). */
  #read(channel: Channel, name: string): string {
    try {
      return this.core.variables.read(channel, name) ?? '';
    } catch {
      return '';
    }
  }

  #nextHandle(): string {
    const handle = this.#handle;
    this.#handle += HANDLE_STEP;
    return handle.toString(16);
  }
}

/** The connection as plain data for the worker that dials it. */
function clientTarget(c: WebSocketClientConfig): WebSocketClientTarget {
  return {
    uri: c.uri,
    protocols: c.protocols,
    username: c.username,
    password: c.password,
    connectionTimeoutMs: c.connectionTimeoutMs,
    reconnectIntervalMs: c.reconnectIntervalMs,
    reconnectAttempts: c.reconnectAttempts,
    tls: c.tls,
  };
}
