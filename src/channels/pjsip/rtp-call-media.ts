import type { CodecName, DtmfMode, RtpConfig } from '../../config/pjsip-types.js';
import type { Frame } from '../../core/frame.js';
import { transcodeG711 } from '../../media/codecs/g711.js';
import { RtpPortPool } from '../../rtp/session/port-pool.js';
import { RtpSession } from '../../rtp/session/rtp-session.js';
import { buildSdp } from '../../sip/sdp/build-sdp.js';
import { answerDirection, isHold } from '../../sip/sdp/direction.js';
import { negotiate, offerCodecs, type NegotiatedCodec } from '../../sip/sdp/negotiate.js';
import { parseRemoteSdp, type MediaDirection, type OtherMedia, type RemoteSdp } from '../../sip/sdp/remote-sdp.js';
import { SdpSessionVersion } from '../../sip/sdp/session-version.js';
import type { CallMedia, CallMediaFactory, MediaOptions, OfferResult } from './call-media.js';
import { InbandDtmf } from './inband-dtmf.js';

/** Opens RTP sessions from the rtp.conf port range. */
export class RtpCallMediaFactory implements CallMediaFactory {
  readonly pool: RtpPortPool;

  constructor(private readonly config: RtpConfig) {
    this.pool = new RtpPortPool(config.rtpStart, config.rtpEnd);
  }

  async open(options: MediaOptions, sink: (frame: Frame) => void): Promise<CallMedia | { error: string }> {
    const session = await RtpSession.open({
      host: options.host,
      pool: this.pool,
      config: this.config,
      symmetric: options.symmetric,
    });
    if ('error' in session) return { error: session.message };
    return new RtpCallMedia(session, options, sink);
  }
}

/**
 * One call's audio over RTP with Asterisk's SDP habits (sip-reference §6): offers list the endpoint's codecs then
 * telephone-event 101; answers use the offerer's payload numbers, copy its session id with version + 2, and bump
 * the version when our SDP changes (hold). Audio written in the other G.711 law is transcoded sample by sample.
 */
export class RtpCallMedia implements CallMedia {
  #version: SdpSessionVersion | undefined;
  #codecs: readonly NegotiatedCodec[] = [];
  #codec: NegotiatedCodec | undefined;
  #telephoneEventPt: number | undefined;
  #direction: MediaDirection = 'sendrecv';
  #rejected: readonly OtherMedia[] = [];
  #sdp = '';
  /** Tones in the audio, for dtmf_mode=inband (and auto without telephone-event). */
  readonly #inband: InbandDtmf;

  constructor(
    readonly session: RtpSession,
    private readonly options: MediaOptions,
    private readonly sink: (frame: Frame) => void,
  ) {
    this.#inband = new InbandDtmf(
      (payload, samples) => session.sendAudio(payload, samples),
      (digit) => sink({ kind: 'dtmf-begin', digit }),
      (digit, durationMs) => sink({ kind: 'dtmf-end', digit, durationMs }),
    );
    // One frame object reused for every packet: frames are handed on synchronously and not kept (core/frame.ts).
    const frame: Frame & { kind: 'voice' } = { kind: 'voice', format: 'ulaw', samples: 0, payload: Buffer.alloc(0) };
    session.onAudio = (payload, pt, samples) => {
      const name = this.#nameOf(pt);
      if (name === undefined) return;
      if (this.usesInband) this.#inband.detect(payload, name);
      frame.format = name;
      frame.samples = samples;
      frame.payload = payload;
      sink(frame);
    };
    session.onDtmfBegin = (digit) => sink({ kind: 'dtmf-begin', digit });
    session.onDtmfEnd = (digit, durationMs) => sink({ kind: 'dtmf-end', digit, durationMs });
  }

  get hasTelephoneEvent(): boolean {
    return this.#telephoneEventPt !== undefined;
  }

  /** dtmf_mode=inband, or auto with a peer that did not negotiate telephone-event. */
  get usesInband(): boolean {
    const mode = this.options.dtmfMode;
    return mode === 'inband' || (mode === 'auto' && this.#telephoneEventPt === undefined);
  }

  get localAddress(): string {
    return `${this.session.localHost}:${this.session.localPort}`;
  }

  get remoteAddress(): string {
    const r = this.session.remote;
    return r.address === '' ? '' : `${r.address}:${r.port}`;
  }

  /** The codec of a payload type: the negotiated ones first, a static 0/8 as sent by a peer that switched. */
  #nameOf(pt: number): CodecName | undefined {
    for (const c of this.#codecs) if (c.pt === pt) return c.name;
    if (pt === 0) return 'ulaw';
    if (pt === 8) return 'alaw';
    return this.#codec?.name;
  }

  #allow(): CodecName[] {
    return this.options.allow.filter((c): c is CodecName => c === 'ulaw' || c === 'alaw');
  }

  #apply(remote: RemoteSdp, codecs: readonly NegotiatedCodec[], te: number | undefined): void {
    const audio = remote.audio!;
    this.#codecs = codecs;
    this.#codec = codecs[0];
    this.#telephoneEventPt = te;
    if (audio.address !== '0.0.0.0') this.session.setRemote(audio.address, audio.port, audio.rtcpPort);
    this.session.setFormat({
      payloadType: this.#codec!.pt,
      sampleRate: 8000,
      ...(te === undefined ? {} : { telephoneEventPt: te }),
    });
  }

  acceptOffer(sdp: string): OfferResult {
    const parsed = parseRemoteSdp(sdp);
    if (!parsed.ok) return { ok: false, reason: 'bad-sdp' };
    const remote = parsed.value;
    const n = negotiate(remote, this.#allow(), this.options.dtmfMode as DtmfMode);
    if (!n.ok) return { ok: false, reason: n.reason };
    this.#apply(remote, n.answerCodecs, n.telephoneEventPt);
    this.#direction = answerDirection(remote.audio!.direction, remote.audio!.address);
    this.#rejected = remote.otherMedia;
    const previous = this.#sdp;
    if (this.#version === undefined) this.#version = SdpSessionVersion.forAnswer(remote);
    let next = this.#build();
    if (previous !== '' && stripOrigin(next) !== stripOrigin(previous)) {
      this.#version.bump();
      next = this.#build();
    } else if (previous !== '') next = previous;
    this.#sdp = next;
    return { ok: true, answer: next, hold: isHold(remote) };
  }

  offer(): string {
    if (this.#version === undefined) {
      this.#version = SdpSessionVersion.forOffer();
      const o = offerCodecs(this.#allow(), this.options.dtmfMode as DtmfMode);
      this.#codecs = o.codecs;
      this.#telephoneEventPt = o.telephoneEventPt;
      this.#sdp = this.#build();
    }
    return this.#sdp;
  }

  reoffer(direction: 'sendrecv' | 'sendonly'): string {
    if (this.#version === undefined) return this.offer();
    this.#direction = direction;
    this.#version.bump();
    this.#sdp = this.#build();
    return this.#sdp;
  }

  acceptAnswer(sdp: string): boolean {
    const parsed = parseRemoteSdp(sdp);
    if (!parsed.ok) return false;
    const n = negotiate(parsed.value, this.#allow(), this.options.dtmfMode as DtmfMode);
    if (!n.ok) return false;
    this.#apply(parsed.value, n.answerCodecs, n.telephoneEventPt);
    return true;
  }

  currentAnswer(): string {
    return this.#sdp === '' ? this.offer() : this.#sdp;
  }

  #build(): string {
    return buildSdp({
      owner: this.options.sdpOwner,
      sessionName: this.options.sdpSession,
      sessionId: this.#version!.sessionId,
      sessionVersion: this.#version!.version,
      address: this.options.sdpAddress ?? this.session.localHost,
      audioPort: this.session.localPort,
      codecs: this.#codecs,
      ...(this.#telephoneEventPt === undefined ? {} : { telephoneEventPt: this.#telephoneEventPt }),
      direction: this.#direction,
      rejected: this.#rejected,
    });
  }

  write(frame: Frame): void {
    if (frame.kind !== 'voice' || this.#codec === undefined || this.#inband.isSending) return;
    if (frame.format === this.#codec.name) {
      this.session.sendAudio(frame.payload, frame.samples);
      return;
    }
    // The other G.711 law: one table lookup per sample. A fresh (pooled) buffer per frame: the socket may still
    // hold the previous one until the next tick, so it cannot be reused.
    if (frame.format !== 'ulaw' && frame.format !== 'alaw') return;
    const out = Buffer.allocUnsafe(frame.payload.length);
    transcodeG711(frame.format, frame.payload, out);
    this.session.sendAudio(out, frame.samples);
  }

  beginDtmf(digit: string): void {
    if (this.usesInband) this.#inband.begin(digit, () => this.#codec?.name);
    else this.session.beginDtmf(digit);
  }

  endDtmf(digit: string, durationMs: number): void {
    if (this.usesInband) this.#inband.end();
    else this.session.endDtmf(digit, durationMs);
  }

  stats(): Record<string, number> {
    return { ...this.session.stats() };
  }

  close(): void {
    this.#inband.close();
    void this.session.close();
  }
}

/** The SDP without its o= line, to tell whether anything but the version changed. */
function stripOrigin(sdp: string): string {
  return sdp.replace(/^o=.*$/m, '');
}
