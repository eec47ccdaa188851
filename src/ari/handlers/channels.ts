import { create, originate, dialCreated, labelPriority, parseFormats, type OriginateParams } from '../../core/calls.js';
import { HANGUP_REASONS, SoftHangup } from '../../core/causes.js';
import type { Core } from '../../core/core.js';
import { parseEndpoint } from '../../core/outbound.js';
import { splitAppArgs } from '../../util/app-args.js';
import { implement, sameAs, type ResourceHandlers } from '../contract/implement.js';
import type { ArgsOf } from '../contract/args.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.channels;

/** The documented originate timeout, applied when absent, 0 or negative other than -1 (resource_channels.c). */
const ORIGINATE_TIMEOUT_SEC = ops.originate.params.find((p) => p.name === 'timeout')!.default;
const NO_TIMEOUT = -1;

/** DELETE /channels/{id}: `reason` keyword or numeric `reason_code` → hangup cause (§6.7), after the lookup. */
function hangupCause(reason: string | undefined, code: string | undefined): number {
  if (reason && code) throw new AriError(400, "The reason and reason_code can't both be specified");
  if (code) {
    // Read as sscanf("%d") does: a leading number is enough (`17abc` is 17).
    const leading = /^\s*[+-]?\d+/.exec(code);
    if (!leading) throw new AriError(400, 'Invalid reason for hangup reason code provided', 'Invalid Reason Code');
    return Number.parseInt(leading[0], 10);
  }
  if (!reason) return HANGUP_REASONS.normal!;
  const cause = HANGUP_REASONS[reason];
  if (cause === undefined) throw new AriError(400, 'Invalid reason for hangup reason provided', 'Invalid Reason');
  return cause;
}

type ContinueArgs = ArgsOf<typeof ops.continueInDialplan>;

/** §6.7 continue: label > priority > (nothing: current priority + 1) > 1; context alone means exten `s`. */
function continueTarget(core: Core, args: ContinueArgs, loc: { context: string; exten: string; priority: number }) {
  const context = args.context || undefined;
  const exten = args.extension || undefined;
  const label = args.label || undefined;
  // Any priority but 0 is taken as given (a negative one too), as the handler does.
  const priorityArg = args.priority ? args.priority : undefined;
  const targetContext = context ?? loc.context;
  const targetExten = exten ?? (context ? 's' : loc.exten);
  let priority: number;
  if (label) priority = labelPriority(core, targetContext, targetExten, label);
  else if (priorityArg !== undefined) priority = priorityArg;
  else if (!context && !exten) priority = loc.priority + 1;
  else priority = 1;
  return { context: targetContext, exten: targetExten, priority };
}

const originateOp = implement(ops.originate, {
  // Every check is originate's own, in its order (the id lengths come before a missing endpoint).
  params: { timeout: { default: true } },
  handle: (args, { core }) => {
    const { timeout, formats } = args;
    const p: OriginateParams = {
      ...args,
      endpoint: args.endpoint ?? '',
      timeout: timeout > 0 || timeout === NO_TIMEOUT ? timeout : ORIGINATE_TIMEOUT_SEC,
      formats: parseFormats(formats),
    };
    const made = originate(core, p);
    return made instanceof Promise ? made.then((c) => c.snapshot()) : made.snapshot();
  },
});

/** Channel lifecycle: list, get, originate, create, dial, hangup, continue, move, redirect, RTP statistics. */
export const channelCallHandlers = {
  list: implement(ops.list, { handle: (_args, { core }) => Array.from(core.channels.list(), (c) => c.snapshot()) }),
  // By unique id only: the snapshot cache is keyed by uniqueid (resource_channels.c), names do not match.
  get: implement(ops.get, { handle: ({ channelId }, { core }) => core.channels.require(channelId).snapshot() }),
  originate: originateOp,
  originateWithId: sameAs(ops.originateWithId, originateOp),

  create: implement(ops.create, {
    // No `app` check: 22.10.1 makes the channel (200, its Down snapshot) and its Stasis() then fails at once for
    // want of an application name, which hangs it up (ari_channel_thread) — as it does for an unknown application.
    handle: (args, { core }) => {
      const made = create(core, {
        ...args,
        endpoint: args.endpoint ?? '',
        app: args.app ?? '',
        formats: parseFormats(args.formats),
      });
      return made instanceof Promise ? made.then((c) => c.snapshot()) : made.snapshot();
    },
  }),

  dial: implement(ops.dial, {
    handle: ({ channelId, timeout, caller }, { core }) => dialCreated(core, channelId, timeout ?? 0, caller),
  }),

  hangup: implement(ops.hangup, {
    target: 'channel',
    handle: ({ reason, reason_code }, { channel }) =>
      channel.softHangup(SoftHangup.EXPLICIT, hangupCause(reason, reason_code)),
  }),

  continueInDialplan: implement(ops.continueInDialplan, {
    target: 'answerableChannel',
    // The location is resolved now (a bad label is a 404 now); the continue itself waits its turn in the channel's
    // command queue, behind playbacks queued before it (app_control_continue).
    handle: (args, { core, channel, control }) => {
      const target = continueTarget(core, args, channel.location);
      void control.run(() => control.wake({ kind: 'continue', target }));
    },
  }),

  move: implement(ops.move, {
    target: 'stasisChannel',
    params: { app: { missing: 'Application must be specified' } },
    // Queued like every channel command: a move waits for the playbacks before it (stasis_app_control_move).
    handle: ({ app, appArgs }, { core, control }) =>
      void control.run(() => core.stasis.move(control, app, appArgs ? splitAppArgs(appArgs) : [])),
  }),

  redirect: implement(ops.redirect, {
    params: { endpoint: { missing: 'Endpoint parameter not provided' } },
    order: ['params', 'target'],
    target: 'answerableChannel',
    handle: ({ endpoint }, { channel, control }) => {
      const parsed = parseEndpoint(endpoint);
      if (!parsed) throw new AriError(422, 'Invalid endpoint specified');
      if (parsed.tech.toLowerCase() !== channel.tech.technology.toLowerCase()) {
        throw new AriError(422, 'Endpoint technology must match channel technology');
      }
      void control.run(() => channel.tech.transfer?.(channel, parsed.resource));
    },
  }),

  rtpstatistics: implement(ops.rtpstatistics, {
    target: 'channel',
    handle: (_args, { channel }) => {
      // Only technologies with RTP glue have statistics; Local has none (§6.8).
      if (channel.tech.rtpStatistics === undefined) throw new AriError(403, 'Unsupported channel type');
      const stats = channel.tech.rtpStatistics(channel);
      if (stats === undefined) throw new AriError(404, 'RTP info not found');
      return { ...stats, channel_uniqueid: channel.id } as never;
    },
  }),
} satisfies Partial<ResourceHandlers<'channels'>>;
