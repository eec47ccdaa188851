/**
 * A `tone:` playback on the media clock (main/app.c ast_control_tone): the tone list plays until stopped when it
 * repeats (a playback of `tone:busy` never ends by itself), or to its end when it plays once (`!` parts).
 *
 * Controls: pause stops the tones, so nothing at all is sent; unpause and restart start the list again from its
 * first part (ast_playtones_start anew); reverse and forward do nothing to a tone.
 */
import { ToneGenerator } from '../../media/tones/tone-generator.js';
import type { ToneList } from '../../media/tones/tone-list.js';
import type { ClockedSource } from '../pipeline.js';

export class ToneSource implements ClockedSource {
  readonly #generator: ToneGenerator;
  readonly #onRelease: () => void;
  #isPaused = false;
  #isExhausted = false;

  /** `onRelease` hears of a release that did not follow the end of the list. */
  constructor(list: ToneList, onRelease: () => void) {
    this.#generator = new ToneGenerator(list);
    this.#onRelease = onRelease;
  }

  fill(out: Int16Array, rate: number): boolean | 'idle' {
    if (this.#isPaused) return 'idle';
    if (this.#generator.fill(out, rate)) return true;
    this.#isExhausted = true;
    return false;
  }

  pause(): void {
    this.#isPaused = true;
  }

  unpause(): void {
    if (!this.#isPaused) return;
    this.#isPaused = false;
    this.#generator.restart();
  }

  restart(): void {
    this.#generator.restart();
  }

  release(): void {
    if (!this.#isExhausted) this.#onRelease();
  }
}
