/**
 * The talk feature of a media engine: TALK_DETECT's detector as a read tap on the channel (funcs/func_talkdetect.c
 * hooks the frames the channel reads, so it works the same in a bridge, in Echo() or alone in Stasis), emitting
 * `talk-started` and `talk-finished` with Asterisk's duration.
 */
import type { MediaCommand } from '../../core/media/media-protocol.js';
import type { TalkEvent } from '../../core/media/talk-protocol.js';
import { TalkDetector } from '../../media/dsp/talk-detector.js';
import type { EngineFeature, MediaEngine } from '../engine.js';
import type { MediaChannel } from '../media-channel.js';
import type { ReadTap } from '../pipeline.js';
import type { PlaneSettings } from '../plane-settings.js';

const STARTED: TalkEvent = { ev: 'talk-started' };

class TalkTap implements ReadTap {
  readonly detector: TalkDetector;

  constructor(
    private readonly engine: MediaEngine,
    private readonly channelId: number,
    silenceThresholdMs: number,
    talkingThreshold: number,
  ) {
    this.detector = new TalkDetector({ silenceThresholdMs, talkingThreshold });
  }

  onRead(samples: Int16Array, rate: number): void {
    const event = this.detector.process(samples, rate);
    if (event === undefined) return;
    if (event === 'talking-started') this.engine.emit(this.channelId, STARTED);
    else this.engine.emit(this.channelId, { ev: 'talk-finished', durationMs: this.detector.talkingDurationMs });
  }
}

class TalkFeature implements EngineFeature {
  readonly #taps = new Map<MediaChannel, TalkTap>();

  constructor(private readonly engine: MediaEngine) {}

  command(channel: MediaChannel, cmd: MediaCommand): boolean {
    if (cmd.op === 'talk-remove') {
      this.closed(channel);
      return true;
    }
    if (cmd.op !== 'talk-set') return false;
    const tap = this.#taps.get(channel);
    const { silenceThresholdMs, talkingThreshold } = cmd;
    // Set again: new thresholds, same state (set_talk_detect keeps the detector it finds on the channel).
    if (tap !== undefined) tap.detector.configure({ silenceThresholdMs, talkingThreshold });
    else {
      const created = new TalkTap(this.engine, channel.id, silenceThresholdMs, talkingThreshold);
      this.#taps.set(channel, created);
      channel.readTaps.push(created);
    }
    return true;
  }

  closed(channel: MediaChannel): void {
    const tap = this.#taps.get(channel);
    if (tap === undefined) return;
    this.#taps.delete(channel);
    const at = channel.readTaps.indexOf(tap);
    if (at >= 0) channel.readTaps.splice(at, 1);
  }
}

/** The talk feature of a media engine (commands in talk-protocol.ts). */
export function installTalk(engine: MediaEngine, _settings: PlaneSettings): void {
  engine.features.push(new TalkFeature(engine));
}
