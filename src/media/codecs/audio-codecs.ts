/**
 * The audio codecs an RTP stream can carry here, with what the RTP layer and the pipeline need to know of each:
 * the rate of the signed-linear audio it decodes to, its RTP clock rate (RFC 3551 §4.5: not always the same —
 * G.722 samples at 16 kHz on an 8 kHz RTP clock, §4.5.2), its payload type and its SDP encoding name.
 *
 * A `FrameCoder` encodes and decodes one stream; codecs with state (G.722's ADPCM predictors) need one coder per
 * stream, so `createFrameCoder` makes a new one each time. Coders write into buffers the caller passes.
 */
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from './g711.js';
import { G722Decoder, G722Encoder, G722_PAYLOAD_TYPE, G722_RTP_CLOCK_RATE, G722_SAMPLE_RATE } from './g722/index.js';

export type AudioCodecName = 'ulaw' | 'alaw' | 'g722' | 'slin' | 'slin16';

export interface AudioCodecInfo {
  /** Rate of the decoded audio. */
  readonly rate: 8000 | 16000;
  /** RTP timestamp units per second. */
  readonly clockRate: number;
  /** RFC 3551 static payload type, or the number Asterisk's RTP engine maps the format to (slin16: 118). */
  readonly payloadType: number;
  /** SDP `a=rtpmap` encoding name. */
  readonly encoding: string;
}

/**
 * Asterisk's table (rtp_engine.c): PCMU 0, PCMA 8, G722 9, 8 kHz signed linear on 10 (RFC 3551 gives 10 to
 * 44.1 kHz stereo L16; Asterisk uses it for `slin`), L16/16000 on 118.
 */
export const AUDIO_CODECS: Readonly<Record<AudioCodecName, AudioCodecInfo>> = {
  ulaw: { rate: 8000, clockRate: 8000, payloadType: 0, encoding: 'PCMU' },
  alaw: { rate: 8000, clockRate: 8000, payloadType: 8, encoding: 'PCMA' },
  g722: { rate: G722_SAMPLE_RATE, clockRate: G722_RTP_CLOCK_RATE, payloadType: G722_PAYLOAD_TYPE, encoding: 'G722' },
  slin: { rate: 8000, clockRate: 8000, payloadType: 10, encoding: 'L16' },
  slin16: { rate: 16000, clockRate: 16000, payloadType: 118, encoding: 'L16' },
};

export function isAudioCodec(name: string): name is AudioCodecName {
  return Object.hasOwn(AUDIO_CODECS, name);
}

export interface FrameCoder {
  readonly info: AudioCodecInfo;
  /** Samples (at `info.rate`) in a payload of `bytes` bytes. */
  samplesIn(bytes: number): number;
  /** Bytes of the payload for `samples` samples. */
  bytesFor(samples: number): number;
  /** RTP clock units a payload of `bytes` bytes spans. */
  ticksIn(bytes: number): number;
  /** Decode `payload` into `out` (at least `samplesIn(payload.length)` long); returns the samples written. */
  decode(payload: Uint8Array, out: Int16Array): number;
  /** Encode `pcm` into `out` (at least `bytesFor(pcm.length)` long); returns the bytes written. */
  encode(pcm: Int16Array, out: Uint8Array): number;
}

/** One byte per sample (G.711). */
class G711Coder implements FrameCoder {
  constructor(
    readonly info: AudioCodecInfo,
    private readonly law: 'ulaw' | 'alaw',
  ) {}
  samplesIn(bytes: number): number {
    return bytes;
  }
  bytesFor(samples: number): number {
    return samples;
  }
  ticksIn(bytes: number): number {
    return bytes;
  }
  decode(payload: Uint8Array, out: Int16Array): number {
    if (this.law === 'ulaw') decodeUlaw(payload, out, payload.length);
    else decodeAlaw(payload, out, payload.length);
    return payload.length;
  }
  encode(pcm: Int16Array, out: Uint8Array): number {
    if (this.law === 'ulaw') encodeUlaw(pcm, out, pcm.length);
    else encodeAlaw(pcm, out, pcm.length);
    return pcm.length;
  }
}

/** RFC 3551 §4.5.11 L16: 16-bit two's complement samples in network byte order (big-endian). */
class LinearCoder implements FrameCoder {
  constructor(readonly info: AudioCodecInfo) {}
  samplesIn(bytes: number): number {
    return bytes >> 1;
  }
  bytesFor(samples: number): number {
    return samples * 2;
  }
  ticksIn(bytes: number): number {
    return bytes >> 1;
  }
  decode(payload: Uint8Array, out: Int16Array): number {
    const n = payload.length >> 1;
    for (let i = 0; i < n; i++) {
      const v = (payload[2 * i]! << 8) | payload[2 * i + 1]!;
      out[i] = v >= 0x8000 ? v - 0x10000 : v;
    }
    return n;
  }
  encode(pcm: Int16Array, out: Uint8Array): number {
    for (let i = 0; i < pcm.length; i++) {
      const v = pcm[i]!;
      out[2 * i] = (v >> 8) & 0xff;
      out[2 * i + 1] = v & 0xff;
    }
    return pcm.length * 2;
  }
}

/**
 * G.722 at 64 kbit/s: one byte per two 16 kHz samples, and one RTP clock tick per byte (the 8 kHz clock). The
 * encoder and decoder keep their ADPCM state, so each stream has its own coder.
 */
class G722Coder implements FrameCoder {
  readonly #encoder = new G722Encoder();
  readonly #decoder = new G722Decoder();
  constructor(readonly info: AudioCodecInfo) {}
  samplesIn(bytes: number): number {
    return bytes * 2;
  }
  bytesFor(samples: number): number {
    return samples >> 1;
  }
  ticksIn(bytes: number): number {
    return bytes;
  }
  decode(payload: Uint8Array, out: Int16Array): number {
    return this.#decoder.decode(payload, out);
  }
  encode(pcm: Int16Array, out: Uint8Array): number {
    return this.#encoder.encode(pcm, out);
  }
}

export function createFrameCoder(name: AudioCodecName): FrameCoder {
  const info = AUDIO_CODECS[name];
  switch (name) {
    case 'ulaw':
    case 'alaw':
      return new G711Coder(info, name);
    case 'g722':
      return new G722Coder(info);
    case 'slin':
    case 'slin16':
      return new LinearCoder(info);
  }
}
