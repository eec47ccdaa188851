/*
 * 8000 ↔ 16000 Hz sample-rate conversion by 2, one converter per stream, fed 20 ms frames.
 *
 * One half-band FIR low-pass (cut-off at a quarter of 16 kHz) serves both ways: downsampling filters before
 * keeping every second sample, upsampling inserts a zero between samples and filters the images away. A half-band
 * filter has every second coefficient zero and its centre tap ½, so each output sample costs HALF_TAPS multiplies
 * per side, and in the upsampler one of the two output phases is the input itself, delayed.
 *
 * The filter is a Kaiser-windowed sinc (47 taps, β = 5.65): flat to < 0.05 dB up to 3.4 kHz, ≥ 50 dB down from
 * 4.6 kHz. Designed once at load. History samples are carried across frames, so frame edges are inaudible; the
 * added delay is FILTER_DELAY (23) samples at 16 kHz (1.44 ms). Nothing is allocated per frame: the caller passes
 * the output array, and the work buffer grows only if a frame is longer than any before.
 */

/** Taps on each side of the centre that are not zero. */
const HALF_TAPS = 12;
/** Filter length 4·HALF_TAPS − 1; the centre is FILTER_DELAY samples in. */
const FILTER_LENGTH = 4 * HALF_TAPS - 1;
export const FILTER_DELAY = (FILTER_LENGTH - 1) / 2;
const KAISER_BETA = 5.65;
const INITIAL_FRAME = 320; // 20 ms at 16 kHz

/** Zeroth-order modified Bessel function of the first kind, by its power series (for the Kaiser window). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50 && term > 1e-12 * sum; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/**
 * The odd-distance coefficients h[centre ± (2j+1)], j = 0 … HALF_TAPS−1, of the half-band filter (the centre tap is
 * ½, even distances are 0). They are scaled to sum to ¼ per side: DC gain 1, and in the upsampler both output
 * phases then have the same gain.
 */
function designHalfBand(): Float64Array {
  const taps = new Float64Array(HALF_TAPS);
  const m = FILTER_DELAY;
  let sum = 0;
  for (let j = 0; j < HALF_TAPS; j++) {
    const d = 2 * j + 1;
    const sinc = Math.sin((Math.PI * d) / 2) / (Math.PI * d);
    const window = besselI0(KAISER_BETA * Math.sqrt(1 - (d / m) ** 2)) / besselI0(KAISER_BETA);
    taps[j] = sinc * window;
    sum += taps[j]!;
  }
  for (let j = 0; j < HALF_TAPS; j++) taps[j] = (taps[j]! * 0.25) / sum;
  return taps;
}

const TAPS = designHalfBand();

function clamp16(v: number): number {
  const r = Math.round(v);
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

/** A stream's 2:1 converter; `process` turns one frame of input into output, keeping filter history. */
export interface Resampler {
  readonly fromRate: 8000 | 16000;
  readonly toRate: 8000 | 16000;
  /** Output samples `process` will produce for `inputLength` more input samples. */
  outputLength(inputLength: number): number;
  /** Converts `input` into `output` (from 0); returns the samples written. */
  process(input: Int16Array, output: Int16Array): number;
  /** Forgets history, as for a new stream. */
  reset(): void;
}

/** 16 kHz → 8 kHz. An odd input sample is kept for the next frame. */
export class Downsampler implements Resampler {
  readonly fromRate = 16000;
  readonly toRate = 8000;
  // [history of 2·FILTER_DELAY samples][new input]
  #work = new Int16Array(2 * FILTER_DELAY + INITIAL_FRAME + 1);
  #held = 2 * FILTER_DELAY; // samples in #work before the next input

  outputLength(inputLength: number): number {
    return (this.#held - 2 * FILTER_DELAY + inputLength) >> 1;
  }

  process(input: Int16Array, output: Int16Array): number {
    const total = this.#held + input.length;
    if (total > this.#work.length) this.#work = growCopy(this.#work, this.#held, total);
    const w = this.#work;
    w.set(input, this.#held);
    const count = (total - 2 * FILTER_DELAY) >> 1;
    if (output.length < count) throw new RangeError(`Downsampler: output ${output.length} < ${count}`);
    for (let n = 0; n < count; n++) {
      // output n is centred on work index 2n + FILTER_DELAY
      const c = 2 * n + FILTER_DELAY;
      let acc = 0.5 * w[c]!;
      for (let j = 0; j < HALF_TAPS; j++) acc += TAPS[j]! * (w[c - 2 * j - 1]! + w[c + 2 * j + 1]!);
      output[n] = clamp16(acc);
    }
    const consumed = 2 * count;
    w.copyWithin(0, consumed, total);
    this.#held = total - consumed;
    return count;
  }

  reset(): void {
    this.#work.fill(0);
    this.#held = 2 * FILTER_DELAY;
  }
}

/** 8 kHz → 16 kHz: two output samples per input sample. */
export class Upsampler implements Resampler {
  readonly fromRate = 8000;
  readonly toRate = 16000;
  // [history of 2·HALF_TAPS − 1 input samples][new input]
  #work = new Int16Array(2 * HALF_TAPS - 1 + INITIAL_FRAME);

  outputLength(inputLength: number): number {
    return 2 * inputLength;
  }

  process(input: Int16Array, output: Int16Array): number {
    const hist = 2 * HALF_TAPS - 1;
    const total = hist + input.length;
    if (total > this.#work.length) this.#work = growCopy(this.#work, hist, total);
    const w = this.#work;
    w.set(input, hist);
    if (output.length < 2 * input.length) throw new RangeError(`Upsampler: output ${output.length} too short`);
    for (let i = 0; i < input.length; i++) {
      // The zero-stuffed stream, filtered with gain 2: the phase on the centre tap is the input delayed by
      // HALF_TAPS − ½ input samples; the other phase interpolates between its 2·HALF_TAPS neighbours.
      const newest = hist + i;
      let acc = 0;
      for (let j = 0; j < HALF_TAPS; j++)
        acc += TAPS[j]! * (w[newest - HALF_TAPS - j]! + w[newest - HALF_TAPS + 1 + j]!);
      output[2 * i] = clamp16(2 * acc);
      output[2 * i + 1] = w[newest - HALF_TAPS + 1]!;
    }
    w.copyWithin(0, input.length, total);
    return 2 * input.length;
  }

  reset(): void {
    this.#work.fill(0);
  }
}

/** A converter between two rates of the engine; undefined when they are equal (no conversion needed). */
export function createResampler(fromRate: 8000 | 16000, toRate: 8000 | 16000): Resampler | undefined {
  if (fromRate === toRate) return undefined;
  return fromRate === 16000 ? new Downsampler() : new Upsampler();
}

function growCopy(old: Int16Array, keep: number, need: number): Int16Array<ArrayBuffer> {
  const grown = new Int16Array(Math.max(need, old.length * 2));
  grown.set(old.subarray(0, keep));
  return grown;
}
