/**
 * Gauges that count things by label (channels by tech and state, ...) are recomputed at each scrape. A label set
 * seen before and absent now is reported as 0 rather than dropped, so a series does not vanish between scrapes
 * (a graph of Ringing channels goes to zero instead of stopping).
 */
import { Gauge, type LabelValues, type Registry } from 'prom-client';

export class GaugeCounts<T extends string> {
  readonly #seen = new Map<string, LabelValues<T>>();

  constructor(
    private readonly gauge: Gauge<T>,
    private readonly labelNames: readonly T[],
  ) {}

  /** Set the gauge to how many of `items` have each label set. */
  count(items: Iterable<LabelValues<T>>): void {
    const counts = new Map<string, number>();
    for (const labels of items) {
      const key = this.#key(labels);
      if (!this.#seen.has(key)) this.#seen.set(key, labels);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, labels] of this.#seen) this.gauge.set(labels, counts.get(key) ?? 0);
  }

  #key(labels: LabelValues<T>): string {
    let key = '';
    for (const name of this.labelNames) key += String(labels[name] ?? '') + '\u0000';
    return key;
  }
}

export interface CountingGaugeSpec<T extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly T[];
  /** The label sets of the things counted now, one per thing (called at each scrape). */
  readonly items: () => Iterable<LabelValues<T>>;
}

/** A gauge that counts things by label at each scrape, keeping label sets seen before at 0. */
export function countingGauge<T extends string>(registry: Registry, spec: CountingGaugeSpec<T>): Gauge<T> {
  let counts: GaugeCounts<T> | undefined;
  return new Gauge<T>({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labelNames,
    registers: [registry],
    collect() {
      counts ??= new GaugeCounts(this, spec.labelNames);
      counts.count(spec.items());
    },
  });
}
