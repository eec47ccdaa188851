/*
 * One recording on one channel: an optional beep, then a read tap writing what the device sends into a file.
 *
 * Phases: `beep` (the beep plays as the channel's stream) → `opening` (the file is being opened; Asterisk too
 * opens it only after the beep) → `writing` (the tap is on the channel) → `closing` (file flushed, trimmed,
 * reported). Pause stops writing (and paused time does not count toward the time limit); mute writes silence in
 * place of the audio; silence is tracked on what is heard either way (recording-figures.ts).
 */
import { stat, truncate, unlink } from 'node:fs/promises';
import { bytesForSamples, samplesInBytes } from '../../media/formats/file-codec.js';
import { resolveSupportedFormat, type SupportedFileFormat } from '../../media/formats/format-table.js';
import { openRecordingWriter, type RecordingWriter } from '../../media/formats/recording-writer.js';
import { repairWav } from '../../media/formats/repair-wav.js';
import { WAV_HEADER_BYTES } from '../../media/formats/wav.js';
import { GSM_FRAME_BYTES, GSM_FRAME_SAMPLES } from '../../media/codecs/gsm/index.js';
import type {
  RecordingEnd,
  RecordingEvent,
  RecordingResult,
  RecordingSpec,
  RecordingStopReason,
} from '../../core/media/recording-protocol.js';
import type { MediaChannel } from '../media-channel.js';
import type { ReadTap } from '../pipeline.js';
import { Resampler } from '../resampling.js';
import { BeepSource } from './beep-source.js';
import { SilenceLedger, appTrimMs, ariFigures } from './recording-figures.js';

const MS_PER_S = 1000;
/**
 * An ARI recording that hears no frame for this long ends (as `timeout`, with what it has): __ast_play_and_record
 * waits twice 2 s for a frame, then gives up ("No audio available"). Asterisk 22.10.1 recording a Down channel
 * that sends nothing: RecordingFinished `done`, duration 0, about 4 s after RecordingStarted.
 */
const NO_AUDIO_MS = 4000;

/** What a recorder needs from its feature. */
export interface RecorderHost {
  /** The beep at `rate` in `language`, or undefined when no beep sound is installed. */
  beep(language: string, rate: 8000 | 16000): Promise<Int16Array | undefined>;
  emit(channel: MediaChannel, event: RecordingEvent): void;
  /** The recorder is done (reported or abandoned). */
  forget(recorder: Recorder): void;
}

type Phase = 'beep' | 'opening' | 'writing' | 'closing';

export class Recorder implements ReadTap {
  #phase: Phase = 'beep';
  #isPaused = false;
  #isMuted = false;
  #writer: RecordingWriter | undefined;
  #format: SupportedFileFormat | undefined;
  /** An end asked for while the file was still opening. */
  #pendingEnd: RecordingEnd | undefined;
  #beepSource: BeepSource | undefined;
  readonly #ledger: SilenceLedger | undefined;
  readonly #resampler = new Resampler();
  #silentFrame = new Int16Array(0);
  /** Samples the file held before (append), and samples written by this recording, at the file's rate. */
  #priorSamples = 0;
  #writtenSamples = 0;
  /** Media time recorded while not paused, and heard in all while writing, ms. */
  #recordedMs = 0;
  #heardMs = 0;
  /** When the last frame was heard (performance.now()), and the timer that ends an ARI recording hearing none. */
  #lastReadAt = 0;
  #noAudioTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly rec: number,
    readonly channel: MediaChannel,
    readonly spec: RecordingSpec,
    private readonly host: RecorderHost,
  ) {
    this.#ledger = spec.maxSilenceMs > 0 ? new SilenceLedger(spec.silenceThreshold, spec.rules) : undefined;
  }

  /** Beep (when asked for), then open the file and start writing. */
  start(): void {
    const language = this.spec.beepLanguage;
    if (language === undefined) {
      this.#open();
      return;
    }
    const rate = this.channel.rate === 16000 ? 16000 : 8000;
    this.host.beep(language, rate).then(
      (samples) => this.#playBeep(samples, rate),
      () => this.#playBeep(undefined, rate),
    );
  }

  #playBeep(samples: Int16Array | undefined, rate: number): void {
    if (this.#phase !== 'beep') return;
    if (samples === undefined || this.channel.isClosed) {
      this.#report({ end: this.channel.isClosed ? 'hangup' : 'beep-failed' });
      return;
    }
    this.#beepSource = new BeepSource(samples, rate, () => {
      this.#beepSource = undefined;
      if (this.#phase === 'beep') this.#open();
    });
    this.channel.setSource('stream', this.#beepSource);
  }

  pause(paused: boolean): void {
    this.#isPaused = paused;
  }

  mute(muted: boolean): void {
    this.#isMuted = muted;
  }

  /** The core ends the recording (or the channel closed: `hangup`). */
  stop(reason: RecordingStopReason): void {
    this.#end(reason);
  }

  onRead(samples: Int16Array, rate: number): void {
    const writer = this.#writer;
    if (this.#phase !== 'writing' || writer === undefined) return;
    const paused = this.#isPaused;
    this.#lastReadAt = performance.now();
    this.#heardMs += (samples.length * MS_PER_S) / rate;
    if (!paused) {
      const heard = this.#isMuted ? this.#silence(samples.length) : samples;
      const fileRate = writer.format.sampleRate;
      const frame = rate === fileRate ? heard : this.#resampler.convert(heard, rate, fileRate);
      writer.write(frame);
      this.#writtenSamples += frame.length;
    }
    const ledger = this.#ledger;
    if (ledger !== undefined && ledger.process(samples, rate, paused) > this.spec.maxSilenceMs) {
      this.#end('silence');
      return;
    }
    if (writer.writeError !== undefined) {
      this.#end('error');
      return;
    }
    if (paused) return;
    this.#recordedMs += (samples.length * MS_PER_S) / rate;
    if (this.spec.maxDurationMs > 0 && this.#recordedMs >= this.spec.maxDurationMs) this.#end('max-duration');
  }

  /** A frame of silence as long as the frame heard (reused while frames keep their length). */
  #silence(length: number): Int16Array {
    if (this.#silentFrame.length !== length) this.#silentFrame = new Int16Array(length);
    return this.#silentFrame;
  }

  #open(): void {
    this.#phase = 'opening';
    void this.#openFile().then((writer) => {
      if (typeof writer === 'string') {
        this.#report({ end: 'error', duration: 0, error: writer });
        return;
      }
      this.#writer = writer;
      this.#phase = 'writing';
      if (this.#pendingEnd !== undefined || this.channel.isClosed) {
        this.#end(this.#pendingEnd ?? 'hangup');
        return;
      }
      this.channel.readTaps.push(this);
      if (this.spec.rules === 'ari') {
        this.#lastReadAt = performance.now();
        this.#noAudioTimer = setTimeout(() => this.#checkAudio(), NO_AUDIO_MS).unref();
      }
    });
  }

  #checkAudio(): void {
    if (this.#phase !== 'writing') return;
    const quietMs = performance.now() - this.#lastReadAt;
    if (quietMs >= NO_AUDIO_MS) this.#end('timeout');
    else this.#noAudioTimer = setTimeout(() => this.#checkAudio(), NO_AUDIO_MS - quietMs).unref();
  }

  async #openFile(): Promise<RecordingWriter | string> {
    const format = resolveSupportedFormat(this.spec.format);
    if (format === undefined) return `unsupported format '${this.spec.format}'`;
    this.#format = format;
    if (this.spec.append) this.#priorSamples = await samplesInFile(this.spec.path, format);
    const writer = await openRecordingWriter(this.spec.path, this.spec.format, { append: this.spec.append });
    return 'error' in writer ? writer.error : writer;
  }

  #end(end: RecordingEnd): void {
    switch (this.#phase) {
      case 'closing':
        return;
      case 'beep':
        this.#phase = 'closing';
        if (this.#beepSource !== undefined && this.channel.source('stream') === this.#beepSource) {
          this.channel.setSource('stream', undefined);
        }
        // Nothing recorded: Asterisk's recorder returns before it sets any duration.
        this.#report({ end });
        return;
      case 'opening':
        this.#pendingEnd ??= end;
        return;
      case 'writing':
        this.#phase = 'closing';
        clearTimeout(this.#noAudioTimer);
        this.#detach();
        void this.#close(end);
        return;
    }
  }

  #detach(): void {
    const taps = this.channel.readTaps;
    const at = taps.indexOf(this);
    if (at >= 0) taps.splice(at, 1);
  }

  /** Flush and close the file, cut what the rules cut, delete it when they say so, then report. */
  async #close(end: RecordingEnd): Promise<void> {
    const writer = this.#writer!;
    const format = this.#format!;
    const closed = await writer.close();
    const spec = this.spec;
    const rate = format.sampleRate;
    const fileSamples = this.#priorSamples + this.#writtenSamples;
    let result: RecordingResult;
    let trimMs: number;
    if (spec.rules === 'ari') {
      const figures = ariFigures(end, fileSamples, rate, this.#ledger, spec.reportTalking);
      trimMs = figures.trimMs;
      result =
        figures.talkingDuration === undefined
          ? { end, duration: figures.duration }
          : { end, duration: figures.duration, talkingDuration: figures.talkingDuration };
    } else {
      trimMs = appTrimMs(end, spec.maxSilenceMs, spec.truncateSilence);
      result = { end, duration: Math.floor(fileSamples / rate), heardMs: Math.round(this.#heardMs) };
    }
    if (closed.error !== undefined) result = { ...result, end: 'error', error: closed.error };
    const remove = end === 'cancel' || (end === 'hangup' && !spec.keepOnHangup);
    if (remove) await unlink(spec.path).catch(() => undefined);
    else if (trimMs > 0) await trimEnd(spec.path, format, Math.min(this.#writtenSamples, (trimMs * rate) / MS_PER_S));
    this.#report(result);
  }

  #report(result: RecordingResult): void {
    this.#phase = 'closing';
    this.host.forget(this);
    this.host.emit(this.channel, {
      ev: 'record-ended',
      rec: this.rec,
      result: {
        end: result.end,
        ...(result.duration !== undefined && { duration: result.duration }),
        ...(result.talkingDuration !== undefined && { talkingDuration: result.talkingDuration }),
        ...(result.heardMs !== undefined && { heardMs: result.heardMs }),
        ...(result.error !== undefined && { error: result.error }),
      },
    });
  }
}

/** Samples already in a file about to be appended to (0 when it does not exist). */
async function samplesInFile(path: string, format: SupportedFileFormat): Promise<number> {
  try {
    const size = (await stat(path)).size;
    const header = format.encoding === 'wav' ? Math.min(size, WAV_HEADER_BYTES) : 0;
    return samplesInBytes(format.encoding, size - header);
  } catch {
    return 0;
  }
}

/** Cuts `samples` (at the file's rate) off the end of a closed recording (ast_stream_rewind + ast_truncstream). */
async function trimEnd(path: string, format: SupportedFileFormat, samples: number): Promise<void> {
  const whole = Math.floor(samples);
  const bytes =
    format.encoding === 'gsm'
      ? Math.floor(whole / GSM_FRAME_SAMPLES) * GSM_FRAME_BYTES
      : bytesForSamples(format.encoding, whole);
  if (bytes <= 0) return;
  try {
    const size = (await stat(path)).size;
    const floor = format.encoding === 'wav' ? WAV_HEADER_BYTES : 0;
    await truncate(path, Math.max(floor, size - bytes));
    // The wav header still states the old sizes: rewrite them from what the file now holds.
    if (format.encoding === 'wav') await repairWav(path);
  } catch {
    // The file went away (cancelled meanwhile): nothing to cut.
  }
}
