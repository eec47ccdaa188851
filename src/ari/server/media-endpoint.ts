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
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
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
/** RFC 6455 §1.3: appended to the client's key before hashing. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** RFC 6455 §5.2: FIN + opcode 0x8 (close), and a payload of the two-byte status code. */
const CLOSE_OPCODE_FIN = 0x88;
const CLOSE_PAYLOAD_BYTES = 2;

/** The connection id of a `<prefix>/media[/<id>]` path ('' when none is given); undefined for other paths. */
export function mediaConnectionPath(path: string, prefix: string): string | undefined {
  if (prefix !== '' && !path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  // main/http.c matches the handler's name ignoring case, on a whole path segment.
  if (rest.length < 6 || rest[0] !== '/' || rest.slice(1, 6).toLowerCase() !== 'media') return undefined;
  if (rest.length === 6) return '';
  return rest[6] === '/' ? rest.slice(7) : undefined;
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
  readonly #sockets = new Set<Duplex>();

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
    // RFC 6455 §4.2.2: the handshake answer; from here on the socket only moves bytes (the worker speaks WebSocket).
    const accept = createHash('sha1').update(`${h['sec-websocket-key']}${WEBSOCKET_GUID}`).digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n` +
        (offered !== undefined ? `Sec-WebSocket-Protocol: ${SUBPROTOCOL}\r\n` : '') +
        '\r\n',
    );
    this.#attachBytes(socket, head, connectionId);
  }

  /** The app's socket relayed as bytes to the channel's media worker, with Asterisk's 100 ms write timeout. */
  #attachBytes(socket: Duplex, head: Buffer, connectionId: string): void {
    const stall = new WriteStall(WRITE_TIMEOUT_MS);
    let closing = false;
    const link: { handler?: MediaSocketHandler } = {};
    const fail = (): void => {
      if (closing) return;
      closing = true;
      socket.destroy();
      link.handler?.closed('error');
    };
    const peer: MediaSocketPeer = {
      send: () => undefined,
      close: (code) => {
        if (closing) return;
        closing = true;
        // A close frame from the server side (RFC 6455 §5.5.1, unmasked) with the call's code, then FIN.
        socket.end(Buffer.from([CLOSE_OPCODE_FIN, CLOSE_PAYLOAD_BYTES, code >> 8, code & 0xff]));
      },
      raw: {
        write: (bytes) => {
          if (closing) return;
          socket.write(bytes);
          if (stall.check((socket as { writableLength?: number }).writableLength ?? 0, performance.now())) fail();
        },
        end: () => {
          if (closing) return;
          closing = true;
          socket.end();
        },
      },
    };
    const attached = this.connections.attach(connectionId, peer);
    if (attached === undefined) {
      socket.end(
        Buffer.from([CLOSE_OPCODE_FIN, CLOSE_PAYLOAD_BYTES, CLOSE_INTERNAL_ERROR >> 8, CLOSE_INTERNAL_ERROR & 0xff]),
      );
      return;
    }
    link.handler = attached;
    this.#sockets.add(socket);
    (socket as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
    if (head.length > 0) attached.bytes(new Uint8Array(head));
    socket.on('data', (data: Buffer) => {
      if (closing) return;
      attached.bytes(data.byteLength === data.buffer.byteLength ? data : new Uint8Array(data));
    });
    socket.on('error', (err: Error) => this.logger.warn({ err, connectionId }, 'media WebSocket error'));
    socket.on('close', (hadError: boolean) => {
      this.#sockets.delete(socket);
      if (closing) return;
      closing = true;
      attached.closed(hadError ? 'error' : 'remote');
    });
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
    for (const socket of this.#sockets) socket.destroy();
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
}
