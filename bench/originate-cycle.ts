/**
 * Call control over Local channels, as in baseline.md: POST /channels (endpoint Local/park@default, app A) →
 * StasisStart on the events WebSocket → POST /channels/{id}/answer → DELETE /channels/{id} → StasisEnd.
 * N cycles in flight for a fixed time; one JSON line per N. Never asserts: failures are counted.
 *
 *   node --import tsx bench/originate-cycle.ts [--inflight 10 --inflight 50] [--seconds 20] [--target URL]
 */
import { AriEvents, AriHttp, channelIdOf, isOk, reasonOf } from './lib/ari-client.js';
import { note, nowMs, p50p99, printJson, round, Samples, Tally } from './lib/stats.js';
import {
  clientSample,
  cpuPercent,
  OtherLoad,
  openTarget,
  parseBenchArgs,
  type ProcessSample,
  type Target,
} from './lib/target.js';

const USAGE = `
node --import tsx bench/originate-cycle.ts [options]
  --inflight N        cycles in flight; repeat or comma-separate for several runs (default 10 and 50)
  --seconds S         measured seconds per run (default 20)
  --warmup S          unmeasured seconds before each run (default 2)
  --step-timeout MS   a step without its answer or event after this long fails the cycle (default 5000)
  --endpoint E        originate endpoint (default Local/park@default)
  --app A             Stasis application name (default bench-originate)
`;

const args = parseBenchArgs(
  {
    inflight: { type: 'string', multiple: true },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '2' },
    'step-timeout': { type: 'string', default: '5000' },
    endpoint: { type: 'string', default: 'Local/park@default' },
    app: { type: 'string', default: 'bench-originate' },
  },
  USAGE,
);

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} ${raw}: expected a positive number`);
  return n;
}

const inflights = (args.inflight ?? ['10', '50']).flatMap((s) => s.split(',')).map((s) => positive('inflight', s));
const seconds = positive('seconds', args.seconds);
const warmupSeconds = Number(args.warmup) || 0;
const stepTimeoutMs = positive('step-timeout', args['step-timeout']);
const originatePath = `/channels?endpoint=${encodeURIComponent(args.endpoint)}&app=${encodeURIComponent(args.app)}`;

class Run {
  readonly stasisStartMs = new Samples();
  readonly cycleMs = new Samples();
  readonly failures = new Tally();
  cycles = 0;
}

/** One cycle; every failure is tallied and its channel hung up so it does not sit in Wait(300). */
async function cycle(http: AriHttp, events: AriEvents, run: Run): Promise<void> {
  const t0 = nowMs();
  const post = await http.request('POST', originatePath, stepTimeoutMs);
  const id = isOk(post) ? channelIdOf(post) : undefined;
  if (id === undefined) return run.failures.add(`originate:${isOk(post) ? 'no id' : reasonOf(post)}`);
  const fail = async (reason: string): Promise<void> => {
    run.failures.add(reason);
    await http.request('DELETE', `/channels/${encodeURIComponent(id)}`, stepTimeoutMs);
  };

  const startedAt = await events.wait('StasisStart', id, stepTimeoutMs);
  if (startedAt === null) return fail('StasisStart:timeout');
  const answer = await http.request('POST', `/channels/${encodeURIComponent(id)}/answer`, stepTimeoutMs);
  if (!isOk(answer)) return fail(`answer:${reasonOf(answer)}`);
  const hangup = await http.request('DELETE', `/channels/${encodeURIComponent(id)}`, stepTimeoutMs);
  if (!isOk(hangup)) return fail(`hangup:${reasonOf(hangup)}`);
  const endedAt = await events.wait('StasisEnd', id, stepTimeoutMs);
  if (endedAt === null) return run.failures.add('StasisEnd:timeout');

  run.stasisStartMs.add(startedAt - t0);
  run.cycleMs.add(endedAt - t0);
  run.cycles++;
}

/** `n` workers, each starting cycles back to back until `forMs` have passed; resolves when all are done. */
async function load(http: AriHttp, events: AriEvents, run: Run, n: number, forMs: number): Promise<number> {
  const t0 = nowMs();
  const stopAt = t0 + forMs;
  const worker = async (): Promise<void> => {
    while (nowMs() < stopAt) await cycle(http, events, run);
  };
  await Promise.all(Array.from({ length: n }, worker));
  return nowMs() - t0;
}

async function countChannels(http: AriHttp): Promise<number | string> {
  const res = await http.request('GET', '/channels');
  if (!isOk(res)) return `GET /channels: ${reasonOf(res)}`;
  try {
    return (JSON.parse(res.body) as unknown[]).length;
  } catch {
    return 'GET /channels: not JSON';
  }
}

async function measure(target: Target, events: AriEvents, n: number): Promise<Record<string, unknown>> {
  const http = new AriHttp(target, n);
  try {
    if (warmupSeconds > 0) await load(http, events, new Run(), n, warmupSeconds * 1000);
    events.forgetEarly();

    const run = new Run();
    let maxRssMb: number | null = null;
    const track = (s: ProcessSample | null): ProcessSample | null => {
      if (s) maxRssMb = Math.max(maxRssMb ?? 0, s.rssMb);
      return s;
    };
    const before = track(target.sample());
    const clientBefore = clientSample();
    const otherLoad = new OtherLoad(target);
    const sampler = setInterval(() => track(target.sample()), 1000);
    const elapsedMs = await load(http, events, run, n, seconds * 1000);
    clearInterval(sampler);
    const after = track(target.sample());
    const clientCpuPct = cpuPercent(clientBefore, clientSample());
    const otherCpuPct = otherLoad.percent();

    if (run.failures.total > 0) note(`inflight ${n}: failures ${JSON.stringify(run.failures)}`);
    if (events.lost) note(`events WebSocket lost: ${events.lost}`);
    await new Promise((r) => setTimeout(r, 500));
    const left = await countChannels(http);
    if (left !== 0) note(`inflight ${n}: channels left on the server after the run: ${left}`);
    events.forgetEarly();

    return {
      name: 'originate-cycle',
      inflight: n,
      seconds: round(elapsedMs / 1000, 2),
      cycles: run.cycles,
      cycles_per_s: round(run.cycles / (elapsedMs / 1000), 1),
      stasisstart_ms: p50p99(run.stasisStartMs),
      cycle_ms: p50p99(run.cycleMs),
      failed: run.failures.total,
      server_rss_mb: round(maxRssMb, 1),
      server_cpu_pct: round(cpuPercent(before, after), 1),
      client_cpu_pct: round(clientCpuPct, 1),
      other_cpu_pct: round(otherCpuPct, 1),
    };
  } finally {
    http.close();
  }
}

async function main(): Promise<void> {
  const target = await openTarget(args);
  try {
    const events = await AriEvents.open(target, args.app);
    try {
      for (const n of inflights) {
        note(`originate-cycle: ${n} in flight for ${seconds} s (+${warmupSeconds} s warm-up) against ${target.base}`);
        printJson(await measure(target, events, n));
      }
      note(`events received by type: ${JSON.stringify(Object.fromEntries(events.counts))}`);
    } finally {
      events.close();
    }
  } finally {
    await target.close();
  }
}

main().catch((err: Error) => {
  note(`originate-cycle failed: ${err.message}`);
  process.exitCode = 1;
});
