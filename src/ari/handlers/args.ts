import type { VariableAssignment } from '../../core/calls.js';
import type { BoundArgs } from '../handler.js';
import { AriError } from '../handler.js';

/** A string argument, or undefined when absent. */
export function str(args: BoundArgs, name: string): string | undefined {
  const v = args[name];
  return typeof v === 'string' ? v : undefined;
}

/** A string argument that must be present and non-empty, else 400 with `message`. */
export function required(args: BoundArgs, name: string, message: string): string {
  const v = str(args, name);
  if (v === undefined || v === '') throw new AriError(400, message);
  return v;
}

export function int(args: BoundArgs, name: string, fallback: number): number {
  const v = args[name];
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function bool(args: BoundArgs, name: string): boolean {
  return args[name] === true;
}

export function list(args: BoundArgs, name: string): string[] | undefined {
  const v = args[name];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  if (typeof v === 'string') return v.split(',');
  return undefined;
}

/**
 * The `variables` body member (resource_channels.c json_to_ast_variables + report_events):
 * `{"NAME": "value"}` or `{"NAME": {"value": "v", "report_events": true}}`.
 */
export function variablesFromBody(body: unknown, key = 'variables'): VariableAssignment[] | undefined {
  if (body === undefined || body === null || typeof body !== 'object') return undefined;
  const vars = (body as Record<string, unknown>)[key];
  if (vars === undefined || vars === null) return undefined;
  if (typeof vars !== 'object' || Array.isArray(vars)) {
    throw new AriError(400, `'${key}' must be a JSON object`);
  }
  const out: VariableAssignment[] = [];
  for (const [rawName, value] of Object.entries(vars as Record<string, unknown>)) {
    const name = rawName.trim();
    if (typeof value === 'string') {
      out.push({ name, value, reportEvents: false });
      continue;
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const v = (value as Record<string, unknown>).value;
      const report = (value as Record<string, unknown>).report_events;
      if (typeof v !== 'string') {
        throw new AriError(400, `Each object value in '${key}' must include string field 'value'`);
      }
      if (report !== undefined && typeof report !== 'boolean') {
        throw new AriError(400, "Field 'report_events' must be a boolean");
      }
      out.push({ name, value: v, reportEvents: report === true });
      continue;
    }
    throw new AriError(400, `Values in '${key}' must be strings or objects`);
  }
  return out;
}
