/*
 * Compound RTCP packets — RFC 3550 §6.1 (structure) and Appendix A.2 (validity checks).
 *
 *        0                   1                   2                   3
 *        0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *       |V=2|P|  RC/SC  |      PT       |   length (32-bit words − 1)   |
 *       +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * One datagram holds several packets back to back: the first is an SR or RR, only the last may be padded,
 * and the lengths add up to the datagram. Parsing never throws on network bytes; it returns a reason.
 * Packet types other than SR, RR, SDES and BYE (APP, RTPFB, PSFB, XR, …) are counted and skipped.
 */
import { createBye, parseBye, byeSize, writeBye, RTCP_PT_BYE, type Bye } from './bye.js';
import {
  createReceiverReport,
  createSenderReport,
  parseReceiverReport,
  parseSenderReport,
  receiverReportSize,
  senderReportSize,
  writeReceiverReport,
  writeSenderReport,
  RTCP_PT_RR,
  RTCP_PT_SR,
  type ReceiverReport,
  type SenderReport,
} from './reports.js';
import { parseSdes, sdesSize, writeSdes, RTCP_PT_SDES, type SdesChunk } from './sdes.js';

export type RtcpParseError =
  | 'short-header' // fewer than 4 bytes where a packet header should start
  | 'bad-version' // V != 2
  | 'bad-length' // a packet's length runs past the datagram
  | 'first-not-report' // A.2: the first packet must be SR or RR
  | 'padding-not-last' // A.2: only the last packet may have P = 1
  | 'bad-padding' // padding count 0 or larger than the packet body
  | 'short-sr'
  | 'short-rr'
  | 'short-sdes'
  | 'bad-sdes-item'
  | 'short-bye';

export interface RtcpCompound {
  senderReports: SenderReport[];
  receiverReports: ReceiverReport[];
  /** Chunks of every SDES packet, in order. */
  sdes: SdesChunk[];
  byes: Bye[];
  /** Packets of other types, skipped. */
  otherCount: number;
}

/** An empty compound: parse into it (reused per socket) or fill it to build one. */
export function createRtcpCompound(): RtcpCompound {
  return { senderReports: [], receiverReports: [], sdes: [], byes: [], otherCount: 0 };
}

// Scratch list for one SDES packet's chunks before they are appended to `out.sdes`.
const sdesScratch: SdesChunk[] = [];

/**
 * Parses a compound RTCP datagram into `out`, reusing its objects (an RTCP datagram arrives every few
 * seconds; objects are created only when one holds more items than any before). On a reason, `out` holds
 * what was parsed before the bad packet.
 */
export function parseRtcpCompound(buf: Buffer, out: RtcpCompound): RtcpParseError | undefined {
  let nSr = 0,
    nRr = 0,
    nSdes = 0,
    nBye = 0;
  out.otherCount = 0;
  let reason: RtcpParseError | undefined;
  let offset = 0;
  if (buf.length === 0) reason = 'short-header';
  while (reason === undefined && offset < buf.length) {
    if (buf.length - offset < 4) {
      reason = 'short-header';
      break;
    }
    const b0 = buf[offset]!;
    const pt = buf[offset + 1]!;
    const count = b0 & 0x1f;
    const size = (buf.readUInt16BE(offset + 2) + 1) * 4;
    if (b0 >> 6 !== 2) reason = 'bad-version';
    else if (offset + size > buf.length) reason = 'bad-length';
    else if (offset === 0 && pt !== RTCP_PT_SR && pt !== RTCP_PT_RR) reason = 'first-not-report';
    if (reason !== undefined) break;
    let bodyEnd = offset + size;
    if (b0 & 0x20) {
      if (bodyEnd !== buf.length) {
        reason = 'padding-not-last';
        break;
      }
      const pad = buf[bodyEnd - 1]!;
      if (pad === 0 || pad > size - 4) {
        reason = 'bad-padding';
        break;
      }
      bodyEnd -= pad;
    }
    const body = buf.subarray(offset + 4, bodyEnd);
    switch (pt) {
      case RTCP_PT_SR: {
        const sr = (out.senderReports[nSr] ??= createSenderReport());
        reason = parseSenderReport(body, count, sr);
        nSr++;
        break;
      }
      case RTCP_PT_RR: {
        const rr = (out.receiverReports[nRr] ??= createReceiverReport());
        reason = parseReceiverReport(body, count, rr);
        nRr++;
        break;
      }
      case RTCP_PT_SDES: {
        for (let i = 0; i < count; i++) sdesScratch[i] = out.sdes[nSdes + i] ?? { ssrc: 0, cname: '' };
        reason = parseSdes(body, count, sdesScratch);
        for (let i = 0; i < sdesScratch.length; i++) out.sdes[nSdes + i] = sdesScratch[i]!;
        nSdes += sdesScratch.length;
        sdesScratch.length = 0;
        break;
      }
      case RTCP_PT_BYE: {
        const bye = (out.byes[nBye] ??= createBye());
        reason = parseBye(body, count, bye);
        nBye++;
        break;
      }
      default:
        out.otherCount++;
    }
    offset += size;
  }
  out.senderReports.length = nSr;
  out.receiverReports.length = nRr;
  out.sdes.length = nSdes;
  out.byes.length = nBye;
  return reason;
}

/** Bytes `writeRtcpCompound` writes. */
export function rtcpCompoundSize(c: RtcpCompound): number {
  let size = 0;
  for (const sr of c.senderReports) size += senderReportSize(sr);
  for (const rr of c.receiverReports) size += receiverReportSize(rr);
  if (c.sdes.length > 0) size += sdesSize(c.sdes);
  for (const bye of c.byes) size += byeSize(bye);
  return size;
}

/**
 * Writes SRs, RRs, one SDES packet with every chunk, then BYEs (the §6.1 order); returns the bytes written.
 * Throws RangeError when it does not fit or when the compound does not start with a report (§6.1: an RR,
 * possibly empty, must come first).
 */
export function writeRtcpCompound(c: RtcpCompound, dst: Buffer, offset: number): number {
  if (c.senderReports.length + c.receiverReports.length === 0) throw new RangeError('RTCP: compound without SR/RR');
  if (offset + rtcpCompoundSize(c) > dst.length) throw new RangeError('RTCP: compound does not fit');
  let o = offset;
  for (const sr of c.senderReports) o += writeSenderReport(sr, dst, o);
  for (const rr of c.receiverReports) o += writeReceiverReport(rr, dst, o);
  if (c.sdes.length > 0) o += writeSdes(c.sdes, dst, o);
  for (const bye of c.byes) o += writeBye(bye, dst, o);
  return o - offset;
}
