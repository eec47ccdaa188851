/**
 * Body parameters (`paramType: body`): the binder hands over the whole JSON body and these decoders read the
 * key each one stands for, with the checks and messages of Asterisk's handlers (semantics.md §1.3).
 */
import type { VariableAssignment } from '../../core/calls.js';
import type { EventFilter, EventFilterEntry } from '../../core/stasis/stasis-app.js';
import { AriError } from '../handler.js';
import type { AltBodyValues, BodyValues, ConfigField } from './args.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * `{"variables": {"NAME": "value", "X": {"value": "v", "report_events": true}}}` as Asterisk 22.10.1 reads it
 * (resource_channels.c json_to_ast_variables): empty names are skipped, names are kept as given (the setters
 * strip them), and a `variables` member that is not an object holds no variables. Absent → undefined.
 */
export function decodeVariables(body: unknown): VariableAssignment[] | undefined {
  if (!isObject(body)) return undefined;
  const vars = body.variables;
  if (!isObject(vars)) return undefined;
  const out: VariableAssignment[] = [];
  for (const [name, value] of Object.entries(vars)) {
    if (name === '') continue;
    if (typeof value === 'string') {
      out.push({ name, value, reportEvents: false });
      continue;
    }
    if (!isObject(value)) {
      throw new AriError(
        400,
        "Each value in 'variables' must be a string or an object with 'value' and optional 'report_events'",
      );
    }
    if (typeof value.value !== 'string') {
      throw new AriError(400, "Each object value in 'variables' must include string field 'value'");
    }
    if (value.report_events !== undefined && typeof value.report_events !== 'boolean') {
      throw new AriError(400, "Field 'report_events' in 'variables' entries must be boolean");
    }
    out.push({ name, value: value.value, reportEvents: value.report_events === true });
  }
  return out;
}

/** An event filter list: an array of objects each with a non-empty string `type` (§4.6). */
function filterList(value: unknown): EventFilterEntry[] {
  if (!Array.isArray(value)) throw new AriError(400, 'Invalid format definition');
  return value.map((entry) => {
    if (!isObject(entry) || typeof entry.type !== 'string' || entry.type === '') {
      throw new AriError(400, 'Invalid format definition');
    }
    return entry as EventFilterEntry;
  });
}

/** The eventFilter body is the filter itself: `{"allowed": [...], "disallowed": [...]}`; none clears both. */
export function decodeFilter(body: unknown): EventFilter {
  if (body === undefined || body === null) return {};
  if (!isObject(body)) throw new AriError(400, 'Invalid format definition');
  return {
    ...('allowed' in body && { allowed: filterList(body.allowed) }),
    ...('disallowed' in body && { disallowed: filterList(body.disallowed) }),
  };
}

/** `{"fields": [{"attribute": ..., "value": ...}]}` of dynamic configuration; absent → undefined. */
export function decodeFields(body: unknown): ConfigField[] | undefined {
  if (!isObject(body) || body.fields === undefined) return undefined;
  const fields = body.fields;
  if (!Array.isArray(fields)) throw new AriError(400, 'Fields must be an array');
  return fields.map((f) => {
    if (!isObject(f) || typeof f.attribute !== 'string' || typeof f.value !== 'string') {
      throw new AriError(400, 'Fields must be attribute/value pairs');
    }
    return { attribute: f.attribute, value: f.value };
  });
}

/** The decoder of each body parameter, by name (every body parameter of the 109 operations is one of these). */
export const BODY_DECODERS: { readonly [N in keyof BodyValues]: (body: unknown) => BodyValues[N] | undefined } = {
  variables: decodeVariables,
  fields: decodeFields,
  filter: decodeFilter,
};

/** resource_endpoints.c: the `variables` member as string pairs (ast_json_to_ast_variables). */
export function decodeStringVariables(body: unknown): Record<string, string> | undefined {
  if (!isObject(body) || body.variables === undefined || body.variables === null) return undefined;
  const vars = body.variables;
  if (!isObject(vars)) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== 'string') throw new AriError(400, "Only string values in the 'variables' object allowed");
    out[name] = value;
  }
  return out;
}

/** Decoders a rule can pick instead of its parameter name's usual one. */
export const ALT_DECODERS: { readonly [N in keyof AltBodyValues]: (body: unknown) => AltBodyValues[N] | undefined } = {
  stringVariables: decodeStringVariables,
  referVariables: (body) => {
    const vars = decodeStringVariables(body);
    const name = isObject(body) && typeof body.display_name === 'string' ? body.display_name : undefined;
    return name === undefined ? vars : { ...vars, display_name: name };
  },
};
