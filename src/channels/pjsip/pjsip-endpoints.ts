import type { EndpointConfig, PjsipConfig } from '../../config/pjsip-types.js';
import type { Channel } from '../../core/channel/channel.js';
import type { EndpointSnapshot, Endpoints, TextMessage, ReferRequest } from '../../core/endpoints.js';
import type { ContactStore } from './registrar/contact-store.js';
import { ariContactStatus, endpointState, EndpointStateTracker } from './registrar/endpoint-state.js';

/**
 * The PJSIP endpoints as ARI sees them (sip-reference §4.9): state `online` iff one of its AORs has an available
 * contact, `channel_ids` in creation order. ContactStatusChange follows the contact store, PeerStatusChange the
 * online↔offline transitions, EndpointStateChange every change of state or channels.
 */
export class PjsipEndpoints {
  readonly technology = 'PJSIP';
  readonly #channels = new Map<string, Set<string>>();
  readonly #tracker: EndpointStateTracker;
  readonly #unsubscribe: () => void;
  sendMessage?: (to: string, message: TextMessage) => { error: string } | undefined;
  sendRefer?: (to: string, refer: ReferRequest) => { error: string } | undefined;

  constructor(
    private readonly config: PjsipConfig,
    private readonly store: ContactStore,
    private readonly endpoints: Endpoints,
  ) {
    // Contact events go out before the peer/endpoint events the same change causes (§4.10).
    this.#unsubscribe = store.addListener((ev) => {
      const status = ariContactStatus(ev);
      if (status === undefined) return;
      for (const ep of this.#endpointsOfAor(ev.aor)) {
        this.endpoints.publish('ContactStatusChange', this.snapshot(ep), {
          contact_info: {
            uri: ev.uri,
            contact_status: status,
            aor: ev.aor,
            roundtrip_usec: String(ev.roundtripUsec),
          },
        });
      }
    });
    this.#tracker = new EndpointStateTracker(store, config.endpoints, (name, peerStatus) => {
      const ep = config.endpoints.get(name);
      if (ep === undefined) return;
      const snap = this.snapshot(ep);
      this.endpoints.publish('PeerStatusChange', snap, { peer: { peer_status: peerStatus } });
      this.endpoints.publish('EndpointStateChange', snap);
    });
  }

  #endpointsOfAor(aor: string): EndpointConfig[] {
    return [...this.config.endpoints.values()].filter((ep) => ep.aors.includes(aor));
  }

  snapshot(ep: EndpointConfig): EndpointSnapshot {
    return {
      technology: 'PJSIP',
      resource: ep.name,
      // From the store itself, not the tracker: a ContactStatusChange already shows the state its contact causes.
      state: endpointState(ep, this.store),
      channel_ids: [...(this.#channels.get(ep.name) ?? [])],
    };
  }

  list(): EndpointSnapshot[] {
    return [...this.config.endpoints.values()].map((ep) => this.snapshot(ep));
  }

  get(resource: string): EndpointSnapshot | undefined {
    const ep = this.config.endpoints.get(resource);
    return ep === undefined ? undefined : this.snapshot(ep);
  }

  /** A channel of the endpoint appeared or went away: EndpointStateChange with the new channel_ids. */
  channelsChanged(ep: EndpointConfig, channel: Channel): void {
    let set = this.#channels.get(ep.name);
    if (set === undefined) this.#channels.set(ep.name, (set = new Set()));
    if (channel.isDestroyed) set.delete(channel.id);
    else set.add(channel.id);
    this.endpoints.publish('EndpointStateChange', this.snapshot(ep));
  }

  /** The endpoints map was changed in place (a res_pjsip reload): state tracking follows the new objects. */
  endpointsReloaded(): void {
    this.#tracker.reindex(this.config.endpoints);
  }

  close(): void {
    this.#unsubscribe();
    this.#tracker.close();
  }
}
