/**
 * The operator's view of calls, as the core offers it: observers are told when a channel is created or destroyed
 * and when a channel enters or leaves a Stasis application. The edge (logs, metrics) implements `CallObserver`;
 * the core knows nothing of HTTP, Prometheus or log formats. Live counts (channels by state, bridges, apps) are read
 * from the core's registries when asked, so nothing here runs per frame or per event fan-out.
 */
import type { Channel } from '../channel/channel.js';
import type { ChannelRegistry } from '../channel/channel-registry.js';
import type { EventBus, EventRoute } from '../events/event-bus.js';
import type { EventType } from '../events/event-types.js';
import { RawJson } from '../events/raw-json.js';

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

/**
 * The observers of one core. The event-bus tap that finds Stasis starts and ends is installed only while some
 * observer wants them, so a core without observers publishes exactly as before.
 */
export class CallObservers {
  readonly #list: CallObserver[] = [];
  onError: ObserverErrorHandler = () => {};

  constructor(
    private readonly bus: EventBus,
    private readonly channels: ChannelRegistry,
  ) {}

  /** Add an observer; the function returned removes it. */
  add(observer: CallObserver): () => void {
    this.#list.push(observer);
    this.#updateTap();
    return () => {
      const i = this.#list.indexOf(observer);
      if (i >= 0) this.#list.splice(i, 1);
      this.#updateTap();
    };
  }

  channelCreated(channel: Channel): void {
    for (const o of this.#list) if (o.onChannelCreated) this.#safely(() => o.onChannelCreated!(channel));
  }

  channelDestroyed(channel: Channel): void {
    for (const o of this.#list) if (o.onChannelDestroyed) this.#safely(() => o.onChannelDestroyed!(channel));
  }

  #updateTap(): void {
    const wanted = this.#list.some((o) => o.onStasisStart || o.onStasisEnd);
    this.bus.tap = wanted ? this.#tap : undefined;
  }

  readonly #tap = (type: EventType, fields: Readonly<Record<string, unknown>>, route: EventRoute): void => {
    if ((type !== 'StasisStart' && type !== 'StasisEnd') || route.app === undefined) return;
    const channelId = snapshotId(fields.channel);
    if (channelId === undefined) return;
    const moment: StasisMoment = { channelId, channel: this.channels.get(channelId), app: route.app.name };
    for (const o of this.#list) {
      if (type === 'StasisStart' && o.onStasisStart) this.#safely(() => o.onStasisStart!(moment));
      if (type === 'StasisEnd' && o.onStasisEnd) this.#safely(() => o.onStasisEnd!(moment));
    }
  };

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onError(err);
    }
  }
}

/** The `id` of a channel given as its cached snapshot (RawJson) or as a plain model object. */
function snapshotId(value: unknown): string | undefined {
  if (value instanceof RawJson) {
    try {
      const parsed = JSON.parse(value.json) as { id?: unknown };
      return typeof parsed.id === 'string' ? parsed.id : undefined;
    } catch {
      return undefined;
    }
  }
  if (typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string') return value.id;
  return undefined;
}
