/**
 * Plays one media item on a channel's media and reports how it ended: the core's half of the playback protocol
 * (playback-protocol.ts), shared by ARI playbacks and the dialplan's Playback(). Each item gets a number (`pb`);
 * the plane answers every `playback-start` with one `playback-ended` of the same number.
 *
 * A channel that has been asked to hang up plays nothing: the item fails at once, as Asterisk's players return
 * −1 on a hung-up channel, and nothing waits for a plane that may already have closed the channel's media.
 */
import type { Channel } from '../channel/channel.js';
import type { MediaEvent } from '../media/media-protocol.js';
import type { PlaybackAction, PlaybackEvent, PlaybackMedia, PlaybackResult } from '../media/playback-protocol.js';

/** How an item ended, and where in its file (ms). */
export interface ItemEnd {
  readonly result: PlaybackResult;
  readonly positionMs: number;
  /** The channel was hung up while (or before) the item played. */
  readonly hangup: boolean;
}

export interface PlayOptions {
  readonly language: string;
  readonly offsetMs?: number;
  readonly skipMs?: number;
}

/** The item playing on a channel: control it while it plays. */
export interface PlayingItem {
  readonly pb: number;
  /** Resolves once, when the item ends or the channel hangs up. */
  readonly ended: Promise<ItemEnd>;
  control(action: PlaybackAction): void;
}

const FAILED_AT_HANGUP: ItemEnd = { result: 'failed', positionMs: 0, hangup: true };
const DEFAULT_SKIP_MS = 3000;

let nextPb = 1;

interface Waiter {
  ended(event: PlaybackEvent): void;
  hungUp(): void;
}

/**
 * Per channel, one media-event listener and one hangup reaction route the ends to the items waiting for them (no
 * closure per item stays behind on the channel).
 */
const waiting = new WeakMap<Channel, Map<number, Waiter>>();

function waitersOf(channel: Channel): Map<number, Waiter> {
  let map = waiting.get(channel);
  if (map === undefined) {
    const created = new Map<number, Waiter>();
    channel.onMediaEvent((event: MediaEvent) => {
      if (event.ev === 'playback-ended') created.get(event.pb)?.ended(event);
    });
    void channel.whenHangup().then(() => {
      for (const waiter of [...created.values()]) waiter.hungUp();
    });
    waiting.set(channel, (map = created));
  }
  return map;
}

/** Start `media` on the channel's media; the returned item resolves `ended` when the plane says it ended. */
export function playItem(channel: Channel, media: PlaybackMedia, options: PlayOptions): PlayingItem {
  const pb = nextPb++;
  const leg = channel.media;
  if (channel.isHangupRequested || leg === undefined || leg.isClosed) {
    const result: ItemEnd = channel.isHangupRequested ? FAILED_AT_HANGUP : { ...FAILED_AT_HANGUP, hangup: false };
    return { pb, ended: Promise.resolve(result), control: () => {} };
  }
  const waiters = waitersOf(channel);
  let settle!: (end: ItemEnd) => void;
  const ended = new Promise<ItemEnd>((resolve) => (settle = resolve));
  let isOver = false;
  const finish = (end: ItemEnd): void => {
    if (isOver) return;
    isOver = true;
    waiters.delete(pb);
    settle(end);
  };
  waiters.set(pb, {
    ended: (event) => finish({ result: event.result, positionMs: event.positionMs, hangup: channel.isHangupRequested }),
    // A hangup ends the item at once (Asterisk's player returns −1 as soon as it reads the hangup); the plane is
    // told to stop, in case the channel's media outlives the request.
    hungUp: () => {
      leg.send({ op: 'playback-control', pb, action: 'stop' });
      finish(FAILED_AT_HANGUP);
    },
  });
  leg.send({
    op: 'playback-start',
    pb,
    media,
    language: options.language,
    offsetMs: options.offsetMs ?? 0,
    skipMs: options.skipMs ?? DEFAULT_SKIP_MS,
  });
  return {
    pb,
    ended,
    control: (action) => {
      if (!isOver) leg.send({ op: 'playback-control', pb, action });
    },
  };
}
