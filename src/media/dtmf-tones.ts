/*
 * DTMF dual-tone generator — ITU-T Q.23 keypad frequencies, 16-bit linear PCM at 8 kHz.
 *
 *              1209 Hz  1336 Hz  1477 Hz  1633 Hz
 *     697 Hz      1        2        3        A
 *     770 Hz      4        5        6        B
 *     852 Hz      7        8        9        C
 *     941 Hz      *        0        #        D
 *
 * Levels: the low (row) tone at −7 dBm0 and the high (column) tone at −5 dBm0 by default — inside the Q.23 /
 * Q.24 sending range, with the customary ~2 dB pre-emphasis of the high group. 0 dBm0 is taken as the G.711
 * reference sine, whose peak is 3.17 dB below full scale (peak ≈ 22 754 on the 16-bit scale), so the default
 * peaks are ≈ 10 164 and ≈ 12 796 and their sum never clips.
 *
 * Each tone keeps its own phase accumulator, so consecutive `fill()` calls produce one continuous waveform no
 * matter how the caller slices it into frames. Nothing is allocated per frame.
 */

export const DTMF_SAMPLE_RATE = 8000;
/** Q.23 low-group (row) frequencies, Hz. */
export const DTMF_ROW_HZ: readonly number[] = [697, 770, 852, 941];
/** Q.23 high-group (column) frequencies, Hz. */
export const DTMF_COL_HZ: readonly number[] = [1209, 1336, 1477, 1633];
/** The 16 keys, row-major: index = row * 4 + column. */
export const DTMF_KEYS = '123A456B789C*0#D';

/** Peak amplitude of a 0 dBm0 sine on the 16-bit scale (G.711: full scale is +3.17 dBm0). */
export const DBM0_PEAK = 32768 / Math.pow(10, 3.17 / 20);

const TWO_PI = 2 * Math.PI;

/** Row and column index of a key (case-insensitive for A-D), or undefined if it is not a DTMF key. */
export function dtmfKeyIndex(digit: string): number | undefined {
  if (digit.length !== 1) return undefined;
  const i = DTMF_KEYS.indexOf(digit.toUpperCase());
  return i < 0 ? undefined : i;
}

export interface DtmfToneLevels {
  /** Level of the low-group (row) tone, dBm0. Default −7. */
  lowDbm0?: number;
  /** Level of the high-group (column) tone, dBm0. Default −5. */
  highDbm0?: number;
}

export class DtmfToneGenerator {
  readonly #lowAmp: number;
  readonly #highAmp: number;
  #digit: string | undefined;
  #lowStep = 0;
  #highStep = 0;
  #lowPhase = 0;
  #highPhase = 0;

  constructor(levels: DtmfToneLevels = {}) {
    this.#lowAmp = DBM0_PEAK * Math.pow(10, (levels.lowDbm0 ?? -7) / 20);
    this.#highAmp = DBM0_PEAK * Math.pow(10, (levels.highDbm0 ?? -5) / 20);
  }

  get isActive(): boolean {
    return this.#digit !== undefined;
  }

  /** The key being played, upper-cased, or undefined. */
  get digit(): string | undefined {
    return this.#digit;
  }

  /** Starts `digit` from phase zero; returns false (and changes nothing) if it is not a DTMF key. */
  start(digit: string): boolean {
    const index = dtmfKeyIndex(digit);
    if (index === undefined) return false;
    this.#digit = DTMF_KEYS[index];
    this.#lowStep = (TWO_PI * DTMF_ROW_HZ[index >> 2]!) / DTMF_SAMPLE_RATE;
    this.#highStep = (TWO_PI * DTMF_COL_HZ[index & 3]!) / DTMF_SAMPLE_RATE;
    this.#lowPhase = 0;
    this.#highPhase = 0;
    return true;
  }

  stop(): void {
    this.#digit = undefined;
  }

  /** Writes `count` samples into `dst` from index 0: the tone pair while active, silence otherwise. */
  fill(dst: Int16Array, count = 160): void {
    if (count > dst.length) throw new RangeError(`count ${count} exceeds buffer length ${dst.length}`);
    if (this.#digit === undefined) {
      dst.fill(0, 0, count);
      return;
    }
    let lp = this.#lowPhase;
    let hp = this.#highPhase;
    const ls = this.#lowStep;
    const hs = this.#highStep;
    const la = this.#lowAmp;
    const ha = this.#highAmp;
    for (let i = 0; i < count; i++) {
      const v = Math.round(la * Math.sin(lp) + ha * Math.sin(hp));
      dst[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v; // Int16Array would wrap, not clip
      lp += ls;
      hp += hs;
    }
    // Wrap once per frame so the accumulators stay small and precise over long tones.
    this.#lowPhase = lp % TWO_PI;
    this.#highPhase = hp % TWO_PI;
  }
}
