/**
 * Switchyard's parts under Asterisk's module names (docs/modules.md lists them): what ARI's
 * `/asterisk/modules` resource shows and acts on. The registry knows nothing of HTTP: each action returns an
 * outcome, and the ARI handler turns it into Asterisk's answer.
 *
 * Name lookup follows Asterisk 22's loader: a name matches a module when both are equal without a trailing
 * `.so`, ignoring case (`res_pjsip`, `RES_PJSIP.SO` and `res_pjsip.so` all find `res_pjsip.so`). Reading one
 * module's details then compares the name exactly, so `GET /asterisk/modules/res_pjsip` finds the module but
 * answers 409 (seen on Asterisk 22.10.1). Built-in parts are named without `.so` (`http`, `logger`).
 */

/** loader.c support levels, as ARI spells them. */
export type SupportLevel = 'core' | 'extended' | 'deprecated' | 'unknown';

/** What a module's use count is computed from, gathered once per request. */
export interface ModuleUsage {
  /** Live channels by technology (`PJSIP`, `UnicastRTP`, `Snoop`…): each holds its driver in use. */
  readonly channelsByTechnology: ReadonlyMap<string, number>;
  /** Registered Stasis applications. */
  readonly stasisApps: number;
}

/** One part of Switchyard, under the name of the Asterisk module that does the same job. */
export interface ModuleEntry {
  /** Asterisk's module name: `chan_pjsip.so`, or a built-in's bare name (`http`). */
  readonly name: string;
  readonly description: string;
  readonly supportLevel: SupportLevel;
  /** How many things hold the module; 0 when not given. */
  readonly useCount?: (usage: ModuleUsage) => number;
  /**
   * Re-read the module's configuration (absent: the Asterisk module has no reload either). A rejection is
   * answered as a failed reload.
   */
  readonly reload?: () => void | Promise<void>;
}

/** The wire shape of one module (ARI `Module`). */
export interface ModuleInfo {
  readonly name: string;
  readonly description: string;
  readonly use_count: number;
  /** Always `Running`: a part that failed to start stops the whole server instead. */
  readonly status: 'Running';
  readonly support_level: SupportLevel;
}

/** getModule: found and read, found under another spelling (Asterisk answers 409), or not found. */
export type GetOutcome = { readonly module: ModuleInfo } | 'not-found' | 'name-mismatch';
/** loadModule: every part is compiled in, so a load either finds it loaded or has nothing to load. */
export type LoadOutcome = 'already-loaded' | 'declined';
/** unloadModule: nothing is ever unloaded (see `unload`). */
export type UnloadOutcome = 'not-found' | 'refused';
export type ReloadOutcome = 'reloaded' | 'not-found' | 'not-reloadable' | 'in-progress' | 'failed';

const SO_SUFFIX = '.so';

/** The name without a trailing `.so` (any case), lower-cased: the key Asterisk's loader compares. */
export function moduleBaseName(name: string): string {
  const lower = name.toLowerCase();
  return lower.length > SO_SUFFIX.length && lower.endsWith(SO_SUFFIX) ? lower.slice(0, -SO_SUFFIX.length) : lower;
}

/** strcasecmp order, the order Asterisk lists its modules in. */
function byNameIgnoringCase(a: ModuleEntry, b: ModuleEntry): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export class ModuleRegistry {
  readonly #byBase = new Map<string, ModuleEntry>();
  readonly #sorted: ModuleEntry[];
  readonly #usage: () => ModuleUsage;
  #isReloading = false;

  constructor(entries: readonly ModuleEntry[], usage: () => ModuleUsage) {
    for (const e of entries) {
      const base = moduleBaseName(e.name);
      if (this.#byBase.has(base)) throw new Error(`module ${e.name} is listed twice`);
      this.#byBase.set(base, e);
    }
    this.#sorted = [...entries].sort(byNameIgnoringCase);
    this.#usage = usage;
  }

  /** Every module, in Asterisk's order (ARI `GET /asterisk/modules`). */
  list(): ModuleInfo[] {
    const usage = this.#usage();
    return this.#sorted.map((e) => infoOf(e, usage));
  }

  /** The module a name finds (`.so` optional, any case), as Asterisk's `ast_module_check` finds it. */
  find(name: string): ModuleEntry | undefined {
    return name === '' ? undefined : this.#byBase.get(moduleBaseName(name));
  }

  get(name: string): GetOutcome {
    const entry = this.find(name);
    if (!entry) return 'not-found';
    // resource_asterisk.c reads the details through a callback that compares the exact name.
    if (entry.name !== name) return 'name-mismatch';
    return { module: infoOf(entry, this.#usage()) };
  }

  load(name: string): LoadOutcome {
    return this.find(name) ? 'already-loaded' : 'declined';
  }

  /**
   * Every part is compiled into the one process and other parts hold it (the ARI server its resources, the
   * SIP stack its session layer…), so an unload is always refused the way Asterisk refuses to unload a module
   * that is in use or built in (a soft unload that fails).
   */
  unload(name: string): UnloadOutcome {
    return this.find(name) ? 'refused' : 'not-found';
  }

  /** Run the module's reload; one at a time, as Asterisk allows one reload at a time. */
  async reload(name: string): Promise<ReloadOutcome> {
    const entry = this.find(name);
    if (!entry) return 'not-found';
    if (!entry.reload) return 'not-reloadable';
    if (this.#isReloading) return 'in-progress';
    this.#isReloading = true;
    try {
      await entry.reload();
      return 'reloaded';
    } catch {
      return 'failed';
    } finally {
      this.#isReloading = false;
    }
  }
}

function infoOf(e: ModuleEntry, usage: ModuleUsage): ModuleInfo {
  return {
    name: e.name,
    description: e.description,
    use_count: e.useCount?.(usage) ?? 0,
    status: 'Running',
    support_level: e.supportLevel,
  };
}
