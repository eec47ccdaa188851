/**
 * The load generator's 20 ms send clock: tick k is due at start + 20 k ms; a tick that fires late sends every
 * frame it missed, so the streams' timestamps stay on the schedule and the lateness shows at the receiver. Each
 * tick's own lateness is kept while recording: it is the client's event-loop delay, reported beside the
 * server's figures (a late client makes late frames that are not the server's doing).
 */
import { performance } from 'node:perf_hooks';
import { LATE_THRESHOLD_MS, type LoadWindow } from './rtp-load-protocol.js';

const FRAME_MS = 20;
const MAX_TICKS = 1 << 16;

export interface SendClockStats {
  sendTicks: number;
  sendTicksLate: number;
  sendMaxLateMs: number;
  sent: number;
}

export class SendClock {
  #start = 0;
  #lastK = -1;
  #timer: NodeJS.Timeout | undefined;
  readonly #at = new Float64Array(MAX_TICKS);
  readonly #late = new Float32Array(MAX_TICKS);
  readonly #sent = new Uint32Array(MAX_TICKS);
  #ticks = 0;
  recording = false;

  /** `sendFrame(k)` sends frame k on every sending call and returns how many packets went out. */
  constructor(private readonly sendFrame: (k: number) => number) {}

  /**
   * Frame k's number on a clock shared by every thread and process: its due time (epoch ms) ÷ 20, modulo 2^32,
   * so a frame found in a recording tells when it was sent.
   */
  frameNumber(k: number): number {
    return (Math.round((performance.timeOrigin + this.#start) / FRAME_MS) + k) >>> 0;
  }

  start(): void {
    this.#start = performance.now();
    this.#timer = setTimeout(() => this.#tick(), FRAME_MS);
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  /** The ticks that fired in the window. */
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
    const kDue = Math.floor((now - this.#start) / FRAME_MS);
    if (kDue > this.#lastK) {
      const late = now - (this.#start + (this.#lastK + 1) * FRAME_MS);
      let sent = 0;
      for (let k = this.#lastK + 1; k <= kDue; k++) sent += this.sendFrame(k);
      this.#lastK = kDue;
      if (this.recording && this.#ticks < MAX_TICKS) {
        this.#at[this.#ticks] = performance.timeOrigin + now;
        this.#late[this.#ticks] = late;
        this.#sent[this.#ticks] = sent;
        this.#ticks++;
      }
    }
    const next = this.#start + (this.#lastK + 1) * FRAME_MS;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, next - performance.now()));
  }
}
