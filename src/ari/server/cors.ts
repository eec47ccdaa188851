/**
 * CORS as res_ari.c does it (process_cors_request, handle_options, origin_allowed; semantics.md §1.6):
 * a matching Origin is echoed (never '*') with credentials allowed; a preflight for a method the path
 * serves also gets Allow-Methods and the requested headers echoed. A non-matching Origin gets nothing, and
 * the request still runs.
 */
import type { RouteNode } from './route-tree.js';

export type HeaderList = [string, string][];

/** `allowed_origins` entries are compared exactly (no trimming); '*' allows any origin. */
export function originAllowed(allowed: readonly string[], origin: string): boolean {
  for (const a of allowed) if (a === '*' || a === origin) return true;
  return false;
}

/** Simple-request headers (CORS 6.1), added to every ARI response whose request has a matching Origin. */
export function simpleCorsHeaders(allowed: readonly string[], origin: string | undefined): HeaderList {
  if (origin === undefined || allowed.length === 0 || !originAllowed(allowed, origin)) return [];
  return [
    ['Access-Control-Allow-Origin', origin],
    ['Access-Control-Allow-Credentials', 'true'],
  ];
}

/** Preflight additions (CORS 6.2 steps 3-10) for an OPTIONS request on `node`. */
export function preflightHeaders(
  allowed: readonly string[],
  node: RouteNode,
  origin: string | undefined,
  requestMethod: string | undefined,
  requestHeaders: string | undefined,
): HeaderList {
  if (origin === undefined || allowed.length === 0 || !originAllowed(allowed, origin)) return [];
  if (requestMethod === undefined) return [];
  const methods = node.methodNames();
  if (!methods.includes(requestMethod)) return []; // case-sensitive, as strcmp
  const out: HeaderList = [['Access-Control-Allow-Methods', node.allow]];
  if (requestHeaders !== undefined && requestHeaders !== '') {
    out.push(['Access-Control-Allow-Headers', requestHeaders]);
  }
  return out;
}
