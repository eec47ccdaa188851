/**
 * Latency samples, percentiles and the JSON-lines printer shared by the macro benchmarks.
 * Results go to stdout, one JSON object per line; progress and diagnostics go to stderr.
 */

/** Grows by doubling; a Float64Array keeps a million samples in 8 MB without boxing. */
export class Samples {
  #values = new Float64Array(1024);
  #length = 0;

  get count(): number {
    return this.#length;
  }

  add(value: number): void {
    if (this.#length === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#length++] = value;
  }

  clear(): void {
    this.#length = 0;
  }

  /** Sorted copy of the samples taken so far. */
  sorted(): Float64Array {
    return this.#values.slice(0, this.#length).sort();
  }
}

/** Nearest-rank percentile (p in 0..100) of an ascending array; null when there are no samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface P50P99 {
  p50: number | null;
  p99: number | null;
}

/** p50 and p99 in milliseconds, rounded to microseconds. */
export function p50p99(samples: Samples): P50P99 {
  const sorted = samples.sorted();
  return { p50: round(percentile(sorted, 50), 3), p99: round(percentile(sorted, 99), 3) };
}

export function round(value: number, digits: number): number;
export function round(value: number | null, digits: number): number | null;
export function round(value: number | null, digits: number): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** One result: a single JSON object on its own line on stdout. */
export function printJson(result: Readonly<Record<string, unknown>>): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** A progress or diagnostic line on stderr, so stdout stays machine-readable. */
export function note(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Milliseconds since an arbitrary origin, from the monotonic clock. */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Counts failures by reason (`answer:404`, `StasisEnd:timeout`), for the stderr summary. */
export class Tally {
  readonly #counts = new Map<string, number>();
  #total = 0;

  get total(): number {
    return this.#total;
  }

  add(reason: string): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + 1);
    this.#total++;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
}
