/*
 * The sending half of one RTP stream (RFC 3550 §5.1): one SSRC, a sequence number that steps by one per
 * packet, and a timestamp that steps by the samples each packet carries. After a pause in sending longer
 * than SILENCE_GAP_MS the timestamp jumps by the wall time that passed and the next packet has the marker bit
 * (RFC 3551 §4.1: first packet of a talkspurt), as it does for the first packet of the stream.
 *
 * Per packet nothing is allocated but the two-element list handed to the socket: headers come from a ring.
 * The socket's lookup answers IP literals at once (literal-lookup.ts), so a send is made inside `socket.send`
 * and its header is free again when the call returns — unless the kernel's buffer was full and libuv queued
 * the packet: then the socket has a send queue and the header stays with it, and the ring slot gets a new one.
 * No completion callback is asked for (it would cost a pass of the nextTick queue per packet).
 */
import type { Socket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RTP_HEADER_SIZE, RTP_VERSION } from '../packet.js';

/** Where packets go; the session updates it in place (SDP, then symmetric RTP). */
export interface RtpTarget {
  address: string;
  port: number;
}

const SILENCE_GAP_MS = 200;
const RING = 16;

export class RtpSender {
  readonly ssrc: number;
  /** Packets and payload octets sent (SR sender info, ARI txcount/txoctetcount). */
  packetCount = 0;
  octetCount = 0;
  /** Whether a packet went out since the last RTCP report: SR rather than RR (RFC 3550 §6.4). */
  hasSentSinceReport = false;
  /** RTP timestamp and monotonic time (ms) of the last packet sent: the SR's RTP timestamp is derived from them. */
  lastTimestamp = 0;
  lastSendMs = -Infinity;
  /** The last packet was queued by the socket, not sent: its buffers must not be reused yet. */
  lastSendQueued = false;
  /** RTP timestamp units per second of the payload sent (changes with the negotiated format). */
  clockRate: number;
  #sequenceNumber: number;
  #timestamp: number;
  #lastSamples = 0;
  #needsMarker = true;
  readonly #headers: Buffer[] = [];
  #ringIndex = 0;

  constructor(
    private readonly socket: Socket,
    private readonly target: RtpTarget,
    clockRate = 8000,
  ) {
    const random = randomBytes(10);
    this.ssrc = random.readUInt32BE(0);
    this.#sequenceNumber = random.readUInt16BE(4); // RFC 3550 §5.1: random initial values
    this.#timestamp = random.readUInt32BE(6);
    this.clockRate = clockRate;
    const slab = Buffer.alloc(RING * RTP_HEADER_SIZE);
    for (let i = 0; i < RING; i++) this.#headers.push(slab.subarray(i * RTP_HEADER_SIZE, (i + 1) * RTP_HEADER_SIZE));
  }

  /** The sequence number the next packet will carry. */
  get sequenceNumber(): number {
    return this.#sequenceNumber;
  }

  /**
   * Sends one audio packet; `payload` must stay unchanged until the socket has sent it (next tick). Returns
   * false when there is no remote address yet.
   */
  sendAudio(payloadType: number, payload: Buffer, samples: number): boolean {
    if (this.target.port === 0) return false;
    const timestamp = this.currentTimestamp();
    const marker = this.#needsMarker;
    this.#needsMarker = false;
    this.send(payloadType, marker, timestamp, payload);
    this.#timestamp = (timestamp + samples) >>> 0;
    this.#lastSamples = samples;
    return true;
  }

  /**
   * The timestamp the next audio packet gets: after a pause, advanced by the time that passed (and the marker
   * bit is set on that packet).
   */
  currentTimestamp(): number {
    const elapsedMs = performance.now() - this.lastSendMs;
    const expectedMs = (this.#lastSamples * 1000) / this.clockRate;
    if (this.packetCount > 0 && elapsedMs - expectedMs > SILENCE_GAP_MS) {
      this.#timestamp = (this.lastTimestamp + Math.round((elapsedMs * this.clockRate) / 1000)) >>> 0;
      this.#lastSamples = 0;
      this.lastSendMs = performance.now();
      this.#needsMarker = true;
    }
    return this.#timestamp;
  }

  /** After a telephone-event: audio resumes at `timestamp` with the marker bit. */
  resumeAt(timestamp: number): void {
    this.#timestamp = timestamp >>> 0;
    this.#lastSamples = 0;
    this.#needsMarker = true;
  }

  /** Marks the next audio packet as the start of a talkspurt (a new source of audio). */
  markTalkspurt(): void {
    this.#needsMarker = true;
  }

  /** Sends one packet with the next sequence number. */
  send(payloadType: number, marker: boolean, timestamp: number, payload: Buffer): void {
    if (this.target.port === 0) return;
    const slot = this.#ringIndex;
    this.#ringIndex = (slot + 1) % RING;
    const header = this.#headers[slot]!;
    header[0] = RTP_VERSION << 6;
    header[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
    header.writeUInt16BE(this.#sequenceNumber, 2);
    header.writeUInt32BE(timestamp >>> 0, 4);
    header.writeUInt32BE(this.ssrc, 8);
    this.#sequenceNumber = (this.#sequenceNumber + 1) & 0xffff;
    this.socket.send([header, payload], this.target.port, this.target.address);
    // Queued rather than sent (a full socket buffer): the queued packet keeps this header (and its payload).
    this.lastSendQueued = this.socket.getSendQueueCount() > 0;
    if (this.lastSendQueued) this.#headers[slot] = Buffer.allocUnsafe(RTP_HEADER_SIZE);
    this.packetCount++;
    this.octetCount += payload.length;
    this.hasSentSinceReport = true;
    this.lastTimestamp = timestamp >>> 0;
    this.lastSendMs = performance.now();
  }
}
