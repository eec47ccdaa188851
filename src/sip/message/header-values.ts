// Typed values of the headers a transaction and dialog layer reads (RFC 3261 §20, grammar in §25.1):
// Via, From/To/Contact (name-addr / addr-spec with parameters), CSeq, Max-Forwards, Content-Length.
// Inputs are unfolded header values; outputs are values or a reason, never an exception.

import type { SipResult } from './sip-message.js';
import {
  type SipParam,
  isToken,
  isTokenChar,
  paramValue,
  parseDecimal,
  parseParams,
  quote,
  readQuoted,
  serializeParams,
  skipWs,
  splitCommaList,
  tokenEnd,
} from './sip-lexer.js';

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

// ---------------------------------------------------------------------------------------------------------------
// Via = ( "Via" / "v" ) HCOLON via-parm *(COMMA via-parm)
// via-parm = sent-protocol LWS sent-by *( SEMI via-params );  sent-protocol = name SLASH version SLASH transport

export interface Via {
  /** `SIP/2.0` */
  protocol: string;
  /** Upper-cased transport token: UDP, TCP, TLS, SCTP, WS, WSS or any extension. */
  transport: string;
  host: string;
  port: number | undefined;
  params: SipParam[];
  branch: string | undefined;
  received: string | undefined;
  /** RFC 3581: `true` for a bare `;rport` (a request to fill it in), the port once filled in. */
  rport: number | true | undefined;
  maddr: string | undefined;
  ttl: number | undefined;
}

function slashed(s: string, i: number): number {
  i = skipWs(s, i);
  if (s.charCodeAt(i) !== 0x2f) return -1;
  return skipWs(s, i + 1);
}

/** host = hostname / IPv4address / IPv6reference, then an optional `: port`. */
function readHostPort(s: string, i: number): { host: string; port: number | undefined; end: number } | undefined {
  let end: number;
  if (s.charCodeAt(i) === 0x5b) {
    end = s.indexOf(']', i);
    if (end < 0 || !/^\[[0-9A-Fa-f:.]+\]$/.test(s.slice(i, end + 1))) return undefined;
    end++;
  } else {
    end = i;
    while (end < s.length && /[A-Za-z0-9.-]/.test(s[end]!)) end++;
    if (end === i) return undefined;
  }
  const host = s.slice(i, end);
  const j = skipWs(s, end);
  if (s.charCodeAt(j) !== 0x3a) return { host, port: undefined, end };
  const p = skipWs(s, j + 1);
  let q = p;
  while (q < s.length && s.charCodeAt(q) >= 0x30 && s.charCodeAt(q) <= 0x39) q++;
  const port = parseDecimal(s.slice(p, q), 65535);
  return port === undefined ? undefined : { host, port, end: q };
}

/** Parses one via-parm (a single element of the comma list). */
export function parseVia(value: string): SipResult<Via> {
  let i = skipWs(value, 0);
  const nameEnd = tokenEnd(value, i);
  const name = value.slice(i, nameEnd);
  i = slashed(value, nameEnd);
  if (name === '' || i < 0) return fail('bad Via sent-protocol');
  const versionEnd = tokenEnd(value, i);
  const version = value.slice(i, versionEnd);
  i = slashed(value, versionEnd);
  if (version === '' || i < 0) return fail('bad Via sent-protocol');
  const transportEnd = tokenEnd(value, i);
  const transport = value.slice(i, transportEnd).toUpperCase();
  if (transport === '') return fail('missing Via transport');
  i = skipWs(value, transportEnd);
  if (i === transportEnd) return fail('missing space before Via sent-by');
  const hp = readHostPort(value, i);
  if (hp === undefined) return fail('bad Via sent-by');
  const p = parseParams(value, hp.end);
  if ('error' in p) return fail(`bad Via parameters: ${p.error}`);
  const rport = paramValue(p.params, 'rport');
  const rportNumber = rport === null || rport === undefined ? undefined : parseDecimal(rport, 65535);
  if (rport != null && rportNumber === undefined) return fail('bad Via rport');
  const ttl = paramValue(p.params, 'ttl');
  const ttlNumber = ttl == null ? undefined : parseDecimal(ttl, 255);
  if (ttl != null && ttlNumber === undefined) return fail('bad Via ttl');
  return {
    ok: true,
    value: {
      protocol: `${name}/${version}`,
      transport,
      host: hp.host,
      port: hp.port,
      params: p.params,
      branch: paramValue(p.params, 'branch') ?? undefined,
      received: paramValue(p.params, 'received') ?? undefined,
      rport: rport === null ? true : rportNumber,
      maddr: paramValue(p.params, 'maddr') ?? undefined,
      ttl: ttlNumber,
    },
  };
}

export function serializeVia(v: Via): string {
  const host = v.port === undefined ? v.host : `${v.host}:${v.port}`;
  return `${v.protocol}/${v.transport} ${host}${serializeParams(v.params)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// name-addr = [ display-name ] LAQUOT addr-spec RAQUOT;  display-name = *(token LWS) / quoted-string
// From/To/Contact = ( name-addr / addr-spec ) *( SEMI param )

export interface NameAddr {
  /** Unquoted and unescaped; undefined when absent. */
  displayName: string | undefined;
  /** The URI text as on the wire (any scheme); `parseUri()` gives the parts of sip, sips and tel URIs. */
  uri: string;
  /** Whether the URI was written in angle brackets. */
  isNameAddr: boolean;
  /** Header parameters (after the URI), in order. */
  params: SipParam[];
  tag: string | undefined;
}

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function badUriText(uri: string): boolean {
  return !SCHEME.test(uri) || /[\s<>"]/.test(uri);
}

/** Parses a From, To, Route or a single Contact value. */
export function parseNameAddr(value: string): SipResult<NameAddr> {
  const s = value.trim();
  let i = 0;
  let displayName: string | undefined;
  if (s.charCodeAt(0) === 0x22) {
    const q = readQuoted(s, 0);
    if (q === undefined) return fail('unterminated quoted display-name');
    displayName = q.text;
    i = skipWs(s, q.end);
    if (s.charCodeAt(i) !== 0x3c) return fail('display-name without <addr-spec>');
  } else {
    // A run of tokens and spaces followed by '<' is a display-name; anything else must be a bare addr-spec.
    let j = 0;
    while (j < s.length && (isTokenChar(s.charCodeAt(j)) || s[j] === ' ' || s[j] === '\t')) j++;
    if (s.charCodeAt(j) === 0x3c) {
      const dn = s.slice(0, j).trim();
      displayName = dn === '' ? undefined : dn.replace(/[ \t]+/g, ' ');
      i = j;
    }
  }
  let uri: string;
  let rest: number;
  const isNameAddr = s.charCodeAt(i) === 0x3c;
  if (isNameAddr) {
    const close = s.indexOf('>', i);
    if (close < 0) return fail('missing >');
    uri = s.slice(i + 1, close);
    rest = close + 1;
  } else {
    // RFC 3261 §20: without brackets, `;` starts header parameters and `,` and `?` are not allowed.
    let j = 0;
    while (j < s.length && s[j] !== ';' && s[j] !== ' ' && s[j] !== '\t') j++;
    uri = s.slice(0, j);
    rest = j;
    if (/[?,]/.test(uri)) return fail('addr-spec with ? or , must be in <>');
  }
  if (badUriText(uri)) return fail(`bad addr-spec '${uri}'`);
  const p = parseParams(s, rest);
  if ('error' in p) return fail(`bad parameters: ${p.error}`);
  const tag = paramValue(p.params, 'tag');
  if (tag === null) return fail('tag without a value');
  if (tag !== undefined && !isToken(tag)) return fail('bad tag');
  return { ok: true, value: { displayName, uri, isNameAddr, params: p.params, tag } };
}

/** Parses every Contact (or Route) line, each split at top-level commas. */
export function parseNameAddrList(lines: readonly string[]): SipResult<NameAddr[]> {
  const out: NameAddr[] = [];
  for (const line of lines) {
    for (const part of splitCommaList(line)) {
      const r = parseNameAddr(part);
      if (!r.ok) return r;
      out.push(r.value);
    }
  }
  return { ok: true, value: out };
}

export function serializeNameAddr(a: NameAddr): string {
  const dn = a.displayName === undefined ? '' : `${isTokenList(a.displayName) ? a.displayName : quote(a.displayName)} `;
  const uri = a.isNameAddr || a.displayName !== undefined ? `<${a.uri}>` : a.uri;
  return `${dn}${uri}${serializeParams(a.params)}`;
}

function isTokenList(s: string): boolean {
  return s.split(' ').every(isToken);
}

// ---------------------------------------------------------------------------------------------------------------
// CSeq = "CSeq" HCOLON 1*DIGIT LWS Method;  Max-Forwards = 1*DIGIT (≤ 255);  Content-Length = 1*DIGIT

export interface CSeq {
  seq: number;
  method: string;
}

/** RFC 3261 §8.1.1.5: a 32-bit unsigned sequence number followed by the method. */
export function parseCSeq(value: string): SipResult<CSeq> {
  const m = /^(\d+)[ \t]+(\S+)$/.exec(value.trim());
  if (m === null) return fail('bad CSeq');
  const seq = parseDecimal(m[1]!, 0xffffffff);
  if (seq === undefined) return fail('CSeq number out of range');
  if (!isToken(m[2]!)) return fail('bad CSeq method');
  return { ok: true, value: { seq, method: m[2]! } };
}

export function parseMaxForwards(value: string): SipResult<number> {
  const n = parseDecimal(value.trim(), 255);
  return n === undefined ? fail('bad Max-Forwards') : { ok: true, value: n };
}

export function parseContentLength(value: string, maxBytes = Number.MAX_SAFE_INTEGER): SipResult<number> {
  const n = parseDecimal(value.trim(), Number.MAX_SAFE_INTEGER);
  if (n === undefined) return fail('bad Content-Length');
  return n > maxBytes ? fail('Content-Length over the limit') : { ok: true, value: n };
}
