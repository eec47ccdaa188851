// Requests and responses a user agent writes (RFC 3261 §8.1.1 and §8.2.6). Header order follows what Asterisk's
// pjsip puts on the wire (Via, From, To, Contact, Call-ID, CSeq, ...), so traces read alike side by side.

import { type NameAddr, type Via, serializeNameAddr, serializeVia } from '../message/header-values.js';
import { type SipHeader, SipRequest, SipResponse, makeHeader } from '../message/sip-message.js';
import { parseUri, serializeUri } from '../message/sip-uri.js';

export interface RequestSpec {
  method: string;
  uri: string;
  via: Via;
  from: NameAddr;
  to: NameAddr;
  callId: string;
  cseq: number;
  /** The Contact header value (a name-addr), for dialog-forming requests and REGISTER. */
  contact?: string;
  /** Route set (RFC 3261 §12.2.1.1), each a name-addr value. */
  routes?: readonly string[];
  maxForwards?: number;
  /** Further headers, written after the fixed ones in this order. */
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Buffer;
  contentType?: string;
}

export function buildRequest(spec: RequestSpec): SipRequest {
  const maxForwards = spec.maxForwards ?? 70;
  const body = spec.body ?? Buffer.alloc(0);
  const headers: SipHeader[] = [
    makeHeader('Via', serializeVia(spec.via)),
    makeHeader('From', writeNameAddr(spec.from)),
    makeHeader('To', writeNameAddr(spec.to)),
  ];
  if (spec.contact !== undefined) headers.push(makeHeader('Contact', spec.contact));
  headers.push(makeHeader('Call-ID', spec.callId), makeHeader('CSeq', `${spec.cseq} ${spec.method}`));
  for (const r of spec.routes ?? []) headers.push(makeHeader('Route', r));
  headers.push(makeHeader('Max-Forwards', String(maxForwards)));
  for (const [name, value] of spec.headers ?? []) headers.push(makeHeader(name, value));
  if (spec.contentType !== undefined && body.length > 0) headers.push(makeHeader('Content-Type', spec.contentType));
  headers.push(makeHeader('Content-Length', String(body.length)));
  return new SipRequest(spec.method, spec.uri, {
    headers,
    body,
    via: [spec.via],
    from: spec.from,
    to: spec.to,
    callId: spec.callId,
    cseq: { seq: spec.cseq, method: spec.method },
    contentLength: body.length,
    maxForwards,
  });
}

export interface ResponseSpec {
  /** The To tag to add when the request's To has none (dialog-forming responses, §8.2.6.2). */
  toTag?: string;
  contact?: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Buffer;
  contentType?: string;
}

const COPIED = new Set(['via', 'from', 'call-id', 'cseq']);

/**
 * §8.2.6.2: Via (all, in order), From, Call-ID and CSeq copied; To copied with our tag added when it had none
 * (a 100 Trying never gets one). Record-Route is copied on dialog-forming responses (§12.1.1).
 */
export function buildResponse(req: SipRequest, status: number, reason: string, spec: ResponseSpec = {}): SipResponse {
  const body = spec.body ?? Buffer.alloc(0);
  let to = req.to;
  const headers: SipHeader[] = [];
  for (const h of req.headers) {
    if (COPIED.has(h.key)) headers.push(h);
    else if (h.key === 'to') {
      if (spec.toTag !== undefined && req.to.tag === undefined && status > 100) {
        to = { ...req.to, params: [...req.to.params, { name: 'tag', value: spec.toTag }], tag: spec.toTag };
        headers.push(makeHeader('To', serializeNameAddr(to)));
      } else headers.push(h);
    } else if (h.key === 'record-route' && status > 100 && status < 300) headers.push(h);
  }
  if (spec.contact !== undefined) headers.push(makeHeader('Contact', spec.contact));
  for (const [name, value] of spec.headers ?? []) headers.push(makeHeader(name, value));
  if (spec.contentType !== undefined && body.length > 0) headers.push(makeHeader('Content-Type', spec.contentType));
  headers.push(makeHeader('Content-Length', String(body.length)));
  return new SipResponse(status, reason, {
    headers,
    body,
    via: req.via,
    from: req.from,
    to,
    callId: req.callId,
    cseq: req.cseq,
    contentLength: body.length,
    maxForwards: undefined,
  });
}

/** pjsip writes every display name quoted (`"Bob" <sip:5551234@127.0.0.1>`, sip-reference §4.1). */
export function writeNameAddr(a: NameAddr): string {
  if (a.displayName === undefined) return serializeNameAddr(a);
  const quoted = `"${a.displayName.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return `${quoted} ${serializeNameAddr({ ...a, displayName: undefined, isNameAddr: true })}`;
}

/** A name-addr for building From/To: `<uri>` with an optional display name and tag. */
export function nameAddr(uri: string, displayName?: string, tag?: string): NameAddr {
  return {
    displayName: displayName === undefined || displayName === '' ? undefined : displayName,
    uri,
    isNameAddr: true,
    params: tag === undefined ? [] : [{ name: 'tag', value: tag }],
    tag,
  };
}

/** `host` as written in a URI or Via sent-by: IPv6 addresses in brackets. */
export function uriHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The URI without its port: Asterisk writes To/From that way (`sip:uas@127.0.0.1` for `sip:uas@127.0.0.1:5070`). */
export function withoutPort(uri: string): string {
  const r = parseUri(uri);
  if (!r.ok || r.value.port === undefined) return uri;
  return serializeUri({ ...r.value, port: undefined, headers: [] });
}
