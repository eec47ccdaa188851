/**
 * Reading an HTTP request body the way main/http.c does for ARI (ast_http_get_post_vars, ast_http_get_json):
 * only `application/x-www-form-urlencoded` and `application/json` bodies are read (media type compared
 * case-insensitively, parameters after ';' ignored); anything else is left unread. A body over the limit is a
 * 413 without buffering it; JSON that does not parse, or whose top level is not an object or array (jansson
 * without JSON_DECODE_ANY), is a 400. An empty body is no body.
 */
import type { IncomingMessage } from 'node:http';
import { parseFormList } from './uri.js';
import type { AriParam } from './types.js';

export type BodyResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'form'; readonly params: AriParam[] }
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'error'; readonly status: number; readonly message: string };

const NONE: BodyResult = { kind: 'none' };
const TOO_LARGE: BodyResult = { kind: 'error', status: 413, message: 'Request body too large' };
const BAD_JSON: BodyResult = { kind: 'error', status: 400, message: 'Error parsing request body' };

/** The media type of a Content-Type header, lower-cased, without parameters. */
export function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** Parse body text as JSON the way jansson's json_loadb(.., 0) accepts it. */
export function parseJsonBody(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return { ok: false };
    return { ok: true, value };
  } catch {
    return { ok: false };
  }
}

/** Collect at most `max` bytes; undefined when the body is larger (the rest is left for Node to discard). */
function collect(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (v: Buffer | undefined): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      resolve(v);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        chunks.length = 0;
        finish(undefined);
        req.resume(); // keep draining (and dropping) what is still coming
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(Buffer.concat(chunks));
    const onError = (): void => finish(Buffer.alloc(0));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const type = mediaType(req.headers['content-type']);
  const isForm = type === 'application/x-www-form-urlencoded';
  if (!isForm && type !== 'application/json') return NONE;
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) return TOO_LARGE;
  const buf = await collect(req, maxBytes);
  if (buf === undefined) return TOO_LARGE;
  if (buf.length === 0) return NONE;
  const text = buf.toString('utf8');
  if (isForm) return { kind: 'form', params: parseFormList(text) };
  const parsed = parseJsonBody(text);
  return parsed.ok ? { kind: 'json', value: parsed.value } : BAD_JSON;
}
