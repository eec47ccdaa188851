/**
 * The shape of one ARI operation declaration. Every operation of Asterisk 22's ARI is declared once
 * (src/ari/operations/<resource>.ts); routing, parameter binding, validation, the Swagger 1.1 discovery
 * documents, the OpenAPI 3 document and the coverage test all read these declarations.
 */

/** Swagger 1.1 dataType names as Asterisk's rest-api descriptions use them. */
export type ParamType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'containers' | 'object';

/** Where a parameter arrives: a URL segment, the query string (or form/JSON body key), or the whole JSON body. */
export type ParamSource = 'path' | 'query' | 'body';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ParamDecl {
  readonly name: string;
  readonly in: ParamSource;
  readonly type: ParamType;
  readonly required: boolean;
  readonly description: string;
  /** Default as documented (Asterisk does not always apply it server side; see semantics.md §1.3). */
  readonly default?: string | number | boolean;
  /** Allowed values (Swagger allowableValues LIST). */
  readonly allowed?: readonly string[];
  /** Allowed range (Swagger allowableValues RANGE). */
  readonly range?: { readonly min?: number; readonly max?: number };
  /** allowMultiple: one comma-separated value in the query string, or a JSON array in a body. */
  readonly multi?: boolean;
  readonly since?: readonly string[];
}

export interface OperationDecl {
  /** Resource file name, e.g. 'channels' (the Swagger API declaration it belongs to). */
  readonly resource: ResourceName;
  readonly nickname: string;
  readonly method: HttpMethod;
  /** Path relative to /ari, with {param} segments, e.g. '/channels/{channelId}/answer'. */
  readonly path: string;
  readonly summary: string;
  readonly notes?: string;
  /** Swagger responseClass, e.g. 'void', 'Channel', 'List[Channel]'. */
  readonly responseClass: string;
  /** Status code on success (204 for void, 200 for a body, 201 for play/record, 202 for messaging). */
  readonly success: number;
  /** Documented error responses: status code -> reason. */
  readonly errors: Readonly<Record<number, string>>;
  readonly params: readonly ParamDecl[];
  readonly since?: readonly string[];
  /** Set for the events WebSocket operation. */
  readonly upgrade?: 'websocket';
}

/** The 11 ARI resources in the order resources.json lists them (semantics.md §2). */
export const RESOURCE_NAMES = [
  'asterisk',
  'endpoints',
  'channels',
  'bridges',
  'recordings',
  'sounds',
  'playbacks',
  'deviceStates',
  'mailboxes',
  'events',
  'applications',
] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

/** One property of a Swagger 1.1 model. */
export interface ModelPropertyDecl {
  readonly type: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly allowed?: readonly string[];
}

/** One Swagger 1.1 model (resource object or event type). */
export interface ModelDecl {
  readonly id: string;
  /** The resource file whose `models` section defines it. */
  readonly resource: ResourceName;
  readonly description: string;
  readonly properties: Readonly<Record<string, ModelPropertyDecl>>;
  readonly extends?: string;
  readonly subTypes?: readonly string[];
  readonly discriminator?: string;
  readonly since?: readonly string[];
}

export interface ResourceDecl {
  readonly name: ResourceName;
  readonly description: string;
  readonly since?: readonly string[];
  readonly requiresModules?: readonly string[];
}

/** Declares one operation; the `const` type parameter keeps its literal types for the typed contract. */
export function defineOperation<const O extends OperationDecl>(op: O): O {
  return op;
}
