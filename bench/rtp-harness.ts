/**
 * Micro-benchmark harness for the RTP/media hot functions (STYLE §6): warm up for the JIT, time batches with
 * process.hrtime.bigint(), and — when node runs with --expose-gc — report heap bytes allocated per op.
 * Prints nothing itself; each bench prints the returned object as one JSON line. Never asserts.
 */

export interface MeasureOptions {
  warmupMs?: number;
  runMs?: number;
  /** Calls per timed batch, so that reading the clock does not dominate. */
  batch?: number;
}

export interface MeasureResult {
  name: string;
  ops_per_s: number;
  ns_per_op: number;
  heap_bytes_per_op?: number;
}

let sink = 0;

/** Keeps results alive so the JIT cannot drop the measured call. */
export function consume(value: unknown): void {
  if (value !== undefined) sink++;
}

export function measure(name: string, fn: () => unknown, opts: MeasureOptions = {}): MeasureResult {
  const warmupNs = BigInt(Math.round((opts.warmupMs ?? 500) * 1e6));
  const runNs = BigInt(Math.round((opts.runMs ?? 3000) * 1e6));
  const batch = opts.batch ?? 1000;

  const warmEnd = process.hrtime.bigint() + warmupNs;
  while (process.hrtime.bigint() < warmEnd) for (let i = 0; i < batch; i++) consume(fn());

  let ops = 0;
  const start = process.hrtime.bigint();
  let now = start;
  while (now - start < runNs) {
    for (let i = 0; i < batch; i++) consume(fn());
    ops += batch;
    now = process.hrtime.bigint();
  }
  const elapsedNs = Number(now - start);
  const result: MeasureResult = {
    name,
    ops_per_s: Math.round((ops * 1e9) / elapsedNs),
    ns_per_op: Math.round((elapsedNs / ops) * 100) / 100,
  };

  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    const n = 10_000; // small enough that no scavenge runs in between (heapUsed would drop)
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) consume(fn());
    const after = process.memoryUsage().heapUsed;
    result.heap_bytes_per_op = Math.max(0, Math.round(((after - before) / n) * 100) / 100);
  }
  if (sink < 0) console.error(sink); // never true; makes `sink` observable
  return result;
}

/** `--warmup-ms N --run-ms N` from argv, for quick runs. */
export function measureOptionsFromArgv(argv = process.argv.slice(2)): MeasureOptions {
  const opts: MeasureOptions = {};
  for (let i = 0; i < argv.length - 1; i++) {
    if (argv[i] === '--warmup-ms') opts.warmupMs = Number(argv[i + 1]);
    if (argv[i] === '--run-ms') opts.runMs = Number(argv[i + 1]);
  }
  return opts;
}
