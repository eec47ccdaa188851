/*
 * In-band DTMF detector — ITU-T Q.24 receiver over 8 kHz 16-bit linear PCM, built on the Goertzel algorithm.
 *
 * The input is cut into blocks of BLOCK_SAMPLES (102 samples, 12.75 ms) independent of the caller's frame
 * size; each block runs eight second-order Goertzel resonators, one per Q.23 frequency, evaluated exactly at
 * that frequency (the coefficient 2·cos(2πf/fs) needs no integer bin). For a block of N samples the resonator
 * state gives |X(f)|², and 2·|X(f)|²/N² is the mean-square power of a sinusoid at f — the same unit as the
 * block's own mean-square energy, so the checks below compare like with like:
 *
 *   1. the strongest row tone and the strongest column tone are each at least MIN_TONE_DBM0 (−30 dBm0);
 *   2. twist: the row tone may exceed the column tone by at most 8 dB, the column tone the row tone by at most
 *      4 dB (line loss attenuates the high group; phones pre-emphasise it — both directions occur);
 *   3. within each group the runner-up is at least 10 dB below the winner (rejects chords and broadband sound);
 *   4. the two tones carry at least 70 % of the block's energy (rejects speech, music and noise, whose energy
 *      lies mostly outside the eight frequencies).
 *
 * A key is confirmed after 2 consecutive blocks agree (≥ 25.5 ms of tone) and released after 2 consecutive
 * blocks that do not show it (≥ 25.5 ms of pause); its duration runs from the start of the first confirming
 * block to the start of the first releasing block, so it has a resolution of one block.
 */

import { DTMF_COL_HZ, DTMF_KEYS, DTMF_ROW_HZ, DTMF_SAMPLE_RATE, DBM0_PEAK } from './dtmf-tones.js';

export interface DtmfDetectorUser {
  onDigitBegin(digit: string): void;
  onDigitEnd(digit: string, durationMs: number): void;
}

export const BLOCK_SAMPLES = 102;
const CONFIRM_BLOCKS = 2;
const RELEASE_BLOCKS = 2;
const MIN_TONE_DBM0 = -30;
const MAX_ROW_EXCESS_DB = 8;
const MAX_COL_EXCESS_DB = 4;
const MIN_RUNNER_UP_GAP_DB = 10;
const MIN_TONE_SHARE = 0.7;

const dbToPower = (db: number): number => Math.pow(10, db / 10);
// Mean-square power, on the ±1.0 scale, of a sine at `dbm0`.
const dbm0ToPower = (dbm0: number): number => (DBM0_PEAK / 32768) ** 2 * 0.5 * dbToPower(dbm0);

const MIN_TONE_POWER = dbm0ToPower(MIN_TONE_DBM0);
const ROW_EXCESS = dbToPower(MAX_ROW_EXCESS_DB);
const COL_EXCESS = dbToPower(MAX_COL_EXCESS_DB);
const RUNNER_UP_GAP = dbToPower(MIN_RUNNER_UP_GAP_DB);
const FREQS_HZ = [...DTMF_ROW_HZ, ...DTMF_COL_HZ];
const COEFF = Float64Array.from(FREQS_HZ, (f) => 2 * Math.cos((2 * Math.PI * f) / DTMF_SAMPLE_RATE));
const POWER_SCALE = 2 / (BLOCK_SAMPLES * BLOCK_SAMPLES);

export class DtmfDetector {
  // Goertzel state s[n-1], s[n-2] per frequency (rows 0..3, columns 4..7).
  readonly #s1 = new Float64Array(8);
  readonly #s2 = new Float64Array(8);
  readonly #power = new Float64Array(8);
  #energy = 0;
  #inBlock = 0;
  #blockStart = 0; // sample index of the current block's first sample
  #current = ''; // key being reported, '' if none
  #currentStart = 0;
  #misses = 0;
  #firstMissStart = 0;
  #candidate = '';
  #candidateStart = 0;
  #hits = 0;

  constructor(private readonly user: DtmfDetectorUser) {}

  /** The key currently held down, or '' if none. */
  get digit(): string {
    return this.#current;
  }

  /** Feeds `count` samples of `samples` (from index 0); blocks may straddle calls. */
  push(samples: Int16Array, count = samples.length): void {
    const s1 = this.#s1;
    const s2 = this.#s2;
    for (let i = 0; i < count; i++) {
      const x = samples[i]! / 32768;
      this.#energy += x * x;
      for (let k = 0; k < 8; k++) {
        const s0 = x + COEFF[k]! * s1[k]! - s2[k]!;
        s2[k] = s1[k]!;
        s1[k] = s0;
      }
      if (++this.#inBlock === BLOCK_SAMPLES) this.#endBlock();
    }
  }

  /** Forgets any partial block and held key without reporting it. */
  reset(): void {
    this.#s1.fill(0);
    this.#s2.fill(0);
    this.#energy = 0;
    this.#inBlock = 0;
    this.#blockStart = 0;
    this.#current = '';
    this.#candidate = '';
    this.#misses = 0;
    this.#hits = 0;
  }

  #endBlock(): void {
    const s1 = this.#s1;
    const s2 = this.#s2;
    const power = this.#power;
    for (let k = 0; k < 8; k++) {
      const a = s1[k]!;
      const b = s2[k]!;
      power[k] = (a * a + b * b - COEFF[k]! * a * b) * POWER_SCALE;
    }
    const key = this.#classify(this.#energy / BLOCK_SAMPLES);
    this.#track(key, this.#blockStart);
    s1.fill(0);
    s2.fill(0);
    this.#energy = 0;
    this.#inBlock = 0;
    this.#blockStart += BLOCK_SAMPLES;
  }

  /** The key shown by the finished block, or '' — Q.24 validity checks on `#power`. */
  #classify(blockPower: number): string {
    const p = this.#power;
    let row = 0;
    let col = 4;
    for (let k = 1; k < 4; k++) if (p[k]! > p[row]!) row = k;
    for (let k = 5; k < 8; k++) if (p[k]! > p[col]!) col = k;
    const rowPower = p[row]!;
    const colPower = p[col]!;
    if (rowPower < MIN_TONE_POWER || colPower < MIN_TONE_POWER) return '';
    if (rowPower > colPower * ROW_EXCESS || colPower > rowPower * COL_EXCESS) return '';
    for (let k = 0; k < 8; k++) {
      if (k === row || k === col) continue;
      if (p[k]! * RUNNER_UP_GAP > (k < 4 ? rowPower : colPower)) return '';
    }
    if (rowPower + colPower < MIN_TONE_SHARE * blockPower) return '';
    return DTMF_KEYS[row * 4 + (col - 4)]!;
  }

  #track(key: string, blockStart: number): void {
    if (this.#current !== '') {
      if (key === this.#current) {
        this.#misses = 0;
        this.#candidate = '';
        return;
      }
      if (++this.#misses === 1) this.#firstMissStart = blockStart;
      if (this.#misses >= RELEASE_BLOCKS) {
        const digit = this.#current;
        this.#current = '';
        this.user.onDigitEnd(
          digit,
          Math.round(((this.#firstMissStart - this.#currentStart) * 1000) / DTMF_SAMPLE_RATE),
        );
      }
    }
    if (key === '') {
      this.#candidate = '';
      this.#hits = 0;
      return;
    }
    if (key === this.#candidate) {
      this.#hits++;
    } else {
      this.#candidate = key;
      this.#candidateStart = blockStart;
      this.#hits = 1;
    }
    if (this.#current === '' && this.#hits >= CONFIRM_BLOCKS) {
      this.#current = key;
      this.#currentStart = this.#candidateStart;
      this.#misses = 0;
      this.#candidate = '';
      this.#hits = 0;
      this.user.onDigitBegin(key);
    }
  }
}
