/*
 * The quadrature mirror filters of ITU-T G.722: a 24-tap analysis filter splits the 16 kHz signal into a lower
 * (0–4 kHz) and a higher (4–8 kHz, spectrally inverted) band at 8 kHz each; the synthesis filter merges them
 * back. Both run in polyphase form, one pair of 16 kHz samples per 8 kHz band sample: with the even taps c[k]
 * = h(2k) and the odd taps h(2k + 1) = c[11 − k],
 *
 *   A = Σ c[k] · x(2n + 1 − 2k)        (the later sample of each pair)
 *   B = Σ c[11 − k] · x(2n − 2k)       (the earlier one)
 *   xL = (A + B) >> 14,  xH = (A − B) >> 14                                  (transmit QMF)
 *
 * and, on the receive side, with the delay lines fed by rL − rH and rL + rH,
 *
 *   x(2n) = Σ c[k] · (rL − rH)(n − k) >> 11,  x(2n + 1) = Σ c[11 − k] · (rL + rH)(n − k) >> 11   (saturated).
 *
 * Each polyphase delay line is a 12-sample ring stored twice (24 words), so the newest-first window is always
 * contiguous and nothing is shifted per sample.
 */

import { INT16_MAX, INT16_MIN, SUBBAND_MAX, SUBBAND_MIN } from './fixed-point.js';
import { QMF_EVEN_TAPS } from './tables.js';

const PHASE_TAPS = 12;
const C = new Int32Array(QMF_EVEN_TAPS);
const C_REVERSED = new Int32Array(QMF_EVEN_TAPS).reverse();

/** Two polyphase delay lines, newest sample at `head`, the k-th older one at `head + k`. */
class PolyphaseDelay {
  readonly first = new Int32Array(2 * PHASE_TAPS);
  readonly second = new Int32Array(2 * PHASE_TAPS);
  head = 0;

  push(first: number, second: number): void {
    const head = this.head === 0 ? PHASE_TAPS - 1 : this.head - 1;
    this.first[head] = this.first[head + PHASE_TAPS] = first;
    this.second[head] = this.second[head + PHASE_TAPS] = second;
    this.head = head;
  }

  reset(): void {
    this.first.fill(0);
    this.second.fill(0);
    this.head = 0;
  }
}

/**
 * Transmit QMF: after `split`, `low` and `high` hold the two band samples of the pair. With `isLimited` the
 * outputs are limited to 15 bits as the ITU-T G.191 reference tool does; without, they keep up to ±25 928 as in
 * spandsp, Asterisk, ffmpeg and WebRTC. Only clipped or full-scale inputs tell the two apart.
 */
export class QmfAnalysis {
  readonly #delay = new PolyphaseDelay();
  low = 0;
  high = 0;

  constructor(private readonly isLimited: boolean) {}

  split(earlier: number, later: number): void {
    const delay = this.#delay;
    delay.push(earlier, later);
    const e = delay.first;
    const l = delay.second;
    const head = delay.head;
    let a = 0;
    let b = 0;
    for (let k = 0; k < PHASE_TAPS; k++) {
      a += C[k]! * l[head + k]!;
      b += C_REVERSED[k]! * e[head + k]!;
    }
    const low = (a + b) >> 14;
    const high = (a - b) >> 14;
    this.low = this.isLimited ? limit15(low) : low;
    this.high = this.isLimited ? limit15(high) : high;
  }

  reset(): void {
    this.#delay.reset();
    this.low = this.high = 0;
  }
}

/** Receive QMF: after `merge`, `earlier` and `later` hold the two 16 kHz output samples. */
export class QmfSynthesis {
  readonly #delay = new PolyphaseDelay();
  earlier = 0;
  later = 0;

  merge(low: number, high: number): void {
    const delay = this.#delay;
    delay.push(low - high, low + high);
    const difference = delay.first;
    const sum = delay.second;
    const head = delay.head;
    let a = 0;
    let b = 0;
    for (let k = 0; k < PHASE_TAPS; k++) {
      a += C[k]! * difference[head + k]!;
      b += C_REVERSED[k]! * sum[head + k]!;
    }
    this.earlier = sat16Shift(a);
    this.later = sat16Shift(b);
  }

  reset(): void {
    this.#delay.reset();
    this.earlier = this.later = 0;
  }
}

function limit15(value: number): number {
  return value > SUBBAND_MAX ? SUBBAND_MAX : value < SUBBAND_MIN ? SUBBAND_MIN : value;
}

function sat16Shift(accumulator: number): number {
  const value = accumulator >> 11;
  return value > INT16_MAX ? INT16_MAX : value < INT16_MIN ? INT16_MIN : value;
}
