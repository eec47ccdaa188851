/**
 * Metrics of the events WebSockets, by Stasis application: events accepted and not yet written to the socket, and
 * how long the socket has gone without writing any while some wait (the figure ari.conf `websocket_write_timeout`
 * is compared with before the socket is dropped). An application shares the figures of the socket that holds it.
 */
import { Gauge, type Registry } from 'prom-client';
import { EventSession } from '../ari/server/event-session.js';
import type { Core } from '../core/core.js';

const MS_PER_SECOND = 1000;

/** The event sessions of the active applications, each with the app it holds. */
function* sessions(core: Core): Iterable<{ app: string; session: EventSession }> {
  for (const app of core.apps.list()) {
    if (app.sink instanceof EventSession && !app.sink.isClosed) yield { app: app.name, session: app.sink };
  }
}

export function registerAriMetrics(registry: Registry, core: Core): void {
  const registers = [registry];
  const queuedSeen = new Set<string>();
  new Gauge({
    name: 'switchyard_ari_events_queued',
    help: 'Events waiting to be written to the events WebSocket of each Stasis application',
    labelNames: ['app'] as const,
    registers,
    collect() {
      setAll(this, queuedSeen, sessions(core), (s) => s.queuedEvents);
    },
  });
  const lagSeen = new Set<string>();
  new Gauge({
    name: 'switchyard_ari_websocket_write_lag_seconds',
    help: 'How long the events WebSocket of each application has had events waiting without writing any',
    labelNames: ['app'] as const,
    registers,
    collect() {
      setAll(this, lagSeen, sessions(core), (s) => s.writeLagMs / MS_PER_SECOND);
    },
  });
  new Gauge({
    name: 'switchyard_ari_websockets',
    help: 'Events WebSockets holding Stasis applications now (one per connection, whatever the apps it holds)',
    registers,
    collect() {
      const distinct = new Set<EventSession>();
      for (const { session } of sessions(core)) distinct.add(session);
      this.set(distinct.size);
    },
  });
}

/**
 * Each app's value. An app gone since the last scrape reads 0 once (a scraper sees it drain), then its series is
 * dropped: per-call application names would otherwise pile up as series for ever.
 */
function setAll(
  gauge: Gauge<'app'>,
  seen: Set<string>,
  items: Iterable<{ app: string; session: EventSession }>,
  value: (s: EventSession) => number,
): void {
  gauge.reset();
  const gone = new Set(seen);
  seen.clear();
  for (const { app, session } of items) {
    seen.add(app);
    gone.delete(app);
    gauge.set({ app }, value(session));
  }
  for (const app of gone) gauge.set({ app }, 0);
}
