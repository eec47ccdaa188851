import type { Core } from '../../core/core.js';
import { AriError, type Handler } from '../handler.js';
import { list, required, str } from './args.js';

/**
 * POST /events/user/{eventName}: a ChannelUserevent to one application (no subscription needed), with
 * the body's variables merged into `userevent` and snapshots of the named sources (§10).
 */
export function eventHandlers(core: Core): Record<string, Handler> {
  return {
    userEvent: (args, ctx) => {
      const eventName = str(args, 'eventName') ?? '';
      const appName = required(args, 'application', 'Missing parameter application');
      const app = core.apps.get(appName);
      if (!app) throw new AriError(404, 'Application not found');
      const fields: Record<string, unknown> = { eventname: eventName };
      const snapshots: Record<string, unknown> = {};
      for (const source of list(args, 'source') ?? []) {
        if (source === '') continue;
        const colon = source.indexOf(':');
        const scheme = colon === -1 ? '' : source.slice(0, colon);
        const id = source.slice(colon + 1);
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
      const body = ctx.jsonBody;
      let variables: Record<string, unknown> = {};
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        const v = (body as Record<string, unknown>).variables;
        if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
          throw new AriError(400, 'Invalid user event data');
        }
        variables = (v as Record<string, unknown> | undefined) ?? {};
      }
      fields.userevent = { ...variables, eventname: eventName };
      core.bus.publish('ChannelUserevent', { ...fields, ...snapshots }, { app });
      return undefined;
    },
  };
}
