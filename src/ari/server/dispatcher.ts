/**
 * The transport-independent ARI pipeline (res_ari.c:ast_ari_callback + ast_ari_invoke), in Asterisk's order:
 * CORS headers, body errors, authentication (401), read-only (403), trailing slash (404), api-docs,
 * routing (404), OPTIONS (204), method (405), then the handler. Used by HTTP and REST over WebSocket alike.
 */
import { TurnBudget } from './turn-budget.js';
import { isHttpRequest, sharedGate, type CausalGate, type RequestTicket } from './causal-gate.js';
import { AriError, type HandlerResult, type HandlerTable, type RequestContext } from '../handler.js';
import type { OperationDecl } from '../operation.js';
import { authenticate, mayUseMethod, type AriUser } from './auth.js';
import { bindArgs } from './bind-params.js';
import { preflightHeaders, simpleCorsHeaders, type HeaderList } from './cors.js';
import { emptyResponse, errorResponse, htmlError, jsonResponse, safeReason } from './responses.js';
import { RouteTree, pathVariables, type RouteMatch } from './route-tree.js';
import type { AriAuth, AriDocs, AriLogger, AriRequest, AriResponse } from './types.js';

export interface DispatcherOptions {
  readonly operations: readonly OperationDecl[];
  readonly handlers: HandlerTable;
  readonly docs: AriDocs;
  readonly auth: AriAuth;
  readonly allowedOrigins: readonly string[];
  /** Normalized http.conf prefix ('' or '/name'). */
  readonly prefix: string;
  readonly serverHeader: string;
  readonly logger: AriLogger;
  /** Holds events back until the response of the request that may have caused them is written. */
  readonly gate?: CausalGate;
}

/** What the checks before the handler decided. */
export type Prepared =
  | { readonly kind: 'done'; readonly response: AriResponse }
  | { readonly kind: 'events'; readonly user: AriUser }
  | {
      readonly kind: 'operation';
      readonly op: OperationDecl;
      readonly match: RouteMatch;
      readonly user: AriUser;
      readonly cors: HeaderList;
    };

/** State-changing requests run per event-loop turn before the loop polls its sockets again (turn-budget.ts). */
const WRITES_PER_TURN = 32;

export class Dispatcher {
  readonly #tree: RouteTree;
  readonly #writes = new TurnBudget(WRITES_PER_TURN);
  readonly #gate: CausalGate;

  constructor(private readonly opts: DispatcherOptions) {
    this.#tree = new RouteTree(opts.operations);
    this.#gate = opts.gate ?? sharedGate;
  }

  async dispatch(req: AriRequest): Promise<AriResponse> {
    const prepared = this.prepare(req);
    return this.execute(prepared, req);
  }

  async execute(prepared: Prepared, req: AriRequest): Promise<AriResponse> {
    switch (prepared.kind) {
      case 'done':
        return prepared.response;
      case 'events':
        // Over REST over WebSocket (semantics.md §3.1); over plain HTTP it is the 426 of
        // res_http_websocket.c:ast_websocket_uri_cb, an HTML page without the ARI headers.
        if (req.webSocket) {
          const cors = simpleCorsHeaders(this.opts.allowedOrigins, req.headers['origin']);
          return errorResponse(400, "Can't upgrade to websocket from a websocket", 'Bad Request', cors);
        }
        return htmlError(426, 'Upgrade Required', '', this.opts.serverHeader);
      case 'operation':
        return this.#invoke(prepared, req);
    }
  }

  /** Everything up to (not including) the handler call; synchronous, so the upgrade path can use it. */
  prepare(req: AriRequest): Prepared {
    const cors = simpleCorsHeaders(this.opts.allowedOrigins, req.headers['origin']);
    const done = (response: AriResponse): Prepared => ({ kind: 'done', response });
    if (req.bodyError) return done(errorResponse(req.bodyError.status, req.bodyError.message, undefined, cors));

    let user: AriUser | undefined;
    try {
      user = authenticate(this.opts.auth, req.headers['authorization'], req.params, req.webSocket?.apiKey);
    } catch (err) {
      this.opts.logger.error({ err }, 'ARI authentication failed');
    }
    if (!user) {
      const challenge: [string, string] = ['WWW-Authenticate', `Basic realm="${this.opts.auth.realm}"`];
      return done(errorResponse(401, 'Authentication required', undefined, [...cors, challenge]));
    }
    if (!mayUseMethod(user, req.method)) return done(errorResponse(403, 'Write access denied', undefined, cors));

    const path = req.path;
    if (path.endsWith('/')) {
      const message = `ARI URLs do not end with a slash. Try /ari/${path.slice(0, -1)}`;
      return done(errorResponse(404, message, undefined, cors));
    }
    if (path.startsWith('api-docs/') || path === 'openapi.json' || path === 'asyncapi.json') {
      if (req.method !== 'GET') return done(errorResponse(405, 'Unsupported method', undefined, cors));
      return done(this.#docs(path, req, cors));
    }

    const match = this.#tree.match(path);
    if (!match) return done(errorResponse(404, 'Resource not found', undefined, cors));
    const { node } = match;
    if (req.method === 'OPTIONS') {
      const h = req.headers;
      const extra = preflightHeaders(
        this.opts.allowedOrigins,
        node,
        h['origin'],
        h['access-control-request-method'],
        h['access-control-request-headers'],
      );
      return done(emptyResponse(204, [...cors, ['Allow', node.allow], ...extra]));
    }
    const op = node.methods.get(req.method);
    if (!op) return done(errorResponse(405, 'Invalid method', undefined, [...cors, ['Allow', node.allow]]));
    if (op.upgrade === 'websocket') return { kind: 'events', user };
    return { kind: 'operation', op, match, user, cors };
  }

  /** `/ari/api-docs/<file>` (res_ari.c:ast_ari_get_docs) and Switchyard's `/ari/openapi.json` and
   *  `/ari/asyncapi.json`. */
  #docs(path: string, req: AriRequest, cors: HeaderList): AriResponse {
    const host = req.headers['host'];
    const base = `${this.opts.prefix}/ari`;
    // basePath is always http:// + the Host header + prefix; without a Host header the key is dropped.
    const basePath = host === undefined ? undefined : `http://${host}${base}`;
    try {
      if (path === 'openapi.json' || path === 'asyncapi.json') {
        // Both documents' paths start with /ari: the server URL is the origin plus the http prefix only.
        const server = host === undefined ? this.opts.prefix : `http://${host}${this.opts.prefix}`;
        const doc = path === 'openapi.json' ? this.opts.docs.openapi(server) : this.opts.docs.asyncapi(server);
        return jsonResponse(200, doc, cors);
      }
      const file = path.slice('api-docs/'.length);
      const doc =
        file === 'resources.json'
          ? this.opts.docs.resources(basePath)
          : file.endsWith('.json')
            ? this.opts.docs.resource(file.slice(0, -'.json'.length), basePath)
            : undefined;
      if (doc === undefined) return errorResponse(404, 'Resource not found', undefined, cors);
      return jsonResponse(200, doc, cors);
    } catch (err) {
      this.opts.logger.error({ err, path }, 'ARI api-docs failed');
      return errorResponse(500, 'Internal Server Error', undefined, cors);
    }
  }

  async #invoke(p: Extract<Prepared, { kind: 'operation' }>, req: AriRequest): Promise<AriResponse> {
    const { op, cors } = p;
    let ticket: RequestTicket | undefined;
    try {
      const args = bindArgs(op, pathVariables(op, p.match.segments), req.params, req.jsonBody);
      const table = this.opts.handlers[op.resource];
      const handler = table && Object.hasOwn(table, op.nickname) ? table[op.nickname] : undefined;
      if (!handler) return errorResponse(501, 'Not implemented', undefined, cors);
      if (op.method !== 'GET') {
        await this.#writes.enter();
        // Events published from here on wait for this response to be written (causal-gate.ts). REST over
        // WebSocket sessions hold their own ticket for the whole request.
        if (isHttpRequest(req)) ticket = this.#gate.open();
      }
      const ctx: RequestContext = { user: p.user.user, readOnly: p.user.readOnly, jsonBody: req.jsonBody };
      return withTicket(fromResult(op, await handler(args, ctx), cors), ticket);
    } catch (err) {
      if (err instanceof AriError && Number.isInteger(err.status) && err.status >= 200 && err.status <= 599) {
        const res = jsonResponse(err.status, err.body ?? { message: err.message }, cors, err.reason);
        return withTicket(err.holdMs === undefined ? res : { ...res, holdMs: err.holdMs }, ticket);
      }
      this.opts.logger.error({ err, method: req.method, path: req.path }, 'ARI handler failed');
      return withTicket(errorResponse(500, 'Internal Server Error', undefined, cors), ticket);
    }
  }
}

function withTicket(res: AriResponse, ticket: RequestTicket | undefined): AriResponse {
  return ticket === undefined ? res : ticket.attach(res);
}

/** A handler's result as a response; `undefined` is the operation's success status with no body. */
function fromResult(op: OperationDecl, result: HandlerResult, cors: HeaderList): AriResponse {
  const success = op.success >= 200 && op.success <= 299 ? op.success : 200;
  if (result === undefined) return emptyResponse(success === 200 ? 204 : success, cors);
  const headers: [string, string][] = [...cors];
  if (result.headers) for (const [k, v] of Object.entries(result.headers)) headers.push([k, v]);
  if (result.raw) {
    const status = result.status ?? success;
    return { status, reason: safeReason(undefined, status), headers, raw: result.raw };
  }
  const json = result.json ?? (result.body === undefined ? undefined : JSON.stringify(result.body));
  if (json === undefined) return emptyResponse(result.status ?? success, headers);
  // A body never goes out with 204 (the declaration may say void while the handler returns an object).
  const status = result.status ?? (success === 204 ? 200 : success);
  return { status, reason: safeReason(undefined, status), headers, json };
}
