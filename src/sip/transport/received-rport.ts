// RFC 3261 §18.2.1 + RFC 3581 §4 on receipt of a request: add `received=<source ip>` when the top Via's sent-by
// host is not the packet's source address, and fill a bare `rport` with the source port (or add both when
// force_rport is on, as Asterisk does by default). RFC 3261 §18.2.2 (+ RFC 3581 §4): where a response goes.

import { type Via, serializeVia } from '../message/header-values.js';
import {
  type SipHeader,
  type SipRequest,
  type SipResponse,
  makeHeader,
  splitCommaList,
} from '../message/sip-message.js';
import type { SipParam } from '../message/sip-lexer.js';
import { type HostPort, type TransportDestination, bareHost } from './transport.js';

export interface ReceivedOptions {
  /** Treat every request as if its top Via carried `;rport` (Asterisk `force_rport=yes`). */
  forceRport?: boolean;
}

function withParam(params: readonly SipParam[], name: string, value: string): SipParam[] {
  const out: SipParam[] = [];
  let isSet = false;
  for (const p of params) {
    if (p.name.toLowerCase() === name) {
      if (!isSet) out.push({ name: p.name, value });
      isSet = true;
    } else out.push(p);
  }
  if (!isSet) out.push({ name, value });
  return out;
}

/** Writes `received`/`rport` on the request's top Via (parsed value and header line). Returns whether it changed. */
export function stampReceived(req: SipRequest, source: HostPort, options: ReceivedOptions = {}): boolean {
  const top = req.via[0];
  if (top === undefined) return false;
  const sourceHost = bareHost(source.host);
  // §18.2.1: "even if the sent-by host matches" is not required; only a differing host gets received=.
  // RFC 3581 §4: with rport, received= is added always.
  const isRport = top.rport === true || (options.forceRport === true && top.rport === undefined);
  const needsReceived = isRport || bareHost(top.host).toLowerCase() !== sourceHost.toLowerCase();
  if (!needsReceived) return false;
  let params = withParam(top.params, 'received', sourceHost);
  if (isRport) params = withParam(params, 'rport', String(source.port));
  const stamped: Via = {
    ...top,
    params,
    received: sourceHost,
    rport: isRport ? source.port : top.rport,
  };
  req.via[0] = stamped;
  replaceTopViaHeader(req.headers, serializeVia(stamped));
  return true;
}

/** Replaces the first element of the first Via line, keeping any further elements of that line. */
function replaceTopViaHeader(headers: SipHeader[], top: string): void {
  const i = headers.findIndex((h) => h.key === 'via');
  const h = headers[i];
  if (h === undefined) return;
  const rest = splitCommaList(h.value).slice(1);
  headers[i] = makeHeader(h.name, [top, ...rest].join(', '));
}

/** The port a sent-by without one means (RFC 3261 §18.2.2 / §19.1.2). */
function defaultPort(transport: string): number {
  return transport === 'TLS' || transport === 'WSS' ? 5061 : 5060;
}

/**
 * RFC 3261 §18.2.2 with RFC 3581 §4: where to send a response, from its top Via.
 * - reliable transport: back over the connection the request came on (`connectionId`), else to received/sent-by;
 * - `maddr`: that address (multicast), sent-by port;
 * - `received` + numeric `rport`: that address and port; `received` alone: that address, sent-by port;
 * - otherwise the sent-by host and port.
 */
export function responseDestination(res: SipResponse, connectionId?: string): TransportDestination | undefined {
  const top = res.via[0];
  return top === undefined ? undefined : viaDestination(top, connectionId);
}

/**
 * The same rules from the top Via alone (the transaction layer has the request's Via, not a response yet). With
 * `source` (the packet's address) an unstamped Via still answers right: the source address when there is no
 * `received`, the source port for a bare `rport`.
 */
export function viaDestination(top: Via, connectionId?: string, source?: HostPort): TransportDestination {
  const sentByPort = top.port ?? defaultPort(top.transport);
  const rport = typeof top.rport === 'number' ? top.rport : top.rport === true ? source?.port : undefined;
  const port = rport ?? sentByPort;
  const host = bareHost(top.received ?? source?.host ?? top.host);
  const dest: TransportDestination = { host, port };
  if (connectionId !== undefined) dest.connectionId = connectionId;
  if (top.maddr !== undefined && connectionId === undefined) return { host: bareHost(top.maddr), port: sentByPort };
  return dest;
}
