/*
 * Decoded sound files shared by every playback: a thousand channels playing the same prompt hold its samples
 * once. Entries are keyed by (path, mtime, size), so a file replaced on disk is read again, and the cache is an
 * LRU bounded by the bytes of decoded samples it holds. Loads of one file that overlap share one promise.
 * Errors are not cached: a file that appears later, or is fixed, loads on the next request.
 */
import { stat } from 'node:fs/promises';
import { loadAudioFile, type AudioFileError, type DecodedAudio } from './load-audio-file.js';

export const DEFAULT_AUDIO_CACHE_BYTES = 64 * 1024 * 1024;

export interface AudioFileCacheOptions {
  /** Most bytes of decoded samples kept (default 64 MiB). A single larger file is returned but not kept. */
  maxBytes?: number;
  /** Loads a file; loadAudioFile unless replaced (tests count loads with it). */
  load?: (path: string, format: string) => Promise<DecodedAudio | AudioFileError>;
}

export interface AudioFileCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  evictions: number;
}

interface Entry {
  key: string;
  path: string;
  audio: DecodedAudio;
}

export class AudioFileCache {
  readonly #maxBytes: number;
  readonly #load: (path: string, format: string) => Promise<DecodedAudio | AudioFileError>;
  /** key → entry, least recently used first (Map keeps insertion order; a hit re-inserts). */
  readonly #entries = new Map<string, Entry>();
  /** path → key of its cached version, to drop an old version when the file changes. */
  readonly #keyByPath = new Map<string, string>();
  readonly #loading = new Map<string, Promise<DecodedAudio | AudioFileError>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  constructor(opts: AudioFileCacheOptions = {}) {
    this.#maxBytes = opts.maxBytes ?? DEFAULT_AUDIO_CACHE_BYTES;
    this.#load = opts.load ?? loadAudioFile;
  }

  /** The decoded file, from memory when its (path, mtime, size) is cached. The samples are shared: read only. */
  async get(path: string, format: string): Promise<DecodedAudio | AudioFileError> {
    let key: string;
    try {
      const st = await stat(path);
      key = `${format}\0${st.mtimeMs}\0${st.size}\0${path}`;
    } catch (err) {
      return { error: `${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
    }
    const cached = this.#entries.get(key);
    if (cached !== undefined) {
      this.#hits++;
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      return cached.audio;
    }
    const pending = this.#loading.get(key);
    if (pending !== undefined) {
      this.#hits++;
      return pending;
    }
    this.#misses++;
    const loading = this.#load(path, format).then((audio) => {
      this.#loading.delete(key);
      if (!('error' in audio)) this.#insert({ key, path, audio });
      return audio;
    });
    this.#loading.set(key, loading);
    return loading;
  }

  /** Drops a file's cached version (e.g. a recording that was deleted or rewritten). */
  invalidate(path: string): void {
    const key = this.#keyByPath.get(path);
    if (key !== undefined) this.#remove(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#keyByPath.clear();
    this.#bytes = 0;
  }

  stats(): AudioFileCacheStats {
    return {
      entries: this.#entries.size,
      bytes: this.#bytes,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
    };
  }

  #insert(entry: Entry): void {
    const size = entry.audio.samples.byteLength;
    if (size > this.#maxBytes) return;
    this.invalidate(entry.path); // an older version of the same file
    this.#entries.set(entry.key, entry);
    this.#keyByPath.set(entry.path, entry.key);
    this.#bytes += size;
    for (const oldest of this.#entries.keys()) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#remove(oldest);
      this.#evictions++;
    }
  }

  #remove(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    if (this.#keyByPath.get(entry.path) === key) this.#keyByPath.delete(entry.path);
    this.#bytes -= entry.audio.samples.byteLength;
  }
}
