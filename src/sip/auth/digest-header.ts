// WWW-Authenticate / Proxy-Authenticate challenges and Authorization / Proxy-Authorization credentials —
// RFC 3261 §25.1 (challenge, credentials), RFC 7235 §2.1 (auth-param, token68, several challenges in one value),
// RFC 7616 §3.3–3.4 (Digest parameters). Network input never throws: every failure is a reason.
//
//   challenge   = "Digest" LWS digest-cln *(COMMA digest-cln)
//   digest-cln  = realm / domain / nonce / opaque / stale / algorithm / qop-options / auth-param
//   auth-param  = token EQUAL ( token / quoted-string )      — names case-insensitive, once per challenge

export type DigestHeaderError =
  | 'empty'
  | 'too-long'
  | 'bad-scheme'
  | 'bad-param'
  | 'missing-equals'
  | 'empty-value'
  | 'unterminated-quote'
  | 'expected-comma'
  | 'duplicate-param'
  | 'too-many-params'
  | 'no-digest'
  | 'unsupported-scheme'
  | 'multiple-credentials'
  | 'missing-realm'
  | 'missing-nonce'
  | 'missing-username'
  | 'missing-uri'
  | 'missing-response'
  | 'missing-cnonce'
  | 'bad-nc'
  | 'bad-qop'
  | 'bad-stale';

export type HeaderResult<T> = { ok: true; value: T } | { ok: false; error: DigestHeaderError };

/** One challenge or credentials of any scheme, parameter names lowercased, values unquoted. */
export interface AuthItem {
  scheme: string;
  params: Map<string, string>;
  token68?: string;
}

export interface DigestChallenge {
  realm: string;
  nonce: string;
  domain?: string;
  opaque?: string;
  stale: boolean;
  /** As sent; absent means MD5 (RFC 7616 §3.3). See `parseAlgorithm` in digest.ts. */
  algorithm?: string;
  /** qop-options split on commas, e.g. ['auth', 'auth-int']; empty = RFC 2069 style. */
  qop: string[];
  userhash: boolean;
}

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  /** 8 hex digits (RFC 2617 §3.2.2), kept as sent. */
  nc?: string;
  userhash: boolean;
}

const MAX_LENGTH = 8192;
const MAX_PARAMS = 32;
// RFC 7230 §3.2.6 tchar (a superset of RFC 3261's token characters).
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

function tokenEnd(s: string, i: number): number {
  while (i < s.length && TCHAR.test(s[i]!)) i++;
  return i;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  return i;
}

function skipSeparators(s: string, i: number): number {
  while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === ',')) i++;
  return i;
}

/** Splits a header value into challenges/credentials of any scheme (RFC 7235 §2.1, §4.1). */
export function parseAuthItems(value: string): HeaderResult<AuthItem[]> {
  if (value.length > MAX_LENGTH) return { ok: false, error: 'too-long' };
  const s = value;
  const items: AuthItem[] = [];
  let i = skipSeparators(s, 0);
  if (i >= s.length) return { ok: false, error: 'empty' };
  while (i < s.length) {
    const schemeEnd = tokenEnd(s, i);
    if (schemeEnd === i) return { ok: false, error: 'bad-scheme' };
    const item: AuthItem = { scheme: s.slice(i, schemeEnd), params: new Map() };
    items.push(item);
    if (items.length > MAX_PARAMS) return { ok: false, error: 'too-many-params' };
    i = skipWs(s, schemeEnd);
    if (i >= s.length || s[i] === ',') {
      i = skipSeparators(s, i); // a scheme without parameters
      continue;
    }
    if (i === schemeEnd) return { ok: false, error: 'bad-scheme' }; // RFC 7235: 1*SP after the scheme
    // Digest never uses token68 (RFC 7616 §3.3), so `Digest realm=,…` is an empty value, not a token68.
    const t68 = item.scheme.toLowerCase() === 'digest' ? null : TOKEN68.exec(s.slice(i, i + MAX_LENGTH));
    if (t68) {
      const after = skipWs(s, i + t68[0].length);
      if (after >= s.length || s[after] === ',') {
        item.token68 = t68[0];
        i = skipSeparators(s, after);
        continue;
      }
    }
    // auth-params until the end or until a comma is followed by a new scheme (a token not followed by '=').
    for (;;) {
      const nameEnd = tokenEnd(s, i);
      if (nameEnd === i) return { ok: false, error: 'bad-param' };
      const name = s.slice(i, nameEnd).toLowerCase();
      let j = skipWs(s, nameEnd);
      if (s[j] !== '=') return { ok: false, error: 'missing-equals' };
      j = skipWs(s, j + 1);
      let val: string;
      if (s[j] === '"') {
        // RFC 3261 §25.1: quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE
        let out = '';
        let k = j + 1;
        for (; k < s.length && s[k] !== '"'; k++) {
          if (s[k] === '\\') k++;
          if (k < s.length) out += s[k];
        }
        if (k >= s.length) return { ok: false, error: 'unterminated-quote' };
        val = out;
        j = k + 1;
      } else {
        const valEnd = tokenEnd(s, j);
        if (valEnd === j) return { ok: false, error: 'empty-value' };
        val = s.slice(j, valEnd);
        j = valEnd;
      }
      if (item.params.has(name)) return { ok: false, error: 'duplicate-param' };
      if (item.params.size >= MAX_PARAMS) return { ok: false, error: 'too-many-params' };
      item.params.set(name, val);
      i = skipWs(s, j);
      if (i >= s.length) break;
      if (s[i] !== ',') return { ok: false, error: 'expected-comma' };
      i = skipSeparators(s, i);
      if (i >= s.length) break;
      if (s[skipWs(s, tokenEnd(s, i))] !== '=') break; // next challenge
    }
  }
  return { ok: true, value: items };
}

/** Every Digest challenge in one WWW-Authenticate/Proxy-Authenticate value; other schemes are skipped. */
export function parseChallenges(value: string): HeaderResult<DigestChallenge[]> {
  const items = parseAuthItems(value);
  if (!items.ok) return items;
  const out: DigestChallenge[] = [];
  for (const item of items.value) {
    if (item.scheme.toLowerCase() !== 'digest') continue;
    const p = item.params;
    const realm = p.get('realm');
    const nonce = p.get('nonce');
    if (realm === undefined) return { ok: false, error: 'missing-realm' };
    if (nonce === undefined) return { ok: false, error: 'missing-nonce' };
    const stale = p.get('stale')?.toLowerCase();
    if (stale !== undefined && stale !== 'true' && stale !== 'false') return { ok: false, error: 'bad-stale' };
    const c: DigestChallenge = {
      realm,
      nonce,
      stale: stale === 'true',
      qop: (p.get('qop') ?? '')
        .split(',')
        .map((q) => q.trim().toLowerCase())
        .filter((q) => q !== ''),
      userhash: p.get('userhash')?.toLowerCase() === 'true',
    };
    const domain = p.get('domain');
    if (domain !== undefined) c.domain = domain;
    const opaque = p.get('opaque');
    if (opaque !== undefined) c.opaque = opaque;
    const algorithm = p.get('algorithm');
    if (algorithm !== undefined) c.algorithm = algorithm;
    out.push(c);
  }
  if (out.length === 0) return { ok: false, error: 'no-digest' };
  return { ok: true, value: out };
}

/** One Authorization/Proxy-Authorization value (RFC 3261 §25.1 `credentials`). */
export function parseCredentials(value: string): HeaderResult<DigestCredentials> {
  const items = parseAuthItems(value);
  if (!items.ok) return items;
  if (items.value.length !== 1) return { ok: false, error: 'multiple-credentials' };
  const item = items.value[0]!;
  if (item.scheme.toLowerCase() !== 'digest') return { ok: false, error: 'unsupported-scheme' };
  const p = item.params;
  const username = p.get('username');
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  const uri = p.get('uri');
  const response = p.get('response');
  if (username === undefined) return { ok: false, error: 'missing-username' };
  if (realm === undefined) return { ok: false, error: 'missing-realm' };
  if (nonce === undefined) return { ok: false, error: 'missing-nonce' };
  if (uri === undefined) return { ok: false, error: 'missing-uri' };
  if (response === undefined) return { ok: false, error: 'missing-response' };
  const c: DigestCredentials = {
    username,
    realm,
    nonce,
    uri,
    response,
    userhash: p.get('userhash')?.toLowerCase() === 'true',
  };
  const qop = p.get('qop')?.toLowerCase();
  if (qop !== undefined) {
    // RFC 2617 §3.2.2: "cnonce" and "nc" MUST be present when qop is.
    if (qop !== 'auth' && qop !== 'auth-int') return { ok: false, error: 'bad-qop' };
    const nc = p.get('nc');
    const cnonce = p.get('cnonce');
    if (nc === undefined || !/^[0-9a-fA-F]{8}$/.test(nc)) return { ok: false, error: 'bad-nc' };
    if (cnonce === undefined) return { ok: false, error: 'missing-cnonce' };
    c.qop = qop;
    c.nc = nc;
    c.cnonce = cnonce;
  }
  const algorithm = p.get('algorithm');
  if (algorithm !== undefined) c.algorithm = algorithm;
  const opaque = p.get('opaque');
  if (opaque !== undefined) c.opaque = opaque;
  return { ok: true, value: c };
}

/** RFC 3261 §25.1 quoted-string: backslash-escape `"` and `\`. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * In pjsip's order, no space after commas, as Asterisk 22 sends it:
 * `Digest realm="asterisk",nonce="…",opaque="…",algorithm=MD5,qop="auth"` (stale=true before algorithm).
 */
export function serializeChallenge(c: DigestChallenge): string {
  const parts = [`realm=${quote(c.realm)}`];
  if (c.domain !== undefined) parts.push(`domain=${quote(c.domain)}`);
  parts.push(`nonce=${quote(c.nonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.stale) parts.push('stale=true');
  if (c.algorithm !== undefined) parts.push(`algorithm=${c.algorithm}`);
  if (c.qop.length > 0) parts.push(`qop=${quote(c.qop.join(','))}`);
  if (c.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(',')}`;
}

/**
 * In pjsip's (and most UAs') order, ", " separated; qop and nc unquoted (RFC 2617 §3.2.2):
 * `Digest username="…", realm="…", nonce="…", uri="…", response="…", algorithm=MD5, cnonce="…", qop=auth, nc=00000001`
 */
export function serializeCredentials(c: DigestCredentials): string {
  const parts = [
    `username=${quote(c.username)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(c.uri)}`,
    `response=${quote(c.response)}`,
  ];
  if (c.algorithm !== undefined) parts.push(`algorithm=${c.algorithm}`);
  if (c.cnonce !== undefined) parts.push(`cnonce=${quote(c.cnonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.qop !== undefined) parts.push(`qop=${c.qop}`);
  if (c.nc !== undefined) parts.push(`nc=${c.nc}`);
  if (c.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}
