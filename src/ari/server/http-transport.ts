/**
 * HTTP ↔ AriRequest/AriResponse. Responses carry the headers of main/http.c:ast_http_send in its order:
 * Server, Date, Cache-Control: no-cache, no-store, Content-Length, then the ARI headers, and
 * `Content-type` (lower-case t, as Asterisk writes it) only when there is a body. Connections stay open
 * (keep-alive) unless the server is closing them.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { markHttpRequest, responseWritten, ticketOf } from './causal-gate.js';
import type { BodyResult } from './http-body.js';
import { formatJson } from './responses.js';
import type { AriParam, AriRequest, AriResponse } from './types.js';
import { parseFormList, splitTarget } from './uri.js';

/** Node's header object flattened to single strings (repeated headers joined as Node reports them). */
export function flatHeaders(h: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Build the AriRequest of an HTTP request whose ARI-relative path is `ariPath`. */
export function toAriRequest(req: IncomingMessage, ariPath: string, body: BodyResult): AriRequest {
  const { query } = splitTarget(req.url ?? '');
  // Form fields first, then the query string, so that the query string wins (res_ari.c:ast_ari_callback).
  const params: AriParam[] = body.kind === 'form' ? [...body.params, ...parseFormList(query)] : parseFormList(query);
  return markHttpRequest({
    method: req.method ?? 'GET',
    path: ariPath,
    params,
    headers: flatHeaders(req.headers),
    ...(body.kind === 'json' ? { jsonBody: body.value } : {}),
    ...(body.kind === 'error' ? { bodyError: { status: body.status, message: body.message } } : {}),
  });
}

/** A body as it goes out: JSON text stays a string, so Node writes head and body in one piece. */
interface WireBody {
  readonly contentType?: string;
  readonly data: Buffer | string;
  readonly length: number;
}

const EMPTY: WireBody = { data: '', length: 0 };

function wireBody(res: AriResponse, pretty: boolean): WireBody {
  if (res.raw) return { contentType: res.raw.contentType, data: res.raw.data, length: res.raw.data.length };
  if (res.json !== undefined) {
    const text = pretty ? formatJson(res.json, true) : res.json;
    return { contentType: 'application/json', data: text, length: Buffer.byteLength(text, 'utf8') };
  }
  return EMPTY;
}

/** The Date header (RFC 9110 §5.6.7 IMF-fixdate) changes once a second: built once a second. */
let dateSecond = -1;
let dateText = '';
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** The response headers as Node's flat [name, value, name, value, ...] list. */
function headerList(res: AriResponse, body: WireBody, server: string, closing: boolean): string[] {
  const list = ['Server', server, 'Date', httpDate()];
  if (closing) list.push('Connection', 'close');
  list.push('Cache-Control', 'no-cache, no-store', 'Content-Length', String(body.length));
  for (const [k, v] of res.headers) list.push(k, v);
  if (body.contentType !== undefined) list.push('Content-type', body.contentType);
  return list;
}

/**
 * Send `res` on a Node response. A header Node refuses (bad characters) turns into a bare 500. Events the request
 * may have caused are held until the response bytes are with the kernel (causal-gate.ts): at once when the socket
 * took them in full, else once they have been flushed.
 */
export function writeResponse(out: ServerResponse, res: AriResponse, server: string, pretty: boolean): void {
  const ticket = ticketOf(res);
  if (out.headersSent || out.destroyed) {
    ticket?.close();
    return;
  }
  const body = wireBody(res, pretty);
  try {
    out.writeHead(res.status, res.reason, headerList(res, body, server, false));
  } catch {
    out.writeHead(500, 'Internal Server Error', ['Server', server, 'Content-Length', '0']);
    out.end();
    ticket?.close();
    return;
  }
  out.end(body.data);
  if (ticket === undefined) return;
  const socket = out.socket;
  if (socket === null || socket.writableLength === 0) {
    ticket.close();
    return;
  }
  const close = (): void => ticket.close();
  out.once('finish', close);
  out.once('close', close);
}

/** Send `res` as raw HTTP/1.1 on a socket that Node handed over (an upgrade request), then close it. */
export function writeRawResponse(socket: Duplex, res: AriResponse, server: string, pretty: boolean): void {
  if (socket.destroyed) return responseWritten(res);
  const body = wireBody(res, pretty);
  let head = `HTTP/1.1 ${res.status} ${res.reason}\r\n`;
  const list = headerList(res, body, server, true);
  for (let i = 0; i + 1 < list.length; i += 2) {
    const k = list[i]!;
    const v = list[i + 1]!;
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) continue;
    head += `${k}: ${v}\r\n`;
  }
  const data = typeof body.data === 'string' ? Buffer.from(body.data, 'utf8') : body.data;
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), data]));
  responseWritten(res);
}
