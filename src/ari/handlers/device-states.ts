import { parseDeviceState } from '../../core/device-state-rules.js';
import { DeviceStates } from '../../core/device-states.js';
import { implement, resourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.deviceStates;

/** `Stasis:<name>` only (409 otherwise); `Stasis:` alone is 404 (§10). */
function controlledName(name: string): string {
  if (!DeviceStates.isControlled(name)) throw new AriError(409, 'Uncontrolled device specified');
  if (name.length <= 'Stasis:'.length) throw new AriError(404, 'Device name is missing');
  return name;
}

/**
 * res_ari_device_states: GET reads any device (`PJSIP/alice`, `Local/100@default`, `Stasis:foo`, INVALID for a
 * name no technology or provider knows); the list and PUT/DELETE are about `Stasis:` devices only.
 */
export const deviceStateHandlers = resourceHandlers('deviceStates', {
  list: implement(ops.list, { handle: (_args, { core }) => core.deviceStates.listControlled() }),
  get: implement(ops.get, {
    handle: ({ deviceName }, { core }) => ({ name: deviceName, state: core.deviceStates.get(deviceName) }),
  }),
  update: implement(ops.update, {
    handle: ({ deviceName, deviceState }, { core }) => {
      const name = controlledName(deviceName);
      const state = parseDeviceState(deviceState ?? '');
      if (state === 'UNKNOWN') throw new AriError(500, 'Unknown device', 'Internal Server Error');
      core.deviceStates.set(name, state);
    },
  }),
  delete: implement(ops.delete, {
    handle: ({ deviceName }, { core }) => core.deviceStates.delete(controlledName(deviceName)),
  }),
});
