/*
 * RTP fixed header — RFC 3550 §5.1, header extension §5.3.1, padding §5.1 (P bit).
 *
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                           timestamp                           |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |           synchronization source (SSRC) identifier            |
 *    +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 *    |            contributing source (CSRC) identifiers             |
 *    |                             ....                              |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Header extension (§5.3.1), present when X = 1:
 *
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |      defined by profile       |           length              |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |                        header extension                       |
 *    |                             ....                              |
 *
 * `length` counts 32-bit words of extension data, excluding the 4-byte extension header itself.
 * With P = 1 the last payload octet counts the padding octets, itself included.
 */

export const RTP_HEADER_SIZE = 12;
export const RTP_VERSION = 2;

export type RtpParseError =
  | 'short-header' // fewer than 12 bytes
  | 'bad-version' // V != 2
  | 'short-csrc' // CC says more CSRC words than the packet holds
  | 'short-extension-header' // X = 1 but no room for the 4-byte extension header
  | 'short-extension' // extension length runs past the end
  | 'bad-padding'; // P = 1 with a padding count of 0 or larger than what follows the header

export interface RtpPacket {
  version: number;
  hasPadding: boolean;
  hasExtension: boolean;
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  /** CSRC list; its length is CC. Reused by `parseRtp` (truncated/extended in place). */
  csrc: number[];
  /** "defined by profile" 16 bits of the extension header (0xBEDE for RFC 8285 one-byte). */
  extensionProfile: number;
  /** Extension data without its 4-byte header; a view into the packet. Length is a multiple of 4. */
  extensionData: Buffer;
  /** Payload without padding; a view into the packet: copy it if it must outlive this tick. */
  payload: Buffer;
  /** Padding octets including the count octet; 0 when P = 0. */
  paddingSize: number;
}

const EMPTY = Buffer.alloc(0);

/** A blank packet to parse into (one per socket) or to fill before `writeRtp`. */
export function createRtpPacket(): RtpPacket {
  return {
    version: RTP_VERSION,
    hasPadding: false,
    hasExtension: false,
    marker: false,
    payloadType: 0,
    sequenceNumber: 0,
    timestamp: 0,
    ssrc: 0,
    csrc: [],
    extensionProfile: 0,
    extensionData: EMPTY,
    payload: EMPTY,
    paddingSize: 0,
  };
}

/**
 * Parses one RTP packet into `out`. Never throws on network bytes: a malformed packet returns the reason and
 * leaves `out` partially filled (the caller drops the packet and counts the reason).
 */
export function parseRtp(buf: Buffer, out: RtpPacket): RtpParseError | undefined {
  const len = buf.length;
  if (len < RTP_HEADER_SIZE) return 'short-header';
  const b0 = buf[0]!;
  const version = b0 >> 6;
  if (version !== RTP_VERSION) return 'bad-version';
  const cc = b0 & 0x0f;
  let offset = RTP_HEADER_SIZE + cc * 4;
  if (len < offset) return 'short-csrc';
  const b1 = buf[1]!;
  out.version = version;
  out.hasPadding = (b0 & 0x20) !== 0;
  out.hasExtension = (b0 & 0x10) !== 0;
  out.marker = (b1 & 0x80) !== 0;
  out.payloadType = b1 & 0x7f;
  out.sequenceNumber = buf.readUInt16BE(2);
  out.timestamp = buf.readUInt32BE(4);
  out.ssrc = buf.readUInt32BE(8);
  const csrc = out.csrc;
  csrc.length = cc;
  for (let i = 0; i < cc; i++) csrc[i] = buf.readUInt32BE(RTP_HEADER_SIZE + i * 4);

  if (out.hasExtension) {
    if (len < offset + 4) return 'short-extension-header';
    out.extensionProfile = buf.readUInt16BE(offset);
    const extEnd = offset + 4 + buf.readUInt16BE(offset + 2) * 4;
    if (len < extEnd) return 'short-extension';
    out.extensionData = buf.subarray(offset + 4, extEnd);
    offset = extEnd;
  } else {
    out.extensionProfile = 0;
    out.extensionData = EMPTY;
  }

  let end = len;
  if (out.hasPadding) {
    // RFC 3550 §5.1: the last octet counts the padding octets, itself included; 0 is invalid (A.1 check).
    const pad = buf[len - 1]!;
    if (pad === 0 || pad > len - offset) return 'bad-padding';
    end = len - pad;
    out.paddingSize = pad;
  } else {
    out.paddingSize = 0;
  }
  out.payload = buf.subarray(offset, end);
  return undefined;
}

/** Bytes `writeRtp(p, …)` writes: header, CSRCs, extension, payload and padding. */
export function rtpSize(p: RtpPacket): number {
  let size = RTP_HEADER_SIZE + p.csrc.length * 4 + p.payload.length;
  if (p.hasExtension) size += 4 + p.extensionData.length;
  if (p.hasPadding) size += p.paddingSize;
  return size;
}

/**
 * Serializes `p` into `dst` at `offset`; returns the number of bytes written. Throws RangeError on a
 * programmer error (no room, more than 15 CSRCs, extension data not a multiple of 4, bad padding size).
 */
export function writeRtp(p: RtpPacket, dst: Buffer, offset: number): number {
  const cc = p.csrc.length;
  if (cc > 15) throw new RangeError(`RTP: ${cc} CSRCs, at most 15`);
  if (p.hasExtension && (p.extensionData.length % 4 !== 0 || p.extensionData.length > 0xffff * 4)) {
    throw new RangeError('RTP: extension not 32-bit aligned or longer than 65535 words');
  }
  if (p.hasPadding && (p.paddingSize < 1 || p.paddingSize > 255)) throw new RangeError('RTP: padding must be 1..255');
  const size = rtpSize(p);
  if (offset < 0 || offset + size > dst.length) throw new RangeError(`RTP: ${size} bytes do not fit at ${offset}`);
  const view = dst;
  view[offset] = (RTP_VERSION << 6) | (p.hasPadding ? 0x20 : 0) | (p.hasExtension ? 0x10 : 0) | cc;
  view[offset + 1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  view.writeUInt16BE(p.sequenceNumber & 0xffff, offset + 2);
  view.writeUInt32BE(p.timestamp >>> 0, offset + 4);
  view.writeUInt32BE(p.ssrc >>> 0, offset + 8);
  let o = offset + RTP_HEADER_SIZE;
  for (let i = 0; i < cc; i++, o += 4) view.writeUInt32BE(p.csrc[i]! >>> 0, o);
  if (p.hasExtension) {
    view.writeUInt16BE(p.extensionProfile & 0xffff, o);
    view.writeUInt16BE(p.extensionData.length / 4, o + 2);
    o += 4;
    o += p.extensionData.copy(view, o);
  }
  o += p.payload.copy(view, o);
  if (p.hasPadding) {
    view.fill(0, o, o + p.paddingSize - 1);
    o += p.paddingSize;
    view[o - 1] = p.paddingSize;
  }
  return o - offset;
}
