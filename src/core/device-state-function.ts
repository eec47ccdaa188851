import { parseDeviceState } from './device-state-rules.js';
import type { DeviceStates } from './device-states.js';
import { CoreError } from './errors.js';
import type { DialplanFunction } from './variables.js';

const CUSTOM_PREFIX = 'custom:';

/**
 * func_devstate.c `DEVICE_STATE(device)`: reads any device's state (`PJSIP/alice`, `Local/100@default`,
 * `Stasis:foo`, `Custom:foo`); only `Custom:` devices can be written, with a state name in any case (anything
 * else sets UNKNOWN, as `ast_devstate_val` reads it).
 */
export function deviceStateFunction(deviceStates: DeviceStates): DialplanFunction {
  return {
    read: (_channel, args) => deviceStates.get(args),
    write(_channel, args, value) {
      if (!args.toLowerCase().startsWith(CUSTOM_PREFIX) || args.length === CUSTOM_PREFIX.length) {
        throw new CoreError(
          'FUNCTION_FAILED',
          "The DEVICE_STATE function can only be used to set 'Custom:' device state!",
        );
      }
      deviceStates.set(args, parseDeviceState(value));
    },
  };
}
