/*
 * RTP/RTCP port pairs from Asterisk's rtp.conf range (rtpstart–rtpend): RTP on an even port, RTCP on the next
 * odd one (RFC 3550 §11), both bound before the pair is handed out. Allocation starts from a cursor that moves
 * past each port handed out, so consecutive calls do not reuse a just-freed pair; ports another process holds
 * (EADDRINUSE) are skipped.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { literalLookup } from './literal-lookup.js';

export type PortPoolError =
  { error: 'RANGE_EXHAUSTED'; message: string } | { error: 'BIND_FAILED'; message: string; code?: string };

/** Two bound sockets; `close()` closes both and returns the pair to the pool (idempotent). */
export interface RtpPortPair {
  readonly host: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly rtp: dgram.Socket;
  readonly rtcp: dgram.Socket;
  close(): void;
}

export class RtpPortPool {
  readonly #first: number;
  readonly #last: number;
  #cursor: number;
  /** Even ports this pool has handed out, keyed by host. */
  readonly #inUse = new Set<string>();

  readonly #step: number;

  /**
   * Uses even ports p with rtpStart ≤ p and p + 1 ≤ rtpEnd. With a `share`, only every `count`-th pair starting at
   * the `index`-th: several pools (one per media worker) then divide one range without ever meeting.
   */
  constructor(
    readonly rtpStart: number,
    readonly rtpEnd: number,
    share: { readonly index: number; readonly count: number } = { index: 0, count: 1 },
  ) {
    this.#step = 2 * share.count;
    this.#first = rtpStart + (rtpStart & 1) + 2 * share.index;
    this.#last = rtpEnd - 1;
    this.#cursor = this.#first;
  }

  /** Pairs the range holds. */
  get size(): number {
    return this.#last < this.#first ? 0 : Math.floor((this.#last - this.#first) / this.#step) + 1;
  }

  get inUseCount(): number {
    return this.#inUse.size;
  }

  async allocate(host: string): Promise<RtpPortPair | PortPoolError> {
    const count = this.size;
    for (let i = 0; i < count; i++) {
      const port = this.#cursor;
      this.#cursor = port + this.#step > this.#last ? this.#first : port + this.#step;
      const key = `${host}|${port}`;
      if (this.#inUse.has(key)) continue;
      this.#inUse.add(key); // reserve across the awaits below
      const pair = await bindPair(host, port);
      if ('rtp' in pair) return this.#lease(key, host, port, pair.rtp, pair.rtcp);
      this.#inUse.delete(key);
      if (pair.code !== 'EADDRINUSE' && pair.code !== 'EACCES') {
        return { error: 'BIND_FAILED', message: `RTP: cannot bind ${host}:${port}: ${pair.message}`, code: pair.code };
      }
    }
    return {
      error: 'RANGE_EXHAUSTED',
      message: `RTP: no free port pair in ${this.rtpStart}-${this.rtpEnd} on ${host}`,
    };
  }

  #lease(key: string, host: string, port: number, rtp: dgram.Socket, rtcp: dgram.Socket): RtpPortPair {
    let isClosed = false;
    return {
      host,
      rtpPort: port,
      rtcpPort: port + 1,
      rtp,
      rtcp,
      close: () => {
        if (isClosed) return;
        isClosed = true;
        rtp.close();
        rtcp.close();
        this.#inUse.delete(key);
      },
    };
  }
}

interface BindFailure {
  code: string | undefined;
  message: string;
}

async function bindPair(host: string, port: number): Promise<{ rtp: dgram.Socket; rtcp: dgram.Socket } | BindFailure> {
  const rtp = await bindOne(host, port);
  if (!(rtp instanceof dgram.Socket)) return rtp;
  const rtcp = await bindOne(host, port + 1);
  if (!(rtcp instanceof dgram.Socket)) {
    rtp.close();
    return rtcp;
  }
  return { rtp, rtcp };
}

function bindOne(host: string, port: number): Promise<dgram.Socket | BindFailure> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({
      type: isIPv6(host) ? 'udp6' : 'udp4',
      ipv6Only: isIPv6(host),
      lookup: literalLookup,
    });
    const onError = (err: NodeJS.ErrnoException): void => {
      socket.close();
      resolve({ code: err.code, message: err.message });
    };
    socket.once('error', onError);
    socket.bind({ port, address: host, exclusive: true }, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}
