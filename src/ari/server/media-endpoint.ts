/**
 * `<prefix>/media/<connection id>`: where an app connects the media WebSocket of a `WebSocket/INCOMING` channel
 * (chan_websocket's http URI, served by the same HTTP server as ARI, http.conf prefix included). In Asterisk's
 * order: 404 for an id no channel waits on, 409 when one already has its socket (incoming_ws_http_callback), then
 * the handshake checks of res_http_websocket (426 without `Upgrade: websocket`, 400 for another version or when the
 * protocols offered do not include `media`, the only one served). No authentication, as in Asterisk: knowing the
 * UUID is enough — unless the channel was dialled with `a` (not in Asterisk): then the app must also present the
 * channel's MEDIA_WEBSOCKET_TOKEN, as the query parameter `token` or as `Authorization: Bearer <token>` (RFC 6750
 * §2.1, §2.3), checked right after the 404: 401 with a `WWW-Authenticate: Bearer` challenge without one, 403 with a
 * wrong one. The id is taken as written (no URI decoding).
 *
 * Once attached, the socket lives here in the main thread (Node cannot hand it to a worker): its messages are
 * relayed to the channel's media through the driver. A write that stays stuck longer than 100 ms (Asterisk's
 * AST_DEFAULT_WEBSOCKET_WRITE_TIMEOUT) closes the socket with 1011 and ends the call.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  LARGE_MEDIA_MESSAGE_BYTES,
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

/** A handshake server taking messages up to `maxPayload` bytes (a bigger one closes with 1009). */
function mediaServer(maxPayload: number): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload,
    handleProtocols: (protocols: Set<string>) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
}

/** The token a request presents: the `token` query parameter, else an `Authorization: Bearer` credential. */
function presentedToken(req: IncomingMessage): string | undefined {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const fromQuery = query === -1 ? null : new URLSearchParams(url.slice(query + 1)).get('token');
  if (fromQuery !== null) return fromQuery;
  const match = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function sameToken(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class MediaEndpoint {
  /** Asterisk's limit, and the one of channels dialled with `l`. */
  readonly #wss = mediaServer(MAX_MEDIA_MESSAGE_BYTES);
  readonly #wssLarge = mediaServer(LARGE_MEDIA_MESSAGE_BYTES);
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
    const admission = this.connections.admission(connectionId);
    const denied = admission?.token === undefined ? undefined : this.#tokenRefusal(req, admission.token);
    if (denied !== undefined) return refuse(denied);
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
    const wss = admission?.maxMessageBytes === LARGE_MEDIA_MESSAGE_BYTES ? this.#wssLarge : this.#wss;
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => this.#attach(ws, connectionId));
  }

  /** 401 (with the challenge) without a token, 403 with a wrong one, undefined with the right one. */
  #tokenRefusal(req: IncomingMessage, expected: string): AriResponse | undefined {
    const presented = presentedToken(req);
    if (presented === undefined) {
      const res = htmlError(401, 'Unauthorized', 'A token is required for this connection id', this.serverHeader);
      return { ...res, headers: [...res.headers, ['WWW-Authenticate', 'Bearer realm="media"']] };
    }
    if (!sameToken(presented, expected)) {
      return htmlError(403, 'Forbidden', 'Invalid token for this connection id', this.serverHeader);
    }
    return undefined;
  }

  /** Drop every media socket (server shutdown; their channels are hung up by then). */
  closeAll(): void {
    for (const ws of this.#sockets) ws.terminate();
    this.#wss.close();
    this.#wssLarge.close();
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
