/**
 * Metrics of the SIP stack (RFC 3261 §17): transactions started by role and method, transactions and dialogs alive
 * now, and retransmissions sent. A rising retransmission rate means peers are slow to answer or packets are lost:
 * Timers A, E and G fire, or a peer repeats its request and gets our last response again.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { SipStack } from '../sip/ua/sip-stack.js';

/** Copy counts kept by the stack (monotonic) into a counter at scrape time; keys are `label1 label2`. */
function copyCounts<T extends string>(counter: Counter<T>, names: readonly [T, T], counts: Map<string, number>): void {
  counter.reset();
  for (const [key, value] of counts) {
    const space = key.indexOf(' ');
    counter.inc({ [names[0]]: key.slice(0, space), [names[1]]: key.slice(space + 1) } as Record<T, string>, value);
  }
}

export function registerSipMetrics(registry: Registry, stack: SipStack): void {
  const registers = [registry];
  const stats = stack.stats;
  new Counter({
    name: 'switchyard_sip_transactions_total',
    help: 'SIP transactions started, by role (client: we sent the request; server: we received it) and method',
    labelNames: ['role', 'method'] as const,
    registers,
    collect() {
      copyCounts(this, ['role', 'method'], stats.transactions);
    },
  });
  new Counter({
    name: 'switchyard_sip_retransmissions_total',
    help: 'SIP messages sent again (Timers A, E, G; answers to retransmitted requests; 2xx until the ACK)',
    labelNames: ['message', 'method'] as const,
    registers,
    collect() {
      copyCounts(this, ['message', 'method'], stats.retransmissions);
    },
  });
  new Gauge({
    name: 'switchyard_sip_transactions',
    help: 'SIP transactions alive now, by role',
    labelNames: ['role'] as const,
    registers,
    collect() {
      this.set({ role: 'client' }, stack.layer.clientCount);
      this.set({ role: 'server' }, stack.layer.serverCount);
    },
  });
  new Gauge({
    name: 'switchyard_sip_dialogs',
    help: 'SIP dialogs the stack routes requests to now',
    registers,
    collect() {
      this.set(stack.dialogCount);
    },
  });
}
