/**
 * Metrics of the media plane's RTP streams: packets sent and received, packets lost (ours: expected and never
 * received; theirs: what the peer's receiver reports lose of ours), and the interarrival jitter (RFC 3550 §6.4.1,
 * A.8) of the streams live now. Figures come from the shared statistics block the RTP edges write every 250 ms
 * (src/plane/stats-block.ts), read through each channel's technology; ended channels are kept by RtpTotals.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Channel } from '../core/channel/channel.js';
import type { Core } from '../core/core.js';
import type { CallObserver } from '../core/metrics/call-observers.js';
import { figuresOf, RtpTotals, type RtpCounts, type RtpJitter } from './rtp-totals.js';

/** The variable chan_pjsip sets with a stream's final figures as the call ends. */
const QOS_VARIABLE = 'RTPAUDIOQOS';

function* liveStreams(core: Core): Iterable<{ id: string; figures: ReturnType<typeof figuresOf> }> {
  for (const ch of core.channels.list()) {
    const stats = ch.tech.rtpStatistics?.(ch);
    if (stats !== undefined) yield { id: ch.id, figures: figuresOf(stats) };
  }
}

export function registerRtpMetrics(registry: Registry, core: Core): CallObserver {
  const registers = [registry];
  const totals = new RtpTotals();
  // One read of the channels per scrape, shared by the metrics below: a registry runs every metric's collect in
  // one synchronous pass, so the figures are dropped on the next microtask and the next scrape reads them afresh.
  let latest: { counts: RtpCounts; jitter: RtpJitter } | undefined;
  const read = (): { counts: RtpCounts; jitter: RtpJitter } => {
    if (latest === undefined) {
      latest = totals.scrape(liveStreams(core));
      queueMicrotask(() => (latest = undefined));
    }
    return latest;
  };

  new Counter({
    name: 'switchyard_rtp_packets_total',
    help: 'RTP packets sent (tx) and received (rx) on every stream since the server started',
    labelNames: ['direction'] as const,
    registers,
    collect() {
      const { counts } = read();
      this.reset();
      this.inc({ direction: 'tx' }, counts.txPackets);
      this.inc({ direction: 'rx' }, counts.rxPackets);
    },
  });
  new Counter({
    name: 'switchyard_rtp_packets_lost_total',
    help: 'RTP packets lost: rx = expected from peers and not received; tx = ours the peers report lost (RTCP)',
    labelNames: ['direction'] as const,
    registers,
    collect() {
      const { counts } = read();
      this.reset();
      this.inc({ direction: 'rx' }, counts.rxLost);
      this.inc({ direction: 'tx' }, counts.txLost);
    },
  });
  new Gauge({
    name: 'switchyard_rtp_streams',
    help: 'Channels with an RTP stream now',
    registers,
    collect() {
      this.set(read().jitter.streams);
    },
  });
  new Gauge({
    name: 'switchyard_rtp_jitter_seconds',
    help: 'Interarrival jitter of the live RTP streams: rx = measured here, tx = reported by peers; max and mean',
    labelNames: ['direction', 'stat'] as const,
    registers,
    collect() {
      const { jitter } = read();
      this.set({ direction: 'rx', stat: 'max' }, jitter.rxMax);
      this.set({ direction: 'rx', stat: 'mean' }, jitter.rxMean);
      this.set({ direction: 'tx', stat: 'max' }, jitter.txMax);
      this.set({ direction: 'tx', stat: 'mean' }, jitter.txMean);
    },
  });
  return {
    onChannelDestroyed: (channel: Channel) => totals.channelEnded(channel.id, channel.vars.get(QOS_VARIABLE)),
  };
}
