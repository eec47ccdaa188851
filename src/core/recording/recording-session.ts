/**
 * One recording of a channel as the core runs it: the media plane writes the file (src/plane/recording); the
 * core tells it when to stop, pause or mute, ends it on a terminating DTMF digit (digits reach the core, not the
 * plane) or on hangup, and learns the outcome from the plane's `record-ended` event.
 */
import type { Channel, FrameReader } from '../channel/channel.js';
import type { MediaEvent } from '../media/media-protocol.js';
import type { RecordingResult, RecordingSpec, RecordingStopReason } from '../media/recording-protocol.js';

/** How long a hung-up channel's recording may take to report before the core stops waiting (its media closed). */
const HANGUP_REPORT_LIMIT_MS = 2000;

let nextRec = 1;

export interface RecordingSessionOptions {
  readonly spec: RecordingSpec;
  /** DTMF digits that end the recording (`#*0123456789abcd` for ARI's `any`, '' for none). */
  readonly acceptDtmf: string;
  /** A digit ended it; the session stops with `dtmf` after this runs (Record()'s OPERATOR needs the digit). */
  readonly onDtmf?: (digit: string) => void;
}

export class RecordingSession {
  readonly rec = nextRec++;
  /** Resolves once the file is closed and final (or the channel's media went away). */
  readonly done: Promise<RecordingResult>;
  #resolve!: (result: RecordingResult) => void;
  #isFinished = false;
  #isStopping = false;
  #unsubscribe: (() => void) | undefined;
  #reader: FrameReader | undefined;
  #previousReader: FrameReader | undefined;
  #lateTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly channel: Channel,
    private readonly options: RecordingSessionOptions,
  ) {
    this.done = new Promise((resolve) => (this.#resolve = resolve));
    const leg = channel.media;
    if (leg === undefined || leg.isClosed) {
      // A hung-up channel still gets its (empty) file while its media is open, as ast_writefile makes it first.
      const isGone = channel.isHangupRequested || channel.isDestroyed;
      this.#finish(isGone ? { end: 'hangup' } : { end: 'error', duration: 0, error: 'the channel has no media' });
      return;
    }
    this.#unsubscribe = channel.onMediaEvent((event) => this.#onEvent(event));
    this.#watchDtmf();
    leg.send({ op: 'record-start', rec: this.rec, spec: options.spec });
    void channel.whenHangup().then(() => this.stop('hangup'));
  }

  get isFinished(): boolean {
    return this.#isFinished;
  }

  /** End the recording; the result still comes from the plane (`done`). The first reason wins. */
  stop(reason: RecordingStopReason): void {
    if (this.#isFinished || this.#isStopping) return;
    this.#isStopping = true;
    this.channel.media?.send({ op: 'record-stop', rec: this.rec, reason });
    if (reason === 'hangup') {
      // The channel's media may close before the report arrives: do not wait for it forever.
      this.#lateTimer = setTimeout(() => this.#finish({ end: 'hangup' }), HANGUP_REPORT_LIMIT_MS);
    }
  }

  pause(paused: boolean): void {
    if (!this.#isFinished) this.channel.media?.send({ op: 'record-pause', rec: this.rec, paused });
  }

  mute(muted: boolean): void {
    if (!this.#isFinished) this.channel.media?.send({ op: 'record-mute', rec: this.rec, muted });
  }

  /**
   * Digits are read from the channel while recording (ast_read in the recorder's loop): the channel's reader is
   * wrapped, so whoever read before (Stasis, which publishes ChannelDtmfReceived) still does.
   */
  #watchDtmf(): void {
    const accept = this.options.acceptDtmf;
    const previous = this.channel.reader;
    this.#previousReader = previous;
    const reader: FrameReader = (frame) => {
      previous?.(frame);
      if (frame.kind !== 'dtmf-end' || this.#isStopping || !accept.includes(frame.digit.toLowerCase())) return;
      this.options.onDtmf?.(frame.digit);
      this.stop('dtmf');
    };
    this.#reader = reader;
    this.channel.reader = reader;
  }

  #onEvent(event: MediaEvent): void {
    if (event.ev === 'record-ended' && event.rec === this.rec) this.#finish(event.result);
  }

  #finish(result: RecordingResult): void {
    if (this.#isFinished) return;
    this.#isFinished = true;
    clearTimeout(this.#lateTimer);
    this.#unsubscribe?.();
    // Put the reader back unless someone replaced it meanwhile (Stasis restores its own when it ends).
    if (this.#reader !== undefined && this.channel.reader === this.#reader) this.channel.reader = this.#previousReader;
    this.#resolve(result);
  }
}
