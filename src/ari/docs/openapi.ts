/**
 * An OpenAPI 3.0.3 description of the whole ARI, built from the same declarations as the Swagger 1.1 documents.
 * Asterisk has no such document; this one is for today's tooling (code generators, API explorers). It says
 * what the wire accepts, so path parameters are always required here (OpenAPI 3 demands it) even where the
 * Swagger 1.1 declaration leaves `required` unset.
 */
import type { ModelDecl, OperationDecl, ParamDecl } from '../operation.js';
import { ALL_MODELS } from '../models/index.js';
import { ALL_OPERATIONS, RESOURCES } from '../operations/index.js';
import { deepFreeze } from './deep-freeze.js';
import { ARI_API_VERSION } from './swagger.js';

/** A JSON Schema object as OpenAPI 3.0 uses it (kept loose: the document is data, not a program). */
export type Schema = { readonly [key: string]: unknown };

export interface OpenApiDocument {
  readonly openapi: '3.0.3';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly servers: readonly { readonly url: string }[];
  readonly tags: readonly { readonly name: string; readonly description: string }[];
  readonly security: readonly Readonly<Record<string, readonly string[]>>[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, Schema>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, Schema>>;
    readonly securitySchemes: Readonly<Record<string, Schema>>;
  };
}

/** Every ARI error body (semantics.md §1.5). */
const ERROR_SCHEMA_ID = 'AriErrorBody';

let cached: Omit<OpenApiDocument, 'servers'> | undefined;

/**
 * The document for a server reachable at `serverUrl` — its origin plus any http.conf prefix, without `/ari`
 * (e.g. `http://127.0.0.1:8088`): the paths themselves start with `/ari`.
 */
export function openApiDocument(serverUrl: string): OpenApiDocument {
  cached ??= deepFreeze(build());
  const { openapi, info, ...rest } = cached;
  return { openapi, info, servers: [{ url: serverUrl }], ...rest };
}

function build(): Omit<OpenApiDocument, 'servers'> {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const op of ALL_OPERATIONS) (paths[`/ari${op.path}`] ??= {})[op.method.toLowerCase()] = operation(op);
  const schemas: Record<string, Schema> = {};
  for (const m of ALL_MODELS) schemas[m.id] = modelSchema(m);
  schemas[ERROR_SCHEMA_ID] = {
    type: 'object',
    description: 'Body of every ARI error response.',
    required: ['message'],
    properties: { message: { type: 'string' } },
  };
  return {
    openapi: '3.0.3',
    info: {
      title: 'Asterisk REST Interface (Switchyard)',
      version: ARI_API_VERSION,
      description:
        'The ARI of Asterisk 22 as Switchyard serves it. Events arrive over the WebSocket at GET /ari/events.',
    },
    tags: RESOURCES.map((r) => ({ name: r.name, description: r.description })),
    security: [{ basicAuth: [] }, { apiKey: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        basicAuth: { type: 'http', scheme: 'basic' },
        // semantics.md §1.2: `api_key=user:password`, used when there is no Authorization header.
        apiKey: { type: 'apiKey', in: 'query', name: 'api_key' },
      },
    },
  };
}

function operation(op: OperationDecl): Schema {
  const parameters = op.params.filter((p) => p.in !== 'body').map(parameter);
  const body = op.params.filter((p) => p.in === 'body');
  return {
    tags: [op.resource],
    operationId: `${op.resource}_${op.nickname}`,
    summary: op.summary,
    ...(op.notes !== undefined && { description: op.notes }),
    ...(op.since && { 'x-since': op.since }),
    ...(parameters.length > 0 && { parameters }),
    ...(body.length > 0 && { requestBody: requestBody(body) }),
    responses: responses(op),
  };
}

function parameter(p: ParamDecl): Schema {
  const base = scalarSchema(p.type);
  const schema: Schema = {
    ...base,
    ...(p.allowed && { enum: p.allowed }),
    ...(p.range?.min !== undefined && { minimum: p.range.min }),
    ...(p.range?.max !== undefined && { maximum: p.range.max }),
    ...(p.default !== undefined && { default: p.default }),
  };
  return {
    name: p.name,
    in: p.in,
    required: p.in === 'path' || p.required,
    description: p.description,
    // semantics.md §1.3: several values travel as ONE comma-separated query parameter.
    schema: p.multi ? { type: 'array', items: schema } : schema,
    ...(p.multi && { style: 'form', explode: false }),
    ...(p.since && { 'x-since': p.since }),
  };
}

/**
 * `containers` parameters are a key of the JSON body (`{"variables": {...}}`); an `object` parameter is the
 * whole body (the event filter). Query parameters may also travel as top-level JSON keys; that is left out
 * here to keep each parameter in one place.
 */
function requestBody(params: readonly ParamDecl[]): Schema {
  const whole = params.find((p) => p.type === 'object');
  const schema: Schema = whole
    ? { type: 'object', description: whole.description, additionalProperties: true }
    : {
        type: 'object',
        properties: Object.fromEntries(params.map((p) => [p.name, { description: p.description }])),
        ...(params.some((p) => p.required) && { required: params.filter((p) => p.required).map((p) => p.name) }),
      };
  return {
    required: params.some((p) => p.required),
    content: { 'application/json': { schema } },
  };
}

function responses(op: OperationDecl): Schema {
  const out: Record<string, Schema> = { [String(op.success)]: successResponse(op) };
  out['401'] = errorResponse('Authentication required');
  for (const [code, reason] of Object.entries(op.errors)) out[code] = errorResponse(reason);
  return out;
}

function successResponse(op: OperationDecl): Schema {
  if (op.upgrade) return { description: 'Switching Protocols: the events WebSocket (sub-protocol "ari")' };
  if (op.responseClass === 'void') return { description: 'Done' };
  if (op.responseClass === 'binary') {
    return { description: 'The file', content: { '*/*': { schema: { type: 'string', format: 'binary' } } } };
  }
  return { description: 'OK', content: { 'application/json': { schema: typeSchema(op.responseClass) } } };
}

function errorResponse(reason: string): Schema {
  return { description: reason, content: { 'application/json': { schema: ref(ERROR_SCHEMA_ID) } } };
}

function modelSchema(m: ModelDecl): Schema {
  const properties: Record<string, Schema> = {};
  for (const [name, p] of Object.entries(m.properties)) {
    properties[name] = {
      ...typeSchema(p.type),
      ...(p.description !== undefined && !isRef(p.type) && { description: p.description }),
      ...(p.allowed && { enum: p.allowed }),
    };
  }
  const required = Object.entries(m.properties)
    .filter(([, p]) => p.required)
    .map(([name]) => name);
  const own: Schema = {
    type: 'object',
    ...(m.description !== '' && { description: m.description }),
    ...(required.length > 0 && { required }),
    properties,
    ...(m.discriminator !== undefined && { discriminator: { propertyName: m.discriminator } }),
  };
  // Event extends Message, every event type extends Event: allOf keeps the discriminator reachable.
  return m.extends ? { allOf: [ref(m.extends), own] } : own;
}

const isRef = (type: string): boolean => /^[A-Z]/.test(type) && type !== 'Date';

function typeSchema(type: string): Schema {
  const list = /^List\[(.+)\]$/.exec(type);
  if (list?.[1]) return { type: 'array', items: typeSchema(list[1]) };
  if (isRef(type)) return ref(type);
  return scalarSchema(type);
}

function scalarSchema(type: string): Schema {
  switch (type) {
    case 'int':
      return { type: 'integer', format: 'int32' };
    case 'long':
      return { type: 'integer', format: 'int64' };
    case 'double':
      return { type: 'number', format: 'double' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      // Not RFC 3339: the offset has no colon (2026-01-02T03:04:05.678+0000), so no `format: date-time`.
      return { type: 'string', description: 'YYYY-MM-DDTHH:MM:SS.mmm+ZZZZ' };
    case 'object':
    case 'containers':
      return { type: 'object', additionalProperties: true };
    default:
      return { type: 'string' };
  }
}

function ref(id: string): Schema {
  return { $ref: `#/components/schemas/${id}` };
}
