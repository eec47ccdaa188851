/**
 * Events as core and the drivers publish them, typed from the wire models (src/ari/models/wire.ts, generated from
 * the model table): each event's own fields, without the envelope the bus adds (`type`, `timestamp`,
 * `asterisk_id`, `application`). A model-valued field takes the model or its cached JSON (a snapshot).
 */
import type { EventOf, EventType } from '../../ari/models/wire.js';
import type { RawJson } from './raw-json.js';

export type { EventType } from '../../ari/models/wire.js';

/** The fields the event bus fills in. */
type Envelope = 'type' | 'timestamp' | 'asterisk_id' | 'application';

/** A field value as a producer hands it over: objects read-only, snapshots as cached JSON allowed. */
type Publishable<T> = T extends readonly (infer E)[]
  ? readonly Publishable<E>[]
  : T extends object
    ? { readonly [K in keyof T]: Publishable<T[K]> } | RawJson<T>
    : T;

/** The fields of event `T` a producer gives `publish`. */
export type EventFields<T extends EventType> = {
  readonly [K in keyof EventOf<T> as K extends Envelope ? never : K]: Publishable<EventOf<T>[K]>;
};

/** Events about one channel: they carry it as `channel` (the channel adds its own snapshot). */
export type ChannelEventType = {
  [T in EventType]: 'channel' extends keyof EventOf<T> ? T : never;
}[EventType];

/** The fields of a channel event besides the channel itself. */
export type ChannelEventFields<T extends ChannelEventType> = Omit<EventFields<T>, 'channel'>;
