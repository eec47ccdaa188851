/*
 * RTCP for one RTP session — RFC 3550 §6: every report interval an SR (when we sent RTP since the last report)
 * or an RR, with a report block about the remote source and an SDES CNAME; a BYE when the session closes.
 * Received SR/RR give the round-trip time (§6.4.1: A − LSR − DLSR) and what the remote measures of our
 * stream. As Asterisk, reports start once media flows (sip-reference §6) and the interval is rtp.conf's
 * `rtcpinterval`, randomised by 0.5–1.5 (§6.3.1) with a floor.
 */
import type { Socket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { createRtcpCompound, parseRtcpCompound, writeRtcpCompound, type RtcpCompound } from '../rtcp/compound.js';
import { createReportBlock, type ReportBlock } from '../rtcp/report-block.js';
import { compactNtp, createReceiverReport, createSenderReport } from '../rtcp/reports.js';
import type { ReceiveStats } from '../receive-stats.js';
import type { RtpSender, RtpTarget } from './rtp-sender.js';
import { RunningStat } from './rtp-stat.js';

const MIN_INTERVAL_MS = 50;
const NTP_EPOCH_OFFSET_S = 2208988800; // 1900-01-01 to 1970-01-01
const MAX_RTCP_SIZE = 1500;
const RTT_TOLERANCE_UNITS = 66; // 1 ms

/** The remote source the session hears, as far as RTCP needs it. */
export interface RtcpRemote {
  ssrc: number;
  stats: ReceiveStats | undefined;
}

export class RtcpReporter {
  /** What the remote reports about our stream (report blocks with our SSRC). */
  readonly remoteJitter = new RunningStat(); // seconds
  readonly remoteLoss = new RunningStat(); // packets lost per interval
  /** What we measure of the remote's stream, sampled at each report we send. */
  readonly localJitter = new RunningStat();
  readonly localLoss = new RunningStat();
  readonly rtt = new RunningStat(); // seconds
  /** Cumulative loss and jitter (seconds) of our stream as last reported by the remote. */
  reportedLost = 0;
  reportedJitter = 0;
  reportsSent = 0;
  reportsReceived = 0;
  parseErrors = 0;
  #timer: NodeJS.Timeout | undefined;
  #lastSr = 0; // compact NTP of the remote's last SR
  #lastSrArrivalMs = 0;
  #localLostPrior = 0;
  #remoteLostPrior: number | undefined;
  readonly #out: RtcpCompound = createRtcpCompound();
  readonly #in: RtcpCompound = createRtcpCompound();
  readonly #block: ReportBlock = createReportBlock();

  constructor(
    private readonly socket: Socket,
    /** Where reports go; the session updates it in place. */
    private readonly target: RtpTarget,
    private readonly sender: RtpSender,
    private readonly remote: RtcpRemote,
    private readonly cname: string,
    private readonly intervalMs: number,
  ) {}

  /** Starts the report timer (idempotent). */
  start(): void {
    if (this.#timer !== undefined) return;
    const delay = Math.max(MIN_INTERVAL_MS, this.intervalMs * (0.5 + Math.random()));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.sender.packetCount > 0 || (this.remote.stats?.received ?? 0) > 0) this.sendReport();
      this.start();
    }, delay);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Sends an SR or RR (+ SDES); `bye` adds a BYE. `onSent` runs when the socket is done with it. */
  sendReport(bye = false, onSent?: () => void): boolean {
    if (this.target.port === 0) return false;
    const c = this.#out;
    const nowMs = performance.now();
    const reports = this.#fillBlock(nowMs) ? [this.#block] : [];
    c.senderReports.length = 0;
    c.receiverReports.length = 0;
    if (this.sender.hasSentSinceReport) {
      const sr = createSenderReport();
      sr.ssrc = this.sender.ssrc;
      const wallMs = performance.timeOrigin + nowMs;
      sr.ntpSeconds = (Math.floor(wallMs / 1000) + NTP_EPOCH_OFFSET_S) >>> 0;
      sr.ntpFraction = Math.floor(((wallMs % 1000) / 1000) * 0x100000000) >>> 0;
      // §6.4.1: the RTP timestamp of the same instant as the NTP timestamp, extrapolated from the last packet
      const sinceLastMs = nowMs - this.sender.lastSendMs;
      sr.rtpTimestamp = (this.sender.lastTimestamp + Math.round((sinceLastMs * this.sender.clockRate) / 1000)) >>> 0;
      sr.packetCount = this.sender.packetCount >>> 0;
      sr.octetCount = this.sender.octetCount >>> 0;
      sr.reports = reports;
      c.senderReports.push(sr);
      this.sender.hasSentSinceReport = false;
    } else {
      const rr = createReceiverReport();
      rr.ssrc = this.sender.ssrc;
      rr.reports = reports;
      c.receiverReports.push(rr);
    }
    c.sdes.length = 0;
    c.sdes.push({ ssrc: this.sender.ssrc, cname: this.cname });
    c.byes.length = 0;
    if (bye) c.byes.push({ ssrcs: [this.sender.ssrc], reason: '' });
    const buf = Buffer.allocUnsafe(MAX_RTCP_SIZE); // once per report interval
    const size = writeRtcpCompound(c, buf, 0);
    this.socket.send(buf.subarray(0, size), this.target.port, this.target.address, () => onSent?.());
    this.reportsSent++;
    return true;
  }

  /** Handles one received RTCP datagram; false when it does not parse (counted). */
  receive(buf: Buffer): boolean {
    const c = this.#in;
    if (parseRtcpCompound(buf, c) !== undefined) {
      this.parseErrors++;
      return false;
    }
    this.reportsReceived++;
    const nowMs = performance.now();
    for (const sr of c.senderReports) {
      if (sr.ssrc === this.remote.ssrc || this.remote.ssrc === 0) {
        this.#lastSr = compactNtp(sr);
        this.#lastSrArrivalMs = nowMs;
      }
      for (const block of sr.reports) this.#onBlock(block, nowMs);
    }
    for (const rr of c.receiverReports) for (const block of rr.reports) this.#onBlock(block, nowMs);
    return true;
  }

  #onBlock(block: ReportBlock, nowMs: number): void {
    if (block.ssrc !== this.sender.ssrc) return;
    this.reportedLost = block.cumulativeLost;
    this.reportedJitter = block.jitter / this.sender.clockRate;
    this.remoteJitter.add(this.reportedJitter);
    this.remoteLoss.add(block.cumulativeLost - (this.#remoteLostPrior ?? 0));
    this.#remoteLostPrior = block.cumulativeLost;
    if (block.lastSr === 0) return; // no SR from us has reached the remote yet
    const nowCompact = compactNtpAt(performance.timeOrigin + nowMs);
    const rttUnits = (nowCompact - block.lastSr - block.delaySinceLastSr) | 0; // 1/65536 s, 32-bit wrap
    // On a LAN the truncations of LSR and DLSR can make the result a unit or two below zero: that is 0; more
    // negative means a broken clock or report, and is ignored.
    if (rttUnits >= -RTT_TOLERANCE_UNITS) this.rtt.add(Math.max(0, rttUnits) / 65536);
  }

  /** Fills the report block about the remote source; false when nothing was received from it. */
  #fillBlock(nowMs: number): boolean {
    const stats = this.remote.stats;
    if (stats === undefined) return false;
    const b = this.#block;
    stats.fillReportBlock(b);
    b.ssrc = this.remote.ssrc;
    b.lastSr = this.#lastSr;
    b.delaySinceLastSr = this.#lastSr === 0 ? 0 : Math.floor(((nowMs - this.#lastSrArrivalMs) * 65536) / 1000);
    this.localJitter.add(stats.jitter / stats.clockRate);
    const lost = Math.max(0, stats.cumulativeLost);
    this.localLoss.add(lost - this.#localLostPrior);
    this.#localLostPrior = lost;
    return true;
  }
}

/** Middle 32 bits of the NTP time for a wall-clock time in ms since 1970. */
function compactNtpAt(wallMs: number): number {
  const seconds = Math.floor(wallMs / 1000) + NTP_EPOCH_OFFSET_S;
  const fraction = Math.floor(((wallMs % 1000) / 1000) * 0x100000000);
  return (((seconds & 0xffff) << 16) | (fraction >>> 16)) >>> 0;
}
