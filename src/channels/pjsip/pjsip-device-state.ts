import type { PjsipConfig } from '../../config/pjsip-types.js';
import { endpointDeviceSource, type DeviceStates } from '../../core/device-states.js';
import type { ContactStore } from './registrar/contact-store.js';
import { endpointState, type EndpointState } from './registrar/endpoint-state.js';

/**
 * `PJSIP/<endpoint>` device states (chan_pjsip_devicestate): the core aggregates the endpoint's channels; this
 * tells it whether the endpoint is online (an available contact) and re-evaluates the device when that flips,
 * as res_pjsip does when it publishes a PeerStatusChange. At start every endpoint is evaluated once, as
 * chan_pjsip does when it loads, so later reads see the cached state. Returns the function that stops watching.
 */
export function watchPjsipDeviceStates(
  deviceStates: DeviceStates,
  config: PjsipConfig,
  store: ContactStore,
): () => void {
  deviceStates.register(
    endpointDeviceSource('PJSIP', (resource) => {
      const ep = config.endpoints.get(resource);
      if (ep === undefined) return undefined;
      return { availability: endpointState(ep, store), busyAt: ep.deviceStateBusyAt ?? 0 };
    }),
  );
  const last = new Map<string, EndpointState>();
  for (const ep of config.endpoints.values()) {
    last.set(ep.name, endpointState(ep, store));
    deviceStates.changed(`PJSIP/${ep.name}`);
  }
  return store.addListener((ev) => {
    // A binding is announced Created and then with its status; the endpoint's state follows the status.
    if (ev.status === 'Created' || ev.status === 'Updated') return;
    for (const ep of config.endpoints.values()) {
      if (!ep.aors.includes(ev.aor)) continue;
      const next = endpointState(ep, store);
      if (last.get(ep.name) === next) continue;
      last.set(ep.name, next);
      deviceStates.changed(`PJSIP/${ep.name}`);
    }
  });
}
