// SIP, SIPS (RFC 3261 §19.1, grammar §25.1) and tel (RFC 3966) URIs. Parsing never throws; fields hold unescaped
// text and the serializer escapes what the grammar does not allow bare.
//
//   sip:user:password@host:port;uri-parameters?headers
//   tel:+1-201-555-0123;phone-context=example.com

import type { SipResult } from './sip-message.js';

export interface UriParam {
  readonly name: string;
  /** Unescaped; undefined for a flag such as `;lr`. */
  readonly value: string | undefined;
}

export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel';
  /** Unescaped user part (may hold `;`, `?`, even NUL); for tel the subscriber number. */
  user: string | undefined;
  password: string | undefined;
  /** Hostname, IPv4 address or bracketed IPv6 reference (`[2001:db8::1]`); empty for tel. */
  host: string;
  port: number | undefined;
  params: UriParam[];
  headers: UriParam[];
}

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

// Characters allowed bare, per component (RFC 3261 §25.1): unreserved = alphanum / "-_.!~*'()".
const UNRESERVED = "A-Za-z0-9\\-_.!~*'()";
const USER_CHARS = new RegExp(`^(?:[${UNRESERVED}&=+$,;?/]|%[0-9A-Fa-f]{2})*$`);
const PASSWORD_CHARS = new RegExp(`^(?:[${UNRESERVED}&=+$,]|%[0-9A-Fa-f]{2})*$`);
const PARAM_CHARS = new RegExp(`^(?:[${UNRESERVED}\\[\\]/:&+$]|%[0-9A-Fa-f]{2})+$`);
const HEADER_CHARS = new RegExp(`^(?:[${UNRESERVED}\\[\\]/?:+$]|%[0-9A-Fa-f]{2})*$`);
const HOSTNAME = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9.])?$/;
const IPV6_REFERENCE = /^\[[0-9A-Fa-f:.]+\]$/;
const TEL_NUMBER = /^(?:\+[0-9().-]*[0-9][0-9().-]*|[0-9A-Fa-f*#().-]*[0-9A-Fa-f*#][0-9A-Fa-f*#().-]*)$/;

/** Percent-decodes `s` as UTF-8 bytes; the caller has already checked every `%` is followed by two hex digits. */
function unescape(s: string): string {
  if (!s.includes('%')) return s;
  return decodeURIComponentBytes(s);
}

function decodeURIComponentBytes(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%') {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function parseParamList(s: string, sep: string, allowed: RegExp, what: string): SipResult<UriParam[]> {
  const out: UriParam[] = [];
  if (s === '') return { ok: true, value: out };
  for (const part of s.split(sep)) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? undefined : part.slice(eq + 1);
    if (name === '' || !allowed.test(name)) return fail(`bad URI ${what} name '${name}'`);
    if (value !== undefined && !allowed.test(value) && !(what === 'header' && value === '')) {
      return fail(`bad URI ${what} value '${value}'`);
    }
    out.push({ name: unescape(name), value: value === undefined ? undefined : unescape(value) });
  }
  return { ok: true, value: out };
}

function parseHostPort(s: string): SipResult<{ host: string; port: number | undefined }> {
  let host: string;
  let rest: string;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return fail('unterminated IPv6 reference');
    host = s.slice(0, close + 1);
    rest = s.slice(close + 1);
    if (!IPV6_REFERENCE.test(host)) return fail('bad IPv6 reference');
  } else {
    const colon = s.indexOf(':');
    host = colon < 0 ? s : s.slice(0, colon);
    rest = colon < 0 ? '' : s.slice(colon);
    if (!HOSTNAME.test(host)) return fail(`bad host '${host}'`);
  }
  if (rest === '') return { ok: true, value: { host, port: undefined } };
  if (!/^:\d{1,5}$/.test(rest)) return fail('bad port');
  const port = Number(rest.slice(1));
  return port > 65535 ? fail('port out of range') : { ok: true, value: { host, port } };
}

function parseTel(rest: string): SipResult<SipUri> {
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (!TEL_NUMBER.test(number)) return fail('bad tel number');
  const params = parseParamList(semi < 0 ? '' : rest.slice(semi + 1), ';', PARAM_CHARS, 'parameter');
  if (!params.ok) return params;
  return {
    ok: true,
    value: {
      scheme: 'tel',
      user: number,
      password: undefined,
      host: '',
      port: undefined,
      params: params.value,
      headers: [],
    },
  };
}

/** Parses a sip:, sips: or tel: URI; any other scheme, or bad syntax, is an error. */
export function parseUri(text: string): SipResult<SipUri> {
  const colon = text.indexOf(':');
  const scheme = colon < 0 ? '' : text.slice(0, colon).toLowerCase();
  const rest = text.slice(colon + 1);
  if (/[\s<>"]/.test(text)) return fail('URI contains whitespace, <, > or "');
  if (scheme === 'tel') return parseTel(rest);
  if (scheme !== 'sip' && scheme !== 'sips') return fail(`unsupported URI scheme '${scheme}'`);
  // '@' appears in no part after the userinfo (params and headers must escape it), so the last one ends it.
  const at = rest.lastIndexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    const pc = userinfo.indexOf(':');
    const u = pc < 0 ? userinfo : userinfo.slice(0, pc);
    const p = pc < 0 ? undefined : userinfo.slice(pc + 1);
    if (u === '' || !USER_CHARS.test(u)) return fail('bad URI user');
    if (p !== undefined && !PASSWORD_CHARS.test(p)) return fail('bad URI password');
    user = unescape(u);
    password = p === undefined ? undefined : unescape(p);
  }
  const afterUser = rest.slice(at + 1);
  const q = afterUser.indexOf('?');
  const beforeHeaders = q < 0 ? afterUser : afterUser.slice(0, q);
  const semi = beforeHeaders.indexOf(';');
  const hp = parseHostPort(semi < 0 ? beforeHeaders : beforeHeaders.slice(0, semi));
  if (!hp.ok) return hp;
  const params = parseParamList(semi < 0 ? '' : beforeHeaders.slice(semi + 1), ';', PARAM_CHARS, 'parameter');
  if (!params.ok) return params;
  const headerText = q < 0 ? '' : afterUser.slice(q + 1);
  if (q >= 0 && headerText === '') return fail('empty URI headers');
  const headers = parseParamList(headerText, '&', HEADER_CHARS, 'header');
  if (!headers.ok) return headers;
  if (headers.value.some((h) => h.value === undefined)) return fail('URI header without =');
  return {
    ok: true,
    value: {
      scheme,
      user,
      password,
      host: hp.value.host,
      port: hp.value.port,
      params: params.value,
      headers: headers.value,
    },
  };
}

/** Escapes every character of `s` that `allowed` (a single-character class) does not accept bare. */
function escape(s: string, allowed: RegExp): string {
  let out = '';
  for (const ch of s) {
    if (allowed.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const USER_CHAR = new RegExp(`^[${UNRESERVED}&=+$,;?/]$`);
const PASSWORD_CHAR = new RegExp(`^[${UNRESERVED}&=+$,]$`);
const PARAM_CHAR = new RegExp(`^[${UNRESERVED}\\[\\]/:&+$]$`);
const HEADER_CHAR = new RegExp(`^[${UNRESERVED}\\[\\]/?:+$]$`);

export function serializeUri(u: SipUri): string {
  let out = `${u.scheme}:`;
  if (u.scheme === 'tel') out += u.user ?? '';
  else {
    if (u.user !== undefined) {
      out += escape(u.user, USER_CHAR);
      if (u.password !== undefined) out += `:${escape(u.password, PASSWORD_CHAR)}`;
      out += '@';
    }
    out += u.host;
    if (u.port !== undefined) out += `:${u.port}`;
  }
  for (const p of u.params) {
    out += `;${escape(p.name, PARAM_CHAR)}`;
    if (p.value !== undefined) out += `=${escape(p.value, PARAM_CHAR)}`;
  }
  let sep = '?';
  for (const h of u.headers) {
    out += `${sep}${escape(h.name, HEADER_CHAR)}=${escape(h.value ?? '', HEADER_CHAR)}`;
    sep = '&';
  }
  return out;
}

/** The value of the first URI parameter named `name` (case-insensitive); null when present without a value. */
export function uriParam(u: SipUri, name: string): string | null | undefined {
  const lower = name.toLowerCase();
  for (const p of u.params) if (p.name.toLowerCase() === lower) return p.value ?? null;
  return undefined;
}
