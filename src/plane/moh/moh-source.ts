/**
 * Music on hold as a channel's generator (res_musiconhold's files generator): the class's files one after the
 * other from decoded copies shared by every channel of the worker, each channel at its own position (see
 * moh-position.ts), with the class's announcement before each file when it has one.
 *
 * Files are decoded whole, off the media clock. While the first one loads (a few milliseconds) the frames are
 * silent; after that, whatever comes next is loaded as soon as the current file starts, so one file follows the
 * other within the same frame, as Asterisk's generator reads on into the next file. A file at another rate than
 * the channel's is resampled. A file that cannot be read is skipped; when none of the class's files can be, the
 * music ends (the generator fails).
 */
import type { DecodedAudio } from '../../media/formats/load-audio-file.js';
import { createResampler, type Resampler } from '../../media/resample.js';
import type { ClockedSource } from '../pipeline.js';
import type { MohClass } from './moh-library.js';
import { advance, fileToOpen, upcomingFile, type MohPosition, type Random } from './moh-position.js';

export type Rate = 8000 | 16000;

/** How the source gets decoded audio (a shared cache in the engine). Never rejects. */
export interface MohLoader {
  /** A class file (a path without extension) in the format cheapest at `rate`; undefined when none can be read. */
  music(base: string, language: string, rate: Rate): Promise<DecodedAudio | undefined>;
  /** A sound by name, as playbacks find them (the announcement). */
  sound(name: string, language: string, rate: Rate): Promise<DecodedAudio | undefined>;
}

/** What plays: the announcement, or a file of the class. */
type Item = { readonly isAnnouncement: true } | { readonly isAnnouncement: false; readonly index: number };

const ANNOUNCEMENT: Item = { isAnnouncement: true };

function sameItem(a: Item, b: Item): boolean {
  return a.isAnnouncement ? b.isAnnouncement : !b.isAnnouncement && a.index === b.index;
}

export class MohSource implements ClockedSource {
  #item: Item | undefined;
  #audio: DecodedAudio | undefined;
  #announcementOffset = 0;
  /** What comes after the current item, loading or loaded. */
  #ahead: { item: Item; audio: DecodedAudio | undefined; isReady: boolean } | undefined;
  #isReleased = false;
  #isFailed = false;
  #failures = 0;
  #rate: Rate;
  #resampler: Resampler | undefined;
  #scratch = new Int16Array(0);

  constructor(
    readonly cls: MohClass,
    private readonly pos: MohPosition,
    private readonly loader: MohLoader,
    private readonly language: string,
    rate: Rate,
    private readonly random: Random,
  ) {
    this.#rate = rate;
    this.#begin(this.#hasAnnouncement ? ANNOUNCEMENT : this.#music(fileToOpen(pos, cls, random)));
  }

  get className(): string {
    return this.cls.name;
  }

  get #hasAnnouncement(): boolean {
    return this.cls.announcement !== '';
  }

  #music(index: number): Item {
    return { isAnnouncement: false, index };
  }

  fill(out: Int16Array, rate: number): boolean {
    if (this.#isFailed) return false;
    this.#rate = rate === 16000 ? 16000 : 8000;
    let written = 0;
    while (written < out.length && this.#audio !== undefined) {
      const audio = this.#audio;
      const n = this.#copy(audio, out, written, rate);
      written += n;
      if (this.#offset >= audio.samples.length) this.#next();
      else if (n === 0) break;
    }
    if (written < out.length) out.fill(0, written);
    return true;
  }

  release(): void {
    this.#isReleased = true;
    this.#audio = undefined;
    this.#ahead = undefined;
  }

  get #isAnnouncement(): boolean {
    return this.#item?.isAnnouncement === true;
  }

  /** Samples played of the current item, at its rate. */
  get #offset(): number {
    return this.#isAnnouncement ? this.#announcementOffset : this.pos.offset;
  }

  /** Copies (or resamples) the current item into `out` from `at`; returns the samples written. */
  #copy(audio: DecodedAudio, out: Int16Array, at: number, rate: number): number {
    const samples = audio.samples;
    let offset = this.#offset;
    let written: number;
    if (audio.sampleRate === rate) {
      const n = Math.min(out.length - at, samples.length - offset);
      for (let i = 0; i < n; i++) out[at + i] = samples[offset + i]!;
      offset += n;
      written = n;
    } else {
      const need = Math.floor(((out.length - at) * audio.sampleRate) / rate);
      const n = Math.min(need, samples.length - offset);
      if (this.#scratch.length < need) this.#scratch = new Int16Array(need);
      const input = this.#scratch;
      for (let i = 0; i < n; i++) input[i] = samples[offset + i]!;
      this.#resampler ??= createResampler(audio.sampleRate, this.#rate);
      // Whole frames (the usual case) need no views; a frame that ends or starts a file does.
      const whole = at === 0 && n === input.length && n === need;
      written = this.#resampler!.process(whole ? input : input.subarray(0, n), at === 0 ? out : out.subarray(at));
      offset += n;
    }
    if (this.#isAnnouncement) this.#announcementOffset = offset;
    else this.pos.offset = offset;
    return written;
  }

  /** The current item ended: the announcement (if any) comes before each file. */
  #next(): void {
    const ended = this.#item;
    this.#audio = undefined;
    if (ended === undefined || ended.isAnnouncement) {
      this.#begin(this.#music(fileToOpen(this.pos, this.cls, this.random)));
      return;
    }
    advance(this.pos, this.cls, this.random);
    this.#begin(this.#hasAnnouncement ? ANNOUNCEMENT : this.#music(this.pos.index));
  }

  /** Play `item`: at once when it was loaded ahead, else once it loads (silence meanwhile). */
  #begin(item: Item): void {
    this.#item = item;
    const ahead = this.#ahead;
    this.#ahead = undefined;
    if (ahead !== undefined && ahead.isReady && sameItem(ahead.item, item)) return this.#loaded(item, ahead.audio);
    void this.#load(item).then((audio) => {
      if (!this.#isReleased && this.#item === item) this.#loaded(item, audio);
    });
  }

  #load(item: Item): Promise<DecodedAudio | undefined> {
    return item.isAnnouncement
      ? this.loader.sound(this.cls.announcement, this.language, this.#rate)
      : this.loader.music(this.cls.files[item.index]!, this.language, this.#rate);
  }

  #loaded(item: Item, audio: DecodedAudio | undefined): void {
    const isEmpty = audio === undefined || audio.samples.length === 0;
    if (item.isAnnouncement) {
      // moh_files_next: an announcement that cannot be opened is skipped.
      if (isEmpty) return this.#next();
      this.#announcementOffset = 0;
    } else {
      if (isEmpty) {
        if (++this.#failures >= this.pos.fileCount) {
          this.#isFailed = true;
          return;
        }
        return this.#next();
      }
      this.#failures = 0;
      // A resume position at or past the end (the file was replaced by a shorter one) goes on with the next file.
      if (this.pos.offset >= audio.samples.length) return this.#next();
    }
    this.#audio = audio;
    this.#resampler = undefined;
    this.#prefetch(item);
  }

  /** Load what follows `item` now, so that it is ready when `item` ends. */
  #prefetch(item: Item): void {
    const next: Item = item.isAnnouncement
      ? this.#music(fileToOpen(this.pos, this.cls, this.random))
      : this.#hasAnnouncement
        ? ANNOUNCEMENT
        : this.#music(upcomingFile(this.pos, this.cls, this.random));
    const ahead = { item: next, audio: undefined as DecodedAudio | undefined, isReady: false };
    this.#ahead = ahead;
    void this.#load(next).then((audio) => {
      ahead.audio = audio;
      ahead.isReady = true;
    });
  }
}
