/**
 * Which hosts a per-call WebSocket URI may name (websocket_client.conf `[general] allowed_per_call_hosts`). An app
 * that may choose the URI of its own media connection could otherwise make the server dial anything it can reach
 * (internal services, cloud metadata addresses), so nothing is allowed until the operator lists it.
 *
 * Entries (comma-separated; lines add up):
 *
 *   *                        any host
 *   media.example.com        that name (compared ignoring case)
 *   *.example.com            any name below example.com (not example.com itself)
 *   192.0.2.7   2001:db8::1  that address
 *   10.0.0.0/8  fd00::/8     any address in the block
 *   <entry>:<port>           only that port (`[2001:db8::1]:9000`, `[fd00::/8]:443` for IPv6)
 *
 * The URI is checked as written: a name is matched as a name, never resolved, and an address literal only
 * against the address entries (so `*.example.com` never lets `10.0.0.1` through).
 */
import { BlockList, isIP } from 'node:net';

/** One parsed entry. */
type HostRule =
  | { readonly kind: 'any'; readonly port: number | undefined }
  | { readonly kind: 'name'; readonly name: string; readonly port: number | undefined }
  | { readonly kind: 'suffix'; readonly suffix: string; readonly port: number | undefined }
  | { readonly kind: 'address'; readonly block: BlockList; readonly port: number | undefined };

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/;
const MAX_PORT = 65535;

/** `host` and `port` of an entry, the brackets of an IPv6 host removed; undefined when it is malformed. */
function splitEntry(entry: string): { host: string; port: number | undefined } | undefined {
  let host = entry;
  let portText: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close === -1) return undefined;
    host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return undefined;
    if (rest !== '') portText = rest.slice(1);
  } else if (entry.indexOf(':') !== -1 && entry.indexOf(':') === entry.lastIndexOf(':')) {
    // One colon: `host:port`. More than one without brackets: an IPv6 address or block, any port.
    const colon = entry.indexOf(':');
    host = entry.slice(0, colon);
    portText = entry.slice(colon + 1);
  }
  if (portText === undefined) return { host, port: undefined };
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port >= 1 && port <= MAX_PORT ? { host, port } : undefined;
}

function parseRule(entry: string): HostRule | undefined {
  const split = splitEntry(entry);
  if (split === undefined || split.host === '') return undefined;
  const { port } = split;
  const host = split.host.toLowerCase();
  if (host === '*') return { kind: 'any', port };
  const slash = host.indexOf('/');
  const address = slash === -1 ? host : host.slice(0, slash);
  const family = isIP(address);
  if (family !== 0) {
    const block = new BlockList();
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (slash === -1) {
      block.addAddress(address, type);
      return { kind: 'address', block, port };
    }
    const prefixText = host.slice(slash + 1);
    const prefix = Number(prefixText);
    if (!/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128)) return undefined;
    block.addSubnet(address, prefix, type);
    return { kind: 'address', block, port };
  }
  if (host.startsWith('*.')) {
    const suffix = host.slice(1); // `.example.com`
    return NAME.test(suffix.slice(1)) ? { kind: 'suffix', suffix, port } : undefined;
  }
  return NAME.test(host) ? { kind: 'name', name: host.replace(/\.$/, ''), port } : undefined;
}

export class HostAllowList {
  readonly #rules: readonly HostRule[];

  private constructor(rules: readonly HostRule[]) {
    this.#rules = rules;
  }

  /** The list that allows nothing (the default). */
  static readonly NONE = new HostAllowList([]);

  /** Entries as written (each may hold a comma-separated list); the malformed ones are returned, not kept. */
  static parse(lines: readonly string[]): { list: HostAllowList; invalid: string[] } {
    const rules: HostRule[] = [];
    const invalid: string[] = [];
    for (const line of lines) {
      for (const raw of line.split(',')) {
        const entry = raw.trim();
        if (entry === '') continue;
        const rule = parseRule(entry);
        if (rule === undefined) invalid.push(entry);
        else rules.push(rule);
      }
    }
    return { list: new HostAllowList(rules), invalid };
  }

  get isEmpty(): boolean {
    return this.#rules.length === 0;
  }

  /** Whether `host` (a URL's hostname: IPv6 in brackets, names in lower case) on `port` may be dialled. */
  allows(host: string, port: number): boolean {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    const name = bare.toLowerCase().replace(/\.$/, '');
    const family = isIP(name);
    for (const rule of this.#rules) {
      if (rule.port !== undefined && rule.port !== port) continue;
      switch (rule.kind) {
        case 'any':
          return true;
        case 'name':
          if (family === 0 && name === rule.name) return true;
          break;
        case 'suffix':
          if (family === 0 && name.endsWith(rule.suffix)) return true;
          break;
        case 'address':
          if (family !== 0 && rule.block.check(name, family === 4 ? 'ipv4' : 'ipv6')) return true;
          break;
      }
    }
    return false;
  }
}

/** The ports a `ws:` and a `wss:` URI mean when they name none (RFC 6455 §3). */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'ws:': 80, 'wss:': 443 };

/**
 * Why `uri` may not be dialled as a per-call WebSocket URI under `allowed` (undefined when it may): it must parse,
 * be `ws://` or `wss://` with a host and no fragment (RFC 6455 §3), hold no `<`, `>` or white space (it is written
 * between angle brackets in a dial string), and name an allowed host and port.
 */
export function perCallUriProblem(uri: string, allowed: HostAllowList, listName: string): string | undefined {
  if (/[\s<>]/.test(uri)) return `${uri} holds white space or angle brackets`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not a URI`;
  }
  const defaultPort = DEFAULT_PORTS[url.protocol];
  if (defaultPort === undefined) return `${uri} is not a ws:// or wss:// URI`;
  if (url.hostname === '') return `${uri} names no host`;
  if (url.hash !== '' || uri.includes('#')) return `${uri} has a fragment`;
  if (allowed.isEmpty) return `per-call URIs are not enabled (${listName} is empty)`;
  const port = url.port === '' ? defaultPort : Number(url.port);
  if (!allowed.allows(url.hostname, port)) return `host ${url.hostname}:${port} is not in ${listName}`;
  return undefined;
}
