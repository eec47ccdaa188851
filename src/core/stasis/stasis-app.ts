import type { EventSink } from '../ports.js';

/** An `{"type": ...}` entry of an application's event filter (other keys are kept and echoed back). */
export type EventFilterEntry = Readonly<Record<string, unknown>> & { readonly type: string };

/**
 * A change of an application's event filter (PUT /applications/{app}/eventFilter): a list given replaces that
 * list, a list not given is kept; a filter naming neither list clears both (§4.6).
 */
export interface EventFilter {
  readonly allowed?: readonly EventFilterEntry[];
  readonly disallowed?: readonly EventFilterEntry[];
}

const ALL_TOPICS: Readonly<Record<string, string>> = {
  'channel:': '__AST_CHANNEL_ALL_TOPIC',
  'bridge:': '__AST_BRIDGE_ALL_TOPIC',
  'endpoint:': '__AST_ENDPOINT_ALL_TOPIC',
  'deviceState:': '__AST_DEVICE_STATE_ALL_TOPIC',
};

/**
 * A Stasis application: a name, the connection that currently owns it (none when deactivated), its
 * subscriptions and its event filter (semantics.md §3.2, §4).
 */
export class StasisApp {
  readonly nameJson: string;
  sink: EventSink | undefined;
  /** Subscription counts by event-source key (see SubscriptionIndex). */
  readonly subscriptions = new Map<string, number>();
  allowed: readonly EventFilterEntry[] = [];
  disallowed: readonly EventFilterEntry[] = [];

  constructor(readonly name: string) {
    this.nameJson = JSON.stringify(name);
  }

  get isActive(): boolean {
    return this.sink !== undefined;
  }

  /**
   * Whether the app is subscribed to a channel, bridge or endpoint (all of a kind included): res/stasis app.c
   * keeps those as topic forwards, and an app without a connection stays registered while it has any.
   */
  get hasForwards(): boolean {
    for (const key of this.subscriptions.keys()) if (!key.startsWith('deviceState:')) return true;
    return false;
  }

  setFilter(filter: EventFilter): void {
    if (filter.allowed === undefined && filter.disallowed === undefined) {
      this.allowed = [];
      this.disallowed = [];
      return;
    }
    if (filter.allowed) this.allowed = filter.allowed;
    if (filter.disallowed) this.disallowed = filter.disallowed;
  }

  /** §4.6: sent iff not disallowed and (no allow list or listed in it). */
  allows(type: string): boolean {
    if (this.disallowed.length > 0 && this.disallowed.some((e) => e.type === type)) return false;
    return this.allowed.length === 0 || this.allowed.some((e) => e.type === type);
  }

  deliver(json: string): void {
    this.sink?.send(json);
  }

  /** The Application model. */
  toJSON(): unknown {
    const lists: Record<string, string[]> = { 'channel:': [], 'bridge:': [], 'endpoint:': [], 'deviceState:': [] };
    for (const key of this.subscriptions.keys()) {
      const colon = key.indexOf(':');
      const kind = key.slice(0, colon + 1);
      const id = key.slice(colon + 1);
      lists[kind]?.push(id === '' ? (ALL_TOPICS[kind] ?? '') : id);
    }
    return {
      name: this.name,
      channel_ids: lists['channel:'],
      bridge_ids: lists['bridge:'],
      endpoint_ids: lists['endpoint:'],
      device_names: lists['deviceState:'],
      events_allowed: this.allowed,
      events_disallowed: this.disallowed,
    };
  }
}
