/**
 * What Asterisk's HTTP server (main/http.c) answers where Node's parser would give a bare 400/431 with no body:
 * requests Node cannot parse are answered here from the parser's error, and the header limits Asterisk applies
 * (a line of at most 4 095 bytes, at most 100 headers) are checked on the requests Node did parse.
 *
 * - an unknown method: 405 `{"message":"Invalid method"}` with `Allow: OPTIONS,GET` (what Asterisk answers for
 *   a method it does not know);
 * - bytes a URL may not hold (0xff, a space inside the path): Asterisk cuts the path there or keeps the byte, and
 *   finds no resource: 404 `{"message":"Resource not found"}`;
 * - a method in lower case: Asterisk accepts it (it compares methods without case). method-case.ts mends the
 *   first request of each connection before Node's parser reads it; a later one on a kept-alive connection reaches
 *   the parser as it is and is answered 405 here — the one difference left;
 * - a header line too long: 400 "Header line too long"; more than 100 headers: 413 "Too many headers", both as
 *   ast_http_error's HTML page;
 * - anything else unreadable: 400 Bad Request (HTML).
 * LF-only line endings are accepted, as Asterisk reads lines up to `\n` (the server uses Node's lenient parser).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorResponse, htmlError } from './responses.js';
import type { AriResponse } from './types.js';
import { writeRawResponse } from './http-transport.js';

/** http.c MAX_HTTP_LINE_LENGTH (the buffer, with its terminator) and MAX_HTTP_REQUEST_HEADERS. */
const MAX_LINE_BYTES = 4096 - 1;
const MAX_HEADERS = 100;
/** Node's own header limit, set above anything Asterisk would take so that the checks below decide. */
export const NODE_MAX_HEADER_BYTES = (MAX_HEADERS + 2) * (MAX_LINE_BYTES + 2);

/**
 * The answer to a request Node's parser refused (its `clientError`), from the parser's error code and the
 * request line it read (`rawPacket`).
 */
export function clientErrorResponse(code: string | undefined, requestLine: string, serverHeader: string): AriResponse {
  if (code === 'HPE_HEADER_OVERFLOW') return htmlError(400, 'Bad Request', 'Header line too long', serverHeader);
  const method = /^([A-Za-z]+) /.exec(requestLine);
  // Not even a method: no request at all.
  if (method === null) return htmlError(400, 'Bad Request', 'Bad Request', serverHeader);
  if (code === 'HPE_INVALID_METHOD') return errorResponse(405, 'Invalid method', undefined, [['Allow', 'OPTIONS,GET']]);
  // A method and a path Node could not take (a byte a URL may not hold, a space inside it): Asterisk looks the
  // path up as it reads it and finds nothing.
  if (requestLine.startsWith('/', method[0].length)) return errorResponse(404, 'Resource not found');
  return htmlError(400, 'Bad Request', 'Bad Request', serverHeader);
}

/** Answers a refused request on its socket (unless the socket is gone or a response already started). */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, serverHeader: string): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const raw = (err as { rawPacket?: Buffer }).rawPacket;
  const requestLine = raw === undefined ? '' : raw.subarray(0, raw.indexOf(0x0a) === -1 ? raw.length : raw.indexOf(0x0a)).toString('latin1'); // prettier-ignore
  writeRawResponse(socket, clientErrorResponse(err.code, requestLine, serverHeader), serverHeader, false);
}

/** Asterisk's header limits on a parsed request: the error page it answers, or undefined when within them. */
export function headerLimitResponse(req: IncomingMessage, serverHeader: string): AriResponse | undefined {
  const raw = req.rawHeaders;
  if (raw.length / 2 > MAX_HEADERS) return htmlError(413, 'Request Entity Too Large', 'Too many headers', serverHeader);
  for (let i = 0; i + 1 < raw.length; i += 2) {
    // "Name: value" on the wire; Node reads header bytes as latin1, one character per byte.
    if (raw[i]!.length + 2 + raw[i + 1]!.length > MAX_LINE_BYTES - 2) {
      return htmlError(400, 'Bad Request', 'Header line too long', serverHeader);
    }
  }
  return undefined;
}
