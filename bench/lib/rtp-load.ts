/**
 * The RTP load generator: N SIP calls from raw UDP, split over worker threads (rtp-load-worker.ts) so that a
 * client saturating one core is not mistaken for a slow server. Each call offers G.711 µ-law, optionally sends
 * 20 ms frames, and keeps every received packet's arrival, sequence and timestamp; `analyze` turns them into
 * per-window figures (packets, sequence gaps, late frames) merged over the workers.
 *
 *   const load = await RtpLoad.start({ workers: 2, sip: target.sip });
 *   await load.dial({ calls: 500, ratePerS: 100, exten: 'bench-media', send: false, capacity: 1500 });
 *   load.record(true); ... const { windows } = await load.analyze([{ name: 'quiet', fromMs, toMs }]);
 *   await load.hangup(200); await load.close();
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { CallCounts, LoadCommand, LoadEvent, LoadWindow, WindowStats } from './rtp-load-protocol.js';
import { LATE_BINS } from './rtp-load-protocol.js';
import { histPercentile } from './rtp-streams.js';
import { note, round } from './stats.js';
import type { SipAddress } from './target.js';

/** The clock every thread shares: `performance.timeOrigin + performance.now()`, in ms. */
export const absNow = (): number => performance.timeOrigin + performance.now();

export interface DialOptions {
  calls: number;
  ratePerS: number;
  /** The extension (R-URI user) called. */
  exten: string;
  /** Send µ-law from the answer on. */
  send: boolean;
  /** Packets kept per call while recording (e.g. 50 × seconds recorded × 1.25). */
  capacity: number;
  /** Read and analyse every n-th call only (1 = all); the others' packets are dropped by the kernel unread. */
  measureEvery?: number;
}

type Kind = LoadEvent['ev'];

export class RtpLoad {
  readonly #workers: Worker[];
  /** Worker tid → `rtp-load-<i>`, for per-thread CPU reports. */
  readonly threadLabels = new Map<number, string>();
  readonly #latest = new Map<number, CallCounts>();
  readonly #waiting = new Map<string, { resolve: (event: LoadEvent) => void; reject: (err: Error) => void }>();
  readonly errors: string[] = [];

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    workers.forEach((w, i) => {
      w.on('message', (event: LoadEvent) => this.#onEvent(event));
      w.on('error', (err) => {
        this.errors.push(`worker ${i}: ${err.stack ?? err.message}`);
        note(`rtp-load worker ${i} failed: ${err.stack ?? err.message}`);
        // Whoever waits for this worker would wait for ever: fail them instead.
        for (const [key, waiter] of this.#waiting) {
          if (!key.endsWith(` ${i}`)) continue;
          this.#waiting.delete(key);
          waiter.reject(new Error(`rtp-load worker ${i}: ${err.message}`));
        }
      });
    });
  }

  static async start(opts: { workers: number; sip: SipAddress }): Promise<RtpLoad> {
    // The benchmarks run from TypeScript sources under tsx, whose loader a worker does not inherit on Node 20:
    // the worker registers it first (as src/plane/worker-plane.ts does).
    const url = new URL('./rtp-load-worker.ts', import.meta.url);
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
    const workers = Array.from(
      { length: opts.workers },
      (_, index) =>
        new Worker(bootstrap, { eval: true, workerData: { index, sipHost: opts.sip.host, sipPort: opts.sip.port }, name: `rtp-load-${index}` }), // prettier-ignore
    );
    const load = new RtpLoad(workers);
    const ready = await load.#all('ready');
    for (const e of ready) if (e.ev === 'ready') load.threadLabels.set(e.tid, `rtp-load-${e.index}`);
    return load;
  }

  get workers(): number {
    return this.#workers.length;
  }

  /** Counts summed over the workers' latest reports. */
  counts(): CallCounts {
    return mergeCounts([...this.#latest.values()]);
  }

  async dial(opts: DialOptions): Promise<CallCounts> {
    const n = this.#workers.length;
    const events = this.#all('dialed', (i) => {
      const calls = Math.floor(opts.calls / n) + (i < opts.calls % n ? 1 : 0);
      return { op: 'dial', ...opts, calls, ratePerS: (opts.ratePerS * calls) / opts.calls, measureEvery: opts.measureEvery ?? 1 }; // prettier-ignore
    });
    return mergeCounts((await events).map((e) => (e as { counts: CallCounts }).counts));
  }

  setSending(on: boolean): void {
    this.#broadcast({ op: 'send', on });
  }

  record(on: boolean): void {
    this.#broadcast({ op: 'record', on });
  }

  async analyze(windows: readonly LoadWindow[]): Promise<{ windows: WindowStats[]; counts: CallCounts }> {
    const events = (await this.#all('analysis', () => ({ op: 'analyze', windows }))) as Extract<
      LoadEvent,
      { ev: 'analysis' }
    >[];
    const merged = windows.map((w, i) =>
      mergeWindows(
        w.name,
        events.map((e) => e.windows[i]!),
      ),
    );
    return { windows: merged, counts: mergeCounts(events.map((e) => e.counts)) };
  }

  async hangup(ratePerS: number): Promise<CallCounts> {
    const n = this.#workers.length;
    const events = await this.#all('hungup', () => ({ op: 'hangup', ratePerS: ratePerS / n }));
    return mergeCounts(events.map((e) => (e as { counts: CallCounts }).counts));
  }

  async close(): Promise<void> {
    this.#broadcast({ op: 'close' });
    await Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void w.terminate().then(() => resolve()), 2000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }

  #broadcast(cmd: LoadCommand): void {
    for (const w of this.#workers) w.postMessage(cmd);
  }

  /** Send each worker its command (if any) and wait for one `kind` event from each. */
  #all(kind: Kind, command?: (i: number) => LoadCommand): Promise<LoadEvent[]> {
    return Promise.all(
      this.#workers.map(
        (w, i) =>
          new Promise<LoadEvent>((resolve, reject) => {
            this.#waiting.set(`${kind} ${i}`, { resolve, reject });
            if (command) w.postMessage(command(i));
          }),
      ),
    );
  }

  #onEvent(event: LoadEvent): void {
    if (event.ev === 'error') {
      this.errors.push(`worker ${event.index}: ${event.message}`);
      note(`rtp-load worker ${event.index}: ${event.message}`);
      return;
    }
    if ('counts' in event) this.#latest.set(event.index, event.counts);
    const key = `${event.ev} ${event.index}`;
    const waiter = this.#waiting.get(key);
    if (waiter) {
      this.#waiting.delete(key);
      waiter.resolve(event);
    }
  }
}

export function mergeCounts(list: readonly CallCounts[]): CallCounts {
  const failed: Record<string, number> = {};
  const sum = (k: keyof Omit<CallCounts, 'failed'>): number => list.reduce((n, c) => n + c[k], 0);
  for (const c of list) for (const [k, v] of Object.entries(c.failed)) failed[k] = (failed[k] ?? 0) + v;
  return {
    placed: sum('placed'),
    answered: sum('answered'),
    failed,
    endedByServer: sum('endedByServer'),
    ended: sum('ended'),
    up: sum('up'),
    overflow: sum('overflow'),
    received: sum('received'),
    sent: sum('sent'),
    otherPackets: sum('otherPackets'),
  };
}

function mergeWindows(name: string, list: readonly WindowStats[]): WindowStats {
  const hist = new Array<number>(LATE_BINS).fill(0);
  const e2e = new Array<number>(LATE_BINS).fill(0);
  const held = new Array<number>(LATE_BINS).fill(0);
  for (const w of list) {
    for (let i = 0; i < LATE_BINS; i++) {
      hist[i]! += w.lateHist[i] ?? 0;
      e2e[i]! += w.e2eHist[i] ?? 0;
      held[i]! += w.heldHist[i] ?? 0;
    }
  }
  const sum = (k: keyof WindowStats): number => list.reduce((n, w) => n + (w[k] as number), 0);
  const max = (k: keyof WindowStats): number => list.reduce((n, w) => Math.max(n, w[k] as number), 0);
  return {
    name,
    calls: sum('calls'),
    silentCalls: sum('silentCalls'),
    packets: sum('packets'),
    expected: sum('expected'),
    lost: sum('lost'),
    late: sum('late'),
    late1s: sum('late1s'),
    callsOver1PctLate: sum('callsOver1PctLate'),
    maxCallLatePct: max('maxCallLatePct'),
    maxLateMs: max('maxLateMs'),
    lateHist: hist,
    ssrcChanges: sum('ssrcChanges'),
    e2ePackets: sum('e2ePackets'),
    e2eMaxMs: max('e2eMaxMs'),
    e2eHist: e2e,
    heldMaxMs: max('heldMaxMs'),
    heldLate: sum('heldLate'),
    heldHist: held,
    sendTicks: sum('sendTicks'),
    sendTicksLate: sum('sendTicksLate'),
    sendMaxLateMs: max('sendMaxLateMs'),
    sent: sum('sent'),
  };
}

/** A window's figures as printed in the JSON results. */
export function windowReport(w: WindowStats, seconds: number, receive = true): Record<string, unknown> {
  const withAudio = w.calls - w.silentCalls;
  const sending = w.sendTicks
    ? {
        packets: w.sent,
        ticks_late_pct: round((w.sendTicksLate / w.sendTicks) * 100, 2),
        max_late_ms: round(w.sendMaxLateMs, 1),
      }
    : null;
  if (!receive) return { calls: w.calls, client_send: sending };
  return {
    calls: w.calls,
    calls_without_audio: w.silentCalls,
    packets: w.packets,
    rx_pps_per_call: withAudio > 0 ? round(w.packets / withAudio / seconds, 2) : null,
    lost: w.lost,
    lost_pct: w.expected ? round((w.lost / w.expected) * 100, 4) : null,
    late: w.late,
    late_pct: w.packets ? round((w.late / w.packets) * 100, 4) : null,
    late_1s_pct: w.packets ? round((w.late1s / w.packets) * 100, 4) : null,
    late_ms: {
      p50: round(histPercentile(w.lateHist, 50), 1),
      p99: round(histPercentile(w.lateHist, 99), 1),
      max: round(w.maxLateMs, 1),
    },
    calls_over_1pct_late: w.callsOver1PctLate,
    worst_call_late_pct: round(w.maxCallLatePct, 2),
    ssrc_changes: w.ssrcChanges,
    e2e_ms: w.e2ePackets
      ? {
          packets: w.e2ePackets,
          p50: round(histPercentile(w.e2eHist, 50), 1),
          p99: round(histPercentile(w.e2eHist, 99), 1),
          max: round(w.e2eMaxMs, 1),
        }
      : null,
    // The relayed frames' time from the caller's send to the callee's read: the server's part of e2e plus the
    // client's read delay, without the caller's own send lateness; late when over the late threshold.
    relay_ms: w.e2ePackets
      ? {
          p50: round(histPercentile(w.heldHist, 50), 1),
          p99: round(histPercentile(w.heldHist, 99), 1),
          max: round(w.heldMaxMs, 1),
          late_pct: round((w.heldLate / w.e2ePackets) * 100, 4),
        }
      : null,
    client_send: sending,
  };
}
