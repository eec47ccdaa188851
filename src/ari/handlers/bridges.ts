import type { Bridge } from '../../core/bridge/bridge.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import { controlOf } from '../../core/stasis/stasis.js';
import { AriError, type BoundArgs, type Handler, type RequestContext } from '../handler.js';
import { bool, list, required, str, variablesFromBody } from './args.js';

function requireBridge(core: Core, args: BoundArgs): Bridge {
  const bridge = core.bridges.get(str(args, 'bridgeId') ?? '');
  if (!bridge) throw new AriError(404, 'Bridge not found');
  return bridge;
}

/** addChannel/removeChannel validate every id first: unknown → 400, not in Stasis → 422 (§7). */
function stasisChannels(core: Core, args: BoundArgs): Channel[] {
  const ids = (list(args, 'channel') ?? []).filter((id) => id !== '');
  if (ids.length === 0) throw new AriError(400, 'Missing parameter channel');
  return ids.map((id) => {
    const channel = core.channels.get(id);
    if (!channel) throw new AriError(400, 'Channel not found');
    if (!controlOf(channel)) throw new AriError(422, 'Channel not in Stasis application');
    return channel;
  });
}

function setVars(bridge: Bridge, ctx: RequestContext): void {
  for (const v of variablesFromBody(ctx.jsonBody) ?? []) {
    bridge.vars.set(v.name, v.value);
    if (v.reportEvents) bridge.reportedVars.add(v.name);
  }
  bridge.touch();
}

function readVar(bridge: Bridge, name: string): string {
  const value = bridge.vars.get(name);
  if (value === undefined) throw new AriError(404, 'Provided variable was not found', 'Variable Not Found');
  return value;
}

export function bridgeHandlers(core: Core): Record<string, Handler> {
  const createBridge = (args: BoundArgs, ctx: RequestContext, id: string | undefined): { json: string } => {
    const bridge = core.bridges.create(id || undefined, str(args, 'type'), str(args, 'name') ?? '');
    setVars(bridge, ctx);
    return { json: bridge.snapshot().json };
  };
  return {
    list: () => ({ json: '[' + Array.from(core.bridges.list(), (b) => b.snapshot().json).join(',') + ']' }),
    create: (args, ctx) => createBridge(args, ctx, str(args, 'bridgeId')),
    createWithId: (args, ctx) => createBridge(args, ctx, str(args, 'bridgeId')),
    get: (args) => ({ json: requireBridge(core, args).snapshot().json }),

    destroy: (args) => {
      core.bridges.destroy(requireBridge(core, args));
      return undefined;
    },

    addChannel: (args) => {
      const bridge = requireBridge(core, args);
      const channels = stasisChannels(core, args);
      for (const channel of channels) {
        if (bool(args, 'mute')) channel.mutedIn = true;
      }
      core.bridges.add(bridge, channels);
      return undefined;
    },

    removeChannel: (args) => {
      const bridge = requireBridge(core, args);
      const channels = stasisChannels(core, args);
      for (const channel of channels) {
        if (!bridge.members.includes(channel)) throw new AriError(422, 'Channel not in this bridge');
      }
      for (const channel of channels) core.bridges.leave(channel);
      return undefined;
    },

    getBridgeVar: (args) => {
      const name = required(args, 'variable', 'Variable name is required');
      return { body: { value: readVar(requireBridge(core, args), name) } };
    },

    getBridgeVars: (args) => {
      const bridge = requireBridge(core, args);
      const names = (list(args, 'variables') ?? []).map((n) => n.trim()).filter((n) => n !== '');
      if (names.length === 0) throw new AriError(400, 'Variable names are required');
      const variables: Record<string, string> = {};
      for (const name of names) variables[name] = readVar(bridge, name);
      return { body: { variables } };
    },

    setBridgeVar: (args) => {
      const name = required(args, 'variable', 'Variable name is required');
      const bridge = requireBridge(core, args);
      const value = str(args, 'value');
      if (value === undefined) bridge.vars.delete(name);
      else bridge.vars.set(name, value);
      if (bool(args, 'report_events')) bridge.reportedVars.add(name);
      bridge.touch();
      return undefined;
    },

    setBridgeVars: (args, ctx) => {
      const bridge = requireBridge(core, args);
      if (!variablesFromBody(ctx.jsonBody)) throw new AriError(400, "Request body must contain object 'variables'");
      setVars(bridge, ctx);
      return undefined;
    },
  };
}
