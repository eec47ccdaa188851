/**
 * The WebSocket media bot of the websocket-media benchmark, spread over worker threads (ws-echo-worker.ts): the
 * main thread only hands out connections and merges the reports.
 */
import { Worker } from 'node:worker_threads';
import type { EchoReport, FromEchoWorker, ToEchoWorker } from './ws-echo-worker.js';

const BIN_MS = 0.1;

export class WsEchoPool {
  readonly #workers: Worker[];
  readonly #pending = new Map<number, (m: FromEchoWorker) => void>();
  #req = 0;
  #next = 0;

  constructor(threads: number) {
    // Under tsx a worker does not inherit the loader on Node 20: it registers it first (as rtp-load.ts does).
    const url = new URL('./ws-echo-worker.ts', import.meta.url);
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
    this.#workers = Array.from({ length: threads }, (_, i) => {
      const w = new Worker(bootstrap, { eval: true, name: `ws-echo-${i}` });
      w.on('message', (m: FromEchoWorker) => {
        const done = this.#pending.get(m.req);
        this.#pending.delete(m.req);
        done?.(m);
      });
      return w;
    });
  }

  #ask(worker: Worker, make: (req: number) => ToEchoWorker): Promise<FromEchoWorker> {
    const req = ++this.#req;
    return new Promise((resolve) => {
      this.#pending.set(req, resolve);
      worker.postMessage(make(req));
    });
  }

  /** Opens one media WebSocket (round robin over the threads); resolves with the error text on failure. */
  async connect(url: string): Promise<string | undefined> {
    const worker = this.#workers[this.#next++ % this.#workers.length]!;
    const m = await this.#ask(worker, (req) => ({ op: 'connect', url, req }));
    return m.op === 'connected' ? m.error : undefined;
  }

  /**
   * Client mode: every thread listens on a loopback port of its own (`base + i`, or free ones when `base` is 0),
   * since threads cannot share a listening socket on Node 20; resolves with the ports bound, in thread order.
   */
  async listen(base: number): Promise<number[]> {
    return Promise.all(
      this.#workers.map(async (worker, i) => {
        const port = base === 0 ? 0 : base + i;
        const m = await this.#ask(worker, (req) => ({ op: 'listen', port, req }));
        if (m.op !== 'listening' || m.port === undefined) {
          throw new Error(`bot cannot listen on ${port}: ${m.op === 'listening' ? m.error : m.op}`);
        }
        return m.port;
      }),
    );
  }

  record(on: boolean): void {
    for (const w of this.#workers) w.postMessage({ op: 'record', on } satisfies ToEchoWorker);
  }

  /** The threads' counts summed and the one-way delay SIP → WebSocket (p50/p99/max in ms). */
  async report(): Promise<Record<string, unknown>> {
    const reports = await Promise.all(this.#workers.map((w) => this.#ask(w, (req) => ({ op: 'report', req }))));
    const sum: EchoReport = { open: 0, closedByServer: 0, binaryIn: 0, binaryOut: 0, textIn: 0, withoutMarker: 0, hist: [] }; // prettier-ignore
    const hist: number[] = [];
    for (const m of reports) {
      if (m.op !== 'report') continue;
      const r = m.report;
      sum.open += r.open;
      sum.closedByServer += r.closedByServer;
      sum.binaryIn += r.binaryIn;
      sum.binaryOut += r.binaryOut;
      sum.textIn += r.textIn;
      sum.withoutMarker += r.withoutMarker;
      r.hist.forEach((n, i) => (hist[i] = (hist[i] ?? 0) + n));
    }
    const total = hist.reduce((a, b) => a + b, 0);
    const at = (q: number): number | null => {
      if (total === 0) return null;
      let seen = 0;
      for (let i = 0; i < hist.length; i++)
        if ((seen += hist[i]!) >= q * total) return Math.round(i * BIN_MS * 10) / 10;
      return null;
    };
    let max = null as number | null;
    for (let i = hist.length - 1; i >= 0; i--) if (hist[i]! > 0) { max = Math.round(i * BIN_MS * 10) / 10; break; } // prettier-ignore
    return {
      ws_open: sum.open,
      ws_closed_by_server: sum.closedByServer,
      ws_binary_in: sum.binaryIn,
      ws_binary_out: sum.binaryOut,
      ws_text_in: sum.textIn,
      ws_without_marker: sum.withoutMarker,
      sip_to_ws_ms: { p50: at(0.5), p99: at(0.99), max },
    };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#workers.map(async (w) => {
        w.postMessage({ op: 'close' } satisfies ToEchoWorker);
        await w.terminate();
      }),
    );
  }
}
