/**
 * The RTP edge of a channel (chan_pjsip's media, UnicastRTP): the negotiated codec (G.711, L16/16000) decoded
 * into signed-linear frames at its rate for the pipeline and encoded on the way out, RFC 4733 DTMF both ways, and
 * in-band DTMF (dtmf_mode=inband, or auto without telephone-event): received audio searched for tones, digits sent
 * as dual tones in the digit slot, which holds the call's own audio back while a digit plays.
 *
 * Timestamps handed to the pipeline are in samples of the decoded audio (a G.722 packet's 8 kHz RTP timestamp
 * would be doubled), so a mixer's jitter buffer can place frames whatever the codec.
 */
import type { MediaEvent, RtpCodec } from '../../core/media/media-protocol.js';
import { AUDIO_CODECS, createFrameCoder, type FrameCoder } from '../../media/codecs/audio-codecs.js';
import { DtmfDetector } from '../../media/dtmf-detector.js';
import { DtmfToneGenerator } from '../../media/dtmf-tones.js';
import type { RtpSession } from '../../rtp/session/rtp-session.js';
import type { MediaChannel } from '../media-channel.js';
import type { ClockedSource, MediaEdge, ReadTap } from '../pipeline.js';
import { frameSamples, MAX_RATE } from '../pipeline.js';
import type { StatsBlock } from '../stats-block.js';

/** No payload type received yet (RTP's are 0–127). */
const NO_PT = -1;
/** Payload buffers an RTP edge rotates through: more than the frames of one catch-up burst. */
const PAYLOAD_RING = 16;

/** Before a format is negotiated the edge speaks G.711's 8 kHz. */
const DEFAULT_RATE = 8000;
/** Payload types a peer may switch to without them being in the answer (RFC 3551 static ones). */
const STATIC_PT: Readonly<Record<number, RtpCodec>> = { 0: 'ulaw', 8: 'alaw' };
/** Received packets of up to this many ms are decoded without growing the buffer (maxptime 140). */
const DECODE_BUFFER_MS = 140;

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
  #codec: RtpCodec | undefined;
  /** The coder of what we send. */
  #sender: FrameCoder | undefined;
  /** The last payload type received and its codec and decoder (#receive). */
  #lastPt = NO_PT;
  #lastCodec: RtpCodec | undefined;
  #lastDecoder: FrameCoder | undefined;
  /** Encoded payloads in flight, reused in turn (write). */
  readonly #payloads: (Buffer | undefined)[] = [];
  #payloadIndex = 0;
  /** Decoders of what we receive, one per codec the peer uses (a codec with state needs its own). */
  readonly #decoders = new Map<RtpCodec, FrameCoder>();
  readonly #codecs = new Map<number, RtpCodec>();
  #inband: DtmfDetector | undefined;
  #pcm = new Int16Array((DECODE_BUFFER_MS / 20) * frameSamples(MAX_RATE));

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

  /** The rate the device speaks: the negotiated codec's (frames of another rate are resampled by the channel). */
  get rate(): number {
    return this.#sender?.info.rate ?? DEFAULT_RATE;
  }

  /** The negotiated codec and payload numbers (SDP answer or offer accepted). */
  setFormat(
    payloadType: number,
    codec: RtpCodec,
    payloadTypes: readonly (readonly [number, RtpCodec])[],
    te?: number,
    inband = false,
  ): void {
    if (codec !== this.#codec) this.#sender = createFrameCoder(codec);
    this.#codec = codec;
    this.#codecs.clear();
    this.#lastPt = NO_PT;
    for (const [pt, name] of payloadTypes) this.#codecs.set(pt, name);
    this.session.setFormat({
      payloadType,
      sampleRate: AUDIO_CODECS[codec].clockRate,
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

  #decoder(codec: RtpCodec): FrameCoder {
    let decoder = this.#decoders.get(codec);
    if (decoder === undefined) {
      decoder = createFrameCoder(codec);
      this.#decoders.set(codec, decoder);
    }
    return decoder;
  }

  get codec(): RtpCodec | undefined {
    return this.#codec;
  }

  /**
   * A payload relayed from a channel that has it in our codec: its RTP duration from its size. A lent payload is
   * copied into the payload ring first: a packet the socket had to queue keeps its bytes until it is sent.
   */
  sendEncoded(payload: Buffer, lent = false): void {
    const sender = this.#sender;
    if (sender === undefined) return;
    if (!lent) {
      this.session.sendAudio(payload, sender.ticksIn(payload.length));
      return;
    }
    const slot = this.#payloadIndex;
    const out = this.#payloadSlot(payload.length);
    payload.copy(out);
    this.session.sendAudio(out, sender.ticksIn(payload.length));
    if (this.session.lastSendQueued) this.#payloads[slot] = undefined;
  }

  /** The next buffer of the payload ring, `bytes` long. */
  #payloadSlot(bytes: number): Buffer {
    const slot = this.#payloadIndex;
    let out = this.#payloads[slot];
    if (out === undefined || out.length !== bytes) this.#payloads[slot] = out = Buffer.allocUnsafe(bytes);
    this.#payloadIndex = (slot + 1) % PAYLOAD_RING;
    return out;
  }

  #receive(payload: Buffer, pt: number, timestamp: number): void {
    // A stream keeps its payload type: the codec and decoder of the last one are kept at hand.
    if (pt !== this.#lastPt) {
      const found = this.#codecOf(pt);
      if (found === undefined) return;
      this.#lastPt = pt;
      this.#lastCodec = found;
      this.#lastDecoder = this.#decoder(found);
    }
    const codec = this.#lastCodec!;
    const decoder = this.#lastDecoder!;
    const n = decoder.samplesIn(payload.length);
    if (this.channel.relayEncoded(payload, codec, n)) return;
    if (this.#pcm.length < n) this.#pcm = new Int16Array(n);
    const pcm = this.#pcm.subarray(0, decoder.decode(payload, this.#pcm));
    const info = decoder.info;
    // In samples of the decoded audio: the RTP clock scaled when it differs (G.722).
    const samplesTime = info.clockRate === info.rate ? timestamp : Math.round((timestamp * info.rate) / info.clockRate);
    this.channel.read(pcm, samplesTime >>> 0);
  }

  /** ReadTap: in-band DTMF detection on what the device sends. */
  onRead(samples: Int16Array): void {
    this.#inband?.push(samples, samples.length);
  }

  write(samples: Int16Array): void {
    const sender = this.#sender;
    if (sender === undefined) return;
    // Payloads rotate through a ring; one the socket had to queue (a full socket buffer) stays with the queued
    // packet and its slot gets a new buffer next time.
    const need = sender.bytesFor(samples.length);
    const slot = this.#payloadIndex;
    const out = this.#payloadSlot(need);
    const bytes = sender.encode(samples, out);
    this.session.sendAudio(bytes === need ? out : out.subarray(0, bytes), sender.ticksIn(bytes));
    if (this.session.lastSendQueued) this.#payloads[slot] = undefined;
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
