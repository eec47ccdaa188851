/*
 * The beep a recording plays before it starts (ast_play_and_record and Record() stream Asterisk's `beep` sound
 * and wait for it to end): decoded samples played once as the channel's stream, 20 ms per clock tick.
 */
import { createResampler } from '../../media/resample.js';
import type { ClockedSource } from '../pipeline.js';

export class BeepSource implements ClockedSource {
  #at = 0;
  #released = false;

  /** `samples` at `rate`; `onDone` runs once when the beep ends, is replaced, or is stopped. */
  constructor(
    private readonly samples: Int16Array,
    private readonly rate: number,
    private readonly onDone: () => void,
  ) {}

  fill(out: Int16Array, rate: number): boolean {
    if (rate !== this.rate || this.#at >= this.samples.length) return false;
    const n = Math.min(out.length, this.samples.length - this.#at);
    out.set(this.samples.subarray(this.#at, this.#at + n));
    if (n < out.length) out.fill(0, n);
    this.#at += n;
    return true;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.onDone();
  }
}

/** The whole of `samples` converted from one rate to the other (8 ↔ 16 kHz), once per loaded beep. */
export function convertRate(samples: Int16Array, from: 8000 | 16000, to: 8000 | 16000): Int16Array {
  const converter = createResampler(from, to);
  if (converter === undefined) return samples;
  const out = new Int16Array(converter.outputLength(samples.length));
  const n = converter.process(samples, out);
  return out.subarray(0, n);
}
