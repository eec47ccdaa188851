import type { Channel } from '../channel/channel.js';
import type { StasisApp } from '../stasis/stasis-app.js';
import type { SubscriptionIndex } from '../stasis/subscription-index.js';
import { nowTimestamp } from '../time.js';
import type { EventFields, EventType } from './event-types.js';
import { jsonMembers } from './raw-json.js';

/** Which applications an event concerns (res/stasis app.c forwards, semantics.md §4.4). */
export interface EventRoute {
  /** Channels the event is about: apps subscribed to any of them (or to all channels) receive it. */
  readonly channels?: readonly Channel[];
  readonly bridgeIds?: readonly string[];
  /** `tech/resource` of endpoints the event is about. */
  readonly endpoints?: readonly string[];
  readonly deviceName?: string;
  /** Deliver to this one application only (StasisStart/End, ApplicationMoveFailed, user events...). */
  readonly app?: StasisApp;
}

/**
 * Serializes each event once and fans it out. Only `application` differs between recipients, and
 * Asterisk puts it last, so the shared part is built once and each app appends its own name.
 */
export class EventBus {
  readonly #asteriskIdJson: string;
  readonly #targets = new Set<StasisApp>();

  constructor(
    asteriskId: string,
    private readonly index: SubscriptionIndex,
    private readonly pretty: boolean,
  ) {
    this.#asteriskIdJson = JSON.stringify(asteriskId);
  }

  /** Publish event `type` with its own fields (typed from the models) to the applications `route` reaches. */
  publish<T extends EventType>(type: T, fields: EventFields<T>, route: EventRoute): void {
    const targets = this.#collect(route);
    if (targets.size === 0) return;
    const members = jsonMembers(fields);
    const head =
      `{"type":${JSON.stringify(type)},"timestamp":"${nowTimestamp()}"` +
      (members ? ',' + members : '') +
      `,"asterisk_id":${this.#asteriskIdJson},"application":`;
    for (const app of targets) {
      if (!app.isActive || !app.allows(type)) continue;
      const json = head + app.nameJson + '}';
      app.deliver(this.pretty ? JSON.stringify(JSON.parse(json), null, 2) : json);
    }
    targets.clear();
  }

  /**
   * Whether an event about `channel` reaches any application (app.c forwards of the channel, all channels, or
   * its endpoint). Most of a call's channel events reach none (a Local `;2` running dialplan, a channel before
   * its StasisStart): their snapshot need not be built.
   */
  reachesChannel(channel: Channel): boolean {
    const targets = this.#targets;
    targets.clear();
    this.index.addSubscribers('channel:', targets);
    this.index.addSubscribers('channel:' + channel.id, targets);
    if (channel.endpoint !== undefined) this.#addEndpoint(channel.endpoint, targets);
    const reaches = targets.size > 0;
    targets.clear();
    return reaches;
  }

  /** Apps subscribed to `endpoint:<tech>/<resource>`, to `endpoint:<tech>` or to all endpoints. */
  #addEndpoint(endpoint: string, targets: Set<StasisApp>): void {
    const index = this.index;
    index.addSubscribers('endpoint:', targets);
    index.addSubscribers('endpoint:' + endpoint, targets);
    const slash = endpoint.indexOf('/');
    if (slash > 0) index.addSubscribers('endpoint:' + endpoint.slice(0, slash), targets);
  }

  #collect(route: EventRoute): Set<StasisApp> {
    const targets = this.#targets;
    targets.clear();
    if (route.app) {
      targets.add(route.app);
      return targets;
    }
    const index = this.index;
    if (route.channels) {
      index.addSubscribers('channel:', targets);
      for (const ch of route.channels) {
        index.addSubscribers('channel:' + ch.id, targets);
        // An endpoint subscription carries the events of the endpoint's channels (res/stasis/app.c).
        if (ch.endpoint !== undefined) this.#addEndpoint(ch.endpoint, targets);
      }
    }
    if (route.bridgeIds) {
      index.addSubscribers('bridge:', targets);
      for (const id of route.bridgeIds) index.addSubscribers('bridge:' + id, targets);
    }
    if (route.endpoints) for (const ep of route.endpoints) this.#addEndpoint(ep, targets);
    if (route.deviceName !== undefined) {
      index.addSubscribers('deviceState:', targets);
      index.addSubscribers('deviceState:' + route.deviceName, targets);
    }
    return targets;
  }
}
