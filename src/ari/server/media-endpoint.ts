/**
 * `<prefix>/media/<connection id>`: where an app connects the media WebSocket of a `WebSocket/INCOMING` channel
 * (chan_websocket's http URI, served by the same HTTP server as ARI, http.conf prefix included). In Asterisk's
 * order: 404 for an id no channel waits on, 409 when one already has its socket (incoming_ws_http_callback), then
 * the handshake checks of res_http_websocket (426 without `Upgrade: websocket`, 400 for another version or when the
 * protocols offered do not include `media`, the only one served). No authentication, as in Asterisk: knowing the
 * UUID is enough. The id is taken as written (no URI decoding).
 *
 * Once attached, the socket lives here in the main thread (Node cannot hand it to a worker): its messages are
 * relayed to the channel's media through the driver. A write that stays stuck longer than 100 ms (Asterisk's
 * AST_DEFAULT_WEBSOCKET_WRITE_TIMEOUT) closes the socket with 1011 and ends the call.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  MAX_MEDIA_MESSAGE_BYTES,
  type MediaConnections,
  type MediaSocketHandler,
  type MediaSocketPeer,
} from '../../core/media/websocket-protocol.js';
import { WriteStall } from '../../net/write-stall.js';
import { writeRawResponse } from './http-transport.js';
import { emptyResponse, htmlError } from './responses.js';
import type { AriLogger, AriResponse } from './types.js';

/** What the ARI server needs to serve media sockets (the WebSocket channel driver, wired in app.ts). */
export interface MediaRouteOptions {
  readonly mediaConnections?: MediaConnections;
}

const SUBPROTOCOL = 'media';
const WRITE_TIMEOUT_MS = 100;
const CLOSE_INTERNAL_ERROR = 1011;
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;

/** The connection id of a `<prefix>/media[/<id>]` path ('' when none is given); undefined for other paths. */
export function mediaConnectionPath(path: string, prefix: string): string | undefined {
  if (prefix !== '' && !path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  // main/http.c matches the handler's name ignoring case, on a whole path segment.
  if (rest.length < 6 || rest[0] !== '/' || rest.slice(1, 6).toLowerCase() !== 'media') return undefined;
  if (rest.length === 6) return '';
  return rest[6] === '/' ? rest.slice(7) : undefined;
}

export class MediaEndpoint {
  readonly #wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_MEDIA_MESSAGE_BYTES,
    handleProtocols: (protocols: Set<string>) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  readonly #sockets = new Set<WebSocket>();

  constructor(
    private readonly connections: MediaConnections,
    private readonly serverHeader: string,
    private readonly logger: AriLogger,
  ) {}

  /** The answer to a request for the path without an upgrade: 404/409 as for a handshake, else 426. */
  plainResponse(connectionId: string): AriResponse {
    return this.#refusal(connectionId) ?? htmlError(426, 'Upgrade Required', '', this.serverHeader);
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, connectionId: string): void {
    const refuse = (res: AriResponse): void => writeRawResponse(socket, res, this.serverHeader, false);
    const refusal = this.#refusal(connectionId);
    if (refusal !== undefined) return refuse(refusal);
    const h = req.headers;
    if ((h.upgrade ?? '').toLowerCase() !== 'websocket') {
      return refuse(htmlError(426, 'Upgrade Required', '', this.serverHeader));
    }
    // res_http_websocket.c:websocket_bad_request — 400, no body, the versions it speaks.
    const badRequest = emptyResponse(400, [['Sec-WebSocket-Version', '7, 8, 13']], 'Bad Request');
    const version = h['sec-websocket-version'];
    if ((version !== '13' && version !== '8') || !KEY_PATTERN.test(h['sec-websocket-key'] ?? '')) {
      return refuse(badRequest);
    }
    const offered = h['sec-websocket-protocol'];
    if (offered !== undefined && !offered.split(',').some((p) => p.trim() === SUBPROTOCOL)) return refuse(badRequest);
    this.#wss.handleUpgrade(req, socket, head, (ws: WebSocket) => this.#attach(ws, connectionId));
  }

  /** Drop every media socket (server shutdown; their channels are hung up by then). */
  closeAll(): void {
    for (const ws of this.#sockets) ws.terminate();
    this.#wss.close();
  }

  #refusal(connectionId: string): AriResponse | undefined {
    switch (this.connections.state(connectionId)) {
      case 'unknown':
        return htmlError(404, 'Not found', 'WebSocket instance not found', this.serverHeader);
      case 'attached':
        return htmlError(409, 'Conflict', 'Another websocket connection exists for this connection id', this.serverHeader); // prettier-ignore
      case 'ready':
        return undefined;
    }
  }

  #attach(ws: WebSocket, connectionId: string): void {
    const stall = new WriteStall(WRITE_TIMEOUT_MS);
    let closing = false;
    let failed = false;
    /** The driver's side, once attached (a write may stall before `attach` returns). */
    const link: { handler?: MediaSocketHandler } = {};
    const peer: MediaSocketPeer = {
      send: (data) => {
        if (closing) return;
        ws.send(data, { binary: typeof data !== 'string' });
        if (!stall.check(ws.bufferedAmount, performance.now())) return;
        closing = true;
        ws.close(CLOSE_INTERNAL_ERROR);
        link.handler?.closed('error');
      },
      close: (code) => {
        if (closing) return;
        closing = true;
        ws.close(code);
      },
    };
    // The id may have hung up during the handshake.
    const attached = this.connections.attach(connectionId, peer);
    if (attached === undefined) {
      ws.close(CLOSE_INTERNAL_ERROR);
      return;
    }
    link.handler = attached;
    this.#sockets.add(ws);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (closing) return;
      // Relayed to a worker: cloned with all the memory under the view, so the bytes get a buffer of their own.
      if (isBinary) attached.message(data.byteLength === data.buffer.byteLength ? data : new Uint8Array(data));
      else attached.message(data.toString('utf8'));
    });
    ws.on('error', (err: Error) => {
      failed = true;
      this.logger.warn({ err, connectionId }, 'media WebSocket error');
    });
    ws.on('close', () => {
      this.#sockets.delete(ws);
      if (closing) return;
      closing = true;
      attached.closed(failed ? 'error' : 'remote');
    });
  }
}
