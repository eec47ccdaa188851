/**
 * Dynamic configuration (Asterisk's sorcery as ARI's /asterisk/config/dynamic sees it): a config class (the
 * module that owns the objects, e.g. `res_pjsip`) holds object types, each a set of objects named by id and
 * read as a list of attribute/value tuples. Drivers register one backend per config class; the ARI handler
 * finds it here. Kept per core (a WeakMap) so tests running several cores in one process stay apart.
 */

export interface ConfigTuple {
  readonly attribute: string;
  readonly value: string;
}

/**
 * Why a create/update did not happen, in Asterisk's order of checks: `no-fields` (an update without a
 * `fields` member), `invalid` (a value or the resulting object failed validation), `forbidden` (no writable
 * store for the type: Asterisk's config-file wizard cannot create or update).
 */
export type UpsertRefusal = 'no-fields' | 'invalid' | 'forbidden';

export type UpsertResult =
  | { readonly ok: true; readonly created: boolean; readonly tuples: readonly ConfigTuple[] }
  | { readonly ok: false; readonly created: boolean; readonly reason: UpsertRefusal };

export type DeleteResult = 'deleted' | 'not-found' | 'forbidden';

/** One config class. */
export interface SorceryBackend {
  readonly configClass: string;
  hasType(objectType: string): boolean;
  /** The object's tuples, undefined when there is no such object. */
  get(objectType: string, id: string): readonly ConfigTuple[] | undefined;
  /** Creates the object when absent, else applies `fields` to a copy and stores it. */
  upsert(objectType: string, id: string, fields: readonly ConfigTuple[] | undefined): UpsertResult;
  remove(objectType: string, id: string): DeleteResult;
}

const registries = new WeakMap<object, Map<string, SorceryBackend>>();

/** The backends registered for `owner` (the core), by config class. */
export function sorceryBackends(owner: object): Map<string, SorceryBackend> {
  let found = registries.get(owner);
  if (found === undefined) {
    found = new Map();
    registries.set(owner, found);
  }
  return found;
}

export function registerSorceryBackend(owner: object, backend: SorceryBackend): void {
  sorceryBackends(owner).set(backend.configClass, backend);
}
