/**
 * The typed surface of the ARI client, derived at the type level from the operation declarations
 * (src/ari/operations) and the wire models (src/ari/models/wire.ts). Nothing here is written per operation:
 * a parameter, its type, whether it is required and the result all come from one operation's declaration,
 * so a new or changed declaration changes the client's types with it.
 */
import type { Static } from 'typebox';
import type { AriEvent, EventOf, EventType, MODEL_SCHEMAS, ModelName } from '../ari/models/wire.js';
import type { OperationDecl, ParamDecl } from '../ari/operation.js';
import type { OPERATIONS } from '../ari/operations/index.js';

/** One channel variable as originate/create/bridge operations take it: a value, or a value whose changes are
 *  reported as ChannelVarset events (`report_events`). */
export type VariableValue = string | { readonly value: string; readonly report_events?: boolean };

/** A `{"fields": [...]}` item of dynamic configuration (PUT /asterisk/config/dynamic/...). */
export interface ConfigFieldBody {
  readonly attribute: string;
  readonly value: string;
}

/** The whole body of PUT /applications/{applicationName}/eventFilter (semantics.md §4.6). */
export interface EventFilterBody {
  readonly allowed?: readonly { readonly type: string }[];
  readonly disallowed?: readonly { readonly type: string }[];
}

/** The value a body parameter takes; endpoint messaging accepts string variables only (resource_endpoints.c). */
type BodyValue<O extends OperationDecl, N extends string> = N extends 'variables'
  ? O['resource'] extends 'endpoints'
    ? Readonly<Record<string, string>>
    : Readonly<Record<string, VariableValue>>
  : N extends 'fields'
    ? readonly ConfigFieldBody[]
    : N extends 'filter'
      ? EventFilterBody
      : unknown;

/** One value of a query or path parameter: numbers, booleans, or a string (narrowed to the allowed values). */
type ScalarValue<P extends ParamDecl> = P['type'] extends 'int' | 'long' | 'double'
  ? number
  : P['type'] extends 'boolean'
    ? boolean
    : P extends { readonly allowed: readonly (infer A)[] }
      ? A
      : string;

/** The value a caller passes for one parameter; `allowMultiple` ones take a list (sent comma-joined). */
export type ParamValue<O extends OperationDecl, P extends ParamDecl> = P['in'] extends 'body'
  ? BodyValue<O, P['name']>
  : P extends { readonly multi: true }
    ? readonly ScalarValue<P>[] | ScalarValue<P>
    : ScalarValue<P>;

/** A path segment is always needed to build the URL, whatever the Swagger declaration says. */
type IsRequired<P extends ParamDecl> = P['in'] extends 'path' ? true : P['required'] extends true ? true : false;

type Param<O extends OperationDecl> = O['params'][number];

/** Flattens an intersection so editors show one object type. */
type Flat<T> = { [K in keyof T]: T[K] } & {};

/** The parameters object of operation `O`: required parameters required, the others optional. */
export type ParamsOf<O extends OperationDecl> = Flat<
  {
    readonly [P in Param<O> as IsRequired<P> extends true ? P['name'] : never]: ParamValue<O, P>;
  } & {
    readonly [P in Param<O> as IsRequired<P> extends true ? never : P['name']]?: ParamValue<O, P>;
  }
>;

/** A wire model by its Swagger name (`Channel`), as JSON.parse hands it over. */
export type ModelOf<M extends string> = M extends ModelName ? Static<(typeof MODEL_SCHEMAS)[M]> : unknown;

/** The resolved value of a `responseClass`: nothing, the stored file's bytes, a model or a list of them. */
export type ResponseOf<C extends string> = C extends 'void'
  ? void
  : C extends 'binary'
    ? Uint8Array
    : C extends `List[${infer M}]`
      ? ModelOf<M>[]
      : ModelOf<C>;

/** One client method: the parameters object may be left out when no parameter is required. */
export type MethodOf<O extends OperationDecl> =
  Record<string, never> extends ParamsOf<O>
    ? (params?: ParamsOf<O>) => Promise<ResponseOf<O['responseClass']>>
    : (params: ParamsOf<O>) => Promise<ResponseOf<O['responseClass']>>;

type Operations = typeof OPERATIONS;

/** The REST methods of one resource by nickname; the events WebSocket upgrade is not a REST method. */
export type ResourceMethods<R extends keyof Operations> = {
  readonly [
    N in keyof Operations[R] as Operations[R][N] extends { readonly upgrade: 'websocket' } ? never : N
  ]: Operations[R][N] extends OperationDecl ? MethodOf<Operations[R][N]> : never;
};

/** Options of the events WebSocket (semantics.md §3.1). */
export interface EventsOptions {
  /** Receive every channel, bridge and endpoint event, not only those of subscribed objects (§4.3). */
  readonly subscribeAll?: boolean;
}

/** The events WebSocket of one or more Stasis applications, reconnecting until closed. */
export interface AriEventStream extends AsyncIterable<AriEvent> {
  /** Calls `listener` with every event of this type; returns a function that removes it. */
  on<T extends EventType>(type: T, listener: (event: EventOf<T>) => void): () => void;
  /** Connection problems and listener exceptions; without a listener they are dropped. */
  onError(listener: (err: Error) => void): () => void;
  /** Resolves once a connection is open (the current one, or the next after a drop); rejects when closed. */
  ready(): Promise<void>;
  /** How many times a connection has opened (1 after the first, 2 after one reconnection, ...). */
  readonly connections: number;
  /** Closes the socket for good and ends every iterator. */
  close(): void;
}

/** `client.events(apps)` opens the events WebSocket; `client.events.userEvent(...)` are its REST methods. */
export type EventsResource = ((apps: string | readonly string[], options?: EventsOptions) => AriEventStream) &
  ResourceMethods<'events'>;

/** The typed ARI client: `client.<resource>.<nickname>(params)` for every operation. */
export type AriClient = {
  readonly [R in Exclude<keyof Operations, 'events'>]: ResourceMethods<R>;
} & { readonly events: EventsResource };

export type { AriEvent, EventOf, EventType };
