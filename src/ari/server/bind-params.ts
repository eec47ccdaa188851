/**
 * Parameter binding (semantics.md §1.3; rest-api-templates/param_parsing.mustache and body_parsing.mustache):
 * path variables, then the query/form list (a later occurrence overrides an earlier one), then the top-level
 * keys of a JSON object body for query-type parameters; body-type parameters get the whole JSON body.
 */
import { AriError, type BoundArgs } from '../handler.js';
import type { OperationDecl, ParamDecl } from '../operation.js';
import type { AriParam } from './types.js';
import { MAX_VALS, atof, atoi, atol, isTrue, separateArgs } from './values.js';

function tooMany(name: string): AriError {
  return new AriError(400, `Too many values for ${name}`, 'Bad Request');
}

/** A query-string (or form) value, converted the way the generated C code converts it. */
function fromString(p: ParamDecl, value: string): unknown {
  if (p.multi) {
    const items = separateArgs(value);
    if (items.length >= MAX_VALS) throw tooMany(p.name);
    return items;
  }
  switch (p.type) {
    case 'int':
      return atoi(value);
    case 'long':
      return atol(value);
    case 'double':
      return atof(value);
    case 'boolean':
      return isTrue(value);
    case 'string':
    case 'containers':
    case 'object':
      return value;
  }
}

/**
 * A JSON body value: ints must be JSON integers (`ast_json_integer_get`, else 0), booleans the literal
 * `true`, strings JSON strings (else NULL, i.e. absent); multi values an array of strings or one string.
 */
function fromJson(p: ParamDecl, value: unknown): unknown {
  if (p.multi) {
    const items = Array.isArray(value) ? value : [value];
    if (items.length >= MAX_VALS) throw tooMany(p.name);
    return items.filter((v): v is string => typeof v === 'string');
  }
  switch (p.type) {
    case 'int':
    case 'long':
      return typeof value === 'number' && Number.isInteger(value) ? value : 0;
    case 'double':
      return typeof value === 'number' ? value : 0;
    case 'boolean':
      return value === true;
    case 'string':
      return typeof value === 'string' ? value : undefined;
    case 'containers':
    case 'object':
      return value;
  }
}

function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Bind the arguments of `op`. Throws AriError 400 "Too many values for <param>" for an allowMultiple
 * parameter with 128 or more items; no other conversion fails.
 */
export function bindArgs(
  op: OperationDecl,
  pathVars: ReadonlyMap<string, string>,
  params: readonly AriParam[],
  jsonBody: unknown,
): BoundArgs {
  const args: Record<string, unknown> = {}; // keys come from the declarations only
  const queryParams = new Map<string, ParamDecl>();
  for (const p of op.params) {
    if (p.in === 'path') {
      const v = pathVars.get(p.name);
      if (v !== undefined) args[p.name] = v;
    } else if (p.in === 'query') {
      queryParams.set(p.name, p);
    } else if (jsonBody !== undefined) {
      args[p.name] = jsonBody;
    }
  }
  // Every occurrence is converted in turn (so each can fail), the last one wins.
  for (const [name, value] of params) {
    const p = queryParams.get(name);
    if (p) args[name] = fromString(p, value);
  }

  if (isJsonObject(jsonBody)) {
    for (const [name, p] of queryParams) {
      if (!Object.prototype.hasOwnProperty.call(jsonBody, name)) continue;
      const v = fromJson(p, jsonBody[name]);
      if (v === undefined) delete args[name];
      else args[name] = v;
    }
  }
  return args;
}
