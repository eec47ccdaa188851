/*
 * RIFF/WAVE headers for 16-bit mono PCM, as Asterisk's format_wav reads and writes them (Microsoft RIFF spec,
 * "WAVE form"; the extensible variant per Microsoft's WAVEFORMATEXTENSIBLE):
 *
 *   0  "RIFF"  4  riff size = file length − 8   8  "WAVE"
 *   12 "fmt "  16 16  20 tag 1 (PCM)  22 channels 1  24 sample rate  28 bytes/s  32 block align 2  34 bits 16
 *   36 "data"  40 data size  44 samples, little-endian int16
 *
 * Reading is lenient where crashes and other writers leave marks: unknown chunks (LIST, fact, bext …) are skipped
 * with their pad byte (chunks are word-aligned), and a data size of 0, 0xFFFFFFFF (streaming writers) or one
 * larger than the file (a recording cut off before its header was rewritten) means "up to the end of the file".
 * Asterisk itself writes sizes only when a recording closes, so a crash leaves its files with data size 0.
 */

export const WAV_HEADER_BYTES = 44;
const RIFF_SIZE_OFFSET = 4;
const DATA_SIZE_OFFSET = 40;
const CHUNK_HEADER_BYTES = 8;
const MIN_FMT_BYTES = 16;
const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const EXTENSIBLE_SUBFORMAT_OFFSET = 24; // within the fmt chunk body: the GUID, whose first two bytes are the tag
const BITS_PER_SAMPLE = 16;
const BYTES_PER_SAMPLE = 2;
const STREAMING_SIZE = 0xffffffff;

export type WavSampleRate = 8000 | 16000;

export interface WavLayout {
  sampleRate: WavSampleRate;
  /** Where the samples start. */
  dataOffset: number;
  /** Whole samples present, in bytes (even): the declared size, or what the file holds when that is unusable. */
  dataBytes: number;
  /** The data size the header states. */
  declaredDataBytes: number;
  /** The RIFF size the header states. */
  declaredRiffBytes: number;
  /** True when nothing but (possibly) one pad byte follows the declared data: it can be appended to. */
  isDataLast: boolean;
}

export type WavError =
  | 'not-riff'
  | 'not-wave'
  | 'bad-fmt'
  | 'not-pcm'
  | 'not-mono'
  | 'not-16-bit'
  | 'unsupported-rate'
  | 'no-fmt'
  | 'no-data';

const ascii = (b: Uint8Array, at: number): string =>
  String.fromCharCode(b[at] ?? 0, b[at + 1] ?? 0, b[at + 2] ?? 0, b[at + 3] ?? 0);

/**
 * Reads the layout of a wav file from its first bytes. `head` may be only the start of the file (enough to reach
 * the data chunk's header); `fileBytes` is the whole file's length. Never throws.
 */
export function parseWavLayout(head: Uint8Array, fileBytes = head.length): WavLayout | { error: WavError } {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length < 12 || ascii(head, 0) !== 'RIFF') return { error: 'not-riff' };
  if (ascii(head, 8) !== 'WAVE') return { error: 'not-wave' };
  const declaredRiffBytes = view.getUint32(RIFF_SIZE_OFFSET, true);
  let sampleRate: WavSampleRate | undefined;
  let pos = 12;
  while (pos + CHUNK_HEADER_BYTES <= head.length) {
    const id = ascii(head, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + CHUNK_HEADER_BYTES;
    if (id === 'fmt ') {
      const fmt = parseFmt(view, body, size);
      if (typeof fmt === 'string') return { error: fmt };
      sampleRate = fmt;
    } else if (id === 'data') {
      if (sampleRate === undefined) return { error: 'no-fmt' };
      const available = Math.max(0, fileBytes - body);
      const isUnusable = size === 0 || size === STREAMING_SIZE || size > available;
      const usable = isUnusable ? available : size;
      return {
        sampleRate,
        dataOffset: body,
        dataBytes: usable - (usable % BYTES_PER_SAMPLE),
        declaredDataBytes: size,
        declaredRiffBytes,
        isDataLast: isUnusable || body + size + (size & 1) >= fileBytes,
      };
    }
    pos = body + size + (size & 1); // RIFF chunks are word-aligned: an odd size is followed by a pad byte
  }
  return { error: sampleRate === undefined ? 'no-fmt' : 'no-data' };
}

function parseFmt(view: DataView, body: number, size: number): WavSampleRate | WavError {
  if (size < MIN_FMT_BYTES || body + MIN_FMT_BYTES > view.byteLength) return 'bad-fmt';
  let tag = view.getUint16(body, true);
  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    const sub = body + EXTENSIBLE_SUBFORMAT_OFFSET;
    if (size < EXTENSIBLE_SUBFORMAT_OFFSET + 2 || sub + 2 > view.byteLength) return 'bad-fmt';
    tag = view.getUint16(sub, true);
  }
  if (tag !== WAVE_FORMAT_PCM) return 'not-pcm';
  if (view.getUint16(body + 2, true) !== 1) return 'not-mono';
  if (view.getUint16(body + 14, true) !== BITS_PER_SAMPLE) return 'not-16-bit';
  const rate = view.getUint32(body + 4, true);
  return rate === 8000 || rate === 16000 ? rate : 'unsupported-rate';
}

/** The 44-byte header Asterisk writes (format_wav write_header), with the sizes for `dataBytes` of samples. */
export function wavHeader(sampleRate: WavSampleRate, dataBytes = 0): Uint8Array {
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  header.set([0x52, 0x49, 0x46, 0x46], 0); // RIFF
  header.set([0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20], 8); // WAVEfmt
  view.setUint32(16, MIN_FMT_BYTES, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * BYTES_PER_SAMPLE, true);
  view.setUint16(32, BYTES_PER_SAMPLE, true);
  view.setUint16(34, BITS_PER_SAMPLE, true);
  header.set([0x64, 0x61, 0x74, 0x61], 36); // data
  writeWavSizes(header, DATA_SIZE_OFFSET + 4, dataBytes);
  return header;
}

/**
 * The two size fields for `dataBytes` of samples starting at `dataOffset`: the RIFF size (at file offset 4) counts
 * everything after itself, with the pad byte an odd data chunk needs; the data size goes at `dataOffset − 4`.
 */
export function wavSizeFields(dataOffset: number, dataBytes: number): { riffSize: number; dataSize: number } {
  return { riffSize: dataOffset - CHUNK_HEADER_BYTES + dataBytes + (dataBytes & 1), dataSize: dataBytes };
}

/** Writes both size fields into a header buffer that holds at least the bytes up to `dataOffset`. */
export function writeWavSizes(header: Uint8Array, dataOffset: number, dataBytes: number): void {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const { riffSize, dataSize } = wavSizeFields(dataOffset, dataBytes);
  view.setUint32(RIFF_SIZE_OFFSET, riffSize, true);
  view.setUint32(dataOffset - 4, dataSize, true);
}

export const WAV_RIFF_SIZE_OFFSET = RIFF_SIZE_OFFSET;
