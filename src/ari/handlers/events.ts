import type { Bridge } from '../../core/bridge/bridge.js';
import type { Channel } from '../../core/channel/channel.js';
import { implement, resourceHandlers, servedByServer } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';
import { claimChannel } from './events-claim.js';

const ops = OPERATIONS.events;

export const eventHandlers = resourceHandlers('events', {
  eventWebsocket: servedByServer,

  /**
   * POST /events/user/{eventName}: a ChannelUserevent to one application (no subscription needed), with the
   * body's variables merged into `userevent` and snapshots of the named sources (§10).
   */
  userEvent: implement(ops.userEvent, {
    params: { application: { missing: 'Missing parameter application' }, variables: { raw: true } },
    handle: ({ eventName, application, source, variables }, { core }) => {
      const app = core.apps.get(application);
      if (!app) throw new AriError(404, 'Application not found');
      const snapshots: { channel?: ReturnType<Channel['snapshot']>; bridge?: ReturnType<Bridge['snapshot']> } = {};
      for (const item of source ?? []) {
        if (item === '') continue;
        const colon = item.indexOf(':');
        const scheme = colon === -1 ? '' : item.slice(0, colon);
        const id = item.slice(colon + 1);
        if (scheme === 'channel') {
          const channel = core.channels.getByIdOrName(id);
          if (!channel) throw new AriError(422, 'Event source not found');
          snapshots.channel = channel.snapshot();
        } else if (scheme === 'bridge') {
          const bridge = core.bridges.get(id);
          if (!bridge) throw new AriError(422, 'Event source not found');
          snapshots.bridge = bridge.snapshot();
        } else if (scheme === 'endpoint') {
          throw new AriError(422, 'Event source not found');
        } else {
          // deviceState: is refused although the API description lists it (quirk 8).
          throw new AriError(400, 'Invalid event source URI scheme');
        }
      }
      if (
        variables !== undefined &&
        (variables === null || typeof variables !== 'object' || Array.isArray(variables))
      ) {
        throw new AriError(400, 'Invalid user event data');
      }
      const userevent = { ...(variables as Record<string, unknown> | undefined), eventname: eventName };
      core.bus.publish('ChannelUserevent', { eventname: eventName, userevent, ...snapshots }, { app });
    },
  }),

  claimChannel,
});
