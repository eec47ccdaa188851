// RFC 3261 §8.2.x / §16.3 / RFC 4475 §3.1.2: a request the parser refuses still deserves a 400 (or a 505 for another
// SIP-Version) when enough of it can be read to route the answer: its top Via, Call-ID and CSeq. This is a lenient
// second look at the raw bytes — never the parser's job, which stays strict — and it never throws.

import { randomBytes } from 'node:crypto';

import { type NameAddr, type Via, parseNameAddr, parseVia } from '../message/header-values.js';
import type { SipParseErrorCode } from '../message/parse-message.js';
import { type SipHeader, SipResponse, headerKey, makeHeader, splitCommaList } from '../message/sip-message.js';

const NO_ADDR: NameAddr = { displayName: undefined, uri: '', isNameAddr: false, params: [], tag: undefined };
const COPIED = new Set(['via', 'from', 'to', 'call-id', 'cseq']);
/** Only the start of the message is read; a header section this long was refused as TOO_LARGE anyway. */
const SCAN_LIMIT = 65536;

/**
 * Builds the 400/505 for a request the parser refused, or undefined when the bytes are a response, an ACK (never
 * answered, §17.2.1), or lack a readable top Via, Call-ID or CSeq.
 */
export function errorResponseFor(raw: Buffer, code: SipParseErrorCode, detail: string): SipResponse | undefined {
  const text = raw.toString('latin1', 0, Math.min(raw.length, SCAN_LIMIT));
  const lines = text.replace(/^[\r\n]+/, '').split(/\r?\n/);
  const startLine = lines[0] ?? '';
  if (/^SIP\//i.test(startLine)) return undefined; // a response is never answered
  const method = /^([!-~]+) /.exec(startLine)?.[1];
  if (method === undefined || method.toUpperCase() === 'ACK') return undefined;

  const headers: SipHeader[] = [];
  for (let n = 1; n < lines.length; n++) {
    let line = lines[n]!;
    if (line === '') break;
    while (n + 1 < lines.length && /^[ \t]/.test(lines[n + 1]!)) line += ' ' + lines[++n]!.trim();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = headerKey(line.slice(0, colon).trim());
    if (!COPIED.has(key)) continue;
    // Headers written in code carry no raw bytes: the canonical long name is used (`v` becomes `Via`).
    headers.push(makeHeader(canonicalName(key), Buffer.from(line.slice(colon + 1).trim(), 'latin1').toString('utf8')));
  }
  const viaLine = headers.find((h) => h.key === 'via');
  const topVia = viaLine === undefined ? undefined : parseVia(splitCommaList(viaLine.value)[0] ?? '');
  const callId = headers.find((h) => h.key === 'call-id')?.value;
  const cseqLine = headers.find((h) => h.key === 'cseq')?.value;
  const cseq = cseqLine === undefined ? undefined : /^(\d{1,10})\s+(\S+)/.exec(cseqLine);
  if (topVia === undefined || !topVia.ok || !callId || cseq === null || cseq === undefined) return undefined;
  if (cseq[2]!.toUpperCase() === 'ACK') return undefined;

  const via: Via[] = [];
  for (const h of headers) {
    if (h.key !== 'via') continue;
    for (const part of splitCommaList(h.value)) {
      const v = parseVia(part);
      if (v.ok) via.push(v.value);
    }
  }
  const fromText = headers.find((h) => h.key === 'from')?.value;
  const toIndex = headers.findIndex((h) => h.key === 'to');
  const toText = headers[toIndex]?.value;
  const from = fromText === undefined ? NO_ADDR : nameAddrOr(fromText);
  let to = toText === undefined ? NO_ADDR : nameAddrOr(toText);
  if (toText !== undefined && to !== NO_ADDR && to.tag === undefined) {
    // RFC 3261 §8.2.6.2: a UAS adds a To tag to every response but 100
    const tag = randomBytes(6).toString('hex');
    to = { ...to, tag, params: [...to.params, { name: 'tag', value: tag }] };
    headers[toIndex] = makeHeader('To', `${toText};tag=${tag}`);
  }
  // RFC 3261 §8.2.1 / §21.5.20: another SIP-Version is refused with 505, whatever else is wrong.
  const version = /\s(SIP\/\d+\.\d+)$/i.exec(startLine)?.[1];
  const isVersion = code === 'UNSUPPORTED_VERSION' || (version !== undefined && version.toUpperCase() !== 'SIP/2.0');
  // The Warning-like detail goes in the reason phrase, as pjsip does ("400 Bad Request" would lose it); kept short
  // and printable so the response itself is well formed.
  const why = detail.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
  const status = isVersion ? 505 : 400;
  const reason = isVersion ? 'Version Not Supported' : `Bad Request (${why})`;
  return new SipResponse(status, reason, {
    headers,
    body: Buffer.alloc(0),
    via,
    from,
    to,
    callId,
    cseq: { seq: Number(cseq[1]), method: cseq[2]! },
    contentLength: 0,
    maxForwards: undefined,
  });
}

function nameAddrOr(value: string): NameAddr {
  const r = parseNameAddr(value);
  return r.ok ? r.value : NO_ADDR;
}

function canonicalName(key: string): string {
  switch (key) {
    case 'via':
      return 'Via';
    case 'from':
      return 'From';
    case 'to':
      return 'To';
    case 'call-id':
      return 'Call-ID';
    default:
      return 'CSeq';
  }
}
