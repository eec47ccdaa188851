// Endpoint online/offline from its AORs' contacts (sip-reference §4.9): `online` iff at least one AOR has an
// available contact. Available here means Reachable or NonQualified — a qualified contact still `Unknown` does
// not make the endpoint online until its first OPTIONS is answered (Asterisk registers "Unknown then Reachable",
// and PeerStatusChange Reachable comes with the Reachable). An IP-identified endpoint without contacts is offline.
//
// The tracker reports only transitions, for the caller's PeerStatusChange (Reachable/Unreachable) and
// EndpointStateChange; ContactStatusChange is the store's own ContactChange, with Created/Updated left out.

import type { EndpointConfig } from '../../../config/pjsip-types.js';
import type { Binding, ContactChange, ContactStore } from './contact-store.js';

export type EndpointState = 'online' | 'offline';

export type PeerStatus = 'Reachable' | 'Unreachable';

function counts(b: Binding): boolean {
  return b.status === 'Reachable' || b.status === 'NonQualified';
}

export function endpointState(endpoint: EndpointConfig, store: ContactStore): EndpointState {
  for (const aor of endpoint.aors) if (store.list(aor).some(counts)) return 'online';
  return 'offline';
}

/** ARI `contact_status` of a store change; undefined for Created/Updated, which ARI does not publish. */
export function ariContactStatus(ev: ContactChange): ContactChange['status'] | undefined {
  return ev.status === 'Created' || ev.status === 'Updated' ? undefined : ev.status;
}

export class EndpointStateTracker {
  readonly #store: ContactStore;
  readonly #byAor = new Map<string, EndpointConfig[]>();
  readonly #state = new Map<string, EndpointState>();
  readonly #unsubscribe: () => void;

  constructor(
    store: ContactStore,
    endpoints: ReadonlyMap<string, EndpointConfig>,
    private readonly onPeerStatus: (endpointName: string, status: PeerStatus) => void,
  ) {
    this.#store = store;
    this.reindex(endpoints);
    this.#unsubscribe = store.addListener((ev) => this.#onChange(ev));
  }

  /**
   * Follow a new set of endpoints (a res_pjsip reload replaced some): later contact changes are matched against
   * these objects. An endpoint still present keeps the state last announced for it, so a reload that leaves its
   * contacts alone sends no PeerStatusChange.
   */
  reindex(endpoints: ReadonlyMap<string, EndpointConfig>): void {
    this.#byAor.clear();
    const previous = new Map(this.#state);
    this.#state.clear();
    for (const ep of endpoints.values()) {
      this.#state.set(ep.name, previous.get(ep.name) ?? endpointState(ep, this.#store));
      for (const aor of ep.aors) {
        const list = this.#byAor.get(aor) ?? [];
        list.push(ep);
        this.#byAor.set(aor, list);
      }
    }
  }

  state(endpointName: string): EndpointState | undefined {
    return this.#state.get(endpointName);
  }

  close(): void {
    this.#unsubscribe();
  }

  #onChange(ev: ContactChange): void {
    // A new binding is announced as Created and then with its status: the state follows the status, so that
    // ContactStatusChange reaches apps before the PeerStatusChange it causes (§4.10).
    if (ev.status === 'Created' || ev.status === 'Updated') return;
    for (const ep of this.#byAor.get(ev.aor) ?? []) {
      const next = endpointState(ep, this.#store);
      if (this.#state.get(ep.name) === next) continue;
      this.#state.set(ep.name, next);
      this.onPeerStatus(ep.name, next === 'online' ? 'Reachable' : 'Unreachable');
    }
  }
}
