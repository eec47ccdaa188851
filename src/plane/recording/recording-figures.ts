/*
 * The silence bookkeeping and end-of-recording figures of Asterisk's two recorders, as behaviour:
 *
 * ARI (main/app.c __ast_play_and_record, called by res_stasis_recording with threshold 128):
 * - Silence is tracked only when maxSilenceSeconds is set. Each frame gives the current run of silence (ms, 0
 *   after a frame with sound); when a run ends, its length is added to the total silence. Silence heard while
 *   paused does not count toward the limit: the run length at the last paused frame is subtracted from the run
 *   as long as it keeps growing after the pause ends.
 * - The recording stops when that run is longer than the limit.
 * - At the end: `duration` = whole seconds of audio in the file; `talking_duration` = duration minus
 *   (total silence − 200 ms) rounded toward zero to seconds; `duration` itself loses (final run − 200 ms) the same
 *   way; neither goes below 0. When the recording ended by silence, the time limit or a terminating digit, all
 *   but the first 200 ms of the final run of silence is cut off the file.
 *
 * Record() (apps/app_record.c, threshold dsp.conf's 256): stops when the current run of silence is longer than
 * the limit; when it ended by silence, the file loses (limit − 1 s) of its end (so about 1 s of silence stays);
 * when it ended by a digit, its last 250 ms (the start of the DTMF tone); by the time limit or hangup, nothing.
 */
import { SilenceDetector } from '../../media/dsp/silence-detector.js';
import type { RecordingEnd, RecordingRules } from '../../core/media/recording-protocol.js';

/** Silence Asterisk leaves at the end of an ARI recording it trims, ms. */
const KEPT_TRAILING_SILENCE_MS = 200;
/** Record(): silence kept at the end after a silence stop, ms. */
const APP_KEPT_SILENCE_MS = 1000;
/** Record(): cut off the end after a digit ends it (a partial DTMF tone), ms. */
const APP_DTMF_TRIM_MS = 250;
const MS_PER_S = 1000;

/** Silence tracking of one recording, frame by frame (see the file comment). */
export class SilenceLedger {
  readonly #detector: SilenceDetector;
  /** The run at the last frame (after the paused-silence adjustment, as Asterisk keeps it). */
  #run = 0;
  /** The raw run at the frame before. */
  #previousRun = 0;
  #total = 0;
  #pausedRun = 0;

  constructor(
    threshold: number,
    private readonly rules: RecordingRules,
  ) {
    this.#detector = new SilenceDetector({ threshold });
  }

  /** Feeds one frame read (paused or not); returns the current run of silence that counts toward the limit. */
  process(frame: Int16Array, rate: number, isPaused: boolean): number {
    this.#detector.process(frame, rate);
    let run = this.#detector.silenceMs;
    if (this.rules === 'app') {
      this.#run = run;
      return run;
    }
    if (this.#previousRun > run) this.#total += this.#previousRun;
    this.#previousRun = run;
    if (isPaused) this.#pausedRun = run;
    else if (run > this.#pausedRun) run -= this.#pausedRun;
    else this.#pausedRun = 0;
    this.#run = run;
    return run;
  }

  /** The current run (as last returned by `process`). */
  get runMs(): number {
    return this.#run;
  }

  /** All silence seen, with the final run counted once (Asterisk adds it unless it shrank at the last frame). */
  get totalMs(): number {
    return this.#previousRun <= this.#run ? this.#total + this.#run : this.#total;
  }
}

export interface FinalFigures {
  /** Seconds. */
  readonly duration: number;
  /** Seconds; undefined unless asked for. */
  readonly talkingDuration?: number;
  /** Audio to cut off the end of the file, ms (0 = none). */
  readonly trimMs: number;
}

/** Why a recording ended, in terms of what Asterisk's loop saw: a positive result (`res > 0`) means trimming. */
function endedWithResult(end: RecordingEnd): boolean {
  return end === 'silence' || end === 'max-duration' || end === 'dtmf';
}

/**
 * ARI's figures: `fileSamples` at `fileRate` is all audio in the file (an appended file's earlier audio too, as
 * Asterisk's stream position counts it); `ledger` is undefined when silence was not tracked.
 */
export function ariFigures(
  end: RecordingEnd,
  fileSamples: number,
  fileRate: number,
  ledger: SilenceLedger | undefined,
  reportTalking: boolean,
): FinalFigures {
  let duration = Math.floor(fileSamples / fileRate);
  let talkingDuration: number | undefined = reportTalking ? duration : undefined;
  const run = ledger?.runMs ?? 0;
  const total = ledger?.totalMs ?? 0;
  if (talkingDuration !== undefined && total > 0) {
    talkingDuration = Math.max(0, talkingDuration - Math.trunc((total - KEPT_TRAILING_SILENCE_MS) / MS_PER_S));
  }
  if (run > 0) duration = Math.max(0, duration - Math.trunc((run - KEPT_TRAILING_SILENCE_MS) / MS_PER_S));
  const trimMs = endedWithResult(end) && run > KEPT_TRAILING_SILENCE_MS ? run - KEPT_TRAILING_SILENCE_MS : 0;
  return talkingDuration === undefined ? { duration, trimMs } : { duration, talkingDuration, trimMs };
}

/** Record()'s trimming (its duration is wall-clock time, kept by the core). */
export function appTrimMs(end: RecordingEnd, maxSilenceMs: number, truncateSilence: boolean): number {
  if (end === 'silence') return truncateSilence ? Math.max(0, maxSilenceMs - APP_KEPT_SILENCE_MS) : 0;
  return end === 'dtmf' || end === 'stop' ? APP_DTMF_TRIM_MS : 0;
}
