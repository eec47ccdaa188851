/**
 * The address lookup of an RTP socket. Node's dgram resolves every destination before sending, and its default
 * (`dns.lookup`) answers even an IP literal on the next tick: each RTP packet then waits for a pass of the
 * nextTick queue and its send happens after the receive callback that caused it has returned. Media addresses
 * are literals (SDP `c=` lines, learned sources), so this lookup answers them at once and the send is made
 * inside the call to `socket.send`; a name still goes through `dns.lookup`.
 */
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/** A `dgram` `lookup` option: IP literals answered synchronously, names by `dns.lookup`. */
export function literalLookup(hostname: string, options: number | LookupOneOptions, callback: LookupCallback): void {
  const family = isIP(hostname);
  if (family !== 0) {
    callback(null, hostname, family);
    return;
  }
  dnsLookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}
