/*
 * Writes a recording: signed-linear frames in, the file format's bytes out. Frames are encoded into a memory
 * buffer and reach the disk in batches (every BATCH_MS of audio, or on flush/close): one positional write per
 * batch, never one per 20 ms frame. Batches are written one after another, in order.
 *
 * Crash safety: after each batch of a wav file its RIFF and data sizes are rewritten, so a process killed at any
 * point leaves a valid file holding every batch whose header update finished (at most one batch, BATCH_MS, is
 * lost; a batch written without its header update is recovered by repairWav). Asterisk only writes the sizes
 * when a recording closes. Raw formats need no header; a cut leaves whole batches plus at most one partial one,
 * whose partial sample or GSM frame the reader ignores.
 *
 * Append: a wav continues after its existing data (its header repaired first); raw formats continue at the end,
 * after any partial sample or GSM frame is cut off.
 */
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FileEncoder, bytesForSamples } from './file-codec.js';
import { resolveSupportedFormat, type SupportedFileFormat } from './format-table.js';
import { repairOpenWav, writeSizes } from './repair-wav.js';
import { WAV_HEADER_BYTES, wavHeader } from './wav.js';

/** Audio buffered before a batch goes to disk. */
export const BATCH_MS = 250;
const MS_PER_S = 1000;

export interface RecordingWriterOptions {
  /** Continue an existing file instead of replacing it. */
  append?: boolean;
  /** Audio buffered per disk write (default BATCH_MS). */
  batchMs?: number;
}

export interface RecordingResult {
  /** Length of the audio this writer wrote (not counting what an appended file held before). */
  durationMs: number;
  /** The file's size once closed. */
  bytes: number;
  /** The first write error, if any; the audio after it was lost. */
  error?: string;
}

export interface RecordingWriter {
  readonly path: string;
  readonly format: SupportedFileFormat;
  /** Buffers one frame (any length) of samples at the format's rate; the array may be reused right after. */
  write(samples: Int16Array): void;
  /** Writes everything buffered so far (with the wav header update). */
  flush(): Promise<void>;
  /** Flushes, closes the file and reports what was written. Idempotent. */
  close(): Promise<RecordingResult>;
  /** The first write error, if one happened (named apart from `{ error }`, the failed open's result). */
  readonly writeError: string | undefined;
}

/**
 * Opens `path` for recording in `format` (a file extension such as `wav`, `ulaw`, `sln16`, or an Asterisk format
 * name). Missing parent folders are created. Resolves to `{ error }` when the format is not supported, the file
 * cannot be opened, or an existing file to append to is not a usable wav.
 */
export async function openRecordingWriter(
  path: string,
  format: string,
  opts: RecordingWriterOptions = {},
): Promise<RecordingWriter | { error: string }> {
  const fmt = resolveSupportedFormat(format);
  if (fmt === undefined) return { error: `unsupported format '${format}'` };
  let handle: FileHandle | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    handle = opts.append === true ? await openExisting(path) : undefined;
    const appendAt = handle === undefined ? undefined : await appendPosition(handle, fmt);
    if (appendAt !== undefined && 'error' in appendAt) {
      await handle?.close();
      return { error: `${path}: ${appendAt.error}` };
    }
    handle ??= await open(path, 'w+');
    if (appendAt === undefined && fmt.encoding === 'wav') {
      await handle.write(wavHeader(fmt.sampleRate), 0, WAV_HEADER_BYTES, 0);
    }
    const start = appendAt ?? { dataOffset: fmt.encoding === 'wav' ? WAV_HEADER_BYTES : 0, dataBytes: 0 };
    return new FileRecordingWriter(path, fmt, handle, start.dataOffset, start.dataBytes, opts.batchMs ?? BATCH_MS);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    return { error: `${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
}

/** The existing file opened for writing at any position, or undefined when there is none. */
async function openExisting(path: string): Promise<FileHandle | undefined> {
  try {
    return await open(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
/** Where appended audio goes in an existing file; undefined when the file is empty (start it afresh). */
async function appendPosition(
  handle: FileHandle,
  fmt: SupportedFileFormat,
): Promise<{ dataOffset: number; dataBytes: number } | { error: string } | undefined> {
  const size = (await handle.stat()).size;
  if (size === 0) return undefined;
  if (fmt.encoding === 'wav') {
    const repaired = await repairOpenWav(handle);
    if ('error' in repaired) return repaired;
    const { layout } = repaired;
    if (layout.sampleRate !== fmt.sampleRate) return { error: `wav is ${layout.sampleRate} Hz, not ${fmt.sampleRate}` };
    if (!layout.isDataLast) return { error: 'chunks follow the wav data; cannot append' };
    return { dataOffset: layout.dataOffset, dataBytes: layout.dataBytes };
  }
  const unit = bytesForSamples(fmt.encoding, 1); // one sample, or one whole GSM frame
  const whole = size - (size % unit);
  if (whole !== size) await handle.truncate(whole);
  return { dataOffset: 0, dataBytes: whole };
}

class FileRecordingWriter implements RecordingWriter {
  readonly #handle: FileHandle;
  readonly #encoder: FileEncoder;
  readonly #batchSamples: number;
  readonly #dataOffset: number;
  #dataBytes: number;
  #pending: Buffer;
  #pendingBytes = 0;
  #pendingSamples = 0;
  #samplesWritten = 0;
  #queue: Promise<void> = Promise.resolve();
  #error: string | undefined;
  #closing: Promise<RecordingResult> | undefined;

  constructor(
    readonly path: string,
    readonly format: SupportedFileFormat,
    handle: FileHandle,
    dataOffset: number,
    dataBytes: number,
    batchMs: number,
  ) {
    this.#handle = handle;
    this.#encoder = new FileEncoder(format);
    this.#dataOffset = dataOffset;
    this.#dataBytes = dataBytes;
    this.#batchSamples = Math.max(1, Math.round((format.sampleRate * batchMs) / MS_PER_S));
    this.#pending = Buffer.allocUnsafe(this.#encoder.maxBytesFor(this.#batchSamples * 2));
  }

  get writeError(): string | undefined {
    return this.#error;
  }

  write(samples: Int16Array): void {
    if (this.#closing !== undefined || samples.length === 0) return;
    const need = this.#pendingBytes + this.#encoder.maxBytesFor(samples.length);
    if (need > this.#pending.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.#pending.length * 2));
      this.#pending.copy(grown, 0, 0, this.#pendingBytes);
      this.#pending = grown;
    }
    this.#pendingBytes += this.#encoder.encode(samples, this.#pending, this.#pendingBytes);
    this.#pendingSamples += samples.length;
    this.#samplesWritten += samples.length;
    if (this.#pendingSamples >= this.#batchSamples) void this.flush();
  }

  flush(): Promise<void> {
    if (this.#pendingBytes > 0) {
      const batch = Buffer.from(this.#pending.subarray(0, this.#pendingBytes)); // the buffer keeps filling meanwhile
      this.#pendingBytes = 0;
      this.#pendingSamples = 0;
      this.#queue = this.#queue.then(() => this.#writeBatch(batch));
    }
    return this.#queue;
  }

  close(): Promise<RecordingResult> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<RecordingResult> {
    this.#pendingBytes += this.#encoder.finish(this.#pending, this.#pendingBytes);
    await this.flush();
    let bytes = this.#dataOffset + this.#dataBytes;
    try {
      bytes = (await this.#handle.stat()).size;
      await this.#handle.close();
    } catch (err) {
      this.#fail(err);
    }
    const durationMs = (this.#samplesWritten * MS_PER_S) / this.format.sampleRate;
    return this.#error === undefined ? { durationMs, bytes } : { durationMs, bytes, error: this.#error };
  }

  async #writeBatch(batch: Buffer): Promise<void> {
    if (this.#error !== undefined) return;
    try {
      await this.#handle.write(batch, 0, batch.length, this.#dataOffset + this.#dataBytes);
      this.#dataBytes += batch.length;
      if (this.format.encoding === 'wav') await writeSizes(this.#handle, this.#dataOffset, this.#dataBytes);
    } catch (err) {
      this.#fail(err);
    }
  }

  #fail(err: unknown): void {
    this.#error ??= (err as NodeJS.ErrnoException).code ?? String(err);
  }
}
