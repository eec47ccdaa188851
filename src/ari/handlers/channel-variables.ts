import type { Core } from '../../core/core.js';
import { channelNotFound } from '../../core/errors.js';
import { toAriError } from '../errors.js';
import { AriError, type Handler } from '../handler.js';
import { bool, list, required, str, variablesFromBody } from './args.js';

const NOT_FOUND = (): AriError => new AriError(404, 'Provided variable was not found', 'Variable Not Found');

export function channelVariableHandlers(core: Core): Record<string, Handler> {
  /** Read one variable or function of any channel (Stasis not required, §6.9). */
  const read = (channelId: string, name: string): string => {
    const channel = core.channels.getByIdOrName(channelId);
    if (!channel) throw channelNotFound();
    let value: string | undefined;
    try {
      value = core.variables.read(channel, name);
    } catch (err) {
      toAriError(err);
    }
    if (value === undefined) throw NOT_FOUND();
    return value;
  };

  return {
    getChannelVar: (args) => {
      const name = required(args, 'variable', 'Variable name is required');
      return { body: { value: read(str(args, 'channelId') ?? '', name) } };
    },

    getChannelVars: (args) => {
      const names = (list(args, 'variables') ?? []).map((n) => n.trim()).filter((n) => n !== '');
      if (names.length === 0) throw new AriError(400, 'Variable names are required');
      const channelId = str(args, 'channelId') ?? '';
      const variables: Record<string, string> = {};
      for (const name of names) variables[name] = read(channelId, name);
      return { body: { variables } };
    },

    /** Synchronous: waits for the commands queued before it on the channel (§6.4). */
    setChannelVar: async (args) => {
      const name = required(args, 'variable', 'Variable name is required');
      const { channel, control } = core.requireInStasis(str(args, 'channelId') ?? '');
      const value = str(args, 'value');
      const report = bool(args, 'report_events');
      await control.run(() => {
        try {
          core.variables.write(channel, name, value, report);
        } catch (err) {
          toAriError(err);
        }
      });
      return undefined;
    },

    setChannelVars: async (args, ctx) => {
      const { channel, control } = core.requireInStasis(str(args, 'channelId') ?? '');
      const vars = variablesFromBody(ctx.jsonBody);
      if (!vars) throw new AriError(400, "Request body must contain object 'variables'");
      await control.run(() => {
        for (const v of vars) core.variables.write(channel, v.name, v.value, v.reportEvents);
      });
      return undefined;
    },
  };
}
