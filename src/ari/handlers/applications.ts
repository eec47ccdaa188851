import type { Core } from '../../core/core.js';
import type { EventFilterEntry, StasisApp } from '../../core/stasis/stasis-app.js';
import { AriError, type BoundArgs, type Handler } from '../handler.js';
import { list, str } from './args.js';

const SCHEMES = new Set(['channel', 'bridge', 'endpoint', 'deviceState']);

function requireApp(core: Core, args: BoundArgs): StasisApp {
  const app = core.apps.get(str(args, 'applicationName') ?? '');
  if (!app) throw new AriError(404, 'Application not found');
  return app;
}

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

function sources(args: BoundArgs): string[] {
  const all = list(args, 'eventSource') ?? [];
  if (all.length === 0 || all.every((s) => s === '')) throw new AriError(400, 'Missing parameter eventSource');
  return all;
}

/** A filter list: an array of objects each with a non-empty string `type` (§4.6). */
function filterList(value: unknown): EventFilterEntry[] {
  if (!Array.isArray(value)) throw new AriError(400, 'Invalid format definition');
  return value.map((entry) => {
    const type = (entry as Record<string, unknown> | null)?.type;
    if (typeof type !== 'string' || type === '') throw new AriError(400, 'Invalid format definition');
    return entry as EventFilterEntry;
  });
}

export function applicationHandlers(core: Core): Record<string, Handler> {
  return {
    list: () => ({ body: core.apps.list() }),
    get: (args) => ({ body: requireApp(core, args) }),

    /** Left to right, stopping at the first failure without undoing earlier items (trace s5). */
    subscribe: (args) => {
      const app = requireApp(core, args);
      for (const source of sources(args)) {
        const { key, scheme, id } = sourceKey(source);
        if (!sourceExists(core, scheme, id)) throw new AriError(422, 'Event source does not exist');
        core.index.subscribe(app, key);
      }
      return { body: app };
    },

    unsubscribe: (args) => {
      const app = requireApp(core, args);
      for (const source of sources(args)) {
        const { key } = sourceKey(source);
        if (!core.index.unsubscribe(app, key)) throw new AriError(422, 'Event source was not subscribed to');
      }
      return { body: app };
    },

    filter: (_args, ctx) => {
      const app = requireApp(core, _args);
      const body = ctx.jsonBody;
      if (body === undefined || body === null) {
        app.allowed = [];
        app.disallowed = [];
        return { body: app };
      }
      if (typeof body !== 'object' || Array.isArray(body)) throw new AriError(400, 'Invalid format definition');
      const filter = body as Record<string, unknown>;
      const hasAllowed = 'allowed' in filter;
      const hasDisallowed = 'disallowed' in filter;
      const allowed = hasAllowed ? filterList(filter.allowed) : undefined;
      const disallowed = hasDisallowed ? filterList(filter.disallowed) : undefined;
      if (!hasAllowed && !hasDisallowed) {
        app.allowed = [];
        app.disallowed = [];
      }
      if (allowed) app.allowed = allowed;
      if (disallowed) app.disallowed = disallowed;
      return { body: app };
    },
  };
}
