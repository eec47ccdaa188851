// RFC 3261 §25.1 basic rules over header values that are already unfolded: token, quoted-string, SWS, generic-param.
// Every reader returns an index (or -1 for "not here") and never throws.

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export function isTokenChar(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x21 ||
    c === 0x25 ||
    c === 0x2a ||
    c === 0x5f ||
    c === 0x2b ||
    c === 0x60 ||
    c === 0x27 ||
    c === 0x7e
  );
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** SWS/LWS after unfolding: spaces and tabs. */
export function skipWs(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
  return i;
}

/** The end of the token starting at i (i itself when there is none). */
export function tokenEnd(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

/**
 * Reads a quoted-string starting at the `"` at i. Returns the index after the closing quote and the unescaped text,
 * or undefined when it is unterminated or holds a bare CR/LF (RFC 3261 §25.1 quoted-pair excludes them).
 */
export function readQuoted(s: string, i: number): { end: number; text: string } | undefined {
  let text = '';
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c === 0x22) return { end: j + 1, text };
    if (c === 0x0d || c === 0x0a) return undefined;
    if (c === 0x5c) {
      const n = s.charCodeAt(j + 1);
      if (Number.isNaN(n) || n === 0x0d || n === 0x0a) return undefined;
      text += s[j + 1];
      j++;
    } else text += s[j];
  }
  return undefined;
}

/** Quotes a display name or parameter value, escaping `"` and `\`. */
export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}

/** Removes surrounding quotes and quoted-pairs from a parameter value kept in wire form. */
export function unquote(s: string): string {
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) return s;
  return readQuoted(s, 0)?.text ?? s;
}

export interface SipParam {
  readonly name: string;
  /** Wire form: a token, host or quoted-string (quotes kept); undefined for a flag such as `;lr`. */
  readonly value: string | undefined;
}

/** The value of the first parameter named `name` (case-insensitive); null when present without a value. */
export function paramValue(params: readonly SipParam[], name: string): string | null | undefined {
  const lower = name.toLowerCase();
  for (const p of params) if (p.name.toLowerCase() === lower) return p.value ?? null;
  return undefined;
}

export function serializeParams(params: readonly SipParam[]): string {
  let out = '';
  for (const p of params) out += p.value === undefined ? `;${p.name}` : `;${p.name}=${p.value}`;
  return out;
}

/** A parameter value outside quotes: token chars plus the `[]:` of an IPv6 reference (gen-value = token/host). */
function isValueChar(c: number): boolean {
  return isTokenChar(c) || c === 0x5b || c === 0x5d || c === 0x3a;
}

/**
 * Reads `*( SEMI generic-param )` from i to the end of s (an element already split from its comma list).
 * SEMI and EQUAL allow whitespace on both sides (RFC 3261 §25.1). An empty parameter (`;;`) is an error.
 */
export function parseParams(s: string, i: number): { params: SipParam[] } | { error: string } {
  const params: SipParam[] = [];
  i = skipWs(s, i);
  while (i < s.length) {
    if (s.charCodeAt(i) !== 0x3b) return { error: `unexpected '${s[i]}' before a parameter` };
    i = skipWs(s, i + 1);
    const nameEnd = tokenEnd(s, i);
    if (nameEnd === i) return { error: 'empty parameter' };
    const name = s.slice(i, nameEnd);
    i = skipWs(s, nameEnd);
    let value: string | undefined;
    if (s.charCodeAt(i) === 0x3d) {
      i = skipWs(s, i + 1);
      if (s.charCodeAt(i) === 0x22) {
        const q = readQuoted(s, i);
        if (q === undefined) return { error: `unterminated quoted value of ${name}` };
        value = s.slice(i, q.end);
        i = q.end;
      } else {
        const start = i;
        while (i < s.length && isValueChar(s.charCodeAt(i))) i++;
        if (i === start) return { error: `empty value of ${name}` };
        value = s.slice(start, i);
      }
      i = skipWs(s, i);
    }
    params.push({ name, value });
  }
  return { params };
}

/** A decimal scalar of at most `max`, digits only (leading zeros allowed: `0068`); undefined otherwise. */
export function parseDecimal(s: string, max: number): number | undefined {
  if (s.length === 0 || s.length > 20) return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    n = n * 10 + (c - 0x30);
  }
  return n <= max ? n : undefined;
}

/** Splits a header value at commas outside quoted strings and angle brackets; empty elements are kept. */
export function splitCommaList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inQuotes = false;
  let inAngle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (inQuotes) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuotes = false;
    } else if (c === 0x22) inQuotes = true;
    else if (c === 0x3c) inAngle = true;
    else if (c === 0x3e) inAngle = false;
    else if (c === 0x2c && !inAngle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}
