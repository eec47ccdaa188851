/*
 * One audio RTP stream with its RTCP, as Asterisk's res_rtp_asterisk runs it for a PJSIP channel: G.711 at
 * 8 kHz, RFC 4733 DTMF both ways, strict RTP (learn the source during `probation`, then drop others),
 * symmetric RTP (answer to where packets come from), RTCP SR/RR/SDES/BYE and ARI's RTPstat.
 *
 * Received datagrams are checked before anything else (size, RTP version, RTCP sent to the RTP port) and bad
 * ones are counted in `drops` by reason, never thrown. Per packet the session reuses one parsed packet object
 * and one telephone-event object.
 */
import type { RemoteInfo } from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { RtpConfig } from '../../config/pjsip-types.js';
import { parseTelephoneEvent, type TelephoneEvent } from '../dtmf-4733.js';
import { DtmfReceiver } from '../dtmf-receiver.js';
import { createRtpPacket, parseRtp, type RtpPacket, type RtpParseError } from '../packet.js';
import { ReceiveStats } from '../receive-stats.js';
import { DtmfSender } from './dtmf-sender.js';
import { SourceLatch } from './latching.js';
import type { PortPoolError, RtpPortPair, RtpPortPool } from './port-pool.js';
import { RtcpReporter, type RtcpRemote } from './rtcp-reporter.js';
import { RtpSender, type RtpTarget } from './rtp-sender.js';
import type { RtpStat } from './rtp-stat.js';

/** Larger datagrams are dropped: an Ethernet MTU, as a 20 ms G.711 packet is 172 bytes. */
export const MAX_DATAGRAM_SIZE = 1500;

export interface RtpSessionOptions {
  host: string;
  pool: RtpPortPool;
  config: RtpConfig;
  /** `rtp_symmetric`: send to the source of received RTP/RTCP rather than the SDP address. */
  symmetric: boolean;
  /** SDES CNAME; a random UUID by default. */
  cname?: string;
}

export interface RtpFormat {
  payloadType: number;
  /** The RTP clock rate of the audio payload (8000 for G.711 and G.722, 16000 for L16/16000). */
  sampleRate: number;
  /** The negotiated telephone-event payload type; without it DTMF is neither sent nor decoded. */
  telephoneEventPt?: number;
}

export type RtpDropReason =
  | RtpParseError
  | 'oversize' // more than MAX_DATAGRAM_SIZE bytes
  | 'rtcp-on-rtp-port' // RTCP packet types 200–204 seen as RTP PT 72–76 with the marker bit (RFC 5761 §4)
  | 'source' // strict RTP: not the learned source
  | 'bad-telephone-event' // telephone-event payload shorter than 4 bytes
  | 'rtcp'; // an RTCP datagram that does not parse or is too large

/** The RTP clock until a format is set, and the clock of telephone-event (negotiated at 8000 Hz). */
const CLOCK_RATE = 8000;

export class RtpSession {
  /** A received audio payload, with its RTP timestamp (the jitter buffer of a mixer places frames by it). */
  onAudio: (payload: Buffer, payloadType: number, samples: number, timestamp: number) => void = () => {};
  onDtmfBegin: (digit: string) => void = () => {};
  onDtmfEnd: (digit: string, durationMs: number) => void = () => {};
  /** Datagrams dropped, by reason. */
  readonly drops = new Map<RtpDropReason, number>();
  readonly localHost: string;
  readonly localPort: number;
  readonly #pair: RtpPortPair;
  readonly #config: RtpConfig;
  readonly #isSymmetric: boolean;
  readonly #target: RtpTarget = { address: '', port: 0 };
  readonly #rtcpTarget: RtpTarget = { address: '', port: 0 };
  readonly #sender: RtpSender;
  readonly #dtmfSender: DtmfSender;
  readonly #dtmfReceiver: DtmfReceiver;
  readonly #latch: SourceLatch;
  readonly #remote: RtcpRemote = { ssrc: 0, stats: undefined };
  readonly #rtcp: RtcpReporter;
  readonly #packet: RtpPacket = createRtpPacket();
  readonly #event: TelephoneEvent = { event: 0, isEnd: false, volume: 0, duration: 0 };
  #format: RtpFormat | undefined;
  #dtmfTimer: NodeJS.Timeout | undefined;
  #rxcount = 0;
  #rxoctetcount = 0;
  #closed: Promise<void> | undefined;
  /** Errors the sockets reported (ICMP unreachable and the like); counted, never thrown. */
  socketErrors = 0;
  /** Counts setRemote calls: a name's lookup applies only if no other remote was set meanwhile. */
  #remoteGeneration = 0;

  static async open(opts: RtpSessionOptions): Promise<RtpSession | PortPoolError> {
    const pair = await opts.pool.allocate(opts.host);
    if ('error' in pair) return pair;
    return new RtpSession(pair, opts);
  }

  private constructor(pair: RtpPortPair, opts: RtpSessionOptions) {
    this.#pair = pair;
    this.#config = opts.config;
    this.#isSymmetric = opts.symmetric;
    this.localHost = pair.host;
    this.localPort = pair.rtpPort;
    this.#sender = new RtpSender(pair.rtp, this.#target, CLOCK_RATE);
    this.#dtmfSender = new DtmfSender(this.#sender);
    this.#dtmfReceiver = new DtmfReceiver(
      {
        onDigitBegin: (digit) => this.onDtmfBegin(digit),
        onDigitEnd: (digit, durationMs) => this.onDtmfEnd(digit, durationMs),
      },
      CLOCK_RATE,
    );
    this.#latch = new SourceLatch(opts.config.strictRtp, opts.config.probation);
    const cname = opts.cname ?? randomUUID();
    this.#rtcp = new RtcpReporter(
      pair.rtcp,
      this.#rtcpTarget,
      this.#sender,
      this.#remote,
      cname,
      opts.config.rtcpInterval,
    );
    pair.rtp.on('message', this.#onRtp);
    pair.rtcp.on('message', this.#onRtcp);
    // ICMP unreachable and the like surface here; a media socket must not crash the process over them
    pair.rtp.on('error', this.#onSocketError);
    pair.rtcp.on('error', this.#onSocketError);
  }

  get localRtcpPort(): number {
    return this.#pair.rtcpPort;
  }

  get localSsrc(): number {
    return this.#sender.ssrc;
  }

  /**
   * The remote address from SDP (`c=`/`m=`, `a=rtcp`); RTCP defaults to port + 1. Strict RTP learns again. A host
   * name (RFC 4566 §5.7 allows one in `c=`) is looked up once, as Asterisk resolves it, and nothing is sent until it
   * answers: the sockets then only ever see literals, so a packet leaves inside `socket.send` (literal-lookup.ts)
   * and strict RTP compares sources with an address. A name that does not resolve leaves no remote (a socket error).
   */
  setRemote(host: string, port: number, rtcpPort = port + 1): void {
    const generation = ++this.#remoteGeneration;
    if (isIP(host) === 0) {
      this.#target.port = 0;
      this.#rtcpTarget.port = 0;
      void this.#resolveRemote(host, port, rtcpPort, generation);
      return;
    }
    this.#target.address = host;
    this.#target.port = port;
    this.#rtcpTarget.address = host;
    this.#rtcpTarget.port = rtcpPort;
    this.#latch.expect(host, port);
    if (this.#closed === undefined) this.#rtcp.start();
  }

  async #resolveRemote(host: string, port: number, rtcpPort: number, generation: number): Promise<void> {
    const family = this.#pair.rtp.address().family === 'IPv6' ? 6 : 4;
    let address: string;
    try {
      ({ address } = await lookup(host, { family }));
    } catch {
      this.socketErrors++;
      return;
    }
    // A later setRemote (a re-INVITE) or a close wins over this answer.
    if (generation === this.#remoteGeneration && this.#closed === undefined) this.setRemote(address, port, rtcpPort);
  }

  /** Where RTP goes now (the SDP address, or the learned source with symmetric RTP). */
  get remote(): Readonly<RtpTarget> {
    return this.#target;
  }

  setFormat(format: RtpFormat): void {
    if (this.#format !== undefined && this.#format.payloadType !== format.payloadType) this.#sender.markTalkspurt();
    this.#format = format;
    if (format.sampleRate !== this.#sender.clockRate) {
      // Another clock: the receive statistics start again in its units (RFC 3550 §6.4.1 jitter is in timestamp units).
      this.#sender.clockRate = format.sampleRate;
      this.#remote.stats = undefined;
    }
  }

  /** Sends one frame in the negotiated format; false when not sent (no format or remote, closed, DTMF on). */
  sendAudio(payload: Buffer, samples: number): boolean {
    const format = this.#format;
    if (format === undefined || this.#closed !== undefined || this.#dtmfSender.isSending) return false;
    return this.#sender.sendAudio(format.payloadType, payload, samples);
  }

  /** The last packet was queued by the socket rather than sent at once: the payload handed over is still in use. */
  get lastSendQueued(): boolean {
    return this.#sender.lastSendQueued;
  }

  /** RFC 4733 digit start; silently nothing without a negotiated telephone-event (Asterisk drops the digit). */
  beginDtmf(digit: string): boolean {
    const pt = this.#format?.telephoneEventPt;
    if (pt === undefined || this.#closed !== undefined) return false;
    return this.#dtmfSender.begin(pt, digit);
  }

  endDtmf(digit: string, durationMs: number): boolean {
    const pt = this.#format?.telephoneEventPt;
    if (pt === undefined || this.#closed !== undefined) return false;
    return this.#dtmfSender.end(pt, digit, durationMs);
  }

  /** Sends an SR/RR now (the timer does so every `rtcpInterval`). */
  sendRtcpReport(): boolean {
    return this.#closed === undefined && this.#rtcp.sendReport();
  }

  /** RTCP datagrams sent and received, and how many round-trip times were measured. */
  rtcpCounters(): { sent: number; received: number; rttSamples: number } {
    return { sent: this.#rtcp.reportsSent, received: this.#rtcp.reportsReceived, rttSamples: this.#rtcp.rtt.count };
  }

  get dropCount(): number {
    let n = 0;
    for (const count of this.drops.values()) n += count;
    return n;
  }

  stats(): RtpStat {
    const r = this.#rtcp;
    const rx = this.#remote.stats;
    return {
      txcount: this.#sender.packetCount,
      rxcount: this.#rxcount,
      txjitter: r.reportedJitter,
      rxjitter: rx === undefined ? 0 : rx.jitter / rx.clockRate,
      remote_maxjitter: r.remoteJitter.max,
      remote_minjitter: r.remoteJitter.min,
      remote_normdevjitter: r.remoteJitter.mean,
      remote_stdevjitter: r.remoteJitter.stdev,
      local_maxjitter: r.localJitter.max,
      local_minjitter: r.localJitter.min,
      local_normdevjitter: r.localJitter.mean,
      local_stdevjitter: r.localJitter.stdev,
      txploss: Math.max(0, r.reportedLost),
      rxploss: rx === undefined ? 0 : Math.max(0, rx.cumulativeLost),
      remote_maxrxploss: r.remoteLoss.max,
      remote_minrxploss: r.remoteLoss.min,
      remote_normdevrxploss: r.remoteLoss.mean,
      remote_stdevrxploss: r.remoteLoss.stdev,
      local_maxrxploss: r.localLoss.max,
      local_minrxploss: r.localLoss.min,
      local_normdevrxploss: r.localLoss.mean,
      local_stdevrxploss: r.localLoss.stdev,
      rtt: r.rtt.last,
      maxrtt: r.rtt.max,
      minrtt: r.rtt.min,
      normdevrtt: r.rtt.mean,
      stdevrtt: r.rtt.stdev,
      local_ssrc: this.#sender.ssrc,
      remote_ssrc: this.#remote.ssrc,
      txoctetcount: this.#sender.octetCount,
      rxoctetcount: this.#rxoctetcount,
    };
  }

  /** Sends an RTCP BYE (when there is a remote), then closes both sockets. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= new Promise((resolve) => {
      this.#rtcp.stop();
      if (this.#dtmfTimer !== undefined) clearTimeout(this.#dtmfTimer);
      const finish = (): void => {
        this.#pair.close();
        resolve();
      };
      // the socket reads the BYE after this call returns: close only once it is sent
      if (!this.#rtcp.sendReport(true, finish)) finish();
    });
    return this.#closed;
  }

  readonly #onRtp = (buf: Buffer, rinfo: RemoteInfo): void => {
    if (buf.length > MAX_DATAGRAM_SIZE) return this.#drop('oversize');
    const p = this.#packet;
    const reason = parseRtp(buf, p);
    if (reason !== undefined) return this.#drop(reason);
    if (p.marker && p.payloadType >= 72 && p.payloadType <= 76) return this.#drop('rtcp-on-rtp-port');
    if (!this.#latch.accept(rinfo.address, rinfo.port, p.sequenceNumber)) return this.#drop('source');
    if (this.#isSymmetric) {
      this.#target.address = rinfo.address;
      this.#target.port = rinfo.port;
    }
    if (p.ssrc !== this.#remote.ssrc || this.#remote.stats === undefined) {
      this.#remote.ssrc = p.ssrc; // a new source (or restarted sender): statistics start again
      this.#remote.stats = new ReceiveStats(this.#sender.clockRate);
    }
    const arrival = Math.round((performance.now() * this.#sender.clockRate) / 1000);
    this.#remote.stats.update(p.sequenceNumber, p.timestamp, arrival, p.payload.length);
    this.#rxcount++;
    this.#rxoctetcount += p.payload.length;
    const format = this.#format;
    if (format?.telephoneEventPt !== undefined && p.payloadType === format.telephoneEventPt) {
      if (parseTelephoneEvent(p.payload, this.#event) !== undefined) return this.#drop('bad-telephone-event');
      this.#dtmfReceiver.receive(this.#event, p.timestamp);
      this.#armDtmfTimeout();
      return;
    }
    this.onAudio(p.payload, p.payloadType, p.payload.length, p.timestamp);
  };

  readonly #onRtcp = (buf: Buffer, rinfo: RemoteInfo): void => {
    if (buf.length > MAX_DATAGRAM_SIZE || !this.#rtcp.receive(buf)) return this.#drop('rtcp');
    if (this.#isSymmetric) {
      this.#rtcpTarget.address = rinfo.address;
      this.#rtcpTarget.port = rinfo.port;
    }
  };

  readonly #onSocketError = (): void => {
    this.socketErrors++;
  };

  /** Asterisk's dtmftimeout: a digit whose end packets never come ends this long after its last packet. */
  #armDtmfTimeout(): void {
    if (!this.#dtmfReceiver.isActive) return;
    if (this.#dtmfTimer === undefined) {
      this.#dtmfTimer = setTimeout(() => this.#dtmfReceiver.expire(), this.#config.dtmfTimeout);
      this.#dtmfTimer.unref();
    } else {
      this.#dtmfTimer.refresh();
    }
  }

  #drop(reason: RtpDropReason): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + 1);
  }
}
