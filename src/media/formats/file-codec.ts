/*
 * The bytes of each supported file format ↔ signed-linear samples.
 *   wav, wav16, sln, sln16: 16-bit little-endian samples (format_wav, format_sln);
 *   pcm (µ-law), alaw: one G.711 byte per sample (format_pcm);
 *   gsm: raw 33-byte GSM 06.10 frames of 160 samples, back to back (format_gsm).
 */
import { endianness } from 'node:os';
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from '../codecs/g711.js';
import { GSM_FRAME_BYTES, GSM_FRAME_SAMPLES, GsmDecoder, GsmEncoder } from '../codecs/gsm/index.js';
import type { FileEncoding, SupportedFileFormat } from './format-table.js';

const IS_LITTLE_ENDIAN = endianness() === 'LE';
const SLIN_BYTES_PER_SAMPLE = 2;

/** How many samples `byteLength` bytes of the format's audio data hold (whole samples or frames only). */
export function samplesInBytes(encoding: FileEncoding, byteLength: number): number {
  switch (encoding) {
    case 'wav':
    case 'slin':
      return Math.floor(byteLength / SLIN_BYTES_PER_SAMPLE);
    case 'ulaw':
    case 'alaw':
      return byteLength;
    case 'gsm':
      return Math.floor(byteLength / GSM_FRAME_BYTES) * GSM_FRAME_SAMPLES;
  }
}

/** Bytes of audio data that hold `samples` samples (for gsm, rounded up to whole frames). */
export function bytesForSamples(encoding: FileEncoding, samples: number): number {
  switch (encoding) {
    case 'wav':
    case 'slin':
      return samples * SLIN_BYTES_PER_SAMPLE;
    case 'ulaw':
    case 'alaw':
      return samples;
    case 'gsm':
      return Math.ceil(samples / GSM_FRAME_SAMPLES) * GSM_FRAME_BYTES;
  }
}

/**
 * Decodes a file's audio data (for wav, the data chunk only). A trailing partial sample or GSM frame is dropped;
 * a GSM frame without its 0xD signature decodes as silence, as a player would skip it.
 */
export function decodeAudioData(encoding: FileEncoding, data: Uint8Array): Int16Array {
  const out = new Int16Array(samplesInBytes(encoding, data.length));
  switch (encoding) {
    case 'wav':
    case 'slin':
      readSlin(data, out);
      break;
    case 'ulaw':
      decodeUlaw(data, out);
      break;
    case 'alaw':
      decodeAlaw(data, out);
      break;
    case 'gsm': {
      const decoder = new GsmDecoder();
      const frame = new Int16Array(GSM_FRAME_SAMPLES);
      for (let f = 0; f * GSM_FRAME_SAMPLES < out.length; f++) {
        if (decoder.decode(data, f * GSM_FRAME_BYTES, frame)) out.set(frame, f * GSM_FRAME_SAMPLES);
      }
      break;
    }
  }
  return out;
}

function readSlin(data: Uint8Array, out: Int16Array): void {
  if (IS_LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(data.subarray(0, out.byteLength));
    return;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * SLIN_BYTES_PER_SAMPLE, true);
}

/**
 * Encodes signed-linear samples into a format's bytes, frame by frame. GSM needs whole 160-sample frames: samples
 * that do not fill one wait in a carry-over buffer for the next call, and `finish()` pads the last with silence.
 */
export class FileEncoder {
  readonly #encoding: FileEncoding;
  readonly #gsm: GsmEncoder | undefined;
  readonly #carry = new Int16Array(GSM_FRAME_SAMPLES);
  #carried = 0;

  constructor(format: SupportedFileFormat) {
    this.#encoding = format.encoding;
    this.#gsm = format.encoding === 'gsm' ? new GsmEncoder() : undefined;
  }

  /** The most bytes `encode` can produce for `samples` samples (with any carried-over ones). */
  maxBytesFor(samples: number): number {
    return bytesForSamples(this.#encoding, samples + this.#carried);
  }

  /** Samples held back until a whole GSM frame is there. */
  get pendingSamples(): number {
    return this.#carried;
  }

  /** Encodes `samples` into `out` at `offset` (room: maxBytesFor); returns the bytes written. */
  encode(samples: Int16Array, out: Uint8Array, offset: number): number {
    switch (this.#encoding) {
      case 'wav':
      case 'slin':
        writeSlin(samples, out, offset);
        return samples.length * SLIN_BYTES_PER_SAMPLE;
      case 'ulaw':
        encodeUlaw(samples, out, samples.length, offset);
        return samples.length;
      case 'alaw':
        encodeAlaw(samples, out, samples.length, offset);
        return samples.length;
      case 'gsm':
        return this.#encodeGsm(samples, out, offset);
    }
  }

  /** Pads a carried-over partial GSM frame with silence and encodes it; returns the bytes written (0 or 33). */
  finish(out: Uint8Array, offset: number): number {
    if (this.#gsm === undefined || this.#carried === 0) return 0;
    this.#carry.fill(0, this.#carried);
    this.#gsm.encode(this.#carry, out, offset);
    this.#carried = 0;
    return GSM_FRAME_BYTES;
  }

  // Samples are copied into the carry buffer by hand: a subarray view per frame would allocate.
  #encodeGsm(samples: Int16Array, out: Uint8Array, offset: number): number {
    const gsm = this.#gsm!;
    const carry = this.#carry;
    let written = 0;
    let filled = this.#carried;
    for (let i = 0; i < samples.length; i++) {
      carry[filled++] = samples[i]!;
      if (filled === GSM_FRAME_SAMPLES) {
        gsm.encode(carry, out, offset + written);
        written += GSM_FRAME_BYTES;
        filled = 0;
      }
    }
    this.#carried = filled;
    return written;
  }
}

/** Little-endian 16-bit samples, byte by byte: no view to allocate, and right on any host. */
function writeSlin(samples: Int16Array, out: Uint8Array, offset: number): void {
  for (let i = 0, o = offset; i < samples.length; i++, o += SLIN_BYTES_PER_SAMPLE) {
    const s = samples[i]!;
    out[o] = s & 0xff;
    out[o + 1] = (s >> 8) & 0xff;
  }
}
