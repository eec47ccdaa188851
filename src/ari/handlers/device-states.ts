import type { Core } from '../../core/core.js';
import { DEVICE_STATES, DeviceStates, type DeviceStateValue } from '../../core/device-states.js';
import { AriError, type BoundArgs, type Handler } from '../handler.js';
import { str } from './args.js';

/** `Stasis:<name>` only (409 otherwise); `Stasis:` alone is 404 (§10). */
function controlledName(args: BoundArgs): string {
  const name = str(args, 'deviceName') ?? '';
  if (!DeviceStates.isControlled(name)) throw new AriError(409, 'Uncontrolled device specified');
  if (name.length <= 'Stasis:'.length) throw new AriError(404, 'Device name is missing');
  return name;
}

export function deviceStateHandlers(core: Core): Record<string, Handler> {
  return {
    list: () => ({ body: core.deviceStates.listControlled() }),
    get: (args) => {
      const name = str(args, 'deviceName') ?? '';
      return { body: { name, state: core.deviceStates.get(name) } };
    },
    update: (args) => {
      const name = controlledName(args);
      const state = (str(args, 'deviceState') ?? '').toUpperCase();
      if (!(DEVICE_STATES as readonly string[]).includes(state) || state === 'UNKNOWN') {
        throw new AriError(500, 'Unknown device', 'Internal Server Error');
      }
      core.deviceStates.set(name, state as DeviceStateValue);
      return undefined;
    },
    delete: (args) => {
      core.deviceStates.delete(controlledName(args));
      return undefined;
    },
  };
}
