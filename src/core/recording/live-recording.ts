/**
 * One ARI live recording on a channel (res_stasis_recording.c): its state machine, its operations and its events.
 *
 * States: `queued` (waiting in the channel's command queue) → `recording` (RecordingStarted, published before
 * the beep) ⇄ `paused` → `done` (RecordingFinished) or `failed` (RecordingFailed with `cause`). An operation
 * changes the state at once, before the media acts on it: `stop` marks it `done`, `cancel` marks it `canceled`
 * and deletes its files, `pause`/`unpause` move between `recording` and `paused`; none of these publishes an
 * event. Whatever the state, the recording ends `done` (a cancel too, trace s4). Stopping or cancelling a
 * recording still queued only marks it `canceled`: it starts and finishes when its turn comes (trace s3).
 * RecordingFinished carries `duration`, and `talking_duration`/`silence_duration` when maxSilenceSeconds was set.
 */
import type { LiveRecording as LiveRecordingModel } from '../../ari/models/wire.js';
import type { Channel } from '../channel/channel.js';
import type { EventRoute } from '../events/event-bus.js';
import type { RecordingResult, RecordingSpec } from '../media/recording-protocol.js';
import { deleteAllFormats } from './recording-paths.js';
import { RecordingSession } from './recording-session.js';

export type LiveRecordingState = 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';

export type LiveOperation = 'stop' | 'cancel' | 'pause' | 'unpause' | 'mute' | 'unmute';

/** What an operation does in a state; absent = "Recording not in session" (resource_recordings.c, 409). */
type Effect = 'disregard' | 'cancel' | 'stop' | 'pause' | 'unpause' | 'noop' | 'mute' | 'unmute';

const OPERATIONS: Readonly<Record<LiveRecordingState, Partial<Record<LiveOperation, Effect>>>> = {
  queued: { cancel: 'disregard', stop: 'disregard' },
  recording: { cancel: 'cancel', stop: 'stop', pause: 'pause', unpause: 'noop', mute: 'mute', unmute: 'unmute' },
  paused: { cancel: 'cancel', stop: 'stop', pause: 'noop', unpause: 'unpause', mute: 'mute', unmute: 'unmute' },
  done: {},
  failed: {},
  canceled: {},
};

/** The digits each `terminateOn` accepts (ARI `any` takes every DTMF digit). */
export const TERMINATE_DIGITS = { none: '', any: '#*0123456789abcd', '*': '*', '#': '#' } as const;
export type TerminateOn = keyof typeof TERMINATE_DIGITS;

export interface LiveRecordingOptions {
  readonly name: string;
  /** As given (an extension such as `wav`, `ulaw`). */
  readonly format: string;
  /** The file's path without extension. */
  readonly base: string;
  readonly spec: RecordingSpec;
  readonly terminateOn: TerminateOn;
  /** `bridge:<id>` for a recording of a bridge's mix (made on a hidden Recorder channel); the channel's otherwise. */
  readonly targetUri?: string;
  /** Who hears its events: the channel's subscribers by default, a bridge's for a bridge recording. */
  readonly route?: EventRoute;
}

/** What a live recording tells its registry. */
export interface LiveRecordingHost {
  publish(recording: LiveRecording, type: 'RecordingStarted' | 'RecordingFinished' | 'RecordingFailed'): void;
  /** The recording's command ended: it leaves the registry. */
  ended(recording: LiveRecording): void;
}

export class LiveRecording {
  #state: LiveRecordingState = 'queued';
  #isMuted = false;
  #duration: number | undefined;
  #talkingDuration: number | undefined;
  #cause: string | undefined;
  #session: RecordingSession | undefined;

  constructor(
    readonly channel: Channel,
    readonly options: LiveRecordingOptions,
    private readonly host: LiveRecordingHost,
    /** Whether the channel is still in the Stasis stay the recording was queued in. */
    private readonly isInStasis: () => boolean,
  ) {}

  get name(): string {
    return this.options.name;
  }

  get state(): LiveRecordingState {
    return this.#state;
  }

  /** The LiveRecording model (`cause` only in the event of a failure, as Asterisk adds it there). */
  toModel(withCause = false): LiveRecordingModel {
    const model: { -readonly [K in keyof LiveRecordingModel]: LiveRecordingModel[K] } = {
      name: this.options.name,
      format: this.options.format,
      state: this.#state,
      target_uri: this.options.targetUri ?? `channel:${this.channel.id}`,
    };
    if (this.#duration !== undefined) model.duration = this.#duration;
    if (this.#talkingDuration !== undefined && this.#duration !== undefined) {
      model.talking_duration = this.#talkingDuration;
      model.silence_duration = this.#duration - this.#talkingDuration;
    }
    if (withCause && this.#cause !== undefined) model.cause = this.#cause;
    return model;
  }

  /** Applies an operation; false when the state does not allow it. */
  operate(operation: LiveOperation): boolean {
    const effect = OPERATIONS[this.#state][operation];
    if (effect === undefined) return false;
    switch (effect) {
      case 'noop':
        return true;
      case 'disregard':
        this.#state = 'canceled';
        return true;
      case 'cancel':
        this.#state = 'canceled';
        this.#session?.stop('cancel');
        void deleteAllFormats(this.options.base);
        return true;
      case 'stop':
        this.#state = 'done';
        this.#session?.stop('stop');
        return true;
      case 'pause':
        this.#state = 'paused';
        this.#session?.pause(true);
        return true;
      case 'unpause':
        this.#state = 'recording';
        this.#session?.pause(false);
        return true;
      case 'mute':
      case 'unmute': {
        const muted = effect === 'mute';
        if (this.#isMuted !== muted) {
          this.#isMuted = muted;
          this.#session?.mute(muted);
        }
        return true;
      }
    }
  }

  /** The queued command (record_file): bridge check, auto-answer, record, report. */
  async run(): Promise<void> {
    try {
      const channel = this.channel;
      // A channel that left Stasis for the dialplan has its queued commands dropped (control_flush_queue).
      if (!this.isInStasis()) return;
      if (channel.bridge !== undefined) return this.#fail('Cannot record channel while in bridge');
      // ast_auto_answer → ast_raw_answer answers only a ringing channel: one still Down (made by /channels/create)
      // is recorded as it is and stays Down (Asterisk 22.10.1), so continue/redirect keep answering 412.
      if (channel.state !== 'Up') {
        if (channel.isHangupRequested || channel.isDestroyed) return this.#fail('Failed to answer channel');
        if (channel.state === 'Ring' || channel.state === 'Ringing') channel.answer();
      }
      this.#state = 'recording';
      this.host.publish(this, 'RecordingStarted');
      this.#session = new RecordingSession(channel, {
        spec: this.options.spec,
        acceptDtmf: TERMINATE_DIGITS[this.options.terminateOn],
      });
      this.#finished(await this.#session.done);
    } finally {
      this.host.ended(this);
    }
  }

  #finished(result: RecordingResult): void {
    if (result.duration !== undefined) this.#duration = result.duration;
    if (result.talkingDuration !== undefined) this.#talkingDuration = result.talkingDuration;
    this.#state = 'done';
    this.host.publish(this, 'RecordingFinished');
  }

  #fail(cause: string): void {
    this.#cause = cause;
    this.#state = 'failed';
    this.host.publish(this, 'RecordingFailed');
  }
}
