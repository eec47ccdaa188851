/**
 * What a handler returns, typed by its operation's `responseClass`: nothing for `void`, the model (or its cached
 * JSON) for a model, a list of them for `List[...]`, a file for `binary`. A Reply adds a status or headers
 * (201 + Location for play/record).
 */
import type { Static } from 'typebox';
import { RawJson } from '../../core/events/raw-json.js';
import type { HandlerResult } from '../handler.js';
import type { MODEL_SCHEMAS, ModelName } from '../models/wire.js';
import type { OperationDecl } from '../operation.js';

/** What a producer may hand over for a model: nothing in it is mutated on the way out. */
export type Readonlyish<T> = T extends (infer E)[]
  ? readonly Readonlyish<E>[]
  : T extends object
    ? { readonly [K in keyof T]: Readonlyish<T[K]> }
    : T;

/** A wire model by name; `object`/`string` for the two responses that are not models. */
export type Model<M extends string> = M extends ModelName ? Readonlyish<Static<(typeof MODEL_SCHEMAS)[M]>> : unknown;

/** A model as a handler may hand it over: the value itself or its JSON already serialized (a cached snapshot). */
export type Wire<M extends string> = Model<M> | RawJson<Model<M>>;

/** A body of a `responseClass`. */
export type BodyOf<C extends string> = C extends `List[${infer M}]` ? readonly Wire<M>[] : Wire<C>;

/** A stored recording's bytes (`GET /recordings/stored/{name}/file`). */
export interface RawFile {
  readonly contentType: string;
  readonly data: Buffer;
}

/** A body with a status other than the declared one, or extra headers. */
export class Reply<T> {
  constructor(
    readonly body: T | undefined,
    readonly options: { readonly status?: number; readonly headers?: Readonly<Record<string, string>> } = {},
  ) {}
}

type Sync<O extends OperationDecl> = O['responseClass'] extends 'void'
  ? void | Reply<undefined>
  : O['responseClass'] extends 'binary'
    ? RawFile
    : BodyOf<O['responseClass']> | Reply<BodyOf<O['responseClass']>>;

/** What the handler of `O` returns. */
export type ResultOf<O extends OperationDecl> = Sync<O> | Promise<Sync<O>>;

function isRawFile(v: object): v is RawFile {
  return 'contentType' in v && 'data' in v && Buffer.isBuffer((v as RawFile).data);
}

/** JSON of a body: cached snapshots are spliced in, not re-encoded. */
function toJson(body: unknown): string {
  if (body instanceof RawJson) return body.json;
  if (Array.isArray(body)) return '[' + body.map(toJson).join(',') + ']';
  return JSON.stringify(body);
}

/** The dispatcher's view of a handler's return value. */
export function toHandlerResult(value: unknown): HandlerResult {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Reply) {
    const { status, headers } = value.options;
    const body = value.body as unknown;
    return {
      ...(status !== undefined && { status }),
      ...(headers !== undefined && { headers }),
      ...(body !== undefined && { json: toJson(body) }),
    };
  }
  if (typeof value === 'object' && isRawFile(value)) return { raw: value };
  return { json: toJson(value) };
}
