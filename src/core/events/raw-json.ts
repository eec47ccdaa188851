/**
 * A value already serialized as JSON, spliced into an event or a response as is (a cached channel snapshot, say).
 * `T` is the shape the JSON holds: a type only, so a snapshot typed as a Channel can stand where the Channel model
 * is expected.
 */
export class RawJson<T = unknown> {
  declare readonly shape?: T;
  constructor(readonly json: string) {}
}

/**
 * Serialize `{k: v, ...}` members (without braces) where some values are RawJson. Plain values go through
 * JSON.stringify; undefined members are omitted, as Asterisk omits optional fields.
 */
export function jsonMembers(fields: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const key in fields) {
    const value = fields[key];
    if (value === undefined) continue;
    const encoded = value instanceof RawJson ? value.json : JSON.stringify(value);
    out += (out ? ',' : '') + JSON.stringify(key) + ':' + encoded;
  }
  return out;
}
