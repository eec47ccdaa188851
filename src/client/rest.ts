/**
 * Turns one operation declaration and a parameters object into an HTTP request, and an HTTP response into
 * the operation's result or an AriClientError. Binding follows what Asterisk's generated code reads
 * (semantics.md §1.3): path segments are URL-decoded one by one, so each value is encoded on its own;
 * `allowMultiple` parameters are ONE comma-separated query value (a repeated parameter keeps only its last
 * occurrence); `variables`/`fields` travel as a key of a JSON body and an `object` body parameter (the event
 * filter) is the whole body.
 */
import type { OperationDecl, ParamDecl } from '../ari/operation.js';

/** A request ready for `fetch`, relative to the ARI root (`.../ari`). */
export interface BuiltRequest {
  readonly method: string;
  /** Path and query string, e.g. `/channels/c%201/variable?variable=X`. */
  readonly path: string;
  /** JSON text, present only when the caller passed a body parameter. */
  readonly body?: string;
}

/** A non-2xx answer from ARI: `message` is the `{"message": ...}` of the error body (semantics.md §1.5). */
export class AriClientError extends Error {
  override readonly name = 'AriClientError';
  constructor(
    /** HTTP status code; clients rely on it, not on the reason phrase (§1.5). */
    readonly status: number,
    message: string,
    /** The parsed JSON body, or its text when it is not JSON. */
    readonly body: unknown,
    /** `<resource>.<nickname>` of the failed call. */
    readonly operation: string,
  ) {
    super(message);
  }
}

/** Encodes a query value; commas stay literal so a list reads as the one value Asterisk splits (§1.3). */
function queryValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',');
}

function scalar(name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TypeError(`parameter ${name} must be a string, number or boolean`);
}

function queryString(p: ParamDecl, value: unknown): string {
  if (Array.isArray(value)) return (value as unknown[]).map((v) => queryValue(scalar(p.name, v))).join(',');
  return queryValue(scalar(p.name, value));
}

/**
 * The request for `op` with `params`. Throws TypeError for a caller's mistake the server could not
 * answer sensibly: a missing path parameter, or a parameter the operation does not declare.
 */
export function buildRequest(op: OperationDecl, params: Readonly<Record<string, unknown>> = {}): BuiltRequest {
  const declared = new Map(op.params.map((p) => [p.name, p]));
  for (const name of Object.keys(params)) {
    if (!declared.has(name)) throw new TypeError(`${op.resource}.${op.nickname} has no parameter ${name}`);
  }
  const path = op.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = params[name];
    if (value === undefined || value === '') {
      throw new TypeError(`${op.resource}.${op.nickname} needs the path parameter ${name}`);
    }
    return encodeURIComponent(scalar(name, value));
  });
  const query: string[] = [];
  let body: string | undefined;
  for (const p of op.params) {
    const value = params[p.name];
    if (value === undefined) continue;
    if (p.in === 'query') query.push(`${encodeURIComponent(p.name)}=${queryString(p, value)}`);
    else if (p.in === 'body') body = JSON.stringify(p.type === 'object' ? value : { [p.name]: value });
  }
  return {
    method: op.method,
    path: query.length > 0 ? `${path}?${query.join('&')}` : path,
    ...(body !== undefined && { body }),
  };
}

/** The message of an error body: `{"message"}`, or Asterisk's `{"error"}` variant for allocation failures. */
function errorMessage(body: unknown, fallback: string): string {
  if (typeof body === 'object' && body !== null) {
    const { message, error } = body as { message?: unknown; error?: unknown };
    if (typeof message === 'string') return message;
    if (typeof error === 'string') return error;
  }
  return fallback;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Where and as whom requests go. */
export interface RestTarget {
  /** The ARI root, e.g. `http://127.0.0.1:8088/ari`. */
  readonly ariUrl: string;
  /** `Basic ...` */
  readonly authorization: string;
}

/** Sends `op` with `params` and resolves with the decoded result (undefined for `void`). */
export async function callOperation(
  target: RestTarget,
  op: OperationDecl,
  params: Readonly<Record<string, unknown>> | undefined,
): Promise<unknown> {
  const req = buildRequest(op, params);
  const headers: Record<string, string> = { Authorization: target.authorization };
  if (req.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(target.ariUrl + req.path, {
    method: req.method,
    headers,
    ...(req.body !== undefined && { body: req.body }),
  });
  if (res.ok && op.responseClass === 'binary') return new Uint8Array(await res.arrayBuffer());
  const text = await res.text();
  if (!res.ok) {
    const body = parseJson(text);
    throw new AriClientError(res.status, errorMessage(body, res.statusText), body, `${op.resource}.${op.nickname}`);
  }
  if (op.responseClass === 'void' || text === '') return undefined;
  return JSON.parse(text) as unknown;
}
