/*
 * Talk detection as Asterisk's TALK_DETECT function does it (funcs/func_talkdetect.c), fed with the frames a
 * channel reads (the caller's side only):
 *
 *   Set(TALK_DETECT(set)=[<dsp_silence_threshold>][,<dsp_talking_threshold>])
 *
 * - dsp_silence_threshold: ms of continuous silence after which the talker is considered to have stopped
 *   (default 2500, must be ≥ 1).
 * - dsp_talking_threshold: the frame energy (mean absolute sample value, silence-detector.ts) at or above which
 *   a frame is talking (default dsp.conf silencethreshold, 256; must be ≥ 1).
 * Setting it again on a channel that has it changes both values and keeps the state (`configure`).
 *
 * Per frame: a frame with sound while not talking → ChannelTalkingStarted, and the burst starts at that frame.
 * A silent frame while talking, once the silence run reaches dsp_silence_threshold (≥, counted in whole ms per
 * frame and including this frame) → ChannelTalkingFinished. Pauses shorter than the threshold stay inside the
 * burst. The finished event's `duration` is the time from the start frame to the finishing frame minus the
 * threshold; Asterisk reads wall-clock time at both frames, which for frames arriving in real time is the same
 * as the media time between their starts used here. With a threshold that is a multiple of the frame, the
 * duration is therefore one frame shorter than the span from the first to the last frame with sound.
 */
import { DSP_SILENCE_THRESHOLD, SilenceDetector } from './silence-detector.js';

/** TALK_DETECT's dsp_silence_threshold when not given, ms. */
export const TALK_DETECT_SILENCE_MS = 2500;

export interface TalkDetectorOptions {
  /** ms of silence that end a burst of talking (default 2500). */
  readonly silenceThresholdMs?: number;
  /** Frame energy at or above which a frame is talking (default 256). */
  readonly talkingThreshold?: number;
}

export type TalkEvent = 'talking-started' | 'talking-finished';

export class TalkDetector {
  readonly #silence: SilenceDetector;
  #silenceThresholdMs: number;
  #isTalking = false;
  /** Media time at the start of the next frame, ms. */
  #nowMs = 0;
  #startedAtMs = 0;
  #durationMs = 0;

  constructor(opts: TalkDetectorOptions = {}) {
    this.#silence = new SilenceDetector({ threshold: opts.talkingThreshold ?? DSP_SILENCE_THRESHOLD });
    this.#silenceThresholdMs = opts.silenceThresholdMs ?? TALK_DETECT_SILENCE_MS;
  }

  /** New thresholds for a running detector (TALK_DETECT(set) again); an omitted one is reset to its default. */
  configure(opts: TalkDetectorOptions): void {
    this.#silence.threshold = opts.talkingThreshold ?? DSP_SILENCE_THRESHOLD;
    this.#silenceThresholdMs = opts.silenceThresholdMs ?? TALK_DETECT_SILENCE_MS;
  }

  get isTalking(): boolean {
    return this.#isTalking;
  }

  /** The `duration` of the last ChannelTalkingFinished, ms (0 before the first). */
  get talkingDurationMs(): number {
    return this.#durationMs;
  }

  /** Feeds one frame the channel read; returns the event it causes, if any. */
  process(frame: Int16Array, sampleRate: number): TalkEvent | undefined {
    const at = this.#nowMs;
    this.#nowMs += (frame.length * 1000) / sampleRate;
    if (frame.length === 0) return undefined;
    const isSilent = this.#silence.process(frame, sampleRate);
    if (!isSilent) {
      if (this.#isTalking) return undefined;
      this.#isTalking = true;
      this.#startedAtMs = at;
      return 'talking-started';
    }
    if (!this.#isTalking || this.#silence.silenceMs < this.#silenceThresholdMs) return undefined;
    this.#isTalking = false;
    this.#durationMs = Math.round(at - this.#startedAtMs) - this.#silenceThresholdMs;
    return 'talking-finished';
  }
}

export interface TalkDetectError {
  readonly error: string;
}

/**
 * The value of `Set(TALK_DETECT(set)=<value>)`: `[silence_ms][,talking_threshold]`. Each number is read like
 * sscanf's %d (leading blanks and a sign allowed, trailing text ignored) and must be ≥ 1; an empty one keeps
 * its default. `defaultTalkingThreshold` is dsp.conf's silencethreshold.
 */
export function parseTalkDetectSet(
  value: string,
  defaultTalkingThreshold = DSP_SILENCE_THRESHOLD,
): Required<TalkDetectorOptions> | TalkDetectError {
  const comma = value.indexOf(',');
  const silenceText = (comma < 0 ? value : value.slice(0, comma)).trim();
  const talkingText = comma < 0 ? '' : value.slice(comma + 1).trim();
  let silenceThresholdMs = TALK_DETECT_SILENCE_MS;
  let talkingThreshold = defaultTalkingThreshold;
  if (silenceText !== '') {
    const n = scanInt(silenceText);
    if (n === undefined) return { error: `Failed to parse ${silenceText} for dsp_silence_threshold` };
    if (n < 1) return { error: `Invalid value ${n} for dsp_silence_threshold` };
    silenceThresholdMs = n;
  }
  if (talkingText !== '') {
    const n = scanInt(talkingText);
    if (n === undefined) return { error: `Failed to parse ${talkingText} for dsp_talking_threshold` };
    if (n < 1) return { error: `Invalid value ${n} for dsp_talking_threshold` };
    talkingThreshold = n;
  }
  return { silenceThresholdMs, talkingThreshold };
}

/** sscanf("%d"): optional blanks, optional sign, digits; the rest is ignored. Out of int range → undefined. */
function scanInt(s: string): number | undefined {
  const m = /^\s*([+-]?\d+)/.exec(s);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}
