/**
 * Snoop channels (resource_channels.c `ari_channels_handle_snoop_channel`, res_stasis_snoop.c). Asterisk checks,
 * in this order: `spy`, then `whisper`, against none/both/out/in (case-sensitive; empty is none); that one of
 * them is not none; that `app` is given; and only then looks the target up, by unique id or name (404
 * "Provided channel was not found"). The target need not be in Stasis. A snoop that cannot be made (its id is
 * taken) is 500. Success is 200 with the snoop channel as it is before it enters Stasis.
 */
import type { MediaDirection } from '../../core/media/media-protocol.js';
import { SNOOP_TECHNOLOGY, isSnoopDriver } from '../../core/media/snoop-protocol.js';
import { implement, type HandlerEnv, type ResourceHandlers } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.channels;

const RULES = {
  spy: { invalid: 'Invalid direction specified for spy' },
  whisper: { invalid: 'Invalid direction specified for whisper' },
} as const;

interface SnoopArgs {
  readonly channelId: string;
  readonly spy?: MediaDirection | undefined;
  readonly whisper?: MediaDirection | undefined;
  readonly app?: string | undefined;
  readonly appArgs?: string | undefined;
  readonly snoopId?: string | undefined;
}

function snoop(args: SnoopArgs, { core }: HandlerEnv) {
  const spy = args.spy ?? 'none';
  const whisper = args.whisper ?? 'none';
  if (spy === 'none' && whisper === 'none') {
    throw new AriError(400, 'Direction must be specified for at least spy or whisper');
  }
  if (!args.app) throw new AriError(400, 'Application name is required');
  const target = core.channels.getByIdOrName(args.channelId);
  if (!target) throw new AriError(404, 'Provided channel was not found', 'Channel Not Found');
  const driver = core.driver(SNOOP_TECHNOLOGY);
  const made = isSnoopDriver(driver)
    ? driver.snoop(target, { spy, whisper, app: args.app, appArgs: args.appArgs, snoopId: args.snoopId })
    : undefined;
  if (!made) throw new AriError(500, 'Snoop channel could not be created', 'Internal error');
  return made.snapshot();
}

/** Snoop channels (res_stasis_snoop). */
export const channelSnoopHandlers = {
  snoopChannel: implement(ops.snoopChannel, { params: RULES, handle: snoop }),
  snoopChannelWithId: implement(ops.snoopChannelWithId, { params: RULES, handle: snoop }),
} satisfies Partial<ResourceHandlers<'channels'>>;
