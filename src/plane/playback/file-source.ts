/**
 * Decoded files played back to back on the media clock: one file for `sound:` and `recording:`, the say
 * functions' files for `number:`, `digits:` and `characters:`. Files follow each other inside a frame without a
 * gap; the last frame is padded with silence.
 *
 * Controls, as main/file.c and main/app.c apply them to a file stream:
 * - pause: nothing at all is sent until unpause (the stream is closed while paused; no silence frames), and
 *   playing resumes where it stopped;
 * - restart: back to the start of the current file;
 * - reverse by `skip`: back by `skip`, or to the start when less than `skip` has played (ast_stream_rewind);
 * - forward by `skip`: ahead by `skip`; when that reaches the end of the file, Asterisk finds itself at end of
 *   file and rewinds by `skip` from there (waitstream_control), so a forward past the end lands `skip` before the
 *   end, or at the start of a file shorter than `skip` — it never ends the file.
 * Asterisk counts these offsets as 8 samples per ms whatever the file's rate; here a ms is a ms at every rate.
 *
 * Nothing is allocated per frame.
 */
import type { ClockedSource } from '../pipeline.js';

export class FileSource implements ClockedSource {
  readonly #files: readonly Int16Array[];
  readonly #samplesPerMs: number;
  readonly #onRelease: () => void;
  #file = 0;
  #position = 0;
  #isPaused = false;
  #isExhausted = false;

  /**
   * `files` at the channel's `rate`; `offsetMs` into the first one. `onRelease` hears of a release that did not
   * follow the end of the audio (the source was replaced or removed).
   */
  constructor(files: readonly Int16Array[], rate: number, offsetMs: number, onRelease: () => void) {
    this.#files = files;
    this.#samplesPerMs = rate / 1000;
    this.#onRelease = onRelease;
    const first = files[0];
    if (first !== undefined) this.#position = Math.min(first.length, Math.round(offsetMs * this.#samplesPerMs));
  }

  /** Where the current file is, ms. */
  get positionMs(): number {
    return Math.round(this.#position / this.#samplesPerMs);
  }

  fill(out: Int16Array): boolean | 'idle' {
    if (this.#isPaused) return 'idle';
    const files = this.#files;
    const n = out.length;
    let at = 0;
    while (at < n && this.#file < files.length) {
      const file = files[this.#file]!;
      let pos = this.#position;
      const take = Math.min(n - at, file.length - pos);
      for (let i = 0; i < take; i++) out[at + i] = file[pos + i]!;
      at += take;
      pos += take;
      if (pos >= file.length && this.#file < files.length - 1) {
        this.#file++;
        pos = 0;
      } else if (pos >= file.length) {
        this.#file = files.length;
      }
      this.#position = pos;
    }
    if (at === 0) {
      this.#isExhausted = true;
      return false;
    }
    for (let i = at; i < n; i++) out[i] = 0;
    return true;
  }

  pause(): void {
    this.#isPaused = true;
  }

  unpause(): void {
    this.#isPaused = false;
  }

  restart(): void {
    this.#position = 0;
  }

  reverse(skipMs: number): void {
    const skip = Math.round(skipMs * this.#samplesPerMs);
    this.#position = skip > this.#position ? 0 : this.#position - skip;
  }

  forward(skipMs: number): void {
    const length = this.#files[this.#file]?.length ?? 0;
    const skip = Math.round(skipMs * this.#samplesPerMs);
    const ahead = Math.min(length, this.#position + skip);
    if (ahead < length) this.#position = ahead;
    else this.#position = skip > ahead ? 0 : ahead - skip;
  }

  release(): void {
    if (!this.#isExhausted) this.#onRelease();
  }
}
