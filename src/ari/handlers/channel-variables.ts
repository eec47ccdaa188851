import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import { CoreError } from '../../core/errors.js';
import { toAriError } from '../errors.js';
import { implement, type ResourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.channels;

const notFound = (): AriError => new AriError(404, 'Provided variable was not found', 'Variable Not Found');

/** One variable or function of any channel (Stasis not required, §6.9). */
function read(core: Core, channel: Channel, name: string): string {
  let value: string | undefined;
  try {
    value = core.variables.read(channel, name);
  } catch (err) {
    toAriError(err);
  }
  if (value === undefined) throw notFound();
  return value;
}

/**
 * Set a variable or write a function as pbx_builtin_setvar_helper does for the Stasis command: a function that
 * is unknown, read-only or refuses the value only logs, and the request still answers 204 (app_control_set_channel_var
 * returns 0 whatever the write did).
 */
function writeIgnoringFailure(
  core: Core,
  channel: Channel,
  name: string,
  value: string | undefined,
  reportEvents: boolean | undefined,
): void {
  try {
    core.variables.write(channel, name, value, reportEvents);
  } catch (err) {
    if (!(err instanceof CoreError)) throw err;
  }
}

/** Channel variables and dialplan functions, one or several at a time. */
export const channelVariableHandlers = {
  getChannelVar: implement(ops.getChannelVar, {
    params: { variable: { missing: 'Variable name is required' } },
    order: ['params', 'target'],
    // ast_ari_channels_get_channel_var words its 404 "Provided channel was not found" (Channel Not Found).
    target: 'providedChannel',
    handle: ({ variable }, { core, channel }) => ({ value: read(core, channel, variable) }),
  }),

  /** resource_channels.c get_channel_vars: count, then the channel, then each (stripped) name. */
  getChannelVars: implement(ops.getChannelVars, {
    params: { variables: { missing: 'At least one variable name is required' } },
    order: ['params', 'target'],
    target: 'providedChannel',
    handle: ({ variables: names }, { core, channel }) => {
      const variables: Record<string, string> = {};
      for (const raw of names) {
        const name = raw.trim();
        if (name === '') throw new AriError(400, 'Variable names are required');
        variables[name] = read(core, channel, name);
      }
      return { variables };
    },
  }),

  /** Synchronous: waits for the commands queued before it on the channel (§6.4). */
  setChannelVar: implement(ops.setChannelVar, {
    params: { variable: { missing: 'Variable name is required' } },
    order: ['params', 'target'],
    target: 'stasisChannel',
    handle: async ({ variable, value, report_events }, { core, channel, control }) => {
      await control.run(() => writeIgnoringFailure(core, channel, variable, value, report_events));
    },
  }),

  /** resource_channels.c set_channel_vars: a body, the channel, its control, then the variables (names stripped). */
  setChannelVars: implement(ops.setChannelVars, {
    params: { variables: { missing: "The 'variables' field is required" } },
    order: ['params', 'target', 'body'],
    target: 'providedStasisChannel',
    handle: async ({ variables }, { core, channel, control }) => {
      if (!variables) throw new AriError(400, "The 'variables' field must be a JSON object");
      await control.run(() => {
        for (const v of variables) writeIgnoringFailure(core, channel, v.name.trim(), v.value, v.reportEvents);
      });
    },
  }),
} satisfies Partial<ResourceHandlers<'channels'>>;
