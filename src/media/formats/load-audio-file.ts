/*
 * Reads a whole sound file into signed-linear samples. Prompts and recordings are short, so a file is decoded in
 * one go and then played from memory (and shared through AudioFileCache); there is no streaming reader. Files
 * whose decoded audio would exceed MAX_DECODED_BYTES (256 MiB: about 2 h 20 min at 16 kHz, 4 h 40 min at 8 kHz)
 * are refused with an error value instead.
 *
 * A wav file whose header states another rate than its format (a 16 kHz `.wav`) is read at the rate it states;
 * Asterisk's format_wav would refuse it. Anything else the header says wrong is an error value, never a throw.
 */
import { open } from 'node:fs/promises';
import { decodeAudioData, samplesInBytes } from './file-codec.js';
import { resolveSupportedFormat, type SupportedFileFormat } from './format-table.js';
import { parseWavLayout } from './wav.js';

export interface DecodedAudio {
  sampleRate: 8000 | 16000;
  /** Mono signed-linear samples. Shared by every user of a cached file: read only. */
  samples: Int16Array;
  /** Asterisk's name of the file's format (wav, wav16, gsm, pcm, alaw, sln, sln16). */
  format: string;
}

export interface AudioFileError {
  error: string;
}

/** Decoded audio larger than this is refused. */
export const MAX_DECODED_BYTES = 256 * 1024 * 1024;
const BYTES_PER_SAMPLE = 2;

/**
 * Loads `path` as `format`, a file extension (`ulaw`, `wav16`) or an Asterisk format name (`pcm`).
 * Resolves to the samples or to `{ error }`: unknown format, missing or unreadable file, bad header, too large.
 */
export async function loadAudioFile(path: string, format: string): Promise<DecodedAudio | AudioFileError> {
  const fmt = resolveSupportedFormat(format);
  if (fmt === undefined) return { error: `unsupported format '${format}'` };
  let bytes: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      const st = await handle.stat();
      if (!st.isFile()) return { error: `${path}: not a regular file` };
      const tooLarge = checkSize(fmt, st.size);
      if (tooLarge !== undefined) return tooLarge;
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch (err) {
    return { error: `${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  return decodeFileBytes(bytes, fmt);
}

/** Decodes a whole file's bytes already in memory. */
export function decodeFileBytes(bytes: Uint8Array, fmt: SupportedFileFormat): DecodedAudio | AudioFileError {
  if (fmt.encoding !== 'wav') {
    return { sampleRate: fmt.sampleRate, samples: decodeAudioData(fmt.encoding, bytes), format: fmt.name };
  }
  const layout = parseWavLayout(bytes);
  if ('error' in layout) return { error: `wav: ${layout.error}` };
  const data = bytes.subarray(layout.dataOffset, layout.dataOffset + layout.dataBytes);
  return { sampleRate: layout.sampleRate, samples: decodeAudioData('wav', data), format: fmt.name };
}

function checkSize(fmt: SupportedFileFormat, fileBytes: number): AudioFileError | undefined {
  const decodedBytes = samplesInBytes(fmt.encoding, fileBytes) * BYTES_PER_SAMPLE;
  if (decodedBytes <= MAX_DECODED_BYTES) return undefined;
  return { error: `file too large: ${decodedBytes} bytes decoded, limit ${MAX_DECODED_BYTES}` };
}
