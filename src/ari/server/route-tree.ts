/**
 * The ARI route tree, built once from the operation declarations (res_ari.c:ast_ari_invoke walks the same
 * shape of generated `stasis_rest_handlers`): one node per path segment, literal children beat the `{param}`
 * child, and each node knows the operation of every HTTP method it serves.
 */
import type { HttpMethod, OperationDecl } from '../operation.js';
import { uriDecode } from './uri.js';

/** Methods in Asterisk's `enum ast_http_method` order, which is the order of the `Allow` header. */
const METHOD_ORDER: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

export class RouteNode {
  readonly literals = new Map<string, RouteNode>();
  wildcard: RouteNode | undefined;
  readonly methods = new Map<string, OperationDecl>();
  #allow: string | undefined;

  /** `OPTIONS,<methods of this path>` (res_ari.c:add_allow_header). */
  get allow(): string {
    if (this.#allow === undefined) {
      let s = 'OPTIONS';
      for (const m of METHOD_ORDER) if (this.methods.has(m)) s += `,${m}`;
      this.#allow = s;
    }
    return this.#allow;
  }

  /** The methods this path serves, in Allow order (for the CORS preflight). */
  methodNames(): string[] {
    return METHOD_ORDER.filter((m) => this.methods.has(m));
  }
}

export interface RouteMatch {
  readonly node: RouteNode;
  /** The decoded segments that were walked (path variables are read from them by position). */
  readonly segments: readonly string[];
}

function templateSegments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function isParam(segment: string): boolean {
  return segment.startsWith('{') && segment.endsWith('}');
}

export class RouteTree {
  readonly root = new RouteNode();

  constructor(operations: readonly OperationDecl[]) {
    for (const op of operations) this.#add(op);
  }

  #add(op: OperationDecl): void {
    let node = this.root;
    for (const seg of templateSegments(op.path)) {
      if (isParam(seg)) {
        node.wildcard ??= new RouteNode();
        node = node.wildcard;
      } else {
        let next = node.literals.get(seg);
        if (!next) {
          next = new RouteNode();
          node.literals.set(seg, next);
        }
        node = next;
      }
    }
    node.methods.set(op.method, op);
  }

  /**
   * Walk `path` (relative to /ari, still encoded). Each segment is URL-decoded on its own, so `%2F` stays
   * inside its segment. The walk stops at the first empty segment: `channels//answer` is `channels`
   * (the strsep loop of ast_ari_invoke; test:channels/redirect/off-nominal relies on it).
   */
  match(path: string): RouteMatch | undefined {
    let node = this.root;
    const segments: string[] = [];
    for (const raw of path.split('/')) {
      if (raw === '') break;
      const seg = uriDecode(raw);
      const next = node.literals.get(seg) ?? node.wildcard;
      if (!next) return undefined;
      node = next;
      segments.push(seg);
    }
    return { node, segments };
  }
}

/** The path variables of `op` taken from the walked segments, by the position of each `{name}`. */
export function pathVariables(op: OperationDecl, segments: readonly string[]): Map<string, string> {
  const vars = new Map<string, string>();
  const template = templateSegments(op.path);
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    const value = segments[i];
    if (isParam(t) && value !== undefined) vars.set(t.slice(1, -1), value);
  }
  return vars;
}
