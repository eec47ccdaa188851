import type { Playback } from '../models/wire.js';
import { implement, type HandlerEnv, type ResourceHandlers } from '../contract/implement.js';
import { Reply } from '../contract/result.js';
import type { TargetEnvs } from '../contract/targets.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.channels;

interface PlayArgs {
  readonly media?: readonly string[];
  readonly lang?: string;
  readonly offsetms?: number;
  readonly skipms?: number;
  readonly playbackId?: string;
}

/**
 * resource_channels.c ari_channels_handle_play, in its order: the channel (404, 409, then 412 unless Up or
 * ringing inbound), `skipms` then `offsetms` negative (400), then the queueing itself, which refuses an absent or
 * empty media list and any empty item (500). `lang` defaults to the channel's language. The 201 carries the
 * playback as queued and `Location: /ari/playbacks/<id>` (ast_ari_response_created puts the `/ari` root in front).
 */
function play(
  args: PlayArgs,
  { core, channel, control }: HandlerEnv & TargetEnvs['answerableChannel'],
): Reply<Playback> {
  if ((args.skipms ?? 0) < 0) throw new AriError(400, 'skipms cannot be negative');
  if ((args.offsetms ?? 0) < 0) throw new AriError(400, 'offsetms cannot be negative');
  const playback = core.playbacks.playOnChannel(channel, control, {
    media: args.media ?? [],
    language: args.lang === undefined || args.lang === '' ? channel.language : args.lang,
    offsetMs: args.offsetms ?? 0,
    skipMs: args.skipms ?? 0,
    id: args.playbackId,
  });
  if (playback === undefined) throw new AriError(500, 'Failed to queue media for playback');
  return new Reply(playback.toJSON(), { status: 201, headers: { Location: `/ari/playbacks/${playback.id}` } });
}

/** Channel playback: play and playWithId (res_stasis_playback). */
export const channelPlaybackHandlers = {
  play: implement(ops.play, { target: 'answerableChannel', handle: (args, env) => play(args, env) }),
  playWithId: implement(ops.playWithId, { target: 'answerableChannel', handle: (args, env) => play(args, env) }),
} satisfies Partial<ResourceHandlers<'channels'>>;
