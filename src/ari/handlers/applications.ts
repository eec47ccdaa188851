import type { Core } from '../../core/core.js';
import { implement, resourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.applications;

const SCHEMES = new Set(['channel', 'bridge', 'endpoint', 'deviceState']);

/** `scheme:id` → subscription key; 400 for a missing or unknown scheme (§4.1). */
function sourceKey(source: string): { key: string; scheme: string; id: string } {
  const colon = source.indexOf(':');
  const scheme = colon === -1 ? '' : source.slice(0, colon);
  if (!SCHEMES.has(scheme)) throw new AriError(400, 'Invalid event source URI scheme');
  const id = source.slice(colon + 1);
  return { key: `${scheme}:${id}`, scheme, id };
}

/** Whether the object an event source names exists (an empty id means all of that kind). */
export function sourceExists(core: Core, scheme: string, id: string): boolean {
  if (id === '') return true;
  switch (scheme) {
    case 'channel':
      return core.channels.get(id) !== undefined;
    case 'bridge':
      return core.bridges.get(id) !== undefined;
    case 'deviceState':
      return true;
    default: {
      // `endpoint:<tech>` (all endpoints of a technology) or `endpoint:<tech>/<resource>`; Local has none.
      const slash = id.indexOf('/');
      if (slash === -1) return core.endpoints.provider(id) !== undefined;
      return core.endpoints.get(id.slice(0, slash), id.slice(slash + 1)) !== undefined;
    }
  }
}

/** stasis_app_subscribe: the count is checked before the application is looked up. */
const EVENT_SOURCE = { missing: 'Missing parameter eventSource' } as const;

export const applicationHandlers = resourceHandlers('applications', {
  list: implement(ops.list, { handle: (_args, { core }) => core.apps.list() as never }),
  get: implement(ops.get, { target: 'application', handle: (_args, { app }) => app.toJSON() as never }),

  /** Left to right, stopping at the first failure without undoing earlier items (trace s5). */
  subscribe: implement(ops.subscribe, {
    params: { eventSource: EVENT_SOURCE },
    order: ['params', 'target'],
    target: 'application',
    handle: ({ eventSource }, { core, app }) => {
      for (const source of eventSource) {
        const { key, scheme, id } = sourceKey(source);
        if (!sourceExists(core, scheme, id)) throw new AriError(422, 'Event source does not exist');
        // A channel is found whatever the case of its id, and subscribed under the id it has (app.c subscribes
        // the channel object): its events then reach the app, and unsubscribing needs that exact id.
        const channel = scheme === 'channel' && id !== '' ? core.channels.get(id) : undefined;
        core.index.subscribe(app, channel ? `channel:${channel.id}` : key);
      }
      return app.toJSON() as never;
    },
  }),

  unsubscribe: implement(ops.unsubscribe, {
    params: { eventSource: EVENT_SOURCE },
    order: ['params', 'target'],
    target: 'application',
    handle: ({ eventSource }, { core, app }) => {
      for (const source of eventSource) {
        if (!core.index.unsubscribe(app, sourceKey(source).key)) {
          throw new AriError(422, 'Event source was not subscribed to');
        }
      }
      return app.toJSON() as never;
    },
  }),

  filter: implement(ops.filter, {
    order: ['target', 'body'],
    target: 'application',
    handle: ({ filter }, { app }) => {
      app.setFilter(filter ?? {});
      return app.toJSON() as never;
    },
  }),
});
