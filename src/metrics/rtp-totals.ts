/**
 * RTP packet counters over the whole life of the server, from per-channel statistics that vanish with their
 * channel. A live channel's RTPstat fields are read from the media plane's shared statistics block (through
 * `ChannelTech.rtpStatistics`) when metrics are scraped; a channel that ends adds its final figures to the totals:
 * those of its RTPAUDIOQOS variable when the technology set one (chan_pjsip does, as the call ends), else the last
 * figures a scrape saw. The counters therefore never go down, and only packets a channel without RTPAUDIOQOS moved
 * after the last scrape are missed.
 */

/** The RTPstat fields the counters and jitter gauges use (names as in ARI's RTPstat model). */
export interface RtpFigures {
  txcount: number;
  rxcount: number;
  /** Packets we expected and did not receive (RFC 3550 §6.4.1 cumulative lost, our side). */
  rxploss: number;
  /** Packets the peer reports it lost of ours (its receiver reports). */
  txploss: number;
  /** Interarrival jitter (seconds) we measure, and the one the peer reports. */
  rxjitter: number;
  txjitter: number;
}

/** Sums over every stream the server has carried. */
export interface RtpCounts {
  txPackets: number;
  rxPackets: number;
  rxLost: number;
  txLost: number;
}

/** Jitter over the streams live at the scrape (seconds); zero when there are none. */
export interface RtpJitter {
  streams: number;
  rxMax: number;
  rxMean: number;
  txMax: number;
  txMean: number;
}

export class RtpTotals {
  /** Figures of channels that have ended. */
  readonly #ended: RtpCounts = { txPackets: 0, rxPackets: 0, rxLost: 0, txLost: 0 };
  /** The last figures a scrape read, by channel id (live channels with RTP only). */
  readonly #lastSeen = new Map<string, RtpFigures>();

  /** A channel ended: its final figures join the totals. `qos` is its RTPAUDIOQOS value, when it has one. */
  channelEnded(channelId: string, qos: string | undefined): void {
    const seen = this.#lastSeen.get(channelId);
    this.#lastSeen.delete(channelId);
    const figures = (qos === undefined ? undefined : parseQos(qos)) ?? seen;
    if (figures !== undefined) add(this.#ended, figures);
  }

  /**
   * Read the live channels (a scrape): returns the totals so far and the jitter of the live streams. Channels that
   * went away without `channelEnded` (never told) are counted from their last figures.
   */
  scrape(live: Iterable<{ readonly id: string; readonly figures: RtpFigures | undefined }>): {
    counts: RtpCounts;
    jitter: RtpJitter;
  } {
    const counts = { ...this.#ended };
    const jitter: RtpJitter = { streams: 0, rxMax: 0, rxMean: 0, txMax: 0, txMean: 0 };
    const current = new Set<string>();
    for (const { id, figures } of live) {
      if (figures === undefined) continue;
      current.add(id);
      this.#lastSeen.set(id, figures);
      add(counts, figures);
      jitter.streams++;
      jitter.rxMax = Math.max(jitter.rxMax, figures.rxjitter);
      jitter.txMax = Math.max(jitter.txMax, figures.txjitter);
      jitter.rxMean += figures.rxjitter;
      jitter.txMean += figures.txjitter;
    }
    for (const [id, figures] of this.#lastSeen) {
      if (current.has(id)) continue;
      this.#lastSeen.delete(id);
      add(this.#ended, figures);
      add(counts, figures);
    }
    if (jitter.streams > 0) {
      jitter.rxMean /= jitter.streams;
      jitter.txMean /= jitter.streams;
    }
    return { counts, jitter };
  }
}

function add(to: RtpCounts, f: RtpFigures): void {
  to.txPackets += f.txcount;
  to.rxPackets += f.rxcount;
  to.rxLost += Math.max(0, f.rxploss);
  to.txLost += Math.max(0, f.txploss);
}

/**
 * The RTPAUDIOQOS summary chan_pjsip sets at hangup: `ssrc=..;themssrc=..;lp=..;rxjitter=..;rxcount=..;
 * txjitter=..;txcount=..;rlp=..;rtt=..;rxmes=..;txmes=..` (lp: packets we lost; rlp: packets the peer lost).
 * Undefined when it does not carry the counts.
 */
export function parseQos(text: string): RtpFigures | undefined {
  const values = new Map<string, number>();
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const n = Number(pair.slice(eq + 1));
    if (Number.isFinite(n)) values.set(pair.slice(0, eq).trim(), n);
  }
  const txcount = values.get('txcount');
  const rxcount = values.get('rxcount');
  if (txcount === undefined || rxcount === undefined) return undefined;
  return {
    txcount,
    rxcount,
    rxploss: values.get('lp') ?? 0,
    txploss: values.get('rlp') ?? 0,
    rxjitter: values.get('rxjitter') ?? 0,
    txjitter: values.get('txjitter') ?? 0,
  };
}

/** RTPstat fields (as `rtpStatistics` returns them) → the figures used here; undefined without counts. */
export function figuresOf(stats: Readonly<Record<string, number>> | undefined): RtpFigures | undefined {
  if (stats === undefined || stats.txcount === undefined || stats.rxcount === undefined) return undefined;
  return {
    txcount: stats.txcount,
    rxcount: stats.rxcount,
    rxploss: stats.rxploss ?? 0,
    txploss: stats.txploss ?? 0,
    rxjitter: stats.rxjitter ?? 0,
    txjitter: stats.txjitter ?? 0,
  };
}
