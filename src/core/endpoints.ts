import type { EventBus } from './events/event-bus.js';
import type { EventFields, EventType } from './events/event-types.js';

/** Events about an endpoint. */
export type EndpointEventType = Extract<
  EventType,
  'EndpointStateChange' | 'PeerStatusChange' | 'ContactStatusChange' | 'TextMessageReceived'
>;

/** The ARI Endpoint model (endpoints.json): `state` is unknown, offline or online. */
export interface EndpointSnapshot {
  readonly technology: string;
  readonly resource: string;
  readonly state: 'unknown' | 'offline' | 'online';
  readonly channel_ids: readonly string[];
}

/** An inbound or outbound text message as the ARI TextMessage model shows it. */
export interface TextMessage {
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly variables?: Readonly<Record<string, string>>;
}

/** What a channel technology with endpoints (PJSIP) offers the endpoints resource. */
export interface EndpointProvider {
  readonly technology: string;
  list(): EndpointSnapshot[];
  get(resource: string): EndpointSnapshot | undefined;
  /**
   * Send an out-of-dialog text message (`PUT /endpoints/sendMessage`, `to` without the `tech:` prefix).
   * Resolves to an error text for a destination the technology cannot reach (ARI 404).
   */
  sendMessage?(to: string, message: TextMessage): { error: string } | undefined;
  /**
   * Send an out-of-dialog REFER (`PUT /endpoints/refer`, `to` without the `tech:` prefix); an error text when the
   * destination or `referTo` cannot be resolved (ARI 404).
   */
  sendRefer?(to: string, refer: ReferRequest): { error: string } | undefined;
}

/** An out-of-dialog REFER as ARI asks for it. */
export interface ReferRequest {
  readonly from: string;
  readonly referTo: string;
  readonly toSelf: boolean;
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * The endpoints of every technology (Asterisk's endpoint registry, main/endpoints.c): drivers register a provider;
 * ARI lists and gets through here; the endpoint events are published with the endpoint as their route, so apps
 * subscribed to `endpoint:<tech>/<resource>`, `endpoint:<tech>` or all endpoints receive them.
 */
export class Endpoints {
  readonly #providers = new Map<string, EndpointProvider>();

  constructor(private readonly bus: () => EventBus) {}

  register(provider: EndpointProvider): void {
    this.#providers.set(provider.technology.toLowerCase(), provider);
  }

  /** Technology names compare case-insensitively, as Asterisk's lookups do. */
  provider(technology: string): EndpointProvider | undefined {
    return this.#providers.get(technology.toLowerCase());
  }

  list(): EndpointSnapshot[] {
    const out: EndpointSnapshot[] = [];
    for (const p of this.#providers.values()) out.push(...p.list());
    return out;
  }

  get(technology: string, resource: string): EndpointSnapshot | undefined {
    return this.provider(technology)?.get(resource);
  }

  /** Publish an endpoint event (EndpointStateChange, PeerStatusChange, ContactStatusChange, TextMessageReceived). */
  publish<T extends EndpointEventType>(
    type: T,
    endpoint: EndpointSnapshot,
    ...fields: Partial<Omit<EventFields<T>, 'endpoint'>> extends Omit<EventFields<T>, 'endpoint'>
      ? []
      : [Omit<EventFields<T>, 'endpoint'>]
  ): void {
    const all = { ...fields[0], endpoint } as unknown as EventFields<T>;
    this.bus().publish(type, all, { endpoints: [`${endpoint.technology}/${endpoint.resource}`] });
  }
}
