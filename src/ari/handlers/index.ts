import { CoreError } from '../../core/errors.js';
import type { Core } from '../../core/core.js';
import { toAriError } from '../errors.js';
import type { Handler, HandlerTable } from '../handler.js';
import { applicationHandlers } from './applications.js';
import { asteriskHandlers, type ServerIdentity } from './asterisk.js';
import { bridgeHandlers } from './bridges.js';
import { deviceStateHandlers } from './device-states.js';
import { mailboxHandlers } from './mailboxes.js';
import { channelControlHandlers } from './channel-control.js';
import { channelVariableHandlers } from './channel-variables.js';
import { channelHandlers } from './channels.js';
import { endpointHandlers } from './endpoints.js';
import { eventHandlers } from './events.js';

/** Core failures thrown by a handler become the ARI error Asterisk answers. */
function mapCoreErrors(handlers: Record<string, Handler>): Record<string, Handler> {
  const out: Record<string, Handler> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    out[name] = async (args, ctx) => {
      try {
        return await handler(args, ctx);
      } catch (err) {
        if (err instanceof CoreError) toAriError(err);
        throw err;
      }
    };
  }
  return out;
}

/** Every implemented operation, by resource and nickname. Missing ones answer 501. */
export function buildHandlers(core: Core, identity: ServerIdentity): HandlerTable {
  return {
    asterisk: mapCoreErrors(asteriskHandlers(core, identity)),
    channels: mapCoreErrors({
      ...channelHandlers(core),
      ...channelControlHandlers(core),
      ...channelVariableHandlers(core),
    }),
    bridges: mapCoreErrors(bridgeHandlers(core)),
    deviceStates: mapCoreErrors(deviceStateHandlers(core)),
    mailboxes: mapCoreErrors(mailboxHandlers()),
    applications: mapCoreErrors(applicationHandlers(core)),
    events: mapCoreErrors(eventHandlers(core)),
    endpoints: mapCoreErrors(endpointHandlers(core)),
  };
}
