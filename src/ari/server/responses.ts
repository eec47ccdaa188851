/**
 * Building AriResponse values: `{"message": ...}` errors (res_ari.c:ast_ari_response_error), the status-line
 * texts Asterisk uses, the HTML error page of main/http.c:ast_http_error, and JSON formatting.
 */
import { STATUS_CODES } from 'node:http';
import type { AriResponse } from './types.js';

type Headers = readonly (readonly [string, string])[];

/** Asterisk's texts where they differ from Node's table. */
const REASONS: Readonly<Record<number, string>> = {
  413: 'Request Entity Too Large',
  422: 'Unprocessable Entity',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? STATUS_CODES[status] ?? 'Unknown';
}

/** A status-line text safe to put on the wire (no control characters). */
export function safeReason(reason: string | undefined, status: number): string {
  const cleaned = reason?.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
  return cleaned ? cleaned : reasonPhrase(status);
}

export function errorResponse(status: number, message: string, reason?: string, headers: Headers = []): AriResponse {
  return { status, reason: safeReason(reason, status), headers, json: JSON.stringify({ message }) };
}

export function jsonResponse(status: number, body: unknown, headers: Headers = [], reason?: string): AriResponse {
  return { status, reason: safeReason(reason, status), headers, json: JSON.stringify(body) };
}

export function emptyResponse(status: number, headers: Headers = [], reason?: string): AriResponse {
  return { status, reason: safeReason(reason, status), headers };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The HTML page of main/http.c:ast_http_error (the 426 of a plain GET /ari/events, handshake refusals). */
export function htmlError(status: number, title: string, text: string, serverHeader: string): AriResponse {
  const page =
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\r\n' +
    '<html><head>\r\n' +
    `<title>${status} ${escapeHtml(title)}</title>\r\n` +
    '</head><body>\r\n' +
    `<h1>${escapeHtml(title)}</h1>\r\n` +
    `<p>${escapeHtml(text)}</p>\r\n` +
    '<hr />\r\n' +
    `<address>${escapeHtml(serverHeader)}</address>\r\n` +
    '</body></html>\r\n';
  return {
    status,
    reason: title,
    headers: [],
    raw: { contentType: 'text/html', data: Buffer.from(page, 'utf8') },
  };
}

/**
 * Re-serialize JSON text compactly or indented by two spaces (jansson JSON_COMPACT / JSON_INDENT(2)).
 * Text that does not parse is returned unchanged.
 */
export function formatJson(json: string, pretty: boolean): string {
  try {
    return pretty ? JSON.stringify(JSON.parse(json), null, 2) : JSON.stringify(JSON.parse(json));
  } catch {
    return json;
  }
}
