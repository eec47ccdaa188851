/**
 * The contract between the ARI HTTP/WebSocket layer and the handlers of each operation.
 * Handlers live in src/ari/handlers/<resource>.ts, keyed by the operation's nickname.
 */
import type { ResourceName } from './operation.js';

/** Parameter values after binding (semantics.md §1.3): path + query + form + JSON top-level keys. */
export interface BoundArgs {
  /** string params: the raw string; int/long: lenient atoi-style number; boolean: Asterisk truthiness;
   *  multi params: string[]; body params (`variables`, `fields`, `filter`): the whole parsed JSON body.
   *  A parameter absent from the request is undefined (documented defaults are NOT applied here). */
  readonly [name: string]: unknown;
}

export interface RequestContext {
  readonly user: string;
  readonly readOnly: boolean;
  /** The whole parsed JSON body, when the request carried `Content-Type: application/json`. */
  readonly jsonBody?: unknown;
}

/** What a handler returns. `undefined` means the operation's success status with no body. */
export type HandlerResult =
  | undefined
  | {
      readonly status?: number;
      readonly body?: unknown;
      /** A body already serialized as JSON (cached snapshots are spliced, not re-encoded). */
      readonly json?: string;
      readonly headers?: Readonly<Record<string, string>>;
      /** Raw (non-JSON) body, e.g. a stored recording file. */
      readonly raw?: { readonly contentType: string; readonly data: Buffer };
    };

export type Handler = (args: BoundArgs, ctx: RequestContext) => HandlerResult | Promise<HandlerResult>;

/** Handlers by resource, then by nickname. An operation without a handler answers 501. */
export type HandlerTable = Partial<Record<ResourceName, Readonly<Record<string, Handler>>>>;

/**
 * An ARI error: status + `{"message": ...}` body (semantics.md §1.5). `reason` is the status-line text
 * when Asterisk uses a non-standard one (e.g. "Variable Not Found"); `body` replaces the whole body for
 * the one place Asterisk answers `{"error":"Allocation failed"}`.
 */
export class AriError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
    readonly body?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
    this.name = 'AriError';
  }

  /** Answered only after this long (an overload refusal slows its client down); undefined: at once. */
  holdMs: number | undefined;

  static allocationFailed(holdMs?: number): AriError {
    const err = new AriError(500, 'Allocation failed', 'Internal Server Error', { error: 'Allocation failed' });
    err.holdMs = holdMs;
    return err;
  }
}
