/**
 * The load generator's send clock. The calls are spread over SLOTS sub-slots of the 20 ms frame (call c sends
 * in slot c % SLOTS, 2 ms apart), as independent phones would be, so that no tick sends every call's frame in
 * one burst: a long burst would also delay the timing of packets arriving meanwhile on the same thread, and
 * the server would get the whole load at one instant. Sub-tick (k, s) is due at start + 20 k + 2 s ms; a tick
 * that fires late sends every sub-tick it missed, so the streams' timestamps stay on schedule and the lateness
 * shows at the receiver. Each sub-tick's own lateness is kept while recording: the client's event-loop delay,
 * reported beside the server's figures (a late client makes late frames that are not the server's doing).
 */
import { performance } from 'node:perf_hooks';
import { LATE_THRESHOLD_MS, type LoadWindow } from './rtp-load-protocol.js';

const FRAME_MS = 20;
export const SLOTS = 10;
const SLOT_MS = FRAME_MS / SLOTS;
const MAX_TICKS = 1 << 18;

export interface SendClockStats {
  sendTicks: number;
  sendTicksLate: number;
  sendMaxLateMs: number;
  sent: number;
}

export class SendClock {
  #start = 0;
  /** Sub-ticks delivered so far (sub-tick n = frame ⌊n / SLOTS⌋, slot n % SLOTS). */
  #next = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #at = new Float64Array(MAX_TICKS);
  readonly #late = new Float32Array(MAX_TICKS);
  readonly #sent = new Uint32Array(MAX_TICKS);
  #ticks = 0;
  recording = false;

  /** `sendFrame(k, slot)` sends frame k on every sending call of the slot; returns how many packets went out. */
  constructor(private readonly sendFrame: (k: number, slot: number) => number) {}

  /**
   * The due time of frame k in `slot` on a clock every thread and process shares: epoch milliseconds, modulo
   * 2^32 (the frame marker), so a frame found in a recording or relayed back tells when it was due.
   */
  dueMark(k: number, slot: number): number {
    return Math.round(performance.timeOrigin + this.#start + k * FRAME_MS + slot * SLOT_MS) >>> 0;
  }

  start(): void {
    this.#start = performance.now();
    this.#timer = setTimeout(() => this.#tick(), SLOT_MS);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  /** The sub-ticks that fired in the window. */
  stats(w: LoadWindow): SendClockStats {
    const out: SendClockStats = { sendTicks: 0, sendTicksLate: 0, sendMaxLateMs: 0, sent: 0 };
    for (let i = 0; i < this.#ticks; i++) {
      if (this.#at[i]! < w.fromMs || this.#at[i]! >= w.toMs) continue;
      out.sendTicks++;
      out.sent += this.#sent[i]!;
      if (this.#late[i]! > LATE_THRESHOLD_MS) out.sendTicksLate++;
      out.sendMaxLateMs = Math.max(out.sendMaxLateMs, this.#late[i]!);
    }
    return out;
  }

  #tick(): void {
    const now = performance.now();
    const due = Math.floor((now - this.#start) / SLOT_MS);
    if (due >= this.#next) {
      const late = now - (this.#start + this.#next * SLOT_MS);
      let sent = 0;
      for (; this.#next <= due; this.#next++) sent += this.sendFrame(Math.floor(this.#next / SLOTS), this.#next % SLOTS); // prettier-ignore
      if (this.recording && this.#ticks < MAX_TICKS) {
        this.#at[this.#ticks] = performance.timeOrigin + now;
        this.#late[this.#ticks] = late;
        this.#sent[this.#ticks] = sent;
        this.#ticks++;
      }
    }
    const next = this.#start + this.#next * SLOT_MS;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, next - performance.now()));
  }
}
