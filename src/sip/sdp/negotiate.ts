/**
 * RFC 3264 offer/answer for audio (G.711, G.722, L16/16000), as Asterisk's res_pjsip_sdp_rtp does it: the answer lists the codecs we
 * share with the offer in the endpoint's `allow` order, each under the offerer's payload number (§6.1), and adds
 * telephone-event only when our DTMF mode sends RFC 4733 events and the offer has telephone-event/8000.
 */
import type { CodecName, DtmfMode } from '../../config/pjsip-types.js';
import type { RemotePayload, RemoteSdp } from './remote-sdp.js';

export interface NegotiatedCodec {
  readonly pt: number;
  readonly name: CodecName;
}

export type NegotiateResult =
  | {
      readonly ok: true;
      /** The codec to send: the first of `answerCodecs`. */
      readonly codec: NegotiatedCodec;
      readonly telephoneEventPt?: number;
      /** Every shared codec, in our preference order, with the offerer's payload numbers. */
      readonly answerCodecs: readonly NegotiatedCodec[];
    }
  | { readonly ok: false; readonly reason: 'no-audio' | 'no-codec' };

/** Payload types (RFC 3551 static ones where they exist) and encoding names of the codecs we have. */
export const CODECS: Record<CodecName, { readonly pt: number; readonly encoding: string; readonly clockRate: number }> =
  {
    ulaw: { pt: 0, encoding: 'PCMU', clockRate: 8000 },
    alaw: { pt: 8, encoding: 'PCMA', clockRate: 8000 },
    // RFC 3551 §4.5.2: G.722's RTP clock is 8000 although it samples at 16 kHz.
    g722: { pt: 9, encoding: 'G722', clockRate: 8000 },
    // Not static in RFC 3551: the number Asterisk's RTP engine offers L16/16000 on.
    slin16: { pt: 118, encoding: 'L16', clockRate: 16000 },
  };

/** The payload type Asterisk offers telephone-event on. */
export const TELEPHONE_EVENT_PT = 101;

/** DTMF modes that put telephone-event in the SDP (inband, info and none do not). */
export function usesRfc4733(mode: DtmfMode): boolean {
  return mode === 'rfc4733' || mode === 'auto' || mode === 'auto_info';
}

function isCodec(p: RemotePayload, name: CodecName): boolean {
  const c = CODECS[name];
  return p.encoding === c.encoding.toLowerCase() && p.clockRate === c.clockRate;
}

export function negotiate(remote: RemoteSdp, allow: readonly CodecName[], dtmfMode: DtmfMode): NegotiateResult {
  const audio = remote.audio;
  if (!audio) return { ok: false, reason: 'no-audio' };
  const answerCodecs: NegotiatedCodec[] = [];
  for (const name of allow) {
    const offered = audio.payloads.find((p) => isCodec(p, name));
    if (offered) answerCodecs.push({ pt: offered.pt, name });
  }
  const codec = answerCodecs[0];
  if (!codec) return { ok: false, reason: 'no-codec' };
  const te = usesRfc4733(dtmfMode)
    ? audio.payloads.find((p) => p.encoding === 'telephone-event' && p.clockRate === 8000)
    : undefined;
  return te ? { ok: true, codec, telephoneEventPt: te.pt, answerCodecs } : { ok: true, codec, answerCodecs };
}

/** What we offer: `allow` in order with static payload types, then telephone-event 101 when the DTMF mode uses it. */
export function offerCodecs(
  allow: readonly CodecName[],
  dtmfMode: DtmfMode,
): { codecs: NegotiatedCodec[]; telephoneEventPt?: number } {
  const codecs = allow.map((name) => ({ pt: CODECS[name].pt, name }));
  return usesRfc4733(dtmfMode) ? { codecs, telephoneEventPt: TELEPHONE_EVENT_PT } : { codecs };
}
