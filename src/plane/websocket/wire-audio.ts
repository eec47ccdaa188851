/**
 * Audio as it crosses a media WebSocket: the channel's format with no header. G.711 and G.722 are the codecs'
 * own bytes; signed linear is in the host order of the Asterisk that sends it (chan_websocket passes slin frames
 * as the core holds them), little-endian on every platform Asterisk runs on — unlike L16 on RTP (big-endian).
 */
import { AUDIO_CODECS, createFrameCoder, type AudioCodecName } from '../../media/codecs/audio-codecs.js';

/** Encodes and decodes one direction's frames of one channel (G.722 keeps state per direction). */
export interface WireAudio {
  /** Rate of the decoded audio. */
  readonly rate: number;
  samplesIn(bytes: number): number;
  bytesFor(samples: number): number;
  /** Decode `payload` into `out` (at least `samplesIn(payload.length)` long); returns the samples written. */
  decode(payload: Uint8Array, out: Int16Array): number;
  /** Encode `pcm` into `out` (at least `bytesFor(pcm.length)` long); returns the bytes written. */
  encode(pcm: Int16Array, out: Uint8Array): number;
}

/** 16-bit signed little-endian PCM (an odd last byte is ignored). */
class LittleEndianLinear implements WireAudio {
  constructor(readonly rate: number) {}
  samplesIn(bytes: number): number {
    return bytes >> 1;
  }
  bytesFor(samples: number): number {
    return samples * 2;
  }
  decode(payload: Uint8Array, out: Int16Array): number {
    const n = payload.length >> 1;
    for (let i = 0; i < n; i++) out[i] = ((payload[2 * i]! | (payload[2 * i + 1]! << 8)) << 16) >> 16;
    return n;
  }
  encode(pcm: Int16Array, out: Uint8Array): number {
    for (let i = 0; i < pcm.length; i++) {
      const v = pcm[i]!;
      out[2 * i] = v & 0xff;
      out[2 * i + 1] = (v >> 8) & 0xff;
    }
    return pcm.length * 2;
  }
}

/** The wire coder of `codec` (a new one per direction: G.722's ADPCM state is per stream). */
export function wireAudio(codec: AudioCodecName): WireAudio {
  if (codec === 'slin' || codec === 'slin16') return new LittleEndianLinear(AUDIO_CODECS[codec].rate);
  const coder = createFrameCoder(codec);
  return {
    rate: coder.info.rate,
    samplesIn: (bytes) => coder.samplesIn(bytes),
    bytesFor: (samples) => coder.bytesFor(samples),
    decode: (payload, out) => coder.decode(payload, out),
    encode: (pcm, out) => coder.encode(pcm, out),
  };
}
