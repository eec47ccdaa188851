/*
 * Reception statistics for one SSRC — RFC 3550 Appendix A.1 (sequence validity, wrap, probation),
 * A.3 (expected, lost, fraction lost) and A.8 (interarrival jitter).
 *
 * No clock is read here: the caller passes each packet's arrival time already converted to RTP timestamp
 * units (e.g. samples at 8 kHz). Nothing is allocated per packet.
 */
import type { ReportBlock } from './rtcp/report-block.js';

const RTP_SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;

/** The receive half of Asterisk's RTP statistics (`ast_rtp_instance_stats`, `RTPAUDIOQOS`). */
export interface RtpReceiveStat {
  /** Every packet handed to `update`, probation included (Asterisk counts each accepted packet). */
  rxcount: number;
  /** Payload octets of those packets. */
  rxoctetcount: number;
  /** Cumulative packets lost (RFC 3550 A.3, never negative here). */
  rxploss: number;
  /** Interarrival jitter in seconds, as Asterisk keeps `rxjitter` (timestamp units / clock rate). */
  rxjitter: number;
  /** Largest and smallest jitter in seconds seen at report time (`local_maxjitter`, `local_minjitter`). */
  local_maxjitter: number;
  local_minjitter: number;
}

export class ReceiveStats {
  // A.1 `source` fields
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #probation = 0;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  // A.8
  #transit = 0;
  #jitter = 0;
  #hasTransit = false;
  #isStarted = false;
  // Asterisk-style counters
  #packets = 0;
  #octets = 0;
  #maxJitter = 0;
  #minJitter = Infinity;

  constructor(readonly clockRate = 8000) {}

  /**
   * Accounts one RTP packet of this source. Returns false while the source is on probation or when the
   * sequence number jumped and is not yet confirmed (A.1: the packet should not be used); true otherwise.
   */
  update(sequenceNumber: number, timestamp: number, arrival: number, payloadBytes = 0): boolean {
    this.#packets++;
    this.#octets += payloadBytes;
    const seq = sequenceNumber & 0xffff;
    if (!this.#isStarted) {
      // A.1: "a new source … init_seq(s, seq); s->max_seq = seq - 1; s->probation = MIN_SEQUENTIAL"
      this.#isStarted = true;
      this.#initSeq(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = MIN_SEQUENTIAL;
    }
    // Jitter from every packet, probation included, as Asterisk does: it depends on timing, not on order.
    this.#updateJitter(timestamp, arrival);
    return this.#updateSeq(seq);
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1; // so seq == bad_seq is false
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  /** RFC 3550 A.1 `update_seq`. */
  #updateSeq(seq: number): boolean {
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      // The RFC's `seq == s->max_seq + 1` compares in int and misses 65535 → 0; compare modulo 2^16.
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = MIN_SEQUENTIAL - 1;
        this.#maxSeq = seq;
      }
      return false;
    } else if (udelta < MAX_DROPOUT) {
      // in order, with permissible gap
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD; // sequence number wrapped
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // the sequence number made a very large jump
      if (seq === this.#badSeq) {
        // two sequential packets: assume the other side restarted without telling us
        this.#initSeq(seq);
      } else {
        this.#badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
        return false;
      }
    } else {
      // duplicate or reordered packet
    }
    this.#received++;
    return true;
  }

  /** RFC 3550 A.8, floating-point form: J += (|D| − J) / 16, in timestamp units. */
  #updateJitter(timestamp: number, arrival: number): void {
    const transit = (arrival - timestamp) | 0; // 32-bit wrap on both clocks
    if (this.#hasTransit) {
      let d = (transit - this.#transit) | 0;
      if (d < 0) d = -d;
      this.#jitter += (d - this.#jitter) / 16;
    }
    this.#transit = transit;
    this.#hasTransit = true;
  }

  /** `cycles + max_seq`: the extended highest sequence number received. */
  get extendedHighestSeq(): number {
    return this.#cycles + this.#maxSeq;
  }

  /** Packets expected since the base sequence number (A.3). */
  get expected(): number {
    return this.#isStarted && this.#probation === 0 ? this.extendedHighestSeq - this.#baseSeq + 1 : 0;
  }

  /** Valid packets received (A.1 `received`; duplicates count, probation packets do not). */
  get received(): number {
    return this.#received;
  }

  /** Cumulative lost, clamped to the report block's 24-bit signed field (A.3). */
  get cumulativeLost(): number {
    const lost = this.expected - this.#received;
    return lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : lost;
  }

  /** Interarrival jitter in timestamp units, as a fraction. */
  get jitter(): number {
    return this.#jitter;
  }

  /**
   * Fills the loss and jitter fields of a report block about this source and starts a new reporting
   * interval (A.3: fraction lost is over the interval since the previous call). SSRC, LSR and DLSR are
   * the caller's.
   */
  fillReportBlock(out: ReportBlock): void {
    const expected = this.expected;
    const expectedInterval = expected - this.#expectedPrior;
    this.#expectedPrior = expected;
    const receivedInterval = this.#received - this.#receivedPrior;
    this.#receivedPrior = this.#received;
    const lostInterval = expectedInterval - receivedInterval;
    out.fractionLost =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    out.cumulativeLost = this.cumulativeLost;
    out.extendedHighestSeq = this.extendedHighestSeq >>> 0;
    out.jitter = Math.floor(this.#jitter) >>> 0;
    const seconds = this.#jitter / this.clockRate;
    if (seconds > this.#maxJitter) this.#maxJitter = seconds;
    if (seconds < this.#minJitter) this.#minJitter = seconds;
  }

  /** Receive-side RTP statistics in Asterisk's names and units (fills `out` to avoid allocating). */
  rtpStat(out: RtpReceiveStat): RtpReceiveStat {
    out.rxcount = this.#packets;
    out.rxoctetcount = this.#octets;
    out.rxploss = Math.max(0, this.cumulativeLost);
    out.rxjitter = this.#jitter / this.clockRate;
    out.local_maxjitter = this.#maxJitter;
    out.local_minjitter = this.#minJitter === Infinity ? 0 : this.#minJitter;
    return out;
  }
}
