/*
 * Classic libpcap files of RTP for sipp's `play_pcap_audio`: Ethernet (LINKTYPE_ETHERNET = 1, as in sipp's own
 * /usr/share/sip-tester/g711a.pcap) / IPv4 / UDP / RTP. sipp rewrites the addresses and ports to the SDP peer and
 * replays the packets with their recorded spacing, so only the RTP part and the timestamps matter.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { encodeUlaw } from '../../src/media/codecs/g711.js';

const LINKTYPE_ETHERNET = 1;
const ETH_LEN = 14;
const IP_LEN = 20;
const UDP_LEN = 8;
const RTP_LEN = 12;
const HEADERS = ETH_LEN + IP_LEN + UDP_LEN;
const SAMPLES_PER_PACKET = 160; // 20 ms at 8 kHz
const PACKET_US = 20_000;

export interface RtpOut {
  payloadType: number;
  marker: boolean;
  seq: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
  /** Capture time, µs from the first packet. */
  atUs: number;
}

/** The RTP packets of an Ethernet/IPv4/UDP pcap, as written by this file (or sipp's own samples). */
export interface PcapRead {
  linkType: number;
  packets: RtpOut[];
}

function rtpBytes(p: RtpOut): Buffer {
  const b = Buffer.alloc(RTP_LEN + p.payload.length);
  b[0] = 0x80;
  b[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  b.writeUInt16BE(p.seq & 0xffff, 2);
  b.writeUInt32BE(p.timestamp >>> 0, 4);
  b.writeUInt32BE(p.ssrc >>> 0, 8);
  p.payload.copy(b, RTP_LEN);
  return b;
}

function ipChecksum(b: Buffer, start: number, len: number): number {
  let sum = 0;
  for (let i = start; i < start + len; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function frame(rtp: Buffer, ipId: number): Buffer {
  const f = Buffer.alloc(HEADERS + rtp.length);
  // Ethernet: locally administered MACs, IPv4 ethertype.
  Buffer.from([0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x08, 0x00]).copy(f, 0);
  const ip = ETH_LEN;
  f[ip] = 0x45;
  f.writeUInt16BE(IP_LEN + UDP_LEN + rtp.length, ip + 2);
  f.writeUInt16BE(ipId & 0xffff, ip + 4);
  f[ip + 8] = 64; // TTL
  f[ip + 9] = 17; // UDP
  Buffer.from([127, 0, 0, 1]).copy(f, ip + 12);
  Buffer.from([127, 0, 0, 1]).copy(f, ip + 16);
  f.writeUInt16BE(ipChecksum(f, ip, IP_LEN), ip + 10);
  const udp = ip + IP_LEN;
  f.writeUInt16BE(10000, udp);
  f.writeUInt16BE(20000, udp + 2);
  f.writeUInt16BE(UDP_LEN + rtp.length, udp + 4);
  // UDP checksum 0 = none (allowed over IPv4); sipp recomputes it when it replays.
  rtp.copy(f, udp + UDP_LEN);
  return f;
}

/** Write `packets` (RTP) as a classic little-endian libpcap file. */
export function writeRtpPcap(path: string, packets: readonly RtpOut[]): void {
  const parts: Buffer[] = [];
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16); // snaplen
  global.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  parts.push(global);
  const base = 1_700_000_000; // any fixed epoch: sipp only uses the differences
  packets.forEach((p, i) => {
    const f = frame(rtpBytes(p), i + 1);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(base + Math.floor(p.atUs / 1_000_000), 0);
    rec.writeUInt32LE(p.atUs % 1_000_000, 4);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(f.length, 12);
    parts.push(rec, f);
  });
  writeFileSync(path, Buffer.concat(parts));
}

/** `durationMs` of a `freqHz` sine (amplitude ~ −6 dBFS) as PCMU (PT 0), 20 ms per packet. Returns the packet count. */
export function makeUlawPcap(
  path: string,
  opts: { durationMs: number; freqHz: number; amplitude?: number; ssrc?: number },
): number {
  const count = Math.max(1, Math.round(opts.durationMs / 20));
  const amplitude = opts.amplitude ?? 16000;
  const ssrc = opts.ssrc ?? 0x5eed0001;
  const pcm = new Int16Array(SAMPLES_PER_PACKET);
  const packets: RtpOut[] = [];
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < SAMPLES_PER_PACKET; s++) {
      const n = i * SAMPLES_PER_PACKET + s;
      pcm[s] = Math.round(amplitude * Math.sin((2 * Math.PI * opts.freqHz * n) / 8000));
    }
    const payload = Buffer.alloc(SAMPLES_PER_PACKET);
    encodeUlaw(pcm, payload);
    packets.push({
      payloadType: 0,
      marker: i === 0,
      seq: 1000 + i,
      timestamp: 8000 + i * SAMPLES_PER_PACKET,
      ssrc,
      payload,
      atUs: i * PACKET_US,
    });
  }
  writeRtpPcap(path, packets);
  return count;
}

const DTMF_EVENTS = '0123456789*#ABCD';

/**
 * One RFC 4733 event for `digit` (PT `payloadType`, default 101): a packet every 20 ms with growing duration (the
 * first with the marker bit), all with the event's start timestamp, then three identical end packets (E bit) — the
 * shape Asterisk sends (§4.8). Volume 10. Returns the packet count.
 */
export function makeDtmfPcap(
  path: string,
  opts: { digit: string; durationMs: number; payloadType?: number; ssrc?: number },
): number {
  const event = DTMF_EVENTS.indexOf(opts.digit.toUpperCase());
  if (event < 0 || opts.digit.length !== 1) throw new Error(`not a DTMF digit: ${opts.digit}`);
  const pt = opts.payloadType ?? 101;
  const ssrc = opts.ssrc ?? 0x5eed0002;
  const steps = Math.max(1, Math.round(opts.durationMs / 20));
  const packets: RtpOut[] = [];
  const timestamp = 8000;
  const body = (end: boolean, duration: number): Buffer =>
    Buffer.from([event, (end ? 0x80 : 0) | 10, (duration >> 8) & 0xff, duration & 0xff]);
  for (let i = 1; i <= steps; i++) {
    packets.push({
      payloadType: pt,
      marker: i === 1,
      seq: 2000 + packets.length,
      timestamp,
      ssrc,
      payload: body(false, Math.min(0xffff, i * SAMPLES_PER_PACKET)),
      atUs: (i - 1) * PACKET_US,
    });
  }
  const endDuration = Math.min(0xffff, steps * SAMPLES_PER_PACKET);
  for (let r = 0; r < 3; r++) {
    packets.push({
      payloadType: pt,
      marker: false,
      seq: 2000 + packets.length,
      timestamp,
      ssrc,
      payload: body(true, endDuration),
      atUs: (steps + r) * PACKET_US,
    });
  }
  writeRtpPcap(path, packets);
  return packets.length;
}

/** Parse a classic pcap of Ethernet/IPv4/UDP/RTP (both byte orders, µs timestamps). Throws on anything else. */
export function readRtpPcap(path: string): PcapRead {
  const b = readFileSync(path);
  if (b.length < 24) throw new Error('pcap: short global header');
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4;
  if (!le && magic !== 0xd4c3b2a1) throw new Error(`pcap: bad magic ${magic.toString(16)}`);
  const u32 = (o: number): number => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const linkType = u32(20);
  if (linkType !== LINKTYPE_ETHERNET) throw new Error(`pcap: link type ${linkType}, not Ethernet`);
  const packets: RtpOut[] = [];
  let off = 24;
  let firstUs: number | undefined;
  while (off + 16 <= b.length) {
    const us = u32(off) * 1_000_000 + u32(off + 4);
    const incl = u32(off + 8);
    const start = off + 16;
    off = start + incl;
    if (off > b.length) throw new Error('pcap: truncated record');
    firstUs ??= us;
    if (b.readUInt16BE(start + 12) !== 0x0800) continue; // not IPv4
    const ip = start + ETH_LEN;
    const ihl = (b[ip]! & 0x0f) * 4;
    if (b[ip + 9] !== 17) continue; // not UDP
    const udp = ip + ihl;
    const udpLen = b.readUInt16BE(udp + 4);
    const rtp = b.subarray(udp + UDP_LEN, udp + udpLen);
    if (rtp.length < RTP_LEN || rtp[0]! >> 6 !== 2) continue;
    const csrc = (rtp[0]! & 0x0f) * 4;
    packets.push({
      payloadType: rtp[1]! & 0x7f,
      marker: (rtp[1]! & 0x80) !== 0,
      seq: rtp.readUInt16BE(2),
      timestamp: rtp.readUInt32BE(4),
      ssrc: rtp.readUInt32BE(8),
      payload: Buffer.from(rtp.subarray(RTP_LEN + csrc)),
      atUs: us - firstUs,
    });
  }
  return { linkType, packets };
}
