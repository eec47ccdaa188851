/*
 * RTCP sender report (SR, PT 200, RFC 3550 §6.4.1) and receiver report (RR, PT 201, §6.4.2).
 *
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    RC   |   PT=SR=200   |             length            |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                         SSRC of sender                        |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * sender |              NTP timestamp, most significant word             |
 * info   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |             NTP timestamp, least significant word             |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                         RTP timestamp                         |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                     sender's packet count                     |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |                      sender's octet count                     |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *       |                 report blocks (RC × 24 bytes)                 |
 *       +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *
 * An RR is the same without the sender info (PT 201). Profile-specific extensions after the blocks are skipped.
 */
import {
  REPORT_BLOCK_SIZE,
  createReportBlock,
  readReportBlock,
  writeReportBlock,
  type ReportBlock,
} from './report-block.js';

export const RTCP_PT_SR = 200;
export const RTCP_PT_RR = 201;
const SENDER_INFO_SIZE = 20;

export interface SenderReport {
  ssrc: number;
  /** NTP timestamp, seconds since 1900 (most significant word). */
  ntpSeconds: number;
  /** NTP timestamp, fraction of a second × 2^32 (least significant word). */
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReportBlock[];
}

export interface ReceiverReport {
  ssrc: number;
  reports: ReportBlock[];
}

export function createSenderReport(): SenderReport {
  return { ssrc: 0, ntpSeconds: 0, ntpFraction: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0, reports: [] };
}

export function createReceiverReport(): ReceiverReport {
  return { ssrc: 0, reports: [] };
}

/** Middle 32 bits of an SR's NTP timestamp: the LSR a receiver echoes (§6.4.1). */
export function compactNtp(sr: SenderReport): number {
  return ((sr.ntpSeconds << 16) | (sr.ntpFraction >>> 16)) >>> 0;
}

/** Reads `count` blocks from `offset`, reusing `out`'s block objects; the caller checked the length. */
function readBlocks(buf: Buffer, offset: number, count: number, out: ReportBlock[]): void {
  for (let i = 0; i < count; i++) {
    let block = out[i];
    if (block === undefined) out[i] = block = createReportBlock();
    readReportBlock(buf, offset + i * REPORT_BLOCK_SIZE, block);
  }
  out.length = count;
}

/** Body = the packet after its 4-byte header, padding removed. */
export function parseSenderReport(body: Buffer, rc: number, out: SenderReport): 'short-sr' | undefined {
  if (body.length < 4 + SENDER_INFO_SIZE + rc * REPORT_BLOCK_SIZE) return 'short-sr';
  out.ssrc = body.readUInt32BE(0);
  out.ntpSeconds = body.readUInt32BE(4);
  out.ntpFraction = body.readUInt32BE(8);
  out.rtpTimestamp = body.readUInt32BE(12);
  out.packetCount = body.readUInt32BE(16);
  out.octetCount = body.readUInt32BE(20);
  readBlocks(body, 4 + SENDER_INFO_SIZE, rc, out.reports);
  return undefined;
}

export function parseReceiverReport(body: Buffer, rc: number, out: ReceiverReport): 'short-rr' | undefined {
  if (body.length < 4 + rc * REPORT_BLOCK_SIZE) return 'short-rr';
  out.ssrc = body.readUInt32BE(0);
  readBlocks(body, 4, rc, out.reports);
  return undefined;
}

export function senderReportSize(sr: SenderReport): number {
  return 8 + SENDER_INFO_SIZE + sr.reports.length * REPORT_BLOCK_SIZE;
}

export function receiverReportSize(rr: ReceiverReport): number {
  return 8 + rr.reports.length * REPORT_BLOCK_SIZE;
}

function writeHeader(count: number, pt: number, size: number, dst: Buffer, offset: number): void {
  if (count > 31) throw new RangeError(`RTCP: ${count} items, at most 31 per packet`);
  dst[offset] = 0x80 | count;
  dst[offset + 1] = pt;
  dst.writeUInt16BE(size / 4 - 1, offset + 2);
}

export function writeSenderReport(sr: SenderReport, dst: Buffer, offset: number): number {
  const size = senderReportSize(sr);
  if (offset + size > dst.length) throw new RangeError('RTCP SR: no room');
  writeHeader(sr.reports.length, RTCP_PT_SR, size, dst, offset);
  dst.writeUInt32BE(sr.ssrc >>> 0, offset + 4);
  dst.writeUInt32BE(sr.ntpSeconds >>> 0, offset + 8);
  dst.writeUInt32BE(sr.ntpFraction >>> 0, offset + 12);
  dst.writeUInt32BE(sr.rtpTimestamp >>> 0, offset + 16);
  dst.writeUInt32BE(sr.packetCount >>> 0, offset + 20);
  dst.writeUInt32BE(sr.octetCount >>> 0, offset + 24);
  let o = offset + 28;
  for (const block of sr.reports) o += writeReportBlock(block, dst, o);
  return size;
}

export function writeReceiverReport(rr: ReceiverReport, dst: Buffer, offset: number): number {
  const size = receiverReportSize(rr);
  if (offset + size > dst.length) throw new RangeError('RTCP RR: no room');
  writeHeader(rr.reports.length, RTCP_PT_RR, size, dst, offset);
  dst.writeUInt32BE(rr.ssrc >>> 0, offset + 4);
  let o = offset + 8;
  for (const block of rr.reports) o += writeReportBlock(block, dst, o);
  return size;
}

export { writeHeader as writeRtcpHeader };
