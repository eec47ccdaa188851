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
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { WebSocketClientConfig } from '../../config/websocket-client-config.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import { badRequest } from '../../core/errors.js';
import { KNOWN_FORMAT_NAMES } from '../../core/media/format-names.js';
import {
  CONNECTION_ID_VARIABLE,
  INCOMING_CONNECTION_ID,
  OPTIMAL_FRAME_SIZE_VARIABLE,
  WEBSOCKET_TECHNOLOGY,
  optimalFrameSize,
  type ControlMessageFormat,
  type MediaConnections,
  type MediaSocketHandler,
  type MediaSocketPeer,
  type WebSocketClientTarget,
  type WebSocketEdgeSpec,
} from '../../core/media/websocket-protocol.js';
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

export interface WebSocketDriverOptions {
  /** chan_websocket.conf `[global] control_message_format`: for channels without `f()` (default plain-text). */
  readonly controlFormat?: ControlMessageFormat;
}

export class WebSocketDriver implements ChannelDriver, MediaConnections {
  readonly technology = WEBSOCKET_TECHNOLOGY;
  /** Server-mode channels by connection id, until they hang up. */
  readonly #incoming = new Map<string, WebSocketMediaConnection>();
  #handle = HANDLE_BASE + randomInt(0x1000000) * 0x10000;

  constructor(
    private readonly core: Core,
    private readonly clients: ReadonlyMap<string, WebSocketClientConfig>,
    private readonly options: WebSocketDriverOptions = {},
  ) {}

  /** externalMedia's check of `external_host`: a configured websocket_client connection. */
  knowsResource(name: string): boolean {
    return this.clients.has(name);
  }

  request(resource: string, request: ChannelRequest): Channel | { error: string } {
    const dial = parseWebSocketDialString(resource);
    if ('error' in dial) return dial;
    const isServer = dial.connectionId === INCOMING_CONNECTION_ID;
    const client = isServer ? undefined : this.clients.get(dial.connectionId);
    if (!isServer && client === undefined) {
      return { error: `WebSocket client connection '${dial.connectionId}' not found` };
    }
    if (isServer && dial.query !== '') return { error: "URI parameters are not allowed for 'WebSocket/INCOMING'" };
    const format = dial.codec ?? request.formats?.[0] ?? DEFAULT_CODEC;
    if (!KNOWN_FORMAT_NAMES.has(format)) return { error: `No codec found: ${format}` };
    if (!isAudioCodec(format)) {
      throw badRequest(`WebSocket channels carry ulaw, alaw, g722, slin or slin16; format ${format} is not supported`);
    }

    const connectionId = isServer ? randomUUID() : dial.connectionId;
    const tech = new WebSocketTech(() => {
      if (isServer) this.#incoming.delete(connectionId);
    });
    const channel = this.core.newChannel({
      id: request.id,
      name: `${WEBSOCKET_TECHNOLOGY}/${dial.connectionId}/0x${this.#nextHandle()}`,
      tech,
      state: 'Down',
      location: { context: 'default', exten: 's', priority: 1, appName: '', appData: '' },
    });
    channel.setVariable(OPTIMAL_FRAME_SIZE_VARIABLE, String(optimalFrameSize(format, dial.passthrough)));
    channel.setVariable(CONNECTION_ID_VARIABLE, connectionId);

    const spec: WebSocketEdgeSpec = {
      kind: 'websocket',
      codec: format,
      passthrough: dial.passthrough,
      controlFormat: dial.controlFormat ?? this.options.controlFormat ?? 'plain-text',
      direction: dial.direction,
      connectionId,
      channelName: channel.name,
      channelId: channel.id,
      ...(client !== undefined && { client: { target: clientTarget(client), query: dial.query } }),
    };
    const leg = this.core.media.open(spec, request.originator?.media);
    channel.attachMedia(leg);
    const connection = new WebSocketMediaConnection(channel, leg, isServer, dial.noAutoAnswer);
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
