/*
 * Frame-by-frame silence detection as Asterisk's DSP does it (main/dsp.c, ast_dsp_silence), used by Record's
 * silence timeout, ARI recordings' maxSilenceSeconds and TALK_DETECT:
 *
 * - A frame's energy is the mean absolute sample value, in integers: Σ|s| / n, rounded down.
 * - The frame is silent when that energy is below the threshold (so a frame exactly at it is sound).
 * - Silence accumulates in whole ms per silent frame (n / (rate / 1000), both divisions rounded down: 20 per
 *   20 ms frame) and drops to 0 on the first frame that is not silent.
 *
 * Thresholds: dsp.conf `[default] silencethreshold` (default 256) is what Record() and TALK_DETECT use. ARI
 * recordings (and other callers of ast_play_and_record that pass no threshold) use a fixed 128 instead.
 *
 * How recordings use it (main/app.c __ast_play_and_record, apps/app_record.c): the recording stops when the
 * current silence is strictly longer than the limit — `silenceMs > maxSilenceSeconds · 1000` — so 1 s of
 * limit ends on the 51st silent 20 ms frame. An ARI recording's energy-only duration subtracts the silence it
 * saw (every run, each added when it ends) from the total, which `totalSilenceMs` supports.
 */

/** dsp.conf's silencethreshold when the file does not set it. */
export const DSP_SILENCE_THRESHOLD = 256;
/** The threshold ast_play_and_record uses when its caller passes none — ARI recordings. */
export const PLAY_AND_RECORD_SILENCE_THRESHOLD = 128;

/** Σ|s| / n over `frame`, rounded down as Asterisk's integer division does; 0 for an empty frame. */
export function frameEnergy(frame: Int16Array): number {
  const n = frame.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const s = frame[i]!;
    sum += s < 0 ? -s : s;
  }
  return Math.floor(sum / n);
}

/** Length of a frame in whole ms, as the DSP counts it. */
export function frameMs(samples: number, sampleRate: number): number {
  const perMs = Math.floor(sampleRate / 1000);
  return perMs === 0 ? 0 : Math.floor(samples / perMs);
}

export class SilenceDetector {
  /** Frames with energy below this are silent (1–32768 is meaningful). */
  threshold: number;
  #silenceMs = 0;
  #completedSilenceMs = 0;
  #energy = 0;

  /** `threshold`: energy below which a frame is silent (default DSP_SILENCE_THRESHOLD). */
  constructor(opts: { readonly threshold?: number } = {}) {
    this.threshold = opts.threshold ?? DSP_SILENCE_THRESHOLD;
  }

  /** Classifies one frame; true when it is silent. An empty frame changes nothing and counts as sound. */
  process(frame: Int16Array, sampleRate: number): boolean {
    if (frame.length === 0) return false;
    this.#energy = frameEnergy(frame);
    if (this.#energy < this.threshold) {
      this.#silenceMs += frameMs(frame.length, sampleRate);
      return true;
    }
    this.#completedSilenceMs += this.#silenceMs;
    this.#silenceMs = 0;
    return false;
  }

  /** The current run of silence, ms (0 after a frame with sound). */
  get silenceMs(): number {
    return this.#silenceMs;
  }

  /** All silence seen so far, ms: finished runs plus the current one. */
  get totalSilenceMs(): number {
    return this.#completedSilenceMs + this.#silenceMs;
  }

  /** Energy of the last frame processed. */
  get lastEnergy(): number {
    return this.#energy;
  }

  /** Record's and ARI's stop rule: the current silence is longer than `maxSilenceSeconds` (0 = no limit). */
  isMaxSilenceReached(maxSilenceSeconds: number): boolean {
    return maxSilenceSeconds > 0 && this.#silenceMs > maxSilenceSeconds * 1000;
  }

  reset(): void {
    this.#silenceMs = 0;
    this.#completedSilenceMs = 0;
    this.#energy = 0;
  }
}
