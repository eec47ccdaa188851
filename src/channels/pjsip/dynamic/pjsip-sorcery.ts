/**
 * The `res_pjsip` config class of ARI's dynamic configuration. Objects from pjsip.conf are read-only (Asterisk's
 * config-file wizard refuses create, update and delete: 403); objects created through ARI live in memory when
 * sorcery.conf gives their type a writable wizard, and go straight into the maps the driver reads (endpoint
 * identification, digest auth, the registrar and the contact store), so a created endpoint takes calls at once.
 * A write is validated by running the fields through the pjsip.conf reader: what it would refuse is a 400.
 */
import { parsePjsipConfig } from '../../../config/pjsip-config.js';
import type { ConfEntry } from '../../../config/conf-types.js';
import type {
  AorConfig,
  AuthConfig,
  EndpointConfig,
  IdentifyConfig,
  PjsipConfig,
} from '../../../config/pjsip-types.js';
import type { ConfigTuple, DeleteResult, SorceryBackend, UpsertResult } from '../../../core/sorcery/dynamic-config.js';
import type { ContactStore } from '../registrar/contact-store.js';
import { AOR_FIELDS, AUTH_FIELDS, ENDPOINT_FIELDS, IDENTIFY_FIELDS, type FieldTable } from './field-tables.js';
import { ContactObjects } from './contact-objects.js';
import { renderAor, renderAuth, renderEndpoint, renderIdentify, renderTransport } from './render.js';
import type { WritableType } from './sorcery-conf.js';

/** What the backend needs of the driver: the live configuration maps and the contact store. */
export interface PjsipSorceryHost {
  readonly config: PjsipConfig;
  readonly store: ContactStore;
}

const TYPES = new Set(['endpoint', 'aor', 'auth', 'identify', 'transport', 'contact']);
const TABLES: Record<WritableType, FieldTable> = {
  endpoint: ENDPOINT_FIELDS,
  aor: AOR_FIELDS,
  auth: AUTH_FIELDS,
  identify: IDENTIFY_FIELDS,
};
/** Options whose lines add up (codec lists); any other attribute written again replaces its earlier value. */
const CUMULATIVE = new Set(['allow', 'disallow']);
const UNKNOWN_OPTION = 'Could not find option suitable';

type Parsed = EndpointConfig | AorConfig | AuthConfig | IdentifyConfig;

export class PjsipSorcery implements SorceryBackend {
  readonly configClass = 'res_pjsip';
  /** Objects created through ARI: `type\0id` → the fields written, in order. */
  readonly #dynamic = new Map<string, ConfigTuple[]>();
  readonly #contacts: ContactObjects;

  constructor(
    private readonly host: PjsipSorceryHost,
    private readonly writable: ReadonlySet<WritableType>,
  ) {
    this.#contacts = new ContactObjects(host);
  }

  hasType(objectType: string): boolean {
    return TYPES.has(objectType);
  }

  get(objectType: string, id: string): readonly ConfigTuple[] | undefined {
    const { config } = this.host;
    const raw = this.#raw(objectType, id);
    switch (objectType) {
      case 'endpoint': {
        const ep = config.endpoints.get(id);
        return ep && renderEndpoint(ep, raw);
      }
      case 'aor': {
        const aor = config.aors.get(id);
        return aor && renderAor(aor, raw);
      }
      case 'auth': {
        const auth = config.auths.get(id);
        return auth && renderAuth(auth, raw);
      }
      case 'identify': {
        const identify = config.identifies.find((i) => i.name === id);
        return identify && renderIdentify(identify, raw);
      }
      case 'transport': {
        const t = config.transports.find((x) => x.name === id);
        return t && renderTransport(t);
      }
      case 'contact':
        return this.#contacts.get(id);
      default:
        return undefined;
    }
  }

  upsert(objectType: string, id: string, fields: readonly ConfigTuple[] | undefined): UpsertResult {
    if (objectType === 'contact') return this.#contacts.upsert(id, fields);
    const exists = this.get(objectType, id) !== undefined;
    if (exists && fields === undefined) return { ok: false, created: false, reason: 'no-fields' };
    if (!isWritable(objectType)) return { ok: false, created: !exists, reason: 'forbidden' };
    const key = `${objectType}\0${id}`;
    const previous = this.#dynamic.get(key);
    const written = merge(exists ? (previous ?? []) : [], fields ?? []);
    const parsed = validate(objectType, id, written);
    if (parsed === undefined) return { ok: false, created: !exists, reason: 'invalid' };
    // A pjsip.conf object cannot be changed, nor a type stored only in the config file.
    if ((exists && previous === undefined) || !this.writable.has(objectType)) {
      return { ok: false, created: !exists, reason: 'forbidden' };
    }
    this.#dynamic.set(key, written);
    this.#install(objectType, parsed);
    return { ok: true, created: !exists, tuples: this.get(objectType, id) ?? [] };
  }

  remove(objectType: string, id: string): DeleteResult {
    if (this.get(objectType, id) === undefined) return 'not-found';
    if (objectType === 'contact') return this.#contacts.remove(id);
    const key = `${objectType}\0${id}`;
    if (!isWritable(objectType) || !this.#dynamic.has(key)) return 'forbidden';
    this.#dynamic.delete(key);
    this.#uninstall(objectType, id);
    return 'deleted';
  }

  #raw(objectType: string, id: string): ReadonlyMap<string, string> | undefined {
    const written = this.#dynamic.get(`${objectType}\0${id}`);
    return written && new Map(written.map((f) => [f.attribute, f.value]));
  }

  #install(objectType: WritableType, parsed: Parsed): void {
    const { config, store } = this.host;
    switch (objectType) {
      case 'endpoint':
        return void mutable(config.endpoints).set(parsed.name, parsed as EndpointConfig);
      case 'aor':
        mutable(config.aors).set(parsed.name, parsed as AorConfig);
        return store.setStatic(parsed as AorConfig);
      case 'auth':
        return void mutable(config.auths).set(parsed.name, parsed as AuthConfig);
      case 'identify': {
        const list = config.identifies as IdentifyConfig[];
        const at = list.findIndex((i) => i.name === parsed.name);
        if (at >= 0) list[at] = parsed as IdentifyConfig;
        else list.push(parsed as IdentifyConfig);
      }
    }
  }

  #uninstall(objectType: WritableType, id: string): void {
    const { config, store } = this.host;
    switch (objectType) {
      case 'endpoint':
        return void mutable(config.endpoints).delete(id);
      case 'aor': {
        const aor = config.aors.get(id);
        if (aor !== undefined) store.setStatic({ ...aor, contacts: [] }); // its static contacts go with it
        return void mutable(config.aors).delete(id);
      }
      case 'auth':
        return void mutable(config.auths).delete(id);
      case 'identify': {
        const list = config.identifies as IdentifyConfig[];
        const at = list.findIndex((i) => i.name === id);
        if (at >= 0) list.splice(at, 1);
      }
    }
  }
}

function isWritable(objectType: string): objectType is WritableType {
  return Object.hasOwn(TABLES, objectType);
}

/** The driver's maps are built mutable by the pjsip.conf reader and shared by reference with its lookups. */
function mutable<V>(map: ReadonlyMap<string, V>): Map<string, V> {
  return map as Map<string, V>;
}

/** `fields` applied over `previous`: a repeated attribute replaces the earlier one, codec lines accumulate. */
function merge(previous: readonly ConfigTuple[], fields: readonly ConfigTuple[]): ConfigTuple[] {
  const given = new Set(fields.map((f) => f.attribute).filter((a) => !CUMULATIVE.has(a)));
  return [...previous.filter((f) => !given.has(f.attribute)), ...fields];
}

/**
 * The object the fields describe, or undefined when Asterisk would refuse it: an option value the reader
 * rejects, an attribute the type does not have, or a missing mandatory option (an auth's username, an
 * identify's endpoint). Options Asterisk has but Switchyard does not model are kept as written.
 */
function validate(objectType: WritableType, id: string, fields: readonly ConfigTuple[]): Parsed | undefined {
  const known = new Set(TABLES[objectType].map(([attribute]) => attribute));
  const entries: ConfEntry[] = fields.map((f, i) => ({ key: f.attribute, value: f.value, op: '=', file: 'ari', line: i + 1 })); // prettier-ignore
  if (entries.some((e) => !known.has(e.key))) return undefined;
  const typeLine: ConfEntry = { key: 'type', value: objectType, op: '=', file: 'ari', line: 0 };
  const section = { name: id, isTemplate: false, templates: [], entries: [typeLine, ...entries] };
  const { config, errors } = parsePjsipConfig({ sections: [section], errors: [] });
  if (errors.some((e) => !e.message.startsWith(UNKNOWN_OPTION))) return undefined;
  switch (objectType) {
    case 'endpoint':
      return config.endpoints.get(id);
    case 'aor':
      return config.aors.get(id);
    case 'auth': {
      const auth = config.auths.get(id);
      return auth?.username === '' ? undefined : auth;
    }
    case 'identify':
      return config.identifies.find((i) => i.name === id);
  }
}
