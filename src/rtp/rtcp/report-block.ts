/*
 * RTCP reception report block — RFC 3550 §6.4.1 (shared by SR and RR).
 *
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *       |                 SSRC_1 (SSRC of first source)                 |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       | fraction lost |       cumulative number of packets lost       |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |           extended highest sequence number received           |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                      interarrival jitter                      |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                         last SR (LSR)                         |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                   delay since last SR (DLSR)                  |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 */

export const REPORT_BLOCK_SIZE = 24;

export interface ReportBlock {
  ssrc: number;
  /** Fixed point, lost / expected × 256, over the last interval. */
  fractionLost: number;
  /** 24-bit signed: negative when duplicates outnumber losses. */
  cumulativeLost: number;
  extendedHighestSeq: number;
  /** Timestamp units. */
  jitter: number;
  /** Middle 32 bits of the last SR's NTP timestamp; 0 if none. */
  lastSr: number;
  /** Units of 1/65536 s since that SR arrived; 0 if none. */
  delaySinceLastSr: number;
}

export function createReportBlock(): ReportBlock {
  return {
    ssrc: 0,
    fractionLost: 0,
    cumulativeLost: 0,
    extendedHighestSeq: 0,
    jitter: 0,
    lastSr: 0,
    delaySinceLastSr: 0,
  };
}

/** Reads a block at `offset`; the caller has checked that 24 bytes are there. */
export function readReportBlock(buf: Buffer, offset: number, out: ReportBlock): void {
  out.ssrc = buf.readUInt32BE(offset);
  out.fractionLost = buf[offset + 4]!;
  out.cumulativeLost = buf.readIntBE(offset + 5, 3);
  out.extendedHighestSeq = buf.readUInt32BE(offset + 8);
  out.jitter = buf.readUInt32BE(offset + 12);
  out.lastSr = buf.readUInt32BE(offset + 16);
  out.delaySinceLastSr = buf.readUInt32BE(offset + 20);
}

export function writeReportBlock(b: ReportBlock, dst: Buffer, offset: number): number {
  dst.writeUInt32BE(b.ssrc >>> 0, offset);
  dst[offset + 4] = b.fractionLost & 0xff;
  const lost = Math.max(-0x800000, Math.min(0x7fffff, b.cumulativeLost));
  dst.writeIntBE(lost, offset + 5, 3);
  dst.writeUInt32BE(b.extendedHighestSeq >>> 0, offset + 8);
  dst.writeUInt32BE(b.jitter >>> 0, offset + 12);
  dst.writeUInt32BE(b.lastSr >>> 0, offset + 16);
  dst.writeUInt32BE(b.delaySinceLastSr >>> 0, offset + 20);
  return REPORT_BLOCK_SIZE;
}
