/** A value already serialized as JSON, spliced into an event as is (a cached channel snapshot, say). */
export class RawJson {
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
