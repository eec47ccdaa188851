/**
 * The public shapes of the ARI front end: its options, and the transport-independent request/response pair
 * that both HTTP and REST over WebSocket go through (semantics.md §1, §3.4).
 */
import type { StasisRegistry } from '../../core/ports.js';
import type { HandlerTable } from '../handler.js';
import type { OperationDecl } from '../operation.js';

/** Structured logger (pino-compatible subset). */
export interface AriLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Builders of the discovery documents; `basePath` is undefined when the request had no Host header. */
export interface AriDocs {
  resources(basePath: string | undefined): unknown;
  /** The API declaration of one resource file, undefined when there is no such resource. */
  resource(name: string, basePath: string | undefined): unknown;
  openapi(serverUrl: string): unknown;
  /** The AsyncAPI document of the events WebSocket; same `serverUrl` as `openapi`. */
  asyncapi(serverUrl: string): unknown;
}

/** ari.conf users: `authenticate` answers undefined for an unknown user or a wrong password. */
export interface AriAuth {
  realm: string;
  authenticate(user: string, password: string): { user: string; readOnly: boolean } | undefined;
}

import type { EventValidator } from './event-validator.js';

export interface AriServerOptions {
  operations: readonly OperationDecl[];
  handlers: HandlerTable;
  docs: AriDocs;
  auth: AriAuth;
  /** ari.conf `allowed_origins`: exact origins or '*'; empty = CORS off. */
  allowedOrigins: readonly string[];
  /** ari.conf `pretty`: indented JSON on HTTP. */
  pretty: boolean;
  /** http.conf `prefix` ('' by default; '/asterisk' → /asterisk/ari/...). */
  prefix: string;
  /** ari.conf `websocket_write_timeout` (ms): a socket whose writes stall this long is dropped. */
  websocketWriteTimeoutMs: number;
  stasis: StasisRegistry;
  /** Value of the `Server` response header, e.g. 'Asterisk/22.10.1'. */
  serverHeader: string;
  /** Largest request body read (Asterisk: 40960); bigger → 413. */
  maxBodyBytes?: number;
  logger?: AriLogger;
  /** Developer-mode validation of every event sent on the events WebSocket. */
  validator?: EventValidator;
}

/** One parameter of the query string or of a form body, decoded. */
export type AriParam = readonly [name: string, value: string];

/** A request, whatever transport it came over. */
export interface AriRequest {
  /** HTTP method name as received ('GET', 'PATCH', ...). */
  readonly method: string;
  /** Path below `<prefix>/ari/`, still percent-encoded, without the query string (e.g. 'channels/c1/answer'). */
  readonly path: string;
  /**
   * Query and form parameters in Asterisk's list order: for HTTP the form fields, then the query string;
   * a later entry with the same name overrides an earlier one (res_ari.c:ast_ari_callback).
   */
  readonly params: readonly AriParam[];
  /** Headers with lower-case names (REST over WebSocket: the upgrade request's headers). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The parsed `application/json` body (an object or an array), when there was one. */
  readonly jsonBody?: unknown;
  /** Set for REST over WebSocket; `apiKey` is the upgrade request's `api_key`, re-used for every request. */
  readonly webSocket?: { readonly apiKey?: string | undefined };
  /** The body could not be read (413, or 400 for bad JSON): Asterisk answers that before authenticating. */
  readonly bodyError?: { readonly status: number; readonly message: string };
}

/** A response, whatever transport carries it. */
export interface AriResponse {
  readonly status: number;
  /**
   * Answer no sooner than this (an overload refusal slows its HTTP client down). Applied where a connection is
   * one client's alone: the HTTP edge, not a WebSocket that carries the app's other requests.
   */
  readonly holdMs?: number;
  /** Status-line text (Asterisk sometimes uses its own, e.g. "Variable Not Found"). */
  readonly reason: string;
  /** Extra headers in order: Access-Control-*, Allow, WWW-Authenticate, Location, ... */
  readonly headers: readonly (readonly [string, string])[];
  /** Compact JSON body text; absent when there is no body. HTTP indents it when `pretty` is set. */
  readonly json?: string;
  /** A non-JSON body: a stored recording file, or the HTML page of the 426 answer. */
  readonly raw?: { readonly contentType: string; readonly data: Buffer };
}
