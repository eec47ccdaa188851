/*
 * Fixes wav files whose header sizes disagree with the file: a recording whose process died before (Asterisk: at
 * all, since it writes sizes only on close) or while (here: between the samples and the header) it rewrote the
 * header. Run over the recordings folder at start-up, so every stored recording plays in full with any player.
 *
 * Only a data chunk that ends the file is extended: when the bytes after the declared data look like another
 * chunk (a four-character id and a size that fits in the file), the file is left alone. A partial last sample
 * (a write cut mid-way) is cut off so the data stays whole samples.
 */
import { open, readdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWavLayout, wavSizeFields, type WavLayout, WAV_RIFF_SIZE_OFFSET } from './wav.js';

/** Enough of a file to reach its data chunk past the usual LIST/bext chunks. */
const HEAD_BYTES = 64 * 1024;
const CHUNK_HEADER_BYTES = 8;
const BYTES_PER_SAMPLE = 2;

export interface WavRepairResult {
  /** True when the header or the length was changed. */
  repaired: boolean;
  layout: WavLayout;
}

/** Repairs the wav file at `path` in place (see the file comment). Never throws. */
export async function repairWav(path: string): Promise<WavRepairResult | { error: string }> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r+');
    return await repairOpenWav(handle);
  } catch (err) {
    return { error: `${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  } finally {
    await handle?.close();
  }
}

/** Repairs a wav file open for reading and writing; afterwards its data chunk is consistent. */
export async function repairOpenWav(handle: FileHandle): Promise<WavRepairResult | { error: string }> {
  const fileBytes = (await handle.stat()).size;
  const head = new Uint8Array(Math.min(fileBytes, HEAD_BYTES));
  await handle.read(head, 0, head.length, 0);
  const layout = parseWavLayout(head, fileBytes);
  if ('error' in layout) return { error: `wav: ${layout.error}` };

  const { dataOffset, declaredDataBytes } = layout;
  let dataBytes = layout.dataBytes;
  if (!layout.isDataLast && !(await chunkFollows(handle, dataOffset + declaredDataBytes, fileBytes))) {
    dataBytes = fileBytes - dataOffset; // samples written after the header's last update
  }
  if (!layout.isDataLast && dataBytes === layout.dataBytes) return { repaired: false, layout };
  dataBytes -= dataBytes % BYTES_PER_SAMPLE;

  const sizes = wavSizeFields(dataOffset, dataBytes);
  const endOfData = dataOffset + dataBytes;
  const isConsistent =
    fileBytes === endOfData && sizes.dataSize === declaredDataBytes && sizes.riffSize === layout.declaredRiffBytes;
  const fixed: WavLayout = { ...layout, dataBytes, declaredDataBytes: dataBytes, declaredRiffBytes: sizes.riffSize };
  if (isConsistent) return { repaired: false, layout: fixed };

  if (fileBytes > endOfData) await handle.truncate(endOfData);
  await writeSizes(handle, dataOffset, dataBytes);
  return { repaired: true, layout: { ...fixed, isDataLast: true } };
}

/** Writes the RIFF and data sizes for `dataBytes` of samples starting at `dataOffset`. */
export async function writeSizes(handle: FileHandle, dataOffset: number, dataBytes: number): Promise<void> {
  const { riffSize, dataSize } = wavSizeFields(dataOffset, dataBytes);
  const field = Buffer.allocUnsafe(4);
  field.writeUInt32LE(riffSize, 0);
  await handle.write(field, 0, 4, WAV_RIFF_SIZE_OFFSET);
  field.writeUInt32LE(dataSize, 0);
  await handle.write(field, 0, 4, dataOffset - 4);
}

/** True when a plausible RIFF chunk (printable id, size within the file) starts at `at` (after a pad byte). */
async function chunkFollows(handle: FileHandle, at: number, fileBytes: number): Promise<boolean> {
  const header = Buffer.alloc(CHUNK_HEADER_BYTES);
  for (const start of at % 2 === 1 ? [at + 1, at] : [at]) {
    if (start + CHUNK_HEADER_BYTES > fileBytes) continue;
    await handle.read(header, 0, CHUNK_HEADER_BYTES, start);
    const isId = header.subarray(0, 4).every((c) => c >= 0x20 && c <= 0x7e);
    if (isId && start + CHUNK_HEADER_BYTES + header.readUInt32LE(4) <= fileBytes) return true;
  }
  return false;
}

export interface WavRepairSummary {
  checked: number;
  repaired: string[];
  failed: { path: string; error: string }[];
}

/**
 * Repairs every `.wav` and `.wav16` file under `dir` (recursively). A missing folder is an empty summary.
 * Meant for start-up, before anything records into the folder.
 */
export async function repairWavFiles(dir: string): Promise<WavRepairSummary> {
  const summary: WavRepairSummary = { checked: 0, repaired: [], failed: [] };
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch {
    return summary;
  }
  for (const name of names.sort()) {
    if (!name.endsWith('.wav') && !name.endsWith('.wav16')) continue;
    const path = join(dir, name);
    summary.checked++;
    const result = await repairWav(path);
    if ('error' in result) summary.failed.push({ path, error: result.error });
    else if (result.repaired) summary.repaired.push(path);
  }
  return summary;
}
