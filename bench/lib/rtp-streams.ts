/**
 * What each call received, packet by packet, in preallocated typed arrays (no object per packet), and the
 * late-frame analysis over a window.
 *
 * Lateness (RFC 3550 §5.1: the timestamp is the sampling instant of the first octet): packet i of a stream
 * belongs to the slot t0 + (ts_i − ts_first) / 8 ms (8 kHz G.711, so 160 samples = 20 ms). t0 is the earliest
 * alignment, min over the stream's packets of (arrival − slot offset), so every lateness is ≥ 0 and the most
 * punctual packet sets the schedule; a packet is late when it arrives more than LATE_THRESHOLD_MS after its slot.
 * A new SSRC starts a new stream (new t0, new sequence base). Loss is sequence gaps (RFC 3550 Appendix A.1's
 * extended highest sequence minus base, plus one, minus packets received).
 *
 * A sender that stalls once and then goes on without advancing its timestamps for the stall (a "slip") makes
 * every later packet of the window late by that much under the fixed alignment. `late1s` counts lateness
 * against the best alignment of the trailing second instead (a sliding minimum), so such a slip counts for at
 * most a second of packets while a stall followed by a catch-up burst counts the same as in `late`.
 */
import { LATE_BIN_MS, LATE_BINS, LATE_THRESHOLD_MS, type WindowStats } from './rtp-load-protocol.js';

const SAMPLES_PER_MS = 8;
/** The trailing span of the sliding alignment. */
const LOCAL_SPAN_MS = 1000;

/** Per-window totals, filled call by call. */
export class WindowTotals {
  calls = 0;
  silentCalls = 0;
  packets = 0;
  expected = 0;
  lost = 0;
  late = 0;
  late1s = 0;
  callsOver1PctLate = 0;
  maxCallLatePct = 0;
  maxLateMs = 0;
  ssrcChanges = 0;
  readonly lateHist = new Uint32Array(LATE_BINS);
  /** Packets whose payload carried a peer's frame marker (relayed unchanged), and their delay since it was due. */
  e2ePackets = 0;
  e2eMaxMs = 0;
  readonly e2eHist = new Uint32Array(LATE_BINS);
  /** The same packets' time from their sender's sendmsg to their arrival (the sender's own lateness taken out). */
  heldMaxMs = 0;
  heldLate = 0;
  readonly heldHist = new Uint32Array(LATE_BINS);

  /** The received-side figures of a window (the send-timer ones are the caller's). */
  received(name: string): Omit<WindowStats, 'sendTicks' | 'sendTicksLate' | 'sendMaxLateMs' | 'sent'> {
    return {
      name,
      calls: this.calls,
      silentCalls: this.silentCalls,
      packets: this.packets,
      expected: this.expected,
      lost: this.lost,
      late: this.late,
      late1s: this.late1s,
      callsOver1PctLate: this.callsOver1PctLate,
      maxCallLatePct: this.maxCallLatePct,
      maxLateMs: this.maxLateMs,
      lateHist: Array.from(this.lateHist),
      ssrcChanges: this.ssrcChanges,
      e2ePackets: this.e2ePackets,
      e2eMaxMs: this.e2eMaxMs,
      e2eHist: Array.from(this.e2eHist),
      heldMaxMs: this.heldMaxMs,
      heldLate: this.heldLate,
      heldHist: Array.from(this.heldHist),
    };
  }
}

export class StreamRecorder {
  readonly #capacity: number;
  /** Arrival, ms since `#base` (float32 keeps ~4 µs resolution over minutes). */
  readonly #at: Float32Array;
  readonly #seq: Uint16Array;
  readonly #ts: Uint32Array;
  readonly #ssrc: Uint32Array;
  /** Arrival minus the due time of the peer's frame found in the payload (NaN: no marker). */
  readonly #e2e: Float32Array;
  /** Arrival minus the time the peer sent that frame (NaN: no marker). */
  readonly #held: Float32Array;
  readonly #count: Int32Array;
  /** The sliding minimum's deque (indices), reused for every stream. */
  readonly #deque: Int32Array;
  #base: number | undefined;
  overflow = 0;

  constructor(calls: number, capacity: number) {
    this.#capacity = capacity;
    this.#at = new Float32Array(calls * capacity);
    this.#seq = new Uint16Array(calls * capacity);
    this.#ts = new Uint32Array(calls * capacity);
    this.#ssrc = new Uint32Array(calls * capacity);
    this.#e2e = new Float32Array(calls * capacity);
    this.#held = new Float32Array(calls * capacity);
    this.#count = new Int32Array(calls);
    this.#deque = new Int32Array(capacity);
  }

  /** The arrival origin is fixed when recording first starts. */
  start(nowAbsMs: number): void {
    this.#base ??= nowAbsMs;
  }

  /** Hot path: one packet of call `c`. */
  add(c: number, atAbsMs: number, seq: number, ts: number, ssrc: number, e2eMs = NaN, heldMs = NaN): void {
    const n = this.#count[c]!;
    if (n >= this.#capacity || this.#base === undefined) {
      this.overflow++;
      return;
    }
    const i = c * this.#capacity + n;
    this.#at[i] = atAbsMs - this.#base;
    this.#seq[i] = seq;
    this.#ts[i] = ts;
    this.#ssrc[i] = ssrc;
    this.#e2e[i] = e2eMs;
    this.#held[i] = heldMs;
    this.#count[c] = n + 1;
  }

  /** Adds call `c`'s packets that arrived in [fromAbs, toAbs) to `out`. */
  analyze(c: number, fromAbs: number, toAbs: number, out: WindowTotals): void {
    out.calls++;
    const base = this.#base;
    const n = this.#count[c]!;
    const first = c * this.#capacity;
    let lo = first;
    let hi = first + n;
    if (base !== undefined) {
      const from = fromAbs - base;
      const to = toAbs - base;
      while (lo < hi && this.#at[lo]! < from) lo++;
      let end = lo;
      while (end < hi && this.#at[end]! < to) end++;
      hi = end;
    } else {
      hi = lo;
    }
    if (hi <= lo) {
      out.silentCalls++;
      return;
    }
    let late = 0;
    let start = lo;
    while (start < hi) {
      const ssrc = this.#ssrc[start]!;
      let end = start + 1;
      while (end < hi && this.#ssrc[end] === ssrc) end++;
      late += this.#segment(start, end, out);
      if (end < hi) out.ssrcChanges++;
      start = end;
    }
    for (let i = lo; i < hi; i++) {
      const e2e = this.#e2e[i]!;
      if (Number.isNaN(e2e)) continue;
      out.e2ePackets++;
      if (e2e > out.e2eMaxMs) out.e2eMaxMs = e2e;
      out.e2eHist[Math.min(LATE_BINS - 1, Math.max(0, Math.floor(e2e / LATE_BIN_MS)))]!++;
      const held = this.#held[i]!;
      if (Number.isNaN(held)) continue;
      if (held > out.heldMaxMs) out.heldMaxMs = held;
      if (held > LATE_THRESHOLD_MS) out.heldLate++;
      out.heldHist[Math.min(LATE_BINS - 1, Math.max(0, Math.floor(held / LATE_BIN_MS)))]!++;
    }
    const latePct = (late / (hi - lo)) * 100;
    if (latePct > 1) out.callsOver1PctLate++;
    out.maxCallLatePct = Math.max(out.maxCallLatePct, latePct);
  }

  /** One stream (same SSRC) from index `lo` to `hi` (exclusive); returns its late packets. */
  #segment(lo: number, hi: number, out: WindowTotals): number {
    const ts0 = this.#ts[lo]!;
    let t0 = Infinity;
    let ext = 0;
    let minExt = 0;
    let maxExt = 0;
    let prevSeq = this.#seq[lo]!;
    for (let i = lo; i < hi; i++) {
      const slot = ((this.#ts[i]! - ts0) | 0) / SAMPLES_PER_MS;
      const d = this.#at[i]! - slot;
      if (d < t0) t0 = d;
      const seq = this.#seq[i]!;
      ext += ((seq - prevSeq) << 16) >> 16; // signed 16-bit step: wraps and reordering
      prevSeq = seq;
      if (ext < minExt) minExt = ext;
      if (ext > maxExt) maxExt = ext;
    }
    const packets = hi - lo;
    const expected = maxExt - minExt + 1;
    out.packets += packets;
    out.expected += expected;
    out.lost += Math.max(0, expected - packets);
    let late = 0;
    const deque = this.#deque;
    let head = 0;
    let tail = 0; // deque[head..tail) holds indices whose d increases; they all arrived in the last second
    const dOf = (i: number): number => this.#at[i]! - ((this.#ts[i]! - ts0) | 0) / SAMPLES_PER_MS;
    for (let i = lo; i < hi; i++) {
      const d = dOf(i);
      const lateness = d - t0;
      if (lateness > LATE_THRESHOLD_MS) late++;
      if (lateness > out.maxLateMs) out.maxLateMs = lateness;
      out.lateHist[Math.min(LATE_BINS - 1, Math.floor(lateness / LATE_BIN_MS))]!++;
      while (tail > head && dOf(deque[tail - 1]!) >= d) tail--;
      deque[tail++] = i;
      while (this.#at[deque[head]!]! < this.#at[i]! - LOCAL_SPAN_MS) head++;
      if (d - dOf(deque[head]!) > LATE_THRESHOLD_MS) out.late1s++;
    }
    out.late += late;
    return late;
  }
}

/** Merged histogram → percentile in ms (upper edge of the bin), null when empty. */
export function histPercentile(hist: ArrayLike<number>, p: number): number | null {
  let total = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i]!;
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!;
    if (seen >= rank) return (i + 1) * LATE_BIN_MS;
  }
  return hist.length * LATE_BIN_MS;
}
