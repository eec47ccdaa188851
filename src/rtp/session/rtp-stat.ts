/*
 * RTP statistics in the shape of ARI's `RTPstat` model (GET /channels/{id}/rtp_statistics), and the running
 * min/max/mean/standard deviation behind its `*max*`, `*min*`, `*normdev*`, `*stdev*` fields. As in Asterisk,
 * "normdev" is the running mean of the samples and "stdev" their standard deviation; jitter and round-trip
 * times are in seconds, packet loss in packets.
 */

/** ARI `RTPstat` without `channel_uniqueid`, which the channel adds (`withChannel`). */
export interface RtpStat {
  txcount: number;
  rxcount: number;
  /** Jitter of our stream as the remote reports it (RTCP report block), seconds. */
  txjitter: number;
  /** Interarrival jitter we measure on the remote's stream, seconds. */
  rxjitter: number;
  remote_maxjitter: number;
  remote_minjitter: number;
  remote_normdevjitter: number;
  remote_stdevjitter: number;
  local_maxjitter: number;
  local_minjitter: number;
  local_normdevjitter: number;
  local_stdevjitter: number;
  /** Cumulative loss of our stream as the remote reports it. */
  txploss: number;
  /** Cumulative loss we measure on the remote's stream. */
  rxploss: number;
  remote_maxrxploss: number;
  remote_minrxploss: number;
  remote_normdevrxploss: number;
  remote_stdevrxploss: number;
  local_maxrxploss: number;
  local_minrxploss: number;
  local_normdevrxploss: number;
  local_stdevrxploss: number;
  /** Last round-trip time from RTCP LSR/DLSR, seconds. */
  rtt: number;
  maxrtt: number;
  minrtt: number;
  normdevrtt: number;
  stdevrtt: number;
  local_ssrc: number;
  remote_ssrc: number;
  txoctetcount: number;
  rxoctetcount: number;
}

export interface AriRtpStat extends RtpStat {
  channel_uniqueid: string;
}

export function withChannel(stat: RtpStat, channelUniqueid: string): AriRtpStat {
  return { ...stat, channel_uniqueid: channelUniqueid };
}

/** Min, max, mean and standard deviation of a series (Welford's online algorithm); 0s while empty. */
export class RunningStat {
  count = 0;
  last = 0;
  #min = Infinity;
  #max = -Infinity;
  #mean = 0;
  #m2 = 0;

  add(x: number): void {
    this.count++;
    this.last = x;
    if (x < this.#min) this.#min = x;
    if (x > this.#max) this.#max = x;
    const delta = x - this.#mean;
    this.#mean += delta / this.count;
    this.#m2 += delta * (x - this.#mean);
  }

  get min(): number {
    return this.count === 0 ? 0 : this.#min;
  }

  get max(): number {
    return this.count === 0 ? 0 : this.#max;
  }

  get mean(): number {
    return this.#mean;
  }

  /** Population standard deviation. */
  get stdev(): number {
    return this.count < 2 ? 0 : Math.sqrt(this.#m2 / this.count);
  }
}
