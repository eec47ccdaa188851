/**
 * REST over WebSocket messages (res/ari/ari_websocket_requests.c, 22.4.0+; semantics.md §3.4): parsing a
 * client's RESTRequest text frame into an AriRequest, with the exact 400 answers of parse_rest_request_msg,
 * and turning an AriResponse into the fields of the RESTResponse event (send_rest_response).
 */
import { parseJsonBody } from './http-body.js';
import { formatJson } from './responses.js';
import type { AriParam, AriRequest, AriResponse } from './types.js';
import { parseFormList } from './uri.js';

/** RESTResponse fields in the order Asterisk packs them (type/application/timestamp are added by core). */
export type RestResponseFields = {
  readonly transaction_id: string;
  readonly request_id: string;
  readonly status_code: number;
  readonly reason_phrase: string;
  readonly uri: string;
  readonly content_type?: string;
  readonly message_body?: string;
};

export type ParsedRestRequest =
  | { readonly ok: false; readonly fields: RestResponseFields }
  | {
      readonly ok: true;
      readonly request: AriRequest;
      readonly transactionId: string;
      readonly requestId: string;
      readonly uri: string;
    };

/** What the socket's upgrade request contributes to every RESTRequest: its headers and api_key. */
export interface UpgradeContext {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly apiKey: string | undefined;
}

/** Methods ast_get_http_method_from_string knows (exact, upper-case names). */
const METHODS = new Set(['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

function str(msg: unknown, key: string): string | undefined {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return undefined;
  const v = (msg as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : undefined;
}

/** ast_json_nvp_array_to_ast_variables: an array of {"name": string, "value": string}. */
function nameValueArray(v: unknown): AriParam[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: AriParam[] = [];
  for (const item of v) {
    const name = str(item, 'name');
    const value = str(item, 'value');
    if (name === undefined || value === undefined) return undefined;
    out.push([name, value]);
  }
  return out;
}

export function parseRestRequest(text: string, upgrade: UpgradeContext): ParsedRestRequest {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    msg = undefined;
  }
  if (typeof msg !== 'object' || msg === null) {
    // ari_websockets.c:ari_ws_session_read — no ids, no body.
    const fields = { transaction_id: '', request_id: '', status_code: 400, uri: '' };
    return { ok: false, fields: { ...fields, reason_phrase: 'Failed to parse request message JSON' } };
  }
  const transactionId = str(msg, 'transaction_id') ?? '';
  const requestId = str(msg, 'request_id') ?? '';
  let uri = '';
  const bad = (message: string): ParsedRestRequest => ({
    ok: false,
    fields: {
      transaction_id: transactionId,
      request_id: requestId,
      status_code: 400,
      reason_phrase: 'Bad request',
      uri,
      content_type: 'application/json',
      message_body: JSON.stringify({ message }),
    },
  });

  const type = str(msg, 'type');
  if (!type) return bad("No 'type' property.");
  if (type !== 'RESTRequest') return bad('Unknown request type.');
  const fullUri = str(msg, 'uri');
  if (!fullUri) return bad("Empty or missing 'uri' property.");
  const q = fullUri.indexOf('?');
  uri = q < 0 ? fullUri : fullUri.slice(0, q);
  const params: AriParam[] = q < 0 ? [] : parseFormList(fullUri.slice(q + 1));

  const method = str(msg, 'method');
  if (method === undefined || !METHODS.has(method)) return bad("Unknown or missing 'method' property.");
  if (Object.hasOwn(msg, 'query_strings')) {
    const extra = nameValueArray((msg as Record<string, unknown>)['query_strings']);
    if (!extra) return bad("Unable to parse 'query_strings' array.");
    params.push(...extra);
  }

  let jsonBody: unknown;
  const body = str(msg, 'message_body');
  if (body) {
    const contentType = str(msg, 'content_type');
    if (!contentType) return bad("No 'content_type' for 'message_body'.");
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = parseFormList(body);
      if (form.length === 0) return bad("Unable to parse 'message_body' as 'application/x-www-form-urlencoded'.");
      params.push(...form); // appended after the query strings: a form field wins here
    } else if (contentType === 'application/json') {
      const parsed = parseJsonBody(body);
      if (!parsed.ok) return bad("Unable to parse 'message_body' as 'application/json'.");
      jsonBody = parsed.value;
    } else {
      return bad('Unknown content type.');
    }
  }

  const request: AriRequest = {
    method,
    path: uri,
    params,
    headers: upgrade.headers,
    webSocket: { apiKey: upgrade.apiKey },
    ...(jsonBody === undefined ? {} : { jsonBody }),
  };
  return { ok: true, request, transactionId, requestId, uri };
}

/**
 * The RESTResponse fields for a dispatched request. The body is always compact JSON; a binary result
 * (a stored recording's file) cannot travel here: 406 "Not Acceptable.  Use HTTP GET".
 */
export function restResponseFields(
  transactionId: string,
  requestId: string,
  uri: string,
  res: AriResponse,
  pretty: boolean,
): RestResponseFields {
  const base = { transaction_id: transactionId, request_id: requestId };
  if (res.raw) {
    return { ...base, status_code: 406, reason_phrase: 'Not Acceptable.  Use HTTP GET', uri };
  }
  const head = { ...base, status_code: res.status, reason_phrase: res.reason, uri };
  if (res.json === undefined) return head;
  const body = pretty ? formatJson(res.json, false) : res.json;
  return { ...head, content_type: 'application/json', message_body: body };
}
