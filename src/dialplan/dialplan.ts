/**
 * The in-memory dialplan: contexts → extensions → priorities, plus includes. Lookups follow main/pbx.c
 * `pbx_find_extension` with the default (non-trie) matcher: the context's extensions are walked in
 * `compareExtensions` order and the first one that matches *and* has what is asked for (a priority, a label)
 * wins; only then are the included contexts searched, in include order, depth first. An include loop or a
 * chain deeper than AST_PBX_MAX_STACK ends that branch of the search. An `exten/cid` extension is only found
 * for a matching `callerId`; lookups without one treat the caller id as empty, so (pbx.c `matchcid`) they never
 * reach it.
 */
import {
  compareExtensions,
  compilePattern,
  matchCallerId,
  matchExtension,
  type ExtensionPattern,
} from './extension-pattern.js';

export interface DialplanPriority {
  readonly priority: number;
  readonly label: string | undefined;
  readonly app: string;
  /** As written in extensions.conf: substitution happens each time the priority runs. */
  readonly appData: string;
  readonly file: string;
  readonly line: number;
}

export interface DialplanExtension {
  /** The extension as written, without any `/cid` (e.g. `_X.`). */
  readonly name: string;
  readonly pattern: ExtensionPattern;
  readonly priorities: ReadonlyMap<number, DialplanPriority>;
  /** Label → priority; the first priority given a label keeps it. */
  readonly labels: ReadonlyMap<string, number>;
}

export interface DialplanContext {
  readonly name: string;
  /** Keyed by the name as first written, `/cid` included. */
  readonly extensions: ReadonlyMap<string, DialplanExtension>;
}

export interface ResolvedExtension {
  /** The context the extension was found in (the searched one or one it includes). */
  readonly context: string;
  readonly extension: DialplanExtension;
}

export interface DialplanStep {
  readonly context: string;
  readonly extension: string;
  readonly priority: number;
  readonly label?: string;
  readonly app: string;
  readonly appData: string;
}

/** Where a priority came from; run-time additions (Stasis contexts) have none. */
export interface PriorityOrigin {
  readonly file: string;
  readonly line: number;
}

/** The mutable shapes behind the read-only views handed out. */
interface MutableExtension extends DialplanExtension {
  readonly priorities: Map<number, DialplanPriority>;
  readonly labels: Map<string, number>;
}
interface MutableContext extends DialplanContext {
  readonly extensions: Map<string, MutableExtension>;
}

/** include/asterisk/pbx.h AST_PBX_MAX_STACK: how deep includes are followed. */
const MAX_INCLUDE_DEPTH = 512;

export class Dialplan {
  readonly #contexts = new Map<string, MutableContext>();
  readonly #includes = new Map<string, string[]>();
  /** Per context, its extensions in search order. */
  readonly #ordered = new Map<string, MutableExtension[]>();

  get contexts(): ReadonlyMap<string, DialplanContext> {
    return this.#contexts;
  }

  /** Context → the contexts it includes, in order (they need not exist). */
  get includes(): ReadonlyMap<string, readonly string[]> {
    return this.#includes;
  }

  hasContext(ctx: string): boolean {
    return this.#contexts.has(ctx);
  }

  /** Remove a context with its extensions and includes (ast_context_destroy_by_name). */
  removeContext(ctx: string): void {
    this.#contexts.delete(ctx);
    this.#ordered.delete(ctx);
    this.#includes.delete(ctx);
  }

  /** Create the context unless it exists (ast_context_find_or_create); returns it either way. */
  addContext(name: string): DialplanContext {
    return this.#context(name);
  }

  /** `include => included`; false when it is already included (ast_context_add_include2 answers EEXIST). */
  addInclude(ctx: string, included: string): boolean {
    this.#context(ctx);
    const list = this.#includes.get(ctx) ?? [];
    if (list.includes(included)) return false;
    list.push(included);
    this.#includes.set(ctx, list);
    return true;
  }

  /**
   * Add one priority (ast_add_extension2 without replace). The context is created when missing. Returns why
   * nothing was added (the priority exists already), or undefined; a label already used in the extension is
   * reported too, but the priority is kept and the label stays with its first priority.
   */
  addPriority(
    ctx: string,
    exten: string,
    priority: number,
    app: string,
    appData: string,
    label?: string,
    origin?: PriorityOrigin,
  ): string | undefined {
    if (!Number.isInteger(priority) || priority < 1) return `invalid priority ${priority}`;
    const extension = this.#extensionFor(this.#context(ctx), exten);
    if (extension.priorities.has(priority)) {
      return `Unable to register extension '${exten}' priority ${priority} in '${ctx}', already in use`;
    }
    const file = origin?.file ?? '';
    const line = origin?.line ?? 0;
    extension.priorities.set(priority, { priority, label: label || undefined, app, appData, file, line });
    if (!label) return undefined;
    const used = extension.labels.get(label);
    if (used !== undefined) {
      return `Extension '${exten}' priority ${priority} in '${ctx}': label '${label}' already in use at priority ${used}`;
    }
    extension.labels.set(label, priority);
    return undefined;
  }

  /** The extension `exten` reaches from `ctx` (the first match in search order, whatever its priorities). */
  findExtension(ctx: string, exten: string, callerId?: string): ResolvedExtension | undefined {
    const found = this.#search(ctx, exten, callerId, () => true);
    return found && { context: found.context, extension: found.extension };
  }

  findPriority(ctx: string, exten: string, priority: number, callerId?: string): DialplanStep | undefined {
    const found = this.#search(ctx, exten, callerId, (e) => e.priorities.get(priority));
    if (!found) return undefined;
    const p = found.value;
    const step = { context: found.context, extension: found.extension.name, priority, app: p.app, appData: p.appData };
    return p.label === undefined ? step : { ...step, label: p.label };
  }

  /** The priority carrying `label` (labels are case-sensitive, as in pbx.c's label hash). */
  findLabel(ctx: string, exten: string, label: string, callerId?: string): number | undefined {
    return this.#search(ctx, exten, callerId, (e) => e.labels.get(label))?.value;
  }

  exists(ctx: string, exten: string, priority = 1, callerId?: string): boolean {
    return this.findPriority(ctx, exten, priority, callerId) !== undefined;
  }

  #context(name: string): MutableContext {
    let context = this.#contexts.get(name);
    if (!context) {
      context = { name, extensions: new Map() };
      this.#contexts.set(name, context);
      this.#ordered.set(name, []);
    }
    return context;
  }

  /** The extension this name belongs to: ext_cmp equal names (`555-1212`, `5551212`) share one. */
  #extensionFor(context: MutableContext, name: string): MutableExtension {
    const existing = context.extensions.get(name);
    if (existing) return existing;
    const pattern = compilePattern(name);
    const ordered = this.#ordered.get(context.name)!;
    // Binary search for the first entry not before the new one (ast_add_extension2 inserts before it).
    let lo = 0;
    let hi = ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareExtensions(ordered[mid]!.pattern, pattern) < 0) lo = mid + 1;
      else hi = mid;
    }
    const at = ordered[lo];
    if (at && compareExtensions(at.pattern, pattern) === 0) return at;
    const extension: MutableExtension = { name: pattern.exten, pattern, priorities: new Map(), labels: new Map() };
    ordered.splice(lo, 0, extension);
    context.extensions.set(name, extension);
    return extension;
  }

  #search<T>(
    ctx: string,
    exten: string,
    callerId: string | undefined,
    pick: (extension: DialplanExtension) => T | undefined,
  ): { context: string; extension: DialplanExtension; value: T } | undefined {
    const visited = new Set<string>();
    const walk = (
      name: string,
      depth: number,
    ): { context: string; extension: DialplanExtension; value: T } | undefined => {
      if (visited.has(name) || depth >= MAX_INCLUDE_DEPTH) return undefined;
      visited.add(name);
      for (const extension of this.#ordered.get(name) ?? []) {
        if (!matchExtension(extension.pattern, exten) || !matchCallerId(extension.pattern, callerId)) continue;
        const value = pick(extension);
        if (value !== undefined) return { context: name, extension, value };
      }
      for (const included of this.#includes.get(name) ?? []) {
        const found = walk(included, depth + 1);
        if (found) return found;
      }
      return undefined;
    };
    return walk(ctx, 0);
  }
}
