import { createResampler, type Resampler as RateConverter } from '../media/resample.js';
import { MAX_RATE, frameSamples } from './pipeline.js';

type Rate = 8000 | 16000;

/**
 * Converts frames of one stream between 8 and 16 kHz on demand, keeping a converter (and its filter history) per
 * direction of conversion. The output is a view into a buffer reused for the next frame.
 */
export class Resampler {
  readonly #converters = new Map<string, RateConverter>();
  #out = new Int16Array(2 * frameSamples(MAX_RATE));

  convert(samples: Int16Array, from: number, to: number): Int16Array {
    if (from === to) return samples;
    const key = `${from}>${to}`;
    let converter = this.#converters.get(key);
    if (converter === undefined) {
      converter = createResampler(from as Rate, to as Rate)!;
      this.#converters.set(key, converter);
    }
    const need = converter.outputLength(samples.length);
    if (this.#out.length < need) this.#out = new Int16Array(need);
    const n = converter.process(samples, this.#out);
    return this.#out.subarray(0, n);
  }
}
