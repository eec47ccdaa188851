/**
 * res_pjsip `contact` objects: the bindings of the contact store. A REGISTER-made binding is named
 * `<aor>;@<md5 of its URI>`, as Asterisk names it. ARI may also create one under any id of the form
 * `<aor>;@<anything>` (Asterisk's default contact store accepts that): it needs a `uri`, and the AOR need not
 * exist. Such a contact is a binding like a registered one (it counts against max_contacts and is dialled) and
 * does not expire unless `expiration_time` (Unix seconds) says when.
 */
import type { ConfigTuple, DeleteResult, UpsertResult } from '../../../core/sorcery/dynamic-config.js';
import type { Binding, BindingInput } from '../registrar/contact-store.js';
import { CONTACT_FIELDS } from './field-tables.js';
import { contactId, renderContact } from './render.js';
import type { PjsipSorceryHost } from './pjsip-sorcery.js';

const ID_SEPARATOR = ';@';
const MS_PER_S = 1000;
const KNOWN = new Set(CONTACT_FIELDS.map(([attribute]) => attribute));
const UNSIGNED = /^\d+$/;
const DECIMAL = /^\d+(\.\d*)?$/;
/** Attributes whose values must be numbers for the object to validate. */
const NUMERIC: Readonly<Record<string, RegExp>> = {
  expiration_time: UNSIGNED,
  via_port: UNSIGNED,
  qualify_frequency: UNSIGNED,
  qualify_timeout: DECIMAL,
};

export class ContactObjects {
  /** Contacts created through ARI: id → the fields written and where the binding lives. */
  readonly #created = new Map<string, { aor: string; uri: string; fields: ConfigTuple[] }>();

  constructor(private readonly host: PjsipSorceryHost) {}

  get(id: string): readonly ConfigTuple[] | undefined {
    const b = this.#binding(id);
    if (b === undefined) return undefined;
    const { config, store } = this.host;
    const ep = [...config.endpoints.values()].find((e) => e.aors.includes(b.aor));
    const raw = this.#created.get(id)?.fields;
    const context = { aor: config.aors.get(b.aor), endpoint: ep?.name ?? '', nowMs: store.now() };
    return renderContact(b, context, raw && new Map(raw.map((f) => [f.attribute, f.value])));
  }

  upsert(id: string, fields: readonly ConfigTuple[] | undefined): UpsertResult {
    const existing = this.#binding(id);
    const created = existing === undefined;
    if (!created && fields === undefined) return { ok: false, created, reason: 'no-fields' };
    const at = id.indexOf(ID_SEPARATOR);
    const previous = this.#created.get(id)?.fields ?? (existing ? bindingFields(existing) : []);
    const given = new Set((fields ?? []).map((f) => f.attribute));
    const written = [...previous.filter((f) => !given.has(f.attribute)), ...(fields ?? [])];
    const value = (a: string): string => written.findLast((f) => f.attribute === a)?.value ?? '';
    const valid =
      at > 0 &&
      value('uri') !== '' &&
      written.every((f) => KNOWN.has(f.attribute) && (NUMERIC[f.attribute]?.test(f.value) ?? true));
    if (!valid) return { ok: false, created, reason: 'invalid' };
    const aor = id.slice(0, at);
    const { store } = this.host;
    if (existing !== undefined && existing.uri !== value('uri')) store.remove(existing.aor, existing.uri);
    const expiresS = Number(value('expiration_time') || '0');
    const viaPort = value('via_port');
    const input: BindingInput = {
      uri: value('uri'),
      aor,
      expiresAt: !written.some((f) => f.attribute === 'expiration_time') && existing ? existing.expiresAt : expiresS === 0 ? Infinity : store.now() + (expiresS * MS_PER_S - Date.now()), // prettier-ignore
      callId: value('call_id'),
      cseq: existing?.cseq ?? 0,
      viaAddr: value('via_addr') === '' ? '' : `${value('via_addr')}${viaPort === '' || viaPort === '0' ? '' : `:${viaPort}`}`, // prettier-ignore
      registeredAt: existing?.registeredAt ?? store.now(),
      status: existing?.status ?? 'NonQualified',
      ...(value('user_agent') === '' ? {} : { userAgent: value('user_agent') }),
      ...(value('path') === '' ? {} : { path: value('path').split(',') }),
    };
    if (store.upsert(input) === 'full') return { ok: false, created, reason: 'forbidden' };
    if (contactId(aor, input.uri) !== id) this.#created.set(id, { aor, uri: input.uri, fields: written });
    return { ok: true, created, tuples: this.get(id) ?? [] };
  }

  remove(id: string): DeleteResult {
    const b = this.#binding(id);
    if (b === undefined) return 'not-found';
    this.#created.delete(id);
    return this.host.store.remove(b.aor, b.uri) ? 'deleted' : 'forbidden';
  }

  /** The binding an id names; static `contact=` lines are not contact objects (nor are they in Asterisk). */
  #binding(id: string): Binding | undefined {
    const made = this.#created.get(id);
    if (made !== undefined) {
      const b = this.host.store.bindings(made.aor).find((x) => x.uri === made.uri);
      if (b !== undefined) return b;
      this.#created.delete(id); // it expired or a REGISTER removed it
      return undefined;
    }
    const at = id.indexOf(ID_SEPARATOR);
    if (at <= 0) return undefined;
    const aor = id.slice(0, at);
    return this.host.store.bindings(aor).find((b) => contactId(aor, b.uri) === id);
  }
}

/** A registered binding as the fields an update starts from. */
function bindingFields(b: Binding): ConfigTuple[] {
  const via = /^(.*?)(?::(\d+))?$/.exec(b.viaAddr);
  return [
    { attribute: 'uri', value: b.uri },
    { attribute: 'call_id', value: b.callId },
    { attribute: 'via_addr', value: via?.[1] ?? '' },
    { attribute: 'via_port', value: via?.[2] ?? '0' },
    { attribute: 'user_agent', value: b.userAgent ?? '' },
    { attribute: 'path', value: (b.path ?? []).join(',') },
  ];
}
