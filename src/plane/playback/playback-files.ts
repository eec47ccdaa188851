/**
 * The audio a playback item plays, found and decoded once per worker: sounds by Asterisk's lookup (language
 * fallback, the format that needs no conversion first), stored recordings by name under the recordings folder,
 * all through one AudioFileCache, so a thousand channels playing one prompt share its samples. A file at the other
 * rate (a 16 kHz prompt on an 8 kHz call) is converted once, and the converted samples are shared too.
 */
import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { AudioFileCache } from '../../media/formats/audio-file-cache.js';
import { formatForExtension } from '../../media/formats/format-table.js';
import { FILTER_DELAY, createResampler } from '../../media/resample.js';
import { findSoundFile } from '../../media/sounds/find-sound-file.js';
import type { PlaneSettings } from '../plane-settings.js';

export type Rate = 8000 | 16000;

/** A recording's name does not name a stored recording (the item is skipped). */
export const MISSING = 'missing';

export class PlaybackFiles {
  readonly #cache: AudioFileCache;
  /** Decoded samples → the same audio at the other rate. Keyed by the cached array, so it lives as long. */
  readonly #converted = new WeakMap<Int16Array, Int16Array>();

  constructor(
    private readonly settings: PlaneSettings,
    cache = new AudioFileCache(),
  ) {
    this.#cache = cache;
  }

  /** The samples of sound `name` in `language` at `rate`; undefined when no readable file exists. */
  async sound(name: string, language: string, rate: Rate): Promise<Int16Array | undefined> {
    const found = await findSoundFile([this.settings.soundsDir], name, language, rate);
    return found === undefined ? undefined : this.#load(found.path, found.format, rate);
  }

  /**
   * A stored recording (res/stasis_recording/stored.c): `name` is relative to the recordings folder, without
   * extension, and may hold sub-folders; its folder must resolve inside the recordings folder (no `..` or link
   * escaping it) and hold `<file>.<ext>` in a known format. It then plays like a sound named by its absolute path,
   * so `<folder>/<language>/<file>` is tried first, as ast_streamfile does.
   */
  async recording(name: string, language: string, rate: Rate): Promise<Int16Array | typeof MISSING | undefined> {
    const slash = name.lastIndexOf('/');
    const file = name.slice(slash + 1);
    if (file === '') return MISSING;
    const root = this.settings.recordingsDir;
    const dir = await realpath(slash < 0 ? root : join(root, name.slice(0, slash))).catch(() => undefined);
    const realRoot = await realpath(root).catch(() => root);
    if (dir === undefined || (dir !== realRoot && !dir.startsWith(realRoot + '/'))) return MISSING;
    const entries = await readdir(dir).catch(() => [] as string[]);
    const exists = entries.some(
      (entry) => entry.startsWith(file + '.') && formatForExtension(entry.slice(file.length + 1)) !== undefined,
    );
    if (!exists) return MISSING;
    const found = await findSoundFile([], join(dir, file), language, rate);
    return found === undefined ? undefined : this.#load(found.path, found.format, rate);
  }

  async #load(path: string, format: string, rate: Rate): Promise<Int16Array | undefined> {
    const audio = await this.#cache.get(path, format);
    if ('error' in audio) return undefined;
    if (audio.sampleRate === rate) return audio.samples;
    let converted = this.#converted.get(audio.samples);
    if (converted === undefined) {
      converted = convertRate(audio.samples, audio.sampleRate, rate);
      this.#converted.set(audio.samples, converted);
    }
    return converted;
  }
}

/**
 * A whole file through the 2:1 converter: the filter's tail is flushed with zeros and its delay cut off the front,
 * so the converted audio lines up with the original. The delay is FILTER_DELAY samples at 16 kHz; downsampling
 * that is 11.5 samples at 8 kHz, so one zero goes in front to make it a whole 12.
 */
export function convertRate(samples: Int16Array, from: Rate, to: Rate): Int16Array {
  const converter = createResampler(from, to);
  if (converter === undefined) return samples;
  const lead = to === 8000 ? 1 : 0;
  const input = new Int16Array(lead + samples.length + 2 * FILTER_DELAY);
  input.set(samples, lead);
  const out = new Int16Array(converter.outputLength(input.length));
  const written = converter.process(input, out);
  const delay = to === 16000 ? FILTER_DELAY : (FILTER_DELAY + lead) / 2;
  const length = Math.round((samples.length * to) / from);
  return out.slice(delay, Math.min(written, delay + length));
}
