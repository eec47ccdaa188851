// SIP messages (RFC 3261 §7): a start line, an ordered list of raw headers and a body.
//
// The parser fills the hot headers eagerly (Via, From, To, Call-ID, CSeq, Content-Length, Max-Forwards); every other
// header stays as its wire text and is parsed on first access. Each parsed header keeps its exact bytes (`raw`,
// folding included) so a proxy or B2BUA forwards untouched headers byte for byte.

import { type CSeq, type NameAddr, type Via, parseNameAddrList } from './header-values.js';
import { splitCommaList } from './sip-lexer.js';
import { type SipUri, parseUri } from './sip-uri.js';

export { splitCommaList };

export type SipResult<T> = { ok: true; value: T } | { ok: false; error: string };

export interface SipHeader {
  /** The name as it appeared on the wire (`v`, `VIA`, `Via` …). */
  readonly name: string;
  /** Canonical lower-case long name (`via` for `v`), the key every lookup uses. */
  readonly key: string;
  /** The value with folding replaced by one space and surrounding whitespace trimmed (UTF-8). */
  readonly value: string;
  /** The exact header line(s) without the final line break; absent on headers built in code. */
  readonly raw?: Buffer;
}

/** RFC 3261 §7.3.3 and the IANA SIP parameters registry: compact form → long name. */
export const COMPACT_HEADER_NAMES: Readonly<Record<string, string>> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  n: 'Identity-Info',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

/** The canonical lookup key of a header name: lower case, compact forms expanded. */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  const long = lower.length === 1 ? COMPACT_HEADER_NAMES[lower] : undefined;
  return long === undefined ? lower : long.toLowerCase();
}

/** Builds a header in code (no raw bytes: the serializer writes `name: value`). */
export function makeHeader(name: string, value: string): SipHeader {
  return { name, key: headerKey(name), value };
}

/** RFC 3261 §7.3.1: headers whose values may be combined into one comma-separated line. */
const LIST_HEADERS = new Set([
  'via',
  'contact',
  'route',
  'record-route',
  'path',
  'service-route',
  'allow',
  'allow-events',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'content-language',
  'in-reply-to',
  'alert-info',
  'call-info',
  'error-info',
  'warning',
  'reason',
  'p-asserted-identity',
  'p-preferred-identity',
  'history-info',
  'accept-contact',
  'reject-contact',
  'request-disposition',
]);

export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}

/** The parts every message has; the parser fills the eager fields, builders pass them in. */
export interface SipMessageFields {
  headers: SipHeader[];
  body: Buffer;
  via: Via[];
  from: NameAddr;
  to: NameAddr;
  callId: string;
  cseq: CSeq;
  /** The Content-Length header's value; undefined when the header was absent. */
  contentLength: number | undefined;
  maxForwards: number | undefined;
}

abstract class SipMessageBase implements SipMessageFields {
  headers: SipHeader[];
  body: Buffer;
  via: Via[];
  from: NameAddr;
  to: NameAddr;
  callId: string;
  cseq: CSeq;
  contentLength: number | undefined;
  maxForwards: number | undefined;
  /** Times the stack handed this message to a transport: past the first, a retransmission (statistics). */
  timesSent = 0;
  #contacts: SipResult<NameAddr[] | '*'> | undefined;
  #nameAddrLists: Map<string, SipResult<NameAddr[]>> | undefined;

  constructor(f: SipMessageFields) {
    this.headers = f.headers;
    this.body = f.body;
    this.via = f.via;
    this.from = f.from;
    this.to = f.to;
    this.callId = f.callId;
    this.cseq = f.cseq;
    this.contentLength = f.contentLength;
    this.maxForwards = f.maxForwards;
  }

  get fromTag(): string | undefined {
    return this.from.tag;
  }

  get toTag(): string | undefined {
    return this.to.tag;
  }

  /** The topmost Via: the one this hop added (responses) or the previous hop added (requests). */
  get topVia(): Via | undefined {
    return this.via[0];
  }

  /** The first header of that name (compact forms and case folded), or undefined. */
  header(name: string): string | undefined {
    const key = headerKey(name);
    for (const h of this.headers) if (h.key === key) return h.value;
    return undefined;
  }

  /** Every header line of that name, in order. */
  headerLines(name: string): string[] {
    const key = headerKey(name);
    const out: string[] = [];
    for (const h of this.headers) if (h.key === key) out.push(h.value);
    return out;
  }

  /** Every value of a list header: all its lines, each split at top-level commas. */
  headerValues(name: string): string[] {
    const out: string[] = [];
    for (const line of this.headerLines(name)) for (const v of splitCommaList(line)) out.push(v);
    return out;
  }

  hasHeader(name: string): boolean {
    return this.header(name) !== undefined;
  }

  /** Contact, parsed on first access: the list of name-addrs, or `*` (REGISTER removal), or why it is invalid. */
  contacts(): SipResult<NameAddr[] | '*'> {
    if (this.#contacts === undefined) {
      const lines = this.headerLines('contact');
      if (lines.length === 1 && lines[0] === '*') this.#contacts = { ok: true, value: '*' };
      else this.#contacts = parseNameAddrList(lines);
    }
    return this.#contacts;
  }

  /** Route, Record-Route, Path or any other name-addr list header, parsed on first access. */
  nameAddrs(name: string): SipResult<NameAddr[]> {
    const key = headerKey(name);
    this.#nameAddrLists ??= new Map();
    let r = this.#nameAddrLists.get(key);
    if (r === undefined) {
      r = parseNameAddrList(this.headerLines(key));
      this.#nameAddrLists.set(key, r);
    }
    return r;
  }
}

export class SipRequest extends SipMessageBase {
  readonly kind = 'request';
  method: string;
  /** The Request-URI as on the wire; `parseUri()` gives its parts for sip, sips and tel. */
  uri: string;
  version: string;

  constructor(method: string, uri: string, f: SipMessageFields, version = 'SIP/2.0') {
    super(f);
    this.method = method;
    this.uri = uri;
    this.version = version;
  }

  /** The Request-URI's parts (sip, sips, tel); other schemes give an error (a UAS answers 416). */
  requestUri(): SipResult<SipUri> {
    return parseUri(this.uri);
  }
}

export class SipResponse extends SipMessageBase {
  readonly kind = 'response';
  status: number;
  reason: string;
  version: string;

  constructor(status: number, reason: string, f: SipMessageFields, version = 'SIP/2.0') {
    super(f);
    this.status = status;
    this.reason = reason;
    this.version = version;
  }
}

export type SipMessage = SipRequest | SipResponse;
