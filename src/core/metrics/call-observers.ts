/**
 * The operator's view of calls, as the core offers it: observers are told when a channel is created or destroyed
 * and when a channel enters or leaves a Stasis application. The edge (logs, metrics) implements `CallObserver`;
 * the core knows nothing of HTTP, Prometheus or log formats. Live counts (channels by state, bridges, apps) are read
 * from the core's registries when asked, so nothing here runs per frame or per event fan-out.
 */
import type { Channel } from '../channel/channel.js';
import type { ChannelRegistry } from '../channel/channel-registry.js';

/** One channel's Stasis moment: the channel (undefined if it is already gone) and the application. */
export interface StasisMoment {
  readonly channelId: string;
  readonly channel: Channel | undefined;
  readonly app: string;
}

/** What an observer may be told; every method is optional. Observers must be quick: they run inline. */
export interface CallObserver {
  /** After ChannelCreated was published (a driver may fill protocol_id right after). */
  onChannelCreated?: (channel: Channel) => void;
  /** After ChannelDestroyed was published: `hangupCause` and `techCause` are final. */
  onChannelDestroyed?: (channel: Channel) => void;
  /** StasisStart was published to `app` (also after a move between applications). */
  onStasisStart?: (moment: StasisMoment) => void;
  /** StasisEnd was published to `app`. */
  onStasisEnd?: (moment: StasisMoment) => void;
}

/** The failure of an observer, handed to whoever wants to know (it never reaches the caller). */
export type ObserverErrorHandler = (err: unknown) => void;

/** The observers of one core; Stasis tells them of starts and ends as it publishes those (core.ts wires it). */
export class CallObservers {
  readonly #list: CallObserver[] = [];
  onError: ObserverErrorHandler = () => {};

  constructor(private readonly channels: ChannelRegistry) {}

  /** Add an observer; the function returned removes it. */
  add(observer: CallObserver): () => void {
    this.#list.push(observer);
    return () => {
      const i = this.#list.indexOf(observer);
      if (i >= 0) this.#list.splice(i, 1);
    };
  }

  channelCreated(channel: Channel): void {
    for (const o of this.#list) if (o.onChannelCreated) this.#safely(() => o.onChannelCreated!(channel));
  }

  channelDestroyed(channel: Channel): void {
    for (const o of this.#list) if (o.onChannelDestroyed) this.#safely(() => o.onChannelDestroyed!(channel));
  }

  /** A channel entered (`start`) or left (`end`) Stasis application `app`. */
  stasis(kind: 'start' | 'end', channel: Channel, app: string): void {
    if (this.#list.length === 0) return;
    const moment: StasisMoment = { channelId: channel.id, channel: this.channels.get(channel.id), app };
    for (const o of this.#list) {
      if (kind === 'start' && o.onStasisStart) this.#safely(() => o.onStasisStart!(moment));
      if (kind === 'end' && o.onStasisEnd) this.#safely(() => o.onStasisEnd!(moment));
    }
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}
