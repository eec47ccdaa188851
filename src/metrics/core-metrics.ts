/**
 * Metrics of the telephony core: live channels by technology and state, bridges by type, Stasis applications and
 * the channels in them (read from the core's registries at scrape time), and counters of channels created and
 * destroyed (kept by a CallObserver). `rate(switchyard_channels_created_total[1m])` is the call rate: each leg is a
 * channel, so a Local pair counts two.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Channel } from '../core/channel/channel.js';
import type { Core } from '../core/core.js';
import type { CallObserver, StasisMoment } from '../core/metrics/call-observers.js';
import { controlOf } from '../core/stasis/stasis.js';
import { countingGauge } from './gauge-counts.js';

function* map<A, B>(items: Iterable<A>, f: (a: A) => B): Iterable<B> {
  for (const a of items) yield f(a);
}

function* stasisApps(channels: Iterable<Channel>): Iterable<{ app: string }> {
  for (const ch of channels) {
    const app = controlOf(ch)?.app.name;
    if (app !== undefined) yield { app };
  }
}

export function registerCoreMetrics(registry: Registry, core: Core): CallObserver {
  const registers = [registry];
  countingGauge(registry, {
    name: 'switchyard_channels',
    help: 'Channels that exist now, by technology and state (ARI Channel.state)',
    labelNames: ['tech', 'state'],
    items: () => map(core.channels.list(), (ch) => ({ tech: ch.tech.technology, state: ch.state })),
  });
  countingGauge(registry, {
    name: 'switchyard_bridges',
    help: 'Bridges that exist now, by type (mixing, holding) and technology (simple_bridge, softmix, holding_bridge)',
    labelNames: ['type', 'technology'],
    items: () => map(core.bridges.list(), (b) => ({ type: b.type, technology: b.technology })),
  });
  new Gauge({
    name: 'switchyard_stasis_apps',
    help: 'Registered Stasis applications: active (a WebSocket holds them) or inactive',
    labelNames: ['state'] as const,
    registers,
    collect() {
      let active = 0;
      let inactive = 0;
      for (const app of core.apps.list()) {
        if (app.isActive) active++;
        else inactive++;
      }
      this.set({ state: 'active' }, active);
      this.set({ state: 'inactive' }, inactive);
    },
  });
  countingGauge(registry, {
    name: 'switchyard_stasis_channels',
    help: 'Channels in a Stasis application now, by application',
    labelNames: ['app'],
    items: () => stasisApps(core.channels.list()),
  });
  const created = new Counter({
    name: 'switchyard_channels_created_total',
    help: 'Channels created since the server started, by technology (rate() of it: call legs started per second)',
    labelNames: ['tech'] as const,
    registers,
  });
  const destroyed = new Counter({
    name: 'switchyard_channels_destroyed_total',
    help: 'Channels destroyed since the server started, by technology and Q.850 hangup cause',
    labelNames: ['tech', 'cause'] as const,
    registers,
  });
  const stasisStarts = new Counter({
    name: 'switchyard_stasis_starts_total',
    help: 'Channels that entered a Stasis application (StasisStart), by application',
    labelNames: ['app'] as const,
    registers,
  });
  return {
    onChannelCreated: (channel: Channel) => created.inc({ tech: channel.tech.technology }),
    onChannelDestroyed: (channel: Channel) =>
      destroyed.inc({ tech: channel.tech.technology, cause: String(channel.hangupCause) }),
    onStasisStart: (moment: StasisMoment) => stasisStarts.inc({ app: moment.app }),
  };
}
