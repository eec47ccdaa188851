/**
 * The recording part of the media plane's protocol (see media-protocol.ts): commands to a channel's media and the
 * events that come back. Plain, structured-cloneable data.
 *
 * A recording is a read tap on the channel: what the device sends is written to a file. The core decides what
 * ends it from outside the audio (stop, cancel, a terminating DTMF digit, Record()'s wall-clock limit, hangup);
 * the plane ends it from inside (silence, the recorded-time limit, a write error) and reports the figures
 * Asterisk reports (main/app.c __ast_play_and_record for ARI, apps/app_record.c for Record()).
 */

/**
 * Whose rules a recording follows: `ari` = res_stasis_recording through ast_play_and_record (trailing silence
 * beyond 200 ms cut when it ends by silence, limit or digit; ARI's durations), `app` = Record() (silence beyond
 * 1 s cut when it ends by silence, 250 ms cut when it ends by a digit, file deleted on hangup unless kept).
 */
export type RecordingRules = 'ari' | 'app';

export interface RecordingSpec {
  /** Absolute path of the file, with its extension. */
  readonly path: string;
  /** The file format, by extension (`wav`, `ulaw`, `sln16`, …) or Asterisk format name. */
  readonly format: string;
  /** Continue an existing file instead of replacing it. */
  readonly append: boolean;
  /** Stop after this much recorded (not paused) audio, ms; 0 = no limit. */
  readonly maxDurationMs: number;
  /** Stop after a run of silence longer than this, ms; 0 = no silence detection. */
  readonly maxSilenceMs: number;
  /** Frame energy below which a frame is silent (ARI 128, Record() dsp.conf's 256). */
  readonly silenceThreshold: number;
  /** Play Asterisk's `beep` sound in this language before recording. */
  readonly beepLanguage?: string;
  readonly rules: RecordingRules;
  /** ARI with maxSilenceSeconds given: report the talking (non-silent) duration too. */
  readonly reportTalking: boolean;
  /** Record(): keep the file when the channel hangs up (option `k`); ARI always keeps it. */
  readonly keepOnHangup: boolean;
  /** Record(): cut the trailing silence when stopped by silence (off with option `u`). */
  readonly truncateSilence: boolean;
}

/** Why the core ends a recording. */
export type RecordingStopReason = 'stop' | 'cancel' | 'dtmf' | 'timeout' | 'hangup';

/** What ended a recording: the core's reasons, or the plane's own. */
export type RecordingEnd =
  | RecordingStopReason
  /** A run of silence longer than maxSilenceMs. */
  | 'silence'
  /** maxDurationMs of audio recorded. */
  | 'max-duration'
  /** The beep could not be played: nothing was recorded (ast_stream_and_wait failed). */
  | 'beep-failed'
  /** The file could not be opened or written. */
  | 'error';

export interface RecordingResult {
  readonly end: RecordingEnd;
  /**
   * Whole seconds, as Asterisk computes them (the file's audio, minus trailing silence beyond 200 ms for ARI);
   * absent when recording never began (hung up or failed during the beep).
   */
  readonly duration?: number;
  /** ARI `talking_duration` (seconds): present when `reportTalking` and `duration` are. */
  readonly talkingDuration?: number;
  /** Audio heard while writing (paused time included, before any cut), ms: Record()'s RECORDING_INFO(duration). */
  readonly heardMs?: number;
  /** What went wrong, for `error`. */
  readonly error?: string;
}

/** Commands (`op` names unique across the whole protocol). `rec` numbers a recording, unique in the core. */
export type RecordingCommand =
  | { readonly op: 'record-start'; readonly rec: number; readonly spec: RecordingSpec }
  | { readonly op: 'record-stop'; readonly rec: number; readonly reason: RecordingStopReason }
  /** Paused: nothing is written, and paused time does not count toward maxDurationMs. */
  | { readonly op: 'record-pause'; readonly rec: number; readonly paused: boolean }
  /** Muted: silence is written in place of the audio. */
  | { readonly op: 'record-mute'; readonly rec: number; readonly muted: boolean };

/** Events (`ev` names unique across the whole protocol). Sent once the file is closed and final. */
export type RecordingEvent = { readonly ev: 'record-ended'; readonly rec: number; readonly result: RecordingResult };
