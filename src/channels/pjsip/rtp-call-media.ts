import type { CodecName, DtmfMode, RtpConfig } from '../../config/pjsip-types.js';
import type { MediaLeg, MediaPlane } from '../../core/media/media-plane.js';
import { buildSdp } from '../../sip/sdp/build-sdp.js';
import { answerDirection, isHold } from '../../sip/sdp/direction.js';
import { CODECS, negotiate, offerCodecs, type NegotiatedCodec } from '../../sip/sdp/negotiate.js';
import { parseRemoteSdp, type MediaDirection, type OtherMedia, type RemoteSdp } from '../../sip/sdp/remote-sdp.js';
import { SdpSessionVersion } from '../../sip/sdp/session-version.js';
import type { CallMedia, CallMediaFactory, MediaOptions, OfferResult } from './call-media.js';

/** Opens each call's RTP in the media plane, from the rtp.conf port range. */
export class RtpCallMediaFactory implements CallMediaFactory {
  constructor(
    private readonly config: RtpConfig,
    private readonly plane: () => MediaPlane,
  ) {}

  async open(options: MediaOptions, near?: MediaLeg): Promise<CallMedia | { error: string }> {
    const leg = this.plane().open(
      {
        kind: 'rtp',
        host: options.host,
        portStart: this.config.rtpStart,
        portEnd: this.config.rtpEnd,
        symmetric: options.symmetric,
        strictRtp: this.config.strictRtp,
        probation: this.config.probation,
        rtcpIntervalMs: this.config.rtcpInterval,
        dtmfTimeoutMs: this.config.dtmfTimeout,
      },
      near,
    );
    const reply = await leg.ready;
    if (!reply.ok || reply.port === undefined) {
      leg.close();
      return { error: reply.ok ? 'no port' : reply.error };
    }
    return new RtpCallMedia(leg, reply.host ?? options.host, reply.port, options);
  }
}

/**
 * One call's audio over RTP with Asterisk's SDP habits (sip-reference §6): offers list the endpoint's codecs then
 * telephone-event 101; answers use the offerer's payload numbers, copy its session id with version + 2, and bump
 * the version when our SDP changes (hold). The RTP itself runs in the media plane: this side negotiates and tells
 * it where to send, in which codec, and how DTMF travels.
 */
export class RtpCallMedia implements CallMedia {
  #version: SdpSessionVersion | undefined;
  #codecs: readonly NegotiatedCodec[] = [];
  #codec: NegotiatedCodec | undefined;
  #telephoneEventPt: number | undefined;
  #direction: MediaDirection = 'sendrecv';
  #rejected: readonly OtherMedia[] = [];
  #sdp = '';
  #remote = '';

  constructor(
    readonly leg: MediaLeg,
    readonly localHost: string,
    readonly localPort: number,
    private readonly options: MediaOptions,
  ) {}

  get hasTelephoneEvent(): boolean {
    return this.#telephoneEventPt !== undefined;
  }

  /** dtmf_mode=inband, or auto with a peer that did not negotiate telephone-event. */
  get usesInband(): boolean {
    const mode = this.options.dtmfMode;
    return mode === 'inband' || (mode === 'auto' && this.#telephoneEventPt === undefined);
  }

  get localAddress(): string {
    return `${this.localHost}:${this.localPort}`;
  }

  get remoteAddress(): string {
    return this.#remote;
  }

  #allow(): CodecName[] {
    return this.options.allow.filter((c): c is CodecName => Object.hasOwn(CODECS, c));
  }

  #apply(remote: RemoteSdp, codecs: readonly NegotiatedCodec[], te: number | undefined): void {
    const audio = remote.audio!;
    this.#codecs = codecs;
    this.#codec = codecs[0];
    this.#telephoneEventPt = te;
    if (audio.address !== '0.0.0.0') {
      this.#remote = `${audio.address}:${audio.port}`;
      this.leg.send({ op: 'rtp-remote', host: audio.address, port: audio.port, rtcpPort: audio.rtcpPort });
    }
    this.leg.send({
      op: 'rtp-format',
      payloadType: this.#codec!.pt,
      codec: this.#codec!.name,
      payloadTypes: codecs.map((c) => [c.pt, c.name] as const),
      ...(te === undefined ? {} : { telephoneEventPt: te }),
      inband: this.usesInband,
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
      address: this.options.sdpAddress ?? this.localHost,
      audioPort: this.localPort,
      codecs: this.#codecs,
      ...(this.#telephoneEventPt === undefined ? {} : { telephoneEventPt: this.#telephoneEventPt }),
      direction: this.#direction,
      rejected: this.#rejected,
    });
  }

  beginDtmf(digit: string): void {
    this.leg.send({ op: 'dtmf-begin', digit });
  }

  endDtmf(digit: string, durationMs: number): void {
    this.leg.send({ op: 'dtmf-end', digit, durationMs });
  }

  stats(): Record<string, number> | undefined {
    return this.leg.rtpStats();
  }

  close(): void {
    this.leg.close();
  }
}

/** The SDP without its o= line, to tell whether anything but the version changed. */
function stripOrigin(sdp: string): string {
  return sdp.replace(/^o=.*$/m, '');
}
