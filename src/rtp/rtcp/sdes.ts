/*
 * RTCP source description (SDES, PT 202) — RFC 3550 §6.5; only CNAME (§6.5.1, item type 1) is kept.
 *
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * chunk  |                          SSRC/CSRC_1                          |
 *   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |    CNAME=1    |     length    | user and domain name        ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Each chunk's item list ends with a null octet, then nulls up to the next 32-bit boundary.
 */
import { writeRtcpHeader } from './reports.js';

export const RTCP_PT_SDES = 202;
export const SDES_CNAME = 1;

export type SdesParseError = 'short-sdes' | 'bad-sdes-item';

export interface SdesChunk {
  ssrc: number;
  /** CNAME item, '' when the chunk has none. */
  cname: string;
}

/** Parses the chunks of a body (the packet after its header, 32-bit aligned, padding removed). */
export function parseSdes(body: Buffer, sc: number, out: SdesChunk[]): SdesParseError | undefined {
  let p = 0;
  for (let i = 0; i < sc; i++) {
    if (p + 4 > body.length) return 'short-sdes';
    let chunk = out[i];
    if (chunk === undefined) out[i] = chunk = { ssrc: 0, cname: '' };
    chunk.ssrc = body.readUInt32BE(p);
    chunk.cname = '';
    p += 4;
    for (;;) {
      if (p >= body.length) return 'short-sdes'; // no terminating null item
      const type = body[p]!;
      if (type === 0) break;
      if (p + 2 > body.length) return 'bad-sdes-item';
      const end = p + 2 + body[p + 1]!;
      if (end > body.length) return 'bad-sdes-item';
      if (type === SDES_CNAME) chunk.cname = body.toString('utf8', p + 2, end);
      p = end;
    }
    p = (p + 4) & ~3; // past the null octet, to the next 32-bit boundary
  }
  out.length = sc;
  return undefined;
}

function chunkSize(chunk: SdesChunk): number {
  // SSRC + (type, length, text) + null, padded to 32 bits
  return 4 + ((2 + Buffer.byteLength(chunk.cname) + 1 + 3) & ~3);
}

export function sdesSize(chunks: readonly SdesChunk[]): number {
  let size = 4;
  for (const chunk of chunks) size += chunkSize(chunk);
  return size;
}

/** Writes one SDES packet with a CNAME item per chunk; returns the bytes written. */
export function writeSdes(chunks: readonly SdesChunk[], dst: Buffer, offset: number): number {
  const size = sdesSize(chunks);
  if (offset + size > dst.length) throw new RangeError('RTCP SDES: no room');
  writeRtcpHeader(chunks.length, RTCP_PT_SDES, size, dst, offset);
  let o = offset + 4;
  for (const chunk of chunks) {
    const end = o + chunkSize(chunk);
    const length = Buffer.byteLength(chunk.cname);
    if (length > 255) throw new RangeError('RTCP SDES: CNAME longer than 255 bytes');
    dst.writeUInt32BE(chunk.ssrc >>> 0, o);
    dst[o + 4] = SDES_CNAME;
    dst[o + 5] = length;
    dst.write(chunk.cname, o + 6, 'utf8');
    dst.fill(0, o + 6 + length, end);
    o = end;
  }
  return size;
}
