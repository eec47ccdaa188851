/**
 * Messages between the RTP load generator's controller (rtp-load.ts, in the benchmark's main thread) and its
 * workers (rtp-load-worker.ts, one SIP socket and a share of the calls each). Plain data only: it crosses
 * `postMessage`. Times are absolute milliseconds on the monotonic clock shared by every thread:
 * `performance.timeOrigin + performance.now()`.
 */

export interface LoadWorkerData {
  readonly index: number;
  /** The server's SIP/UDP listener. */
  readonly sipHost: string;
  readonly sipPort: number;
}

/** A measurement window: packets that arrived in [fromMs, toMs) are analysed together. */
export interface LoadWindow {
  readonly name: string;
  readonly fromMs: number;
  readonly toMs: number;
}

export type LoadCommand =
  /**
   * Place `calls` calls to `exten` at `ratePerS` (this worker's share). `send`: stream µ-law from the answer on.
   * `capacity`: RTP packets kept per call while recording is on (more are counted, not kept). `measureEvery`:
   * only every n-th call reads what it receives (the others stop reading: the kernel drops their packets at no
   * cost to this client), so that a large load does not saturate the client with receiving.
   */
  | {
      op: 'dial';
      calls: number;
      ratePerS: number;
      exten: string;
      send: boolean;
      capacity: number;
      measureEvery: number;
    }
  /** Start (or stop) sending audio on every answered call. */
  | { op: 'send'; on: boolean }
  /** Keep each received packet's arrival, sequence, timestamp and SSRC (on), or stop keeping them (off). */
  | { op: 'record'; on: boolean }
  | { op: 'analyze'; windows: readonly LoadWindow[] }
  /** BYE every call still up, at `ratePerS`. */
  | { op: 'hangup'; ratePerS: number }
  | { op: 'close' };

/** The lateness histogram: bins of LATE_BIN_MS, the last one collects everything beyond. */
export const LATE_BIN_MS = 0.1;
export const LATE_BINS = 5_000;

export interface WindowStats {
  readonly name: string;
  /** Answered calls that were up during the whole window. */
  readonly calls: number;
  /** Of those, calls that received no RTP packet in the window. */
  readonly silentCalls: number;
  readonly packets: number;
  /** Sum over streams of the sequence span seen in the window (last − first + 1). */
  readonly expected: number;
  /** Sequence gaps: expected − received, per stream, never negative. */
  readonly lost: number;
  /** Packets more than LATE_THRESHOLD_MS after their slot. */
  readonly late: number;
  /** Packets more than LATE_THRESHOLD_MS after their slot by the best alignment of the trailing second. */
  readonly late1s: number;
  /** Calls with more than 1 % of their packets late. */
  readonly callsOver1PctLate: number;
  readonly maxCallLatePct: number;
  readonly maxLateMs: number;
  /** Counts per LATE_BIN_MS bin, for merged percentiles. */
  readonly lateHist: number[];
  /** Relayed packets carrying a peer's frame marker: their delay from the frame's due time to arrival. */
  readonly e2ePackets: number;
  readonly e2eMaxMs: number;
  readonly e2eHist: number[];
  /** Of the e2e packets: arrival minus their sender's actual send time (its own lateness taken out). */
  readonly heldMaxMs: number;
  /** …more than LATE_THRESHOLD_MS of it. */
  readonly heldLate: number;
  readonly heldHist: number[];
  /** SSRC changes seen inside the window (each starts a new stream alignment). */
  readonly ssrcChanges: number;
  /** Our send timer: 20 ms ticks in the window, ticks that started more than LATE_THRESHOLD_MS late, and the worst. */
  readonly sendTicks: number;
  readonly sendTicksLate: number;
  readonly sendMaxLateMs: number;
  readonly sent: number;
}

/** "Late" means more than this after the packet's 20 ms slot (issue's definition). */
export const LATE_THRESHOLD_MS = 5;

export interface CallCounts {
  readonly placed: number;
  readonly answered: number;
  readonly failed: Readonly<Record<string, number>>;
  /** Calls the server hung up (BYE) before we did. */
  readonly endedByServer: number;
  /** Calls whose BYE was answered (or that the server ended) after a hangup command. */
  readonly ended: number;
  readonly up: number;
  /** Packets that did not fit in the kept arrays. */
  readonly overflow: number;
  readonly received: number;
  readonly sent: number;
  /** Received packets that were not RTP version 2 audio (PT 0 or 8) — telephone-event, comfort noise, junk. */
  readonly otherPackets: number;
}

export type LoadEvent =
  | { ev: 'ready'; index: number; tid: number }
  | { ev: 'progress'; index: number; counts: CallCounts }
  | { ev: 'dialed'; index: number; counts: CallCounts }
  | { ev: 'analysis'; index: number; windows: WindowStats[]; counts: CallCounts }
  | { ev: 'hungup'; index: number; counts: CallCounts }
  | { ev: 'error'; index: number; message: string };
