/**
 * The RTP edge of a channel (chan_pjsip's media, UnicastRTP): G.711 decoded into signed-linear frames for the
 * pipeline and encoded on the way out, RFC 4733 DTMF both ways, and in-band DTMF (dtmf_mode=inband, or auto
 * without telephone-event): received audio searched for tones, digits sent as dual tones in the digit slot, which
 * holds the call's own audio back while a digit plays.
 */
import type { MediaEvent, RtpCodec } from '../../core/media/media-protocol.js';
import { decodeG711, encodeG711 } from '../../media/codecs/g711.js';
import { DtmfDetector } from '../../media/dtmf-detector.js';
import { DtmfToneGenerator } from '../../media/dtmf-tones.js';
import type { RtpSession } from '../../rtp/session/rtp-session.js';
import type { MediaChannel } from '../media-channel.js';
import type { ClockedSource, MediaEdge, ReadTap } from '../pipeline.js';
import type { StatsBlock } from '../stats-block.js';

/** G.711 runs at 8 kHz. */
const G711_RATE = 8000;
const STATIC_PT: Readonly<Record<number, RtpCodec>> = { 0: 'ulaw', 8: 'alaw' };

/** A digit sent as a dual tone until its end (the digit slot). */
class DigitTone implements ClockedSource {
  readonly #generator = new DtmfToneGenerator();
  constructor(digit: string) {
    this.#generator.start(digit);
  }
  fill(out: Int16Array): boolean {
    if (!this.#generator.isActive) return false;
    this.#generator.fill(out, out.length);
    return true;
  }
  release(): void {
    this.#generator.stop();
  }
}

export class RtpEdge implements MediaEdge, ReadTap {
  readonly rate = G711_RATE;
  #codec: RtpCodec | undefined;
  readonly #codecs = new Map<number, RtpCodec>();
  #inband: DtmfDetector | undefined;
  #pcm = new Int16Array(160);

  constructor(
    readonly session: RtpSession,
    private readonly channel: MediaChannel,
    private readonly emit: (event: MediaEvent) => void,
    private readonly stats: StatsBlock | undefined,
    readonly statsSlot: number | undefined,
  ) {
    session.onAudio = (payload, pt, _samples, timestamp) => this.#receive(payload, pt, timestamp);
    session.onDtmfBegin = (digit) => emit({ ev: 'dtmf-begin', digit });
    session.onDtmfEnd = (digit, durationMs) => emit({ ev: 'dtmf-end', digit, durationMs });
    // Statistics exist from the start (all zero), as they do for an Asterisk RTP instance.
    this.flushStats();
  }

  /** The negotiated codec and payload numbers (SDP answer or offer accepted). */
  setFormat(
    payloadType: number,
    codec: RtpCodec,
    payloadTypes: readonly (readonly [number, RtpCodec])[],
    te?: number,
    inband = false,
  ): void {
    this.#codec = codec;
    this.#codecs.clear();
    for (const [pt, name] of payloadTypes) this.#codecs.set(pt, name);
    this.session.setFormat({
      payloadType,
      sampleRate: G711_RATE,
      ...(te === undefined ? {} : { telephoneEventPt: te }),
    });
    const taps = this.channel.readTaps;
    if (inband && this.#inband === undefined) {
      this.#inband = new DtmfDetector({
        onDigitBegin: (digit) => this.emit({ ev: 'dtmf-begin', digit }),
        onDigitEnd: (digit, durationMs) => this.emit({ ev: 'dtmf-end', digit, durationMs }),
      });
      taps.push(this);
    } else if (!inband && this.#inband !== undefined) {
      this.#inband = undefined;
      taps.splice(taps.indexOf(this), 1);
    }
  }

  get usesInband(): boolean {
    return this.#inband !== undefined;
  }

  /** The codec of a payload type: the negotiated ones first, a static 0/8 from a peer that switched. */
  #codecOf(pt: number): RtpCodec | undefined {
    return this.#codecs.get(pt) ?? STATIC_PT[pt] ?? this.#codec;
  }

  get codec(): RtpCodec | undefined {
    return this.#codec;
  }

  sendEncoded(payload: Buffer, samples: number): void {
    this.session.sendAudio(payload, samples);
  }

  #receive(payload: Buffer, pt: number, timestamp: number): void {
    const codec = this.#codecOf(pt);
    if (codec === undefined) return;
    if (this.channel.relayEncoded(payload, codec)) return;
    const n = payload.length;
    if (this.#pcm.length < n) this.#pcm = new Int16Array(n);
    const pcm = this.#pcm.subarray(0, n);
    decodeG711(codec, payload, pcm, n);
    this.channel.read(pcm, timestamp);
  }

  /** ReadTap: in-band DTMF detection on what the device sends. */
  onRead(samples: Int16Array): void {
    this.#inband?.push(samples, samples.length);
  }

  write(samples: Int16Array): void {
    const codec = this.#codec;
    if (codec === undefined) return;
    // A fresh (pooled) buffer per packet: the socket may still hold the previous one until the next tick.
    const out = Buffer.allocUnsafe(samples.length);
    encodeG711(codec, samples, out, samples.length);
    this.session.sendAudio(out, samples.length);
  }

  dtmfBegin(digit: string): void {
    if (this.#inband !== undefined) this.channel.setSource('digit', new DigitTone(digit));
    else this.session.beginDtmf(digit);
  }

  dtmfEnd(digit: string, durationMs: number): void {
    if (this.#inband !== undefined) this.channel.setSource('digit', undefined);
    else this.session.endDtmf(digit, durationMs);
  }

  flushStats(): void {
    if (this.stats !== undefined && this.statsSlot !== undefined)
      this.stats.write(this.statsSlot, this.session.stats());
  }

  close(): void {
    this.flushStats();
    if (this.stats !== undefined && this.statsSlot !== undefined) this.stats.release(this.statsSlot);
    void this.session.close();
  }
}
