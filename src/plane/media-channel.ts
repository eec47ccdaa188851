/**
 * One channel's media pipeline in the media plane.
 *
 * Read path (from the device): the edge decodes a frame and calls `read`; muted `in` drops it; the read taps see
 * it in order; then it goes to the link target (a bridged or echoing channel).
 *
 * Write path (to the device): exactly one source at a time, in Asterisk's precedence —
 *   digit (in-band DTMF tones) > stream (playback) > generator (music on hold, silence, tones) > linked audio.
 * Starting a stream ends the generator for good (`ast_openstream` deactivates it; silence does not come back),
 * a new generator replaces the old one (`ast_activate_generator`), and linked audio written while a stream or
 * generator runs is dropped (`ast_write` with a generator active). Muted `out` drops what would be sent; the
 * write taps see what is sent.
 */
import type { ClockedSource, LinkTarget, MediaEdge, Mixer, ReadTap, SourceSlot, WriteTap } from './pipeline.js';
import { MAX_RATE, frameSamples } from './pipeline.js';
import { Resampler } from './resampling.js';

/** What the channel tells its engine. */
export interface MediaChannelHost {
  /** The channel now has (or no longer has) a clocked source: tick it, or stop. */
  setClocked(channel: MediaChannel, clocked: boolean): void;
  /** A clocked source ended by itself (its `fill` returned false). */
  sourceEnded(channel: MediaChannel, slot: SourceSlot, source: ClockedSource): void;
}

export class MediaChannel implements LinkTarget {
  edge: MediaEdge | undefined;
  readonly readTaps: ReadTap[] = [];
  readonly writeTaps: WriteTap[] = [];
  /** Whisper mixed into what is read / sent. */
  readonly readMixers: Mixer[] = [];
  readonly writeMixers: Mixer[] = [];
  link: LinkTarget | undefined;
  mutedIn = false;
  mutedOut = false;
  /** Samples read from / written to the device so far: the frames' timestamps. */
  readTime = 0;
  writeTime = 0;
  /** Called once at the next voice frame read (Answer()'s wait for media). */
  readonly audioWaiters: Array<() => void> = [];
  readonly #slots: Record<SourceSlot, ClockedSource | undefined> = {
    digit: undefined,
    stream: undefined,
    generator: undefined,
  };
  readonly #tickBuffer = new Int16Array(frameSamples(MAX_RATE));
  readonly #resampler = new Resampler();
  #closed = false;

  constructor(
    readonly id: number,
    private readonly host: MediaChannelHost,
  ) {}

  get rate(): number {
    return this.edge?.rate ?? 8000;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** The active clocked source (the highest slot taken), if any. */
  get activeSource(): ClockedSource | undefined {
    const s = this.#slots;
    return s.digit ?? s.stream ?? s.generator;
  }

  source(slot: SourceSlot): ClockedSource | undefined {
    return this.#slots[slot];
  }

  /** Put `source` in `slot` (undefined empties it), releasing what was there; a stream ends the generator. */
  setSource(slot: SourceSlot, source: ClockedSource | undefined): void {
    if (this.#closed) {
      source?.release();
      return;
    }
    const previous = this.#slots[slot];
    this.#slots[slot] = source;
    if (previous !== undefined && previous !== source) previous.release();
    if (slot === 'stream' && source !== undefined) this.setSource('generator', undefined);
    this.host.setClocked(this, this.activeSource !== undefined);
  }

  /** A frame decoded by the edge (`timestamp`: its RTP timestamp, when it has one). */
  read(samples: Int16Array, timestamp?: number): void {
    if (this.#closed) return;
    const rate = this.rate;
    this.readTime += samples.length;
    if (this.audioWaiters.length > 0) for (const done of this.audioWaiters.splice(0)) done();
    if (this.mutedIn) return;
    for (const mixer of this.readMixers) mixer.mix(samples, rate);
    for (const tap of this.readTaps) tap.onRead(samples, rate);
    this.link?.writeLinked(samples, rate, timestamp);
  }

  /**
   * A frame the edge received in `codec`, offered as is: when nothing here needs the audio (no taps, mixers or
   * mute) and the linked channel would send it unchanged in the same codec, it goes across without being decoded
   * and encoded again (byte for byte, as Asterisk's simple bridge and Echo() pass frames). False: decode it.
   * `lent`: the caller writes the payload's bytes again after the call (see MediaEdge.sendEncoded).
   */
  relayEncoded(payload: Buffer, codec: string, samples: number, lent = false): boolean {
    const target = this.link;
    if (!(target instanceof MediaChannel) || !this.#isTransparentRead() || !target.#isTransparentWrite(codec)) {
      return false;
    }
    this.readTime += samples;
    if (this.audioWaiters.length > 0) for (const done of this.audioWaiters.splice(0)) done();
    target.writeTime += samples;
    target.edge!.sendEncoded!(payload, lent);
    return true;
  }

  #isTransparentRead(): boolean {
    return !this.#closed && !this.mutedIn && this.readTaps.length === 0 && this.readMixers.length === 0;
  }

  #isTransparentWrite(codec: string): boolean {
    const edge = this.edge;
    return (
      !this.#closed &&
      edge?.sendEncoded !== undefined &&
      edge.codec === codec &&
      !this.mutedOut &&
      this.activeSource === undefined &&
      this.writeTaps.length === 0 &&
      this.writeMixers.length === 0
    );
  }

  /** Audio from a link (bridge, echo, dial): sent unless a clocked source holds the write path. */
  writeLinked(samples: Int16Array, rate: number, timestamp?: number): void {
    if (this.#closed || this.activeSource !== undefined) return;
    this.send(samples, rate, timestamp);
  }

  /** One media clock tick: the active source's next frame goes out; a source that ended leaves its slot. */
  tick(): void {
    const s = this.#slots;
    const slot: SourceSlot | undefined = s.digit
      ? 'digit'
      : s.stream
        ? 'stream'
        : s.generator
          ? 'generator'
          : undefined;
    if (slot === undefined) return;
    const source = s[slot]!;
    const rate = this.rate;
    const out = this.#tickBuffer.subarray(0, frameSamples(rate));
    const filled = source.fill(out, rate);
    if (filled === 'idle') return;
    if (filled) {
      this.send(out, rate);
      return;
    }
    if (s[slot] === source) {
      s[slot] = undefined;
      source.release();
      this.host.setClocked(this, this.activeSource !== undefined);
    }
    this.host.sourceEnded(this, slot, source);
  }

  /** Toward the device: mute, whisper, taps, then the edge (resampled to its rate when needed). */
  send(samples: Int16Array, rate: number, timestamp?: number): void {
    const edge = this.edge;
    if (this.#closed || edge === undefined || this.mutedOut) return;
    let frame = samples;
    if (rate !== edge.rate) {
      frame = this.#resampler.convert(samples, rate, edge.rate);
      // Timestamps count samples of the frame's rate (a mixer port's jitter buffer places frames by them).
      if (timestamp !== undefined) timestamp = Math.round((timestamp * edge.rate) / rate) >>> 0;
    }
    for (const mixer of this.writeMixers) mixer.mix(frame, edge.rate);
    this.writeTime += frame.length;
    for (const tap of this.writeTaps) tap.onWrite(frame, edge.rate);
    edge.write(frame, timestamp);
  }

  /** Idempotent: sources released, edge closed, waiters woken. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of ['digit', 'stream', 'generator'] as const) {
      const source = this.#slots[slot];
      this.#slots[slot] = undefined;
      source?.release();
    }
    this.host.setClocked(this, false);
    this.link = undefined;
    for (const done of this.audioWaiters.splice(0)) done();
    this.edge?.close();
  }
}
