/*
 * RTCP goodbye (BYE, PT 203) — RFC 3550 §6.6.
 *
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|    SC   |   PT=BYE=203  |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                           SSRC/CSRC                           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       :                              ...                              :
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * (opt) |     length    |               reason for leaving            ...
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
import { writeRtcpHeader } from './reports.js';

export const RTCP_PT_BYE = 203;

export interface Bye {
  ssrcs: number[];
  /** '' when absent. */
  reason: string;
}

export function createBye(): Bye {
  return { ssrcs: [], reason: '' };
}

export function parseBye(body: Buffer, sc: number, out: Bye): 'short-bye' | undefined {
  const end = sc * 4;
  if (body.length < end) return 'short-bye';
  for (let i = 0; i < sc; i++) out.ssrcs[i] = body.readUInt32BE(i * 4);
  out.ssrcs.length = sc;
  out.reason = '';
  if (body.length > end) {
    const length = body[end]!;
    if (end + 1 + length > body.length) return 'short-bye';
    out.reason = body.toString('utf8', end + 1, end + 1 + length);
  }
  return undefined;
}

export function byeSize(bye: Bye): number {
  const reason = bye.reason.length === 0 ? 0 : (1 + Buffer.byteLength(bye.reason) + 3) & ~3;
  return 4 + bye.ssrcs.length * 4 + reason;
}

export function writeBye(bye: Bye, dst: Buffer, offset: number): number {
  const size = byeSize(bye);
  if (offset + size > dst.length) throw new RangeError('RTCP BYE: no room');
  writeRtcpHeader(bye.ssrcs.length, RTCP_PT_BYE, size, dst, offset);
  let o = offset + 4;
  for (const ssrc of bye.ssrcs) {
    dst.writeUInt32BE(ssrc >>> 0, o);
    o += 4;
  }
  if (bye.reason.length > 0) {
    const length = Buffer.byteLength(bye.reason);
    if (length > 255) throw new RangeError('RTCP BYE: reason longer than 255 bytes');
    dst[o] = length;
    dst.write(bye.reason, o + 1, 'utf8');
    dst.fill(0, o + 1 + length, offset + size);
  }
  return size;
}
