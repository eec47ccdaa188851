/**
 * Asterisk's Swagger discovery documents (`/ari/api-docs/resources.json` and one API declaration per
 * resource), built from the operation and model declarations. Shape per semantics.md §2: Swagger 1.1 field
 * names (`httpMethod`, `responseClass`, `dataType`, `errorResponses`) that swagger-client 2.0.x (node
 * ari-client), swagger-py and ari4java all read.
 */
import { RESOURCE_NAMES, type ModelDecl, type OperationDecl, type ParamDecl, type ResourceName } from '../operation.js';
import { RESOURCES, operationsOf } from '../operations/index.js';
import { modelsOf } from '../models/index.js';
import { deepFreeze } from './deep-freeze.js';

/** resources.json `apiVersion` of Asterisk 22.x (23.x says 11.0.0 with the same API). */
export const ARI_API_VERSION = '10.0.0';
/** Every per-resource declaration says 2.0.0. */
const DECLARATION_API_VERSION = '2.0.0';

export interface SwaggerResourceListing {
  readonly apiVersion: string;
  readonly swaggerVersion: '1.1';
  readonly basePath?: string;
  readonly apis: readonly { readonly path: string; readonly description: string }[];
}

export type SwaggerAllowableValues =
  | { readonly valueType: 'LIST'; readonly values: readonly string[] }
  | { readonly valueType: 'RANGE'; readonly min?: number; readonly max?: number };

export interface SwaggerParameter {
  readonly name: string;
  readonly description: string;
  readonly paramType: ParamDecl['in'];
  readonly required: boolean;
  readonly allowMultiple: boolean;
  readonly dataType: ParamDecl['type'];
  readonly defaultValue?: string | number | boolean;
  readonly allowableValues?: SwaggerAllowableValues;
}

export interface SwaggerOperation {
  readonly httpMethod: OperationDecl['method'];
  readonly since?: readonly string[];
  readonly summary: string;
  readonly notes?: string;
  readonly nickname: string;
  readonly responseClass: string;
  readonly parameters: readonly SwaggerParameter[];
  readonly errorResponses: readonly { readonly code: number; readonly reason: string }[];
  readonly upgrade?: 'websocket';
  readonly websocketProtocol?: 'ari';
}

export interface SwaggerApi {
  readonly path: string;
  readonly description: string;
  readonly operations: readonly SwaggerOperation[];
}

export interface SwaggerModelProperty {
  readonly type: string;
  readonly required?: boolean;
  readonly description: string;
  readonly allowableValues?: SwaggerAllowableValues;
}

export interface SwaggerModel {
  readonly id: string;
  readonly description: string;
  readonly properties: Readonly<Record<string, SwaggerModelProperty>>;
  readonly subTypes?: readonly string[];
  readonly discriminator?: string;
}

export interface SwaggerApiDeclaration {
  readonly apiVersion: string;
  readonly swaggerVersion: '1.1' | '1.2';
  readonly basePath?: string;
  readonly resourcePath: string;
  readonly since?: readonly string[];
  readonly requiresModules?: readonly string[];
  readonly apis: readonly SwaggerApi[];
  readonly models: Readonly<Record<string, SwaggerModel>>;
}

const resourcePath = (name: ResourceName): string => `/api-docs/${name}.{format}`;

const LISTING_APIS = deepFreeze(RESOURCES.map((r) => ({ path: resourcePath(r.name), description: r.description })));

/**
 * resources.json. `basePath` is `http://<Host header>[prefix]/ari` of the request being answered; the key is
 * left out when there is no Host header, as Asterisk does.
 */
export function resourcesListing(basePath: string | undefined): SwaggerResourceListing {
  return {
    apiVersion: ARI_API_VERSION,
    swaggerVersion: '1.1',
    ...(basePath !== undefined && { basePath }),
    apis: LISTING_APIS,
  };
}

type CachedDeclaration = Omit<SwaggerApiDeclaration, 'basePath'>;
const declarations = new Map<ResourceName, CachedDeclaration>();

/** `<resource>.json`, or undefined for a name that is not one of the 11 resources. */
export function apiDeclaration(resource: string, basePath: string | undefined): SwaggerApiDeclaration | undefined {
  if (!isResourceName(resource)) return undefined;
  let doc = declarations.get(resource);
  if (!doc) {
    doc = deepFreeze(buildDeclaration(resource));
    declarations.set(resource, doc);
  }
  const { apiVersion, swaggerVersion, ...rest } = doc;
  return { apiVersion, swaggerVersion, ...(basePath !== undefined && { basePath }), ...rest };
}

function isResourceName(name: string): name is ResourceName {
  return (RESOURCE_NAMES as readonly string[]).includes(name);
}

function buildDeclaration(name: ResourceName): CachedDeclaration {
  const resource = RESOURCES.find((r) => r.name === name);
  const models: Record<string, SwaggerModel> = {};
  for (const m of modelsOf(name)) models[m.id] = toModel(m);
  return {
    apiVersion: DECLARATION_API_VERSION,
    // Asterisk's events.json alone declares 1.2; swagger-client only looks at resources.json's version.
    swaggerVersion: name === 'events' ? '1.2' : '1.1',
    resourcePath: resourcePath(name),
    ...(resource?.since && { since: resource.since }),
    ...(resource?.requiresModules && { requiresModules: resource.requiresModules }),
    apis: groupByPath(operationsOf(name)),
    models,
  };
}

/** One `apis` entry per distinct path, in the order the paths first appear. */
function groupByPath(ops: readonly OperationDecl[]): SwaggerApi[] {
  const byPath = new Map<string, OperationDecl[]>();
  for (const op of ops) {
    const list = byPath.get(op.path);
    if (list) list.push(op);
    else byPath.set(op.path, [op]);
  }
  return [...byPath].map(([path, list]) => ({
    path,
    // Asterisk describes each path in a few words; ours reuse the first operation's summary.
    description: list[0]?.summary ?? path,
    operations: list.map(toOperation),
  }));
}

function toOperation(op: OperationDecl): SwaggerOperation {
  return {
    httpMethod: op.method,
    ...(op.since && { since: op.since }),
    summary: op.summary,
    ...(op.notes !== undefined && { notes: op.notes }),
    nickname: op.nickname,
    responseClass: op.responseClass,
    parameters: op.params.map(toParameter),
    errorResponses: Object.entries(op.errors).map(([code, reason]) => ({ code: Number(code), reason })),
    ...(op.upgrade && { upgrade: op.upgrade, websocketProtocol: 'ari' as const }),
  };
}

function toParameter(p: ParamDecl): SwaggerParameter {
  const allowableValues = allowable(p.allowed, p.range);
  return {
    name: p.name,
    description: p.description,
    paramType: p.in,
    required: p.required,
    allowMultiple: p.multi ?? false,
    dataType: p.type,
    ...(p.default !== undefined && { defaultValue: p.default }),
    ...(allowableValues && { allowableValues }),
  };
}

function allowable(
  allowed: readonly string[] | undefined,
  range: ParamDecl['range'],
): SwaggerAllowableValues | undefined {
  if (allowed) return { valueType: 'LIST', values: allowed };
  if (range) {
    return {
      valueType: 'RANGE',
      ...(range.min !== undefined && { min: range.min }),
      ...(range.max !== undefined && { max: range.max }),
    };
  }
  return undefined;
}

function toModel(m: ModelDecl): SwaggerModel {
  const properties: Record<string, SwaggerModelProperty> = {};
  for (const [name, p] of Object.entries(m.properties)) {
    const allowableValues = allowable(p.allowed, undefined);
    properties[name] = {
      type: p.type,
      ...(p.required && { required: true }),
      description: p.description ?? '',
      ...(allowableValues && { allowableValues }),
    };
  }
  return {
    id: m.id,
    description: m.description,
    properties,
    ...(m.subTypes && { subTypes: m.subTypes }),
    ...(m.discriminator !== undefined && { discriminator: m.discriminator }),
  };
}
