/**
 * An N-party audio mixer (Asterisk's softmix): once per media clock tick it takes one frame from each port's
 * jitter buffer, adds the voices of the ports that speak into the mix, and gives each port what it should hear —
 * a participant the mix minus its own voice (in a holding bridge, only the announcers), a recorder the whole
 * mix, an announcer nothing. Sums are kept in 32 bits and clipped once per output sample. Nothing is allocated
 * per tick: every port owns its input and output frames.
 */
import type { PortRole } from '../../core/media/bridge-protocol.js';
import { JitterBuffer } from '../../media/jitter-buffer.js';
import type { MediaChannel } from '../media-channel.js';
import { frameSamples, type MediaEdge } from '../pipeline.js';

const MAX_SAMPLE = 32767;
const MIN_SAMPLE = -32768;

/** One port of a mixer: the edge of a hidden channel whose link is the member it stands for. */
export class MixerPort implements MediaEdge {
  role: PortRole;
  muted: boolean;
  /** The mixer's rate: the port channel resamples the member's audio to it, and the mix back. */
  rate: number;
  #jitter: JitterBuffer;
  #in: Int16Array;
  #out: Int16Array;
  /** Whether anything arrived since the port joined (a silent member adds nothing and costs no pull). */
  #hasInput = false;

  constructor(
    readonly channel: MediaChannel,
    readonly mixer: Mixer,
    role: PortRole,
    muted: boolean,
  ) {
    this.role = role;
    this.muted = muted;
    this.rate = mixer.rate;
    this.#jitter = new JitterBuffer(mixer.rate);
    this.#in = new Int16Array(mixer.frameSamples);
    this.#out = new Int16Array(mixer.frameSamples);
  }

  /** The mixer changed its rate: buffers of the new frame size, a jitter buffer that starts again. */
  resize(): void {
    this.rate = this.mixer.rate;
    this.#jitter = new JitterBuffer(this.mixer.rate);
    this.#in = new Int16Array(this.mixer.frameSamples);
    this.#out = new Int16Array(this.mixer.frameSamples);
    this.#hasInput = false;
  }

  /** The member's audio (resampled to the mixer's rate by the port channel) into the jitter buffer. */
  write(samples: Int16Array, timestamp?: number): void {
    this.#hasInput = true;
    this.#jitter.push(samples, timestamp);
  }

  /** This tick's input frame: pulled from the jitter buffer; undefined when the port adds nothing to the mix. */
  pull(): Int16Array | undefined {
    if (!this.#hasInput) return undefined;
    this.#jitter.pull(this.#in);
    if (this.muted || this.role === 'recorder') return undefined;
    return this.#in;
  }

  get output(): Int16Array {
    return this.#out;
  }

  get jitterStats(): JitterBuffer['stats'] {
    return this.#jitter.stats;
  }

  close(): void {
    this.mixer.remove(this);
  }
}

export class Mixer {
  readonly ports: MixerPort[] = [];
  frameSamples: number;
  #sum: Int32Array;
  #announcers: Int32Array;
  readonly #inputs: (Int16Array | undefined)[] = [];
  #unsubscribe: (() => void) | undefined;
  ticks = 0;

  constructor(
    public rate: 8000 | 16000,
    readonly holding: boolean,
    private readonly subscribe: (tick: () => void) => () => void,
  ) {
    this.frameSamples = frameSamples(rate);
    this.#sum = new Int32Array(this.frameSamples);
    this.#announcers = new Int32Array(this.frameSamples);
  }

  /**
   * Mix at another rate (softmix's internal rate change): every port's audio is resampled to it from the next
   * frame on. The ports' jitter buffers start again, as a few ms of audio in flight at the old rate are dropped.
   */
  setRate(rate: 8000 | 16000): void {
    if (rate === this.rate) return;
    this.rate = rate;
    this.frameSamples = frameSamples(rate);
    this.#sum = new Int32Array(this.frameSamples);
    this.#announcers = new Int32Array(this.frameSamples);
    for (const port of this.ports) port.resize();
  }

  add(port: MixerPort): void {
    this.ports.push(port);
    this.#unsubscribe ??= this.subscribe(this.#tick);
  }

  remove(port: MixerPort): void {
    const i = this.ports.indexOf(port);
    if (i !== -1) this.ports.splice(i, 1);
    if (this.ports.length === 0) this.close();
  }

  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  readonly #tick = (): void => {
    this.ticks++;
    const ports = this.ports;
    const n = this.frameSamples;
    const sum = this.#sum;
    const announced = this.#announcers;
    sum.fill(0);
    announced.fill(0);
    const inputs = this.#inputs;
    inputs.length = ports.length;
    for (let p = 0; p < ports.length; p++) {
      const port = ports[p]!;
      const input = port.pull();
      inputs[p] = input;
      if (input === undefined) continue;
      for (let i = 0; i < n; i++) sum[i]! += input[i]!;
      if (port.role === 'announcer') for (let i = 0; i < n; i++) announced[i]! += input[i]!;
    }
    for (let p = 0; p < ports.length; p++) {
      const port = ports[p]!;
      if (port.role === 'announcer') continue;
      const out = port.output;
      const own = inputs[p];
      if (port.role === 'recorder') clip(sum, undefined, out, n);
      else if (this.holding) clip(announced, undefined, out, n);
      else clip(sum, own, out, n);
      port.channel.read(out);
    }
  };
}

/** out = clip(total − own). */
function clip(total: Int32Array, own: Int16Array | undefined, out: Int16Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = own === undefined ? total[i]! : total[i]! - own[i]!;
    out[i] = v > MAX_SAMPLE ? MAX_SAMPLE : v < MIN_SAMPLE ? MIN_SAMPLE : v;
  }
}
