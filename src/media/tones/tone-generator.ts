/*
 * Plays a parsed tone list (tone-list.ts) as signed-linear PCM, one frame per `fill()`.
 *
 * Level: Asterisk's playtones uses a peak of 7219 per sine when the caller gives no volume, which every
 * indication, PlayTones and ARI `tone:` playback does — 20·log10(7219/32768) ≈ −13.1 dBFS, ≈ −10 dBm0 taking
 * Asterisk's own milliwatt (peak 23255) as 0 dBm0. A two-frequency part therefore peaks at 14438.
 *
 * Modulated parts (`f1*f2`): indications.conf.sample calls the depth "fixed at 90%", but what Asterisk computes
 * is carrier · 0.9 · (1 − modulator/32768), where both sines have the playtones peak: a carrier at 0.9 of the
 * level with a modulation depth of peak/32768 (≈ 22 % at the default level). We produce that same signal.
 *
 * Differences from Asterisk, on purpose:
 * - Cadence steps fall on the exact sample. Asterisk checks a part's duration only after each whole frame, so
 *   with 20 ms frames a 375 ms part lasts 380 ms; durations that are multiples of the frame agree exactly.
 * - Each sine keeps its phase across frames and across parts (Asterisk restarts both oscillators at phase 0
 *   when the part changes), so back-to-back parts of the same frequency join without a click.
 * - Any sample rate works (Asterisk plays tones at 8 kHz only); durations are converted per rate.
 *
 * Nothing is allocated per frame.
 */
import type { ToneList, TonePart } from './tone-list.js';

/** Peak of each sine, as Asterisk's playtones default volume. */
export const TONE_PEAK = 7219;
/** Scale of a modulated carrier, and the full scale its modulator is measured against. */
const MODULATED_CARRIER_SCALE = 0.9;
const FULL_SCALE = 32768;
const TWO_PI = 2 * Math.PI;

export class ToneGenerator {
  readonly #list: ToneList;
  readonly #peak: number;
  #index = 0;
  /** Samples of the current part already played, at #rate. */
  #elapsed = 0;
  #rate = 0;
  #phase1 = 0;
  #phase2 = 0;
  #finished = false;

  /** `peak`: amplitude of each sine (default TONE_PEAK). */
  constructor(list: ToneList, peak = TONE_PEAK) {
    this.#list = list;
    this.#peak = peak;
  }

  /** True once a list that does not repeat has played its last part. */
  get isFinished(): boolean {
    return this.#finished;
  }

  /** Index of the part playing now. */
  get partIndex(): number {
    return this.#index;
  }

  /** Starts again from the first part (ARI's `restart` on a tone playback). */
  restart(): void {
    this.#index = 0;
    this.#elapsed = 0;
    this.#finished = false;
  }

  /**
   * Writes the next `out.length` samples at `sampleRate`. Returns false, with `out` silent, when the list had
   * already finished before this frame; the frame in which it finishes is returned (true) with the tail silent.
   */
  fill(out: Int16Array, sampleRate: number): boolean {
    if (this.#finished) {
      out.fill(0);
      return false;
    }
    if (sampleRate !== this.#rate) {
      if (this.#rate > 0) this.#elapsed = Math.round((this.#elapsed * sampleRate) / this.#rate);
      this.#rate = sampleRate;
    }
    const parts = this.#list.parts;
    let at = 0;
    while (at < out.length) {
      const part = parts[this.#index]!;
      const length = part.durationMs === 0 ? Infinity : Math.max(1, Math.round((part.durationMs * sampleRate) / 1000));
      const run = Math.min(out.length - at, length - this.#elapsed);
      this.#synthesize(part, out, at, run);
      at += run;
      this.#elapsed += run;
      if (this.#elapsed < length) continue;
      this.#elapsed = 0;
      if (++this.#index < parts.length) continue;
      if (this.#list.repeatFrom < 0) {
        this.#index = parts.length - 1;
        this.#finished = true;
        out.fill(0, at);
        break;
      }
      this.#index = this.#list.repeatFrom;
    }
    return true;
  }

  #synthesize(part: TonePart, out: Int16Array, from: number, count: number): void {
    const rate = this.#rate;
    const a = this.#peak;
    const step1 = (TWO_PI * part.freq1Hz) / rate;
    const step2 = (TWO_PI * part.freq2Hz) / rate;
    // A 0 Hz oscillator is silent (not a constant): its phase is left where the last part put it.
    const a1 = part.freq1Hz === 0 ? 0 : a;
    const a2 = part.freq2Hz === 0 ? 0 : a;
    let p1 = this.#phase1;
    let p2 = this.#phase2;
    const end = from + count;
    if (part.modulate) {
      const carrier = a1 * MODULATED_CARRIER_SCALE;
      const depth = a2 / FULL_SCALE;
      for (let i = from; i < end; i++) {
        out[i] = clip(Math.round(carrier * Math.sin(p1) * (1 - depth * Math.sin(p2))));
        p1 += step1;
        p2 += step2;
      }
    } else {
      for (let i = from; i < end; i++) {
        out[i] = clip(Math.round(a1 * Math.sin(p1) + a2 * Math.sin(p2)));
        p1 += step1;
        p2 += step2;
      }
    }
    // Wrap once per run so the accumulators stay small and precise over long tones.
    this.#phase1 = p1 % TWO_PI;
    this.#phase2 = p2 % TWO_PI;
  }
}

/** Int16Array would wrap, not clip. */
function clip(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}
