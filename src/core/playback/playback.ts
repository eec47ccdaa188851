/**
 * One ARI playback (res_stasis_playback.c): a list of media URIs played in order on a channel, with its state
 * machine, its control operations and its events. Created `queued`; the channel's Stasis command queue runs it.
 *
 * Events are derived from the state each time it is published (semantics.md §8.2): `playing` → PlaybackStarted
 * (once per item, and again at unpause), `continuing` → PlaybackContinuing, `done`/`failed` → PlaybackFinished;
 * `queued` and `paused` publish nothing. `done` stands for the internal complete, stopped and canceled states.
 *
 * Facts checked against Asterisk 22.10.1:
 * - each item's PlaybackStarted comes before its scheme is looked at, so a skipped item (unknown scheme, a
 *   `number:` without digits, a missing recording) shows PlaybackStarted and nothing else; skipped last, the
 *   playback ends with no PlaybackFinished at all;
 * - a missing sound fails its item: PlaybackContinuing when items follow, PlaybackFinished `failed` when last;
 * - a hangup fails the playing item (`failed`, whatever the media), and ends the list;
 * - stopping a file ends the whole list (`done`), but a stopped tone only ends its item: the list goes on with
 *   PlaybackContinuing (ast_control_tone reports a stop as a normal end);
 * - a canceled playback (stopped while queued) publishes PlaybackFinished `done` only when the queue reaches it.
 */
import type { Playback as PlaybackModel } from '../../ari/models/wire.js';
import type { Channel } from '../channel/channel.js';
import type { EventBus, EventRoute } from '../events/event-bus.js';
import type { PlaybackAction, PlaybackResult } from '../media/playback-protocol.js';
import { playItem, type ItemEnd, type PlayingItem } from './media-player.js';
import { resolveMediaUri } from './media-uri.js';

/** Asterisk's internal states; complete, stopped and canceled all read `done` on the wire. */
type State = 'queued' | 'playing' | 'paused' | 'continuing' | 'complete' | 'failed' | 'stopped' | 'canceled';

/** What an operation answers: done, refused by the media (500), or not allowed in this state (409). */
export type OperationResult = 'ok' | 'failed' | 'not-playing';

type Step = 'cancel' | 'noop' | PlaybackAction;

/** res_stasis_playback's operation matrix; a missing entry is "not playing" (semantics.md §8.3). */
const OPERATIONS: Readonly<Record<State, Partial<Record<PlaybackAction, Step>>>> = {
  queued: { stop: 'cancel', restart: 'noop' },
  playing: {
    stop: 'stop',
    restart: 'restart',
    pause: 'pause',
    unpause: 'noop',
    reverse: 'reverse',
    forward: 'forward',
  },
  continuing: {
    stop: 'stop',
    restart: 'restart',
    pause: 'pause',
    unpause: 'noop',
    reverse: 'reverse',
    forward: 'forward',
  },
  paused: { stop: 'stop', pause: 'noop', unpause: 'unpause' },
  complete: { stop: 'noop' },
  failed: { stop: 'noop' },
  canceled: { stop: 'noop' },
  stopped: { stop: 'noop' },
};

const WIRE_STATE: Readonly<Record<State, string>> = {
  queued: 'queued',
  playing: 'playing',
  paused: 'paused',
  continuing: 'continuing',
  complete: 'done',
  failed: 'failed',
  stopped: 'done',
  canceled: 'done',
};

export interface PlaybackSpec {
  readonly id: string;
  /** `channel:<id>` (or `bridge:<id>`). */
  readonly targetUri: string;
  readonly media: readonly string[];
  readonly language: string;
  readonly offsetMs: number;
  readonly skipMs: number;
  /** Who hears of it: the channel's subscribers (default), or a bridge's for a bridge playback. */
  readonly route?: EventRoute;
}

export class Playback {
  readonly id: string;
  readonly targetUri: string;
  readonly language: string;
  readonly #media: readonly string[];
  readonly #offsetMs: number;
  readonly #skipMs: number;
  #index = 0;
  #state: State = 'queued';
  /** Set once a sound, recording or tone item starts, and never cleared (as in Asterisk). */
  #controllable = false;
  #item: PlayingItem | undefined;
  readonly #route: EventRoute;

  constructor(
    readonly channel: Channel,
    spec: PlaybackSpec,
    private readonly bus: EventBus,
  ) {
    this.id = spec.id;
    this.targetUri = spec.targetUri;
    this.language = spec.language;
    this.#media = spec.media;
    this.#offsetMs = spec.offsetMs;
    this.#skipMs = spec.skipMs;
    this.#route = spec.route ?? { channels: [channel] };
  }

  get state(): string {
    return WIRE_STATE[this.#state];
  }

  /** The Playback model: `next_media_uri` only while an item follows the current one. */
  toJSON(): PlaybackModel {
    const next = this.#media[this.#index + 1];
    return {
      id: this.id,
      media_uri: this.#media[this.#index]!,
      ...(next !== undefined && { next_media_uri: next }),
      target_uri: this.targetUri,
      language: this.language,
      state: WIRE_STATE[this.#state],
    };
  }

  /** A control operation (DELETE is `stop`), by the matrix; the media hears of it at once. */
  operate(action: PlaybackAction): OperationResult {
    const step = OPERATIONS[this.#state][action];
    if (step === undefined) return 'not-playing';
    switch (step) {
      case 'noop':
        return 'ok';
      case 'cancel':
        this.#state = 'canceled';
        return 'ok';
      case 'stop':
      case 'restart':
      case 'pause':
      case 'unpause':
      case 'reverse':
      case 'forward':
        if (!this.#controllable) return 'failed';
        if (step === 'stop') this.#state = 'stopped';
        else if (step === 'pause') this.#enter('paused');
        else if (step === 'unpause') this.#enter('playing');
        this.#item?.control(step);
        return 'ok';
    }
  }

  /** Play the list (the queued command): resolves when the playback is over. */
  async run(): Promise<void> {
    if (this.channel.state !== 'Up') this.channel.indicate('progress');
    let offsetMs = this.#offsetMs;
    for (let index = 0; index < this.#media.length; index++) {
      this.#index = index;
      if (this.#state === 'canceled') {
        this.#publish();
        return;
      }
      this.#enter('playing');
      const resolved = resolveMediaUri(this.#media[index]!, this.language);
      if (resolved === 'skip') continue;
      let end: ItemEnd;
      if (resolved === 'fail') {
        end = { result: 'failed', positionMs: 0, hangup: this.channel.isHangupRequested };
      } else {
        if (resolved.controllable) this.#controllable = true;
        this.#item = playItem(this.channel, resolved.media, {
          language: this.language,
          offsetMs,
          skipMs: this.#skipMs,
        });
        end = await this.#item.ended;
        this.#item = undefined;
      }
      if (end.result === 'missing') continue;
      this.#finalUpdate(end.result, end.hangup);
      if (end.hangup || end.result === 'stopped') return;
      offsetMs = 0;
    }
  }

  /** playback_final_update: result 0 completes or continues; otherwise a stop stays, anything else fails. */
  #finalUpdate(result: PlaybackResult, hangup: boolean): void {
    const isLast = this.#index === this.#media.length - 1 || hangup;
    if (result === 'done') this.#state = isLast ? 'complete' : 'continuing';
    else if (this.#state !== 'stopped') this.#state = isLast ? 'failed' : 'continuing';
    this.#publish();
  }

  #enter(state: State): void {
    this.#state = state;
    this.#publish();
  }

  #publish(): void {
    const playback = this.toJSON();
    const route = this.#route;
    switch (this.#state) {
      case 'playing':
        this.bus.publish('PlaybackStarted', { playback }, route);
        return;
      case 'continuing':
        this.bus.publish('PlaybackContinuing', { playback }, route);
        return;
      case 'complete':
      case 'failed':
      case 'stopped':
      case 'canceled':
        this.bus.publish('PlaybackFinished', { playback }, route);
        return;
      case 'queued':
      case 'paused':
        return;
    }
  }
}
