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

interface WireBody {
  readonly contentType?: string;
  readonly data: Buffer;
}

function wireBody(res: AriResponse, pretty: boolean): WireBody {
  if (res.raw) return { contentType: res.raw.contentType, data: res.raw.data };
  if (res.json !== undefined) {
    const text = pretty ? formatJson(res.json, true) : res.json;
    return { contentType: 'application/json', data: Buffer.from(text, 'utf8') };
  }
  return { data: Buffer.alloc(0) };
}

function headerList(res: AriResponse, body: WireBody, server: string, closing: boolean): [string, string][] {
  const list: [string, string][] = [
    ['Server', server],
    ['Date', new Date().toUTCString()],
  ];
  if (closing) list.push(['Connection', 'close']);
  list.push(['Cache-Control', 'no-cache, no-store'], ['Content-Length', String(body.data.length)]);
  for (const [k, v] of res.headers) list.push([k, v]);
  if (body.contentType !== undefined) list.push(['Content-type', body.contentType]);
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
    out.writeHead(res.status, res.reason, headerList(res, body, server, false).flat());
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
  for (const [k, v] of headerList(res, body, server, true)) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) continue;
    head += `${k}: ${v}\r\n`;
  }
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body.data]));
  responseWritten(res);
}
