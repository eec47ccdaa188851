// RFC 3261 §7 message parsing over one datagram or one framed stream message.
//
//   start-line CRLF *( header-name HCOLON value CRLF *( (SP / HTAB) continuation CRLF ) ) CRLF [ body ]
//
// The header section is split once into a raw list (names case-insensitive, compact forms expanded, folding joined);
// Via, From, To, Call-ID, CSeq, Content-Length and Max-Forwards are parsed and checked here, the rest on access.
// Network bytes never throw: a bad message gives a stable code and a reason, so the transport can count it, drop it
// or answer 400 / 505 (RFC 4475 §3.1.2 lists what must be refused).

import {
  type CSeq,
  type NameAddr,
  type Via,
  parseCSeq,
  parseContentLength,
  parseMaxForwards,
  parseNameAddr,
  parseVia,
} from './header-values.js';
import { isToken, parseDecimal, splitCommaList } from './sip-lexer.js';
import { type SipHeader, type SipMessage, SipRequest, SipResponse, headerKey } from './sip-message.js';
import { parseUri } from './sip-uri.js';

export type SipParseErrorCode =
  | 'NO_END_OF_HEADERS'
  | 'TOO_LARGE'
  | 'BAD_START_LINE'
  | 'UNSUPPORTED_VERSION'
  | 'BAD_REQUEST_URI'
  | 'BAD_HEADER'
  | 'MISSING_HEADER'
  | 'DUPLICATE_HEADER'
  | 'CSEQ_METHOD_MISMATCH'
  | 'BAD_CONTENT_LENGTH'
  | 'BODY_TRUNCATED';

export type SipParseResult = { ok: true; value: SipMessage } | { ok: false; code: SipParseErrorCode; error: string };

export interface SipParseOptions {
  /** Start line plus headers, in bytes (default 32 KiB). */
  maxHeaderBytes?: number;
  /** Body bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Header lines (default 256). */
  maxHeaders?: number;
}

const fail = (code: SipParseErrorCode, detail: string): SipParseResult => ({
  ok: false,
  code,
  error: `${code}: ${detail}`,
});

/** Headers that may appear once only (RFC 3261 §20; RFC 4475 §3.3.8 multi01, §3.3.9 mcl01). */
const SINGLE = new Set(['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type', 'expires']);
const RFC1123_GMT =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const ABSOLUTE_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"]+$/;
const CALL_ID = /^[^\s@]+(@[^\s@]+)?$/;

function toText(latin1: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1;
}

/** Finds the end of the header section: the index just past the empty line, or -1. Accepts CRLF or bare LF. */
export function findHeaderEnd(buf: Buffer, from: number, to: number): number {
  for (let i = buf.indexOf(0x0a, from); i >= 0 && i < to; i = buf.indexOf(0x0a, i + 1)) {
    if (buf[i + 1] === 0x0a) return i + 2;
    if (buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

type StartLine =
  | { kind: 'request'; method: string; uri: string; version: string }
  | { kind: 'response'; status: number; reason: string; version: string };

function parseStartLine(line: string): StartLine | SipParseResult {
  if (/^sip\//i.test(line)) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (an empty phrase is legal, §3.1.1.13 noreason)
    const m = /^(SIP\/\d+\.\d+) (\d{3})(?: (.*))?$/i.exec(line);
    if (m === null) return fail('BAD_START_LINE', 'bad status line');
    if (m[1]!.toUpperCase() !== 'SIP/2.0') return fail('UNSUPPORTED_VERSION', m[1]!);
    const status = Number(m[2]);
    if (status < 100 || status > 699) return fail('BAD_START_LINE', `status ${status} out of range`);
    return { kind: 'response', status, reason: m[3] ?? '', version: m[1]! };
  }
  // Request-Line = Method SP Request-URI SP SIP-Version, single spaces exactly (§3.1.2.8–10 lwsruri, lwsstart, trws)
  const parts = line.split(' ');
  if (parts.length !== 3 || !isToken(parts[0]!)) return fail('BAD_START_LINE', 'bad request line');
  const [method, uri, version] = parts as [string, string, string];
  if (!/^SIP\/\d+\.\d+$/i.test(version)) return fail('BAD_START_LINE', 'bad SIP-Version');
  if (version.toUpperCase() !== 'SIP/2.0') return fail('UNSUPPORTED_VERSION', version);
  if (!ABSOLUTE_URI.test(uri)) return fail('BAD_REQUEST_URI', `'${uri}'`);
  const scheme = uri.slice(0, uri.indexOf(':')).toLowerCase();
  if (scheme === 'sip' || scheme === 'sips') {
    const u = parseUri(uri);
    if (!u.ok) return fail('BAD_REQUEST_URI', u.error);
    // RFC 3261 §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11 escruri)
    if (u.value.headers.length > 0) return fail('BAD_REQUEST_URI', 'headers in the Request-URI');
  }
  return { kind: 'request', method, uri, version };
}

/** Parses one SIP message. On a datagram, bytes past Content-Length are ignored and no Content-Length means "the rest". */
export function parseSipMessage(buf: Buffer, options: SipParseOptions = {}): SipParseResult {
  const maxHeaderBytes = options.maxHeaderBytes ?? 32768;
  const maxBodyBytes = options.maxBodyBytes ?? 65536;
  const maxHeaders = options.maxHeaders ?? 256;

  let start = 0; // RFC 3261 §7.5: ignore CRLFs before the start line
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  if (start === buf.length) return fail('BAD_START_LINE', 'empty message');
  let headerEnd = findHeaderEnd(buf, start, Math.min(buf.length, start + maxHeaderBytes + 4));
  let bodyStart = headerEnd;
  if (headerEnd < 0) {
    if (buf.length - start > maxHeaderBytes) return fail('TOO_LARGE', 'header section over the limit');
    if (buf[buf.length - 1] !== 0x0a) return fail('NO_END_OF_HEADERS', 'no empty line after the headers');
    headerEnd = bodyStart = buf.length; // a datagram whose last header line lacks the final empty line
  }
  if (headerEnd - start > maxHeaderBytes + 4) return fail('TOO_LARGE', 'header section over the limit');

  const text = buf.toString('latin1', start, headerEnd);
  const lines: { from: number; to: number }[] = [];
  for (let i = 0; i < text.length;) {
    const nl = text.indexOf('\n', i);
    const next = nl < 0 ? text.length : nl + 1;
    const end = nl > 0 && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl < 0 ? text.length : nl;
    if (end > i) lines.push({ from: i, to: end });
    i = next;
  }
  const startLine = lines[0];
  if (startLine === undefined) return fail('BAD_START_LINE', 'empty message');
  if (lines.length - 1 > maxHeaders) return fail('TOO_LARGE', 'too many headers');
  const first = parseStartLine(toText(text.slice(startLine.from, startLine.to)));
  if ('ok' in first) return first;

  // Header lines; a line starting with SP or HTAB continues the previous one (RFC 3261 §7.3.1).
  const headers: SipHeader[] = [];
  for (let n = 1; n < lines.length;) {
    const first = lines[n]!;
    const c0 = text.charCodeAt(first.from);
    if (c0 === 0x20 || c0 === 0x09) return fail('BAD_HEADER', 'continuation line without a header');
    let last = first;
    let joined = text.slice(first.from, first.to);
    for (n++; n < lines.length; n++) {
      const l = lines[n]!;
      const c = text.charCodeAt(l.from);
      if (c !== 0x20 && c !== 0x09) break;
      joined += ' ' + text.slice(l.from, l.to).trimStart();
      last = l;
    }
    const colon = joined.indexOf(':');
    const name = colon < 0 ? '' : joined.slice(0, colon).trimEnd();
    if (!isToken(name)) return fail('BAD_HEADER', `bad header name in '${joined.slice(0, 40)}'`);
    headers.push({
      name,
      key: headerKey(name),
      value: toText(joined.slice(colon + 1).trim()),
      raw: buf.subarray(start + first.from, start + last.to),
    });
  }

  // Eager headers.
  const via: Via[] = [];
  let from: NameAddr | undefined;
  let to: NameAddr | undefined;
  let callId: string | undefined;
  let cseq: CSeq | undefined;
  let contentLength: number | undefined;
  let maxForwards: number | undefined;
  const seen = new Set<string>();
  for (const h of headers) {
    if (SINGLE.has(h.key)) {
      if (seen.has(h.key)) return fail('DUPLICATE_HEADER', `more than one ${h.name}`);
      seen.add(h.key);
    }
    switch (h.key) {
      case 'via':
        for (const part of splitCommaList(h.value)) {
          const v = parseVia(part);
          if (!v.ok) return fail('BAD_HEADER', `Via: ${v.error}`);
          via.push(v.value);
        }
        break;
      case 'from':
      case 'to': {
        const a = parseNameAddr(h.value);
        if (!a.ok) return fail('BAD_HEADER', `${h.key === 'from' ? 'From' : 'To'}: ${a.error}`);
        if (h.key === 'from') from = a.value;
        else to = a.value;
        break;
      }
      case 'call-id':
        if (!CALL_ID.test(h.value)) return fail('BAD_HEADER', 'bad Call-ID');
        callId = h.value;
        break;
      case 'cseq': {
        const r = parseCSeq(h.value);
        if (!r.ok) return fail('BAD_HEADER', r.error);
        cseq = r.value;
        break;
      }
      case 'max-forwards': {
        const r = parseMaxForwards(h.value);
        if (!r.ok) return fail('BAD_HEADER', r.error);
        maxForwards = r.value;
        break;
      }
      case 'content-length': {
        const r = parseContentLength(h.value);
        if (!r.ok) return fail('BAD_CONTENT_LENGTH', r.error);
        contentLength = r.value;
        break;
      }
      case 'expires': // RFC 3261 §20.19: delta-seconds fits 32 bits (RFC 4475 §3.1.2.4 scalar02)
        if (parseDecimal(h.value, 0xffffffff) === undefined) return fail('BAD_HEADER', 'bad Expires');
        break;
      case 'date': // RFC 3261 §20.17: rfc1123-date, GMT only (RFC 4475 §3.1.2.12 baddate)
        if (!RFC1123_GMT.test(h.value)) return fail('BAD_HEADER', 'Date is not an RFC 1123 GMT date');
        break;
    }
  }
  if (via.length === 0) return fail('MISSING_HEADER', 'no Via');
  if (from === undefined) return fail('MISSING_HEADER', 'no From');
  if (to === undefined) return fail('MISSING_HEADER', 'no To');
  if (callId === undefined) return fail('MISSING_HEADER', 'no Call-ID');
  if (cseq === undefined) return fail('MISSING_HEADER', 'no CSeq');

  // Body (RFC 3261 §18.3): Content-Length frames it; on a datagram a missing one means the rest of the datagram.
  const available = buf.length - bodyStart;
  const bodyLength = contentLength ?? available;
  if (bodyLength > maxBodyBytes) return fail('TOO_LARGE', 'body over the limit');
  if (bodyLength > available) return fail('BODY_TRUNCATED', `Content-Length ${bodyLength}, ${available} bytes present`);
  const fields = {
    headers,
    body: buf.subarray(bodyStart, bodyStart + bodyLength),
    via,
    from,
    to,
    callId,
    cseq,
    contentLength,
    maxForwards,
  };

  if (first.kind === 'response') {
    return { ok: true, value: new SipResponse(first.status, first.reason, fields, first.version) };
  }
  if (first.method !== cseq.method) return fail('CSEQ_METHOD_MISMATCH', `${first.method} with CSeq ${cseq.method}`);
  return { ok: true, value: new SipRequest(first.method, first.uri, fields, first.version) };
}
