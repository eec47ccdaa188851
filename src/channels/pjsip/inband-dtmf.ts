import type { CodecName } from '../../config/pjsip-types.js';
import { decodeG711, encodeG711 } from '../../media/codecs/g711.js';
import { mediaClock } from '../../media/media-clock.js';
import { DtmfDetector } from '../../media/dtmf-detector.js';
import { DtmfToneGenerator } from '../../media/dtmf-tones.js';

const FRAME = 160;

/**
 * DTMF as tones in the audio (dtmf_mode=inband, or auto when the peer offered no telephone-event). Out: from the
 * digit's begin to its end, every 20 ms tick of the shared media clock sends a frame of the dual tone instead of
 * the call's audio. In: received G.711 is decoded and fed to a Goertzel detector.
 */
export class InbandDtmf {
  readonly #generator = new DtmfToneGenerator();
  readonly #detector: DtmfDetector;
  readonly #pcm = new Int16Array(FRAME);
  readonly #out = Buffer.alloc(FRAME);
  #decoded = new Int16Array(FRAME);
  #unsubscribe: (() => void) | undefined;

  constructor(
    private readonly send: (payload: Buffer, samples: number) => void,
    onBegin: (digit: string) => void,
    onEnd: (digit: string, durationMs: number) => void,
  ) {
    this.#detector = new DtmfDetector({ onDigitBegin: onBegin, onDigitEnd: onEnd });
  }

  /** Whether a tone is being sent (the call's own audio is held back meanwhile). */
  get isSending(): boolean {
    return this.#generator.isActive;
  }

  begin(digit: string, codec: () => CodecName | undefined): void {
    if (!this.#generator.start(digit)) return;
    this.#unsubscribe ??= mediaClock.subscribe(() => {
      const name = codec();
      if (!this.#generator.isActive || name === undefined) return;
      this.#generator.fill(this.#pcm, FRAME);
      encodeG711(name, this.#pcm, this.#out, FRAME);
      this.send(this.#out, FRAME);
    });
  }

  end(): void {
    this.#generator.stop();
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Received audio in `codec`: decoded and searched for tones. */
  detect(payload: Buffer, codec: CodecName): void {
    const n = payload.length;
    if (this.#decoded.length < n) this.#decoded = new Int16Array(n);
    decodeG711(codec, payload, this.#decoded, n);
    this.#detector.push(this.#decoded, n);
  }

  close(): void {
    this.end();
  }
}
