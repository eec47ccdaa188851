import type { DeviceStateSource } from '../../core/device-states.js';
import type { DialplanPort } from '../../core/ports.js';
import { LocalHalf } from './local-pair.js';

/**
 * `Local/<exten>@<context>[/options]` device states (core_local.c local_devicestate): INUSE while a pair for that
 * extension has its `;1` and a running `;2`, NOT_INUSE while any half of such a pair lives or the extension exists,
 * INVALID otherwise (and without `@context`). Local channels disable the device-state cache, so every state change
 * or hangup of a half publishes, even when the state is the same.
 */
export function localDeviceSource(dialplan: () => DialplanPort): DeviceStateSource {
  return {
    technology: 'Local',
    cachable: false,
    evaluatesOnIndication: false,
    state(resource, view) {
      const at = resource.indexOf('@');
      if (at < 0) return 'INVALID';
      const exten = resource.slice(0, at);
      // Options follow a `/` in the context part; a `/` before the `@` belongs to the extension.
      const rest = resource.slice(at + 1);
      const slash = rest.indexOf('/');
      const context = slash < 0 ? rest : rest.slice(0, slash);
      let hasPair = false;
      for (const channel of view.channelsOf(`Local/${exten}@${context}`)) {
        hasPair = true;
        const tech = channel.tech;
        if (tech instanceof LocalHalf && tech.side === 1 && tech.peer?.hasPbx === true) return 'INUSE';
      }
      if (hasPair) return 'NOT_INUSE';
      return dialplan().exists(context, exten, 1) ? 'NOT_INUSE' : 'INVALID';
    },
  };
}
