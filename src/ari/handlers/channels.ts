import { create, originate, dialCreated, type OriginateParams } from '../../core/calls.js';
import { HANGUP_REASONS } from '../../core/causes.js';
import type { Core } from '../../core/core.js';
import { channelNotFound } from '../../core/errors.js';
import { parseEndpoint } from '../../core/outbound.js';
import { AriError, type BoundArgs, type Handler, type RequestContext } from '../handler.js';
import { int, list, required, str, variablesFromBody } from './args.js';

function originateParams(args: BoundArgs, ctx: RequestContext, channelId: string | undefined): OriginateParams {
  const endpoint = required(args, 'endpoint', 'Endpoint must be specified');
  const variables = variablesFromBody(ctx.jsonBody);
  const p: Record<string, unknown> = {
    endpoint,
    app: str(args, 'app'),
    appArgs: str(args, 'appArgs'),
    extension: str(args, 'extension'),
    context: str(args, 'context'),
    priority: typeof args.priority === 'number' ? args.priority : undefined,
    label: str(args, 'label'),
    callerId: str(args, 'callerId'),
    timeout: int(args, 'timeout', 30),
    channelId,
    otherChannelId: str(args, 'otherChannelId'),
    originator: str(args, 'originator'),
    formats: str(args, 'formats') ? list(args, 'formats') : undefined,
    variables,
  };
  return p as unknown as OriginateParams;
}

/** DELETE /channels/{id}: `reason` keyword or numeric `reason_code` → hangup cause (§6.7). */
function hangupCause(args: BoundArgs): number {
  const reason = str(args, 'reason');
  const code = str(args, 'reason_code');
  if (reason !== undefined && code !== undefined) {
    throw new AriError(400, "The reason and reason_code can't both be specified");
  }
  if (code !== undefined) {
    if (!/^\s*-?\d+\s*$/.test(code)) throw new AriError(400, 'Invalid reason_code provided', 'Invalid Reason Code');
    return Number.parseInt(code, 10);
  }
  if (reason === undefined || reason === '') return 16;
  const cause = HANGUP_REASONS[reason];
  if (cause === undefined) throw new AriError(400, 'Invalid reason for hangup reason provided', 'Invalid Reason');
  return cause;
}

/** §6.7 continue: label > priority > (nothing: current priority + 1) > 1; context alone means exten `s`. */
function continueTarget(core: Core, args: BoundArgs, loc: { context: string; exten: string; priority: number }) {
  const context = str(args, 'context') || undefined;
  const exten = str(args, 'extension') || undefined;
  const label = str(args, 'label') || undefined;
  const priorityArg = typeof args.priority === 'number' && args.priority > 0 ? args.priority : undefined;
  const targetContext = context ?? loc.context;
  const targetExten = exten ?? (context ? 's' : loc.exten);
  let priority: number;
  if (label) {
    const found = core.dialplan.findLabel(targetContext, targetExten, label);
    if (found === undefined) throw new AriError(404, 'Requested label not found');
    if (found <= 0) throw new AriError(400, 'Requested priority is illegal');
    priority = found;
  } else if (priorityArg !== undefined) priority = priorityArg;
  else if (!context && !exten) priority = loc.priority + 1;
  else priority = 1;
  return { context: targetContext, exten: targetExten, priority };
}

export function channelHandlers(core: Core): Record<string, Handler> {
  return {
    list: () => ({ json: '[' + Array.from(core.channels.list(), (c) => c.snapshot().json).join(',') + ']' }),

    get: (args) => ({ json: core.channels.require(required(args, 'channelId', 'Channel not found')).snapshot().json }),

    originate: (args, ctx) => ({
      json: originate(core, originateParams(args, ctx, str(args, 'channelId'))).snapshot().json,
    }),

    originateWithId: (args, ctx) => ({
      json: originate(core, originateParams(args, ctx, str(args, 'channelId'))).snapshot().json,
    }),

    create: (args, ctx) => {
      const endpoint = required(args, 'endpoint', 'Endpoint must be specified');
      const app = required(args, 'app', 'Application must be specified');
      const variables = variablesFromBody(ctx.jsonBody);
      const channel = create(core, {
        endpoint,
        app,
        ...(str(args, 'appArgs') !== undefined ? { appArgs: str(args, 'appArgs')! } : {}),
        ...(str(args, 'channelId') ? { channelId: str(args, 'channelId')! } : {}),
        ...(str(args, 'otherChannelId') ? { otherChannelId: str(args, 'otherChannelId')! } : {}),
        ...(str(args, 'originator') ? { originator: str(args, 'originator')! } : {}),
        ...(str(args, 'formats') ? { formats: list(args, 'formats')! } : {}),
        ...(variables ? { variables } : {}),
      });
      return { json: channel.snapshot().json };
    },

    hangup: (args) => {
      // The channel is looked up before the reason is checked (trace s3: 404 for a gone channel).
      const channel = core.channels.getByIdOrName(str(args, 'channelId') ?? '');
      if (!channel) throw channelNotFound();
      const cause = hangupCause(args);
      channel.softHangup(32, cause);
      return undefined;
    },

    continueInDialplan: (args) => {
      const { channel, control } = core.requireAnswerable(str(args, 'channelId') ?? '');
      control.wake({ kind: 'continue', target: continueTarget(core, args, channel.location) });
      return undefined;
    },

    move: (args) => {
      const { control } = core.requireInStasis(str(args, 'channelId') ?? '');
      const app = required(args, 'app', 'Application must be specified');
      const appArgs = str(args, 'appArgs');
      core.stasis.move(control, app, appArgs ? appArgs.split(',') : []);
      return undefined;
    },

    redirect: (args) => {
      const endpoint = required(args, 'endpoint', 'Endpoint parameter not provided');
      const { channel, control } = core.requireAnswerable(str(args, 'channelId') ?? '');
      const parsed = parseEndpoint(endpoint);
      if (!parsed) throw new AriError(422, 'Invalid endpoint specified');
      if (parsed.tech.toLowerCase() !== channel.tech.technology.toLowerCase()) {
        throw new AriError(422, 'Endpoint technology must match channel technology');
      }
      void control.run(() => channel.tech.transfer?.(channel, parsed.resource));
      return undefined;
    },

    dial: (args) => {
      dialCreated(core, str(args, 'channelId') ?? '', int(args, 'timeout', 0), str(args, 'caller'));
      return undefined;
    },

    rtpstatistics: (args) => {
      const channel = core.channels.getByIdOrName(str(args, 'channelId') ?? '');
      if (!channel) throw channelNotFound();
      // Only technologies with RTP glue have statistics; Local has none (§6.8).
      if (channel.tech.rtpStatistics === undefined) throw new AriError(403, 'Unsupported channel type');
      const stats = channel.tech.rtpStatistics(channel);
      if (stats === undefined) throw new AriError(404, 'Error retrieving RTP statistics');
      return { body: { ...stats, channel_uniqueid: channel.id } };
    },
  };
}
