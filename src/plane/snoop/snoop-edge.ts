/**
 * The device side of a snoop channel (res_stasis_snoop.c): its "device" is another channel of the same engine,
 * the target.
 *
 * Spy: the target's audio in the spied direction(s) is queued as it flows — `in` what the target sends (its read
 * path), `out` what it hears (its write path) — and the media clock takes one 20 ms frame a tick and reads it
 * into the snoop channel, which passes it on like any channel (to a bridge, a recording, a detector). Asterisk's
 * snoop channel is woken by its own 20 ms timer and reads its spy audiohook; when the hook has no full frame it
 * reads a frame of silence instead, so a snoop channel always produces audio, silence included. `both` adds the
 * two directions (saturating) as `audiohook_read_frame_both` does, waiting a little for a direction that is late.
 *
 * Whisper: what is written to the snoop channel is queued and added to the target's frames as they pass — `out`
 * into what the target hears, `in` into what it sends (`both` into each). Like Asterisk's whisper audiohook it
 * only rides on frames that flow: a target that is sent nothing hears no whisper either (Asterisk 22 sends no
 * RTP at all to an idle channel in Stasis that is whispered to; with a silence generator on it, the whisper is
 * heard).
 *
 * Order on the target: Asterisk feeds its spy audiohooks before it mixes whispers in, so a snoop does not hear
 * what it (or another snoop) whispers. The spy hooks therefore sit at the front of the target's mixer lists,
 * where they see each frame before any whisper is added; taps (recording, talk detection) come after the mixers.
 */
import type { MediaDirection } from '../../core/media/media-protocol.js';
import type { MediaChannel } from '../media-channel.js';
import { FRAME_MS, frameSamples, type MediaEdge, type Mixer } from '../pipeline.js';
import { SampleQueue } from './sample-queue.js';

/** Audio an audiohook direction may hold before it is flushed as stale (audiohook.c: 500 ms). */
const MAX_QUEUED_MS = 500;

/** With `both`, a direction holding fewer than this many frames waits for a late other one (audiohook.c). */
const WAIT_FRAMES = 4;

/** Copies the target's frames of one direction into a queue, leaving them unchanged. */
class SpyHook implements Mixer {
  /** Media time since this direction was last fed, ms (never fed: as long ago as can be). */
  idleMs = Number.POSITIVE_INFINITY;

  constructor(
    readonly queue: SampleQueue,
    private readonly rate: number,
  ) {}

  mix(samples: Int16Array, rate: number): void {
    // The snoop's format is fixed when it is made (the target's rate then); other frames are not its audio.
    if (rate !== this.rate) return;
    this.queue.push(samples);
    this.idleMs = 0;
  }
}

/** Adds whispered audio to the target's frames of one direction. */
class WhisperHook implements Mixer {
  constructor(
    readonly queue: SampleQueue,
    private readonly rate: number,
  ) {}

  mix(samples: Int16Array, rate: number): void {
    if (rate === this.rate) this.queue.mixInto(samples);
  }
}

const spies = (d: MediaDirection, side: 'in' | 'out'): boolean => d === side || d === 'both';

export class SnoopEdge implements MediaEdge {
  readonly rate: number;
  readonly #frame: Int16Array;
  readonly #spyIn: SpyHook | undefined;
  readonly #spyOut: SpyHook | undefined;
  readonly #whisperIn: WhisperHook | undefined;
  readonly #whisperOut: WhisperHook | undefined;
  /** With both directions: how long a late direction is waited for, ms (`(samples / 8) * 4` in audiohook.c). */
  readonly #waitMs: number;
  #attached = true;

  constructor(
    readonly snoop: MediaChannel,
    readonly target: MediaChannel,
    readonly spy: MediaDirection,
    readonly whisper: MediaDirection,
  ) {
    const rate = target.rate;
    this.rate = rate;
    this.#frame = new Int16Array(frameSamples(rate));
    this.#waitMs = (this.#frame.length / 8) * WAIT_FRAMES;
    const queue = () => new SampleQueue((rate / 1000) * MAX_QUEUED_MS);
    if (spies(spy, 'in')) this.#spyIn = new SpyHook(queue(), rate);
    if (spies(spy, 'out')) this.#spyOut = new SpyHook(queue(), rate);
    if (spies(whisper, 'in')) this.#whisperIn = new WhisperHook(queue(), rate);
    if (spies(whisper, 'out')) this.#whisperOut = new WhisperHook(queue(), rate);
    if (this.#spyIn) target.readMixers.unshift(this.#spyIn);
    if (this.#spyOut) target.writeMixers.unshift(this.#spyOut);
    if (this.#whisperIn) target.readMixers.push(this.#whisperIn);
    if (this.#whisperOut) target.writeMixers.push(this.#whisperOut);
  }

  /** Whether the snoop channel reads anything (a whisper-only snoop reads nothing, as `ast_null_frame`). */
  get isSpying(): boolean {
    return this.#spyIn !== undefined || this.#spyOut !== undefined;
  }

  /** Audio written to the snoop channel (at this edge's rate): whispered into the target. */
  write(samples: Int16Array): void {
    if (!this.#attached) return;
    this.#whisperIn?.queue.push(samples);
    this.#whisperOut?.queue.push(samples);
  }

  /** One media clock tick: the next spied frame (or silence) is read into the snoop channel. */
  tick(): void {
    if (!this.#attached || !this.isSpying) return;
    const frame = this.#frame;
    const spyIn = this.#spyIn;
    const spyOut = this.#spyOut;
    if (spyIn !== undefined && spyOut !== undefined) this.#both(frame, spyIn, spyOut);
    else if (!(spyIn ?? spyOut)!.queue.readInto(frame)) frame.fill(0);
    if (spyIn) spyIn.idleMs += FRAME_MS;
    if (spyOut) spyOut.idleMs += FRAME_MS;
    this.snoop.read(frame);
  }

  /** `audiohook_read_frame_both`: each direction that has a frame, added; silence while one is waited for. */
  #both(frame: Int16Array, spyIn: SpyHook, spyOut: SpyHook): void {
    const n = frame.length;
    const inQ = spyIn.queue;
    const outQ = spyOut.queue;
    const hasIn = inQ.available >= n;
    const hasOut = outQ.available >= n;
    const waitForOut = hasIn && !hasOut && spyOut.idleMs < this.#waitMs && inQ.available < WAIT_FRAMES * n;
    const waitForIn = hasOut && !hasIn && spyIn.idleMs < this.#waitMs && outQ.available < WAIT_FRAMES * n;
    if ((!hasIn && !hasOut) || waitForOut || waitForIn) {
      frame.fill(0);
      return;
    }
    if (hasIn) inQ.readInto(frame);
    else frame.fill(0);
    if (hasOut) outQ.mixInto(frame);
  }

  /** Take the hooks off the target (the snoop or the target is closing). Idempotent. */
  detach(): void {
    if (!this.#attached) return;
    this.#attached = false;
    const target = this.target;
    remove(target.readMixers, this.#spyIn);
    remove(target.writeMixers, this.#spyOut);
    remove(target.readMixers, this.#whisperIn);
    remove(target.writeMixers, this.#whisperOut);
  }

  close(): void {
    this.detach();
  }
}

function remove(list: Mixer[], hook: Mixer | undefined): void {
  if (hook === undefined) return;
  const at = list.indexOf(hook);
  if (at >= 0) list.splice(at, 1);
}
