// Which endpoint sent a request — pjsip's endpoint identifiers, tried in the global `endpoint_identifier_order`
// (ip, username, anonymous; sip-reference §5 identify/endpoint):
//
//   ip         an identify section whose `match` (address/prefix, optional port) contains the packet source
//   username   the From URI user (user@domain first, then user) names an endpoint
//   anonymous  the endpoint called `anonymous`, when one is configured
//
// An endpoint is only found by a method its `identify_by` lists ('ip' for identify sections, 'username').

import { isIPv4, isIPv6 } from 'node:net';
import type { EndpointConfig, IdentifyConfig, IdentifyMatch } from '../../../config/pjsip-types.js';
import type { SipRequest } from '../../../sip/message/sip-message.js';
import { parseUri } from '../../../sip/message/sip-uri.js';

export interface IdentifierConfig {
  endpoints: ReadonlyMap<string, EndpointConfig>;
  identifies: readonly IdentifyConfig[];
  /** Global `endpoint_identifier_order` (ip,username,anonymous); other names are skipped. */
  endpointIdentifierOrder?: readonly string[];
}

export interface PacketSource {
  host: string;
  port: number;
}

type Family = 'ipv4' | 'ipv6';

/** An address as 128 bits (IPv4 in the low 32) and its family; IPv4-mapped IPv6 counts as IPv4. */
export function parseAddress(text: string): { family: Family; bits: bigint } | undefined {
  let host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = host.indexOf('%');
  if (zone >= 0) host = host.slice(0, zone);
  if (isIPv4(host)) return { family: 'ipv4', bits: ipv4Bits(host) };
  if (!isIPv6(host)) return undefined;
  const bits = ipv6Bits(host);
  if (bits >> 32n === 0xffffn) return { family: 'ipv4', bits: bits & 0xffffffffn };
  return { family: 'ipv6', bits };
}

function ipv4Bits(s: string): bigint {
  return s.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Bits(s: string): bigint {
  // A trailing dotted quad (::ffff:1.2.3.4) is two groups.
  const lastColon = s.lastIndexOf(':');
  let text = s;
  if (s.includes('.')) {
    const v4 = ipv4Bits(s.slice(lastColon + 1));
    text = `${s.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head === '' || head === undefined ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill('0'), ...tailGroups];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/** Whether `match` contains the source address (and port, when the match names one). */
export function matchContains(match: IdentifyMatch, source: PacketSource): boolean {
  if (match.port !== undefined && match.port !== source.port) return false;
  const a = parseAddress(source.host);
  const net = parseAddress(match.address);
  if (a === undefined || net === undefined || a.family !== net.family) return false;
  const width = a.family === 'ipv4' ? 32 : 128;
  const prefix = Math.max(0, Math.min(width, match.prefix));
  const shift = BigInt(width - prefix);
  return a.bits >> shift === net.bits >> shift;
}

export class EndpointIdentifier {
  readonly #endpoints: ReadonlyMap<string, EndpointConfig>;
  readonly #identifies: readonly IdentifyConfig[];
  readonly #order: readonly string[];

  constructor(config: IdentifierConfig) {
    this.#endpoints = config.endpoints;
    this.#identifies = config.identifies;
    this.#order = config.endpointIdentifierOrder ?? ['ip', 'username', 'anonymous'];
  }

  identify(req: SipRequest, source: PacketSource): EndpointConfig | undefined {
    for (const method of this.#order) {
      const found =
        method === 'ip'
          ? this.byIp(source)
          : method === 'username'
            ? this.byUsername(req)
            : method === 'anonymous'
              ? this.#endpoints.get('anonymous')
              : undefined;
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * The endpoint of the most specific matching identify line: longest prefix, then one that names the port.
   * (Asterisk takes whichever section it meets first; the most specific is the answer a reader expects.)
   */
  byIp(source: PacketSource): EndpointConfig | undefined {
    let best: EndpointConfig | undefined;
    let bestScore = -1;
    for (const section of this.#identifies) {
      const ep = this.#endpoints.get(section.endpoint);
      if (ep === undefined || !ep.identifyBy.includes('ip')) continue;
      for (const m of section.match) {
        if (!matchContains(m, source)) continue;
        const score = m.prefix * 2 + (m.port === undefined ? 0 : 1);
        if (score > bestScore) {
          best = ep;
          bestScore = score;
        }
      }
    }
    return best;
  }

  /** The From URI user, as `user@domain` and then `user`, naming an endpoint identified by username. */
  byUsername(req: SipRequest): EndpointConfig | undefined {
    const from = parseUri(req.from.uri);
    if (!from.ok || from.value.user === undefined) return undefined;
    for (const name of [`${from.value.user}@${from.value.host}`, from.value.user]) {
      const ep = this.#endpoints.get(name);
      if (ep !== undefined && ep.identifyBy.includes('username')) return ep;
    }
    return undefined;
  }
}
