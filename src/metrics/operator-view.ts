/**
 * The operator's view of a running server, wired by the app: Prometheus metrics (one registry per server, so two
 * servers in one process do not mix their figures) and the JSON call log. Process figures come from prom-client's
 * default collectors: `nodejs_eventloop_lag_seconds` (and its p50/p90/p99), `nodejs_heap_size_used_bytes`,
 * `process_resident_memory_bytes`, `process_cpu_seconds_total`, ...
 */
import type { Logger } from 'pino';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { MetricsSource } from '../ari/server/metrics-endpoint.js';
import type { Core } from '../core/core.js';
import type { SipStack } from '../sip/ua/sip-stack.js';
import { registerAriMetrics } from './ari-metrics.js';
import { CallLog } from './call-log.js';
import { registerCoreMetrics } from './core-metrics.js';
import { registerRtpMetrics } from './rtp-metrics.js';
import { registerSipMetrics } from './sip-metrics.js';

export interface OperatorViewOptions {
  readonly core: Core;
  /** The SIP stack, when the server runs one. */
  readonly sip?: SipStack | undefined;
  readonly logger: Logger;
  /** Switchyard's version, shown as `switchyard_info{version}`. */
  readonly version: string;
  /** http.conf `metrics_auth`: scrapes authenticate as an ari.conf user. */
  readonly requiresAuth: boolean;
}

export interface OperatorView {
  readonly registry: Registry;
  /** What the ARI server serves at `<prefix>/metrics`. */
  readonly metrics: MetricsSource;
  /** Stop observing the core and the SIP stack (the server is closing). */
  close(): void;
}

export function startOperatorView(options: OperatorViewOptions): OperatorView {
  const { core, sip, logger } = options;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'switchyard_info',
    help: 'Always 1; the version of the running server as a label',
    labelNames: ['version'] as const,
    registers: [registry],
  }).set({ version: options.version }, 1);

  const callLog = new CallLog(logger.child({ component: 'calls' }));
  const removers = [
    core.observers.add(registerCoreMetrics(registry, core)),
    core.observers.add(registerRtpMetrics(registry, core)),
    core.observers.add(callLog),
  ];
  core.observers.onError = (err) => logger.error({ err }, 'call observer failed');
  registerAriMetrics(registry, core);
  if (sip !== undefined) {
    registerSipMetrics(registry, sip);
    sip.dialogListener = callLog;
  }
  return {
    registry,
    metrics: {
      requiresAuth: options.requiresAuth,
      render: async () => ({ contentType: registry.contentType, text: await registry.metrics() }),
    },
    close: () => {
      for (const remove of removers) remove();
      if (sip !== undefined && sip.dialogListener === callLog) sip.dialogListener = undefined;
    },
  };
}
