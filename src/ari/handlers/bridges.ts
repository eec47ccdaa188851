import type { Bridge } from '../../core/bridge/bridge.js';
import type { VariableAssignment } from '../../core/calls.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import { controlOf } from '../../core/stasis/stasis.js';
import { KNOWN_FORMAT_NAMES } from '../../core/media/format-names.js';
import { implement, sameAs, resourceHandlers, type HandlerEnv } from '../contract/implement.js';
import { ifExists, recordingReply, terminateOn } from './channel-record.js';
import { Reply } from '../contract/result.js';
import type { TargetEnvs } from '../contract/targets.js';
import type { Playback as PlaybackModel } from '../models/wire.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.bridges;

/**
 * addChannel/removeChannel validate every id first: empty ones are skipped, unknown → 400, not in Stasis → 422.
 * The channel is found by its uniqueid in any case (the snapshot cache, find_channel_control: a name is 400), its
 * Stasis control by the exact id only: the id in another case is 422 although the channel is in Stasis.
 */
function stasisChannels(core: Core, ids: readonly string[] | undefined): Channel[] {
  const channels = (ids ?? [])
    .filter((id) => id !== '')
    .map((id) => {
      const channel = core.channels.get(id);
      if (!channel) throw new AriError(400, 'Channel not found');
      if (channel.id !== id || !controlOf(channel)) throw new AriError(422, 'Channel not in Stasis application');
      return channel;
    });
  if (channels.length === 0) throw new AriError(400, 'Missing parameter channel');
  return channels;
}

function setVars(bridge: Bridge, variables: readonly VariableAssignment[] | undefined): void {
  for (const v of variables ?? []) bridge.setVariable(v.name.trim(), v.value, v.reportEvents);
}

function readVar(bridge: Bridge, name: string): string {
  const value = bridge.vars.get(name);
  if (value === undefined) throw new AriError(404, 'Provided variable was not found', 'Variable Not Found');
  return value;
}

interface BridgePlayArgs {
  readonly media?: readonly string[];
  readonly announcer_format?: string;
  readonly lang?: string;
  readonly offsetms?: number;
  readonly skipms?: number;
  readonly playbackId?: string;
}

/**
 * resource_bridges.c ari_bridges_handle_play: the bridge (404), an `announcer_format` the system knows when a new
 * announcer is made (422), then the queueing, which refuses an empty list or item with Allocation failed (500).
 * Unlike a channel play, negative skipms/offsetms are not refused here.
 */
function playOnBridge(args: BridgePlayArgs, { core, bridge }: HandlerEnv & TargetEnvs['bridge']): Reply<PlaybackModel> {
  const format = args.announcer_format;
  if (format !== undefined && format !== '' && !KNOWN_FORMAT_NAMES.has(format.toLowerCase())) {
    throw new AriError(422, 'specified announcer_format is unknown on this system');
  }
  const playback = core.playbacks.playOnBridge(bridge, {
    media: args.media ?? [],
    language: args.lang === undefined || args.lang === '' ? 'en' : args.lang,
    offsetMs: Math.max(0, args.offsetms ?? 0),
    skipMs: Math.max(0, args.skipms ?? 0),
    id: args.playbackId,
  });
  if (playback === undefined) throw AriError.allocationFailed();
  return new Reply(playback.toJSON(), { status: 201, headers: { Location: `/ari/playbacks/${playback.id}` } });
}

const createOp = implement(ops.create, {
  handle: ({ bridgeId, type, name, variables }, { core }) => {
    const bridge = core.bridges.create(bridgeId || undefined, type, name ?? '');
    setVars(bridge, variables);
    return bridge.snapshot();
  },
});

export const bridgeHandlers = resourceHandlers('bridges', {
  list: implement(ops.list, { handle: (_args, { core }) => Array.from(core.bridges.list(), (b) => b.snapshot()) }),
  create: createOp,
  createWithId: sameAs(ops.createWithId, createOp),
  get: implement(ops.get, { target: 'bridge', handle: (_args, { bridge }) => bridge.snapshot() }),
  destroy: implement(ops.destroy, {
    target: 'bridge',
    handle: (_args, { core, bridge }) => core.bridges.destroy(bridge),
  }),

  addChannel: implement(ops.addChannel, {
    target: 'bridge',
    handle: ({ channel: ids, mute, role, absorbDTMF }, { core, bridge }) => {
      const channels = stasisChannels(core, ids);
      // A channel recording on its own cannot join (check_add_remove_channel: STASIS_APP_CHANNEL_RECORDING).
      for (const channel of channels) {
        if (core.recordings.isChannelRecording(channel)) {
          throw new AriError(409, `Channel ${channel.id} currently recording`);
        }
      }
      // `role` replaces earlier roles; announcers are heard by every participant of a holding bridge; `mute`
      // keeps the channel's voice out of the bridge for this join (res_stasis bridge mute).
      for (const channel of channels) {
        bridge.audio.options.set(channel, {
          role: role === 'announcer' ? 'announcer' : 'participant',
          muted: mute === true,
          absorbDtmf: absorbDTMF === true,
        });
      }
      core.bridges.add(bridge, channels);
    },
  }),

  removeChannel: implement(ops.removeChannel, {
    target: 'bridge',
    handle: ({ channel: ids }, { core, bridge }) => {
      const channels = stasisChannels(core, ids);
      for (const channel of channels) {
        if (!bridge.members.includes(channel)) throw new AriError(422, 'Channel not in this bridge');
      }
      for (const channel of channels) core.bridges.leave(channel);
    },
  }),

  getBridgeVar: implement(ops.getBridgeVar, {
    params: { variable: { missing: 'Variable name is required' } },
    order: ['params', 'target'],
    target: 'bridge',
    handle: ({ variable }, { bridge }) => ({ value: readVar(bridge, variable) }),
  }),

  /** resource_bridges.c get_bridge_vars: count, then the bridge, then each (stripped) name. */
  getBridgeVars: implement(ops.getBridgeVars, {
    params: { variables: { missing: 'At least one variable name is required' } },
    order: ['params', 'target'],
    target: 'providedBridge',
    handle: ({ variables: names }, { bridge }) => {
      const variables: Record<string, string> = {};
      for (const raw of names) {
        const name = raw.trim();
        if (name === '') throw new AriError(400, 'Variable names are required');
        variables[name] = readVar(bridge, name);
      }
      return { variables };
    },
  }),

  setBridgeVar: implement(ops.setBridgeVar, {
    params: { variable: { missing: 'Variable name is required' } },
    order: ['params', 'target'],
    target: 'bridge',
    handle: ({ variable, value, report_events }, { bridge }) => bridge.setVariable(variable, value, report_events),
  }),

  /** resource_bridges.c set_bridge_vars: a body, the bridge, then the variables (names stripped). */
  setBridgeVars: implement(ops.setBridgeVars, {
    params: { variables: { missing: "The 'variables' field is required" } },
    order: ['params', 'target', 'body'],
    target: 'providedBridge',
    handle: ({ variables }, { bridge }) => {
      if (!variables) throw new AriError(400, "The 'variables' field must be a JSON object");
      setVars(bridge, variables);
    },
  }),

  /** find_bridge, then find_channel_control (400 unknown, 422 not in Stasis), then 422 unless in this bridge. */
  setVideoSource: implement(ops.setVideoSource, {
    target: 'bridge',
    handle: ({ channelId }, { core, bridge }) => {
      const [channel] = stasisChannels(core, [channelId]);
      if (channel!.bridge !== bridge) throw new AriError(422, 'Channel not in this bridge');
      const control = controlOf(channel!)!;
      void control.run(() => core.bridges.setVideoSource(bridge, channel!));
    },
  }),
  clearVideoSource: implement(ops.clearVideoSource, {
    target: 'bridge',
    handle: (_args, { core, bridge }) => core.bridges.clearVideoSource(bridge),
  }),
  startMoh: implement(ops.startMoh, {
    target: 'bridge',
    handle: ({ mohClass }, { bridge }) => bridge.media.startMoh(mohClass),
  }),
  stopMoh: implement(ops.stopMoh, {
    target: 'bridge',
    handle: (_args, { bridge }) => {
      if (!bridge.media.stopMoh()) throw new AriError(409, "Bridge isn't playing music");
    },
  }),
  play: implement(ops.play, { target: 'bridge', handle: (args, env) => playOnBridge(args, env) }),
  playWithId: implement(ops.playWithId, { target: 'bridge', handle: (args, env) => playOnBridge(args, env) }),
  /**
   * ast_ari_bridges_record: the bridge (404), the file format (422), `recorder_format` (422), `terminateOn` and
   * `ifExists` (400), then the name and the file (400/409/500); 201 + Location, `target_uri` `bridge:<id>`.
   */
  record: implement(ops.record, {
    target: 'bridge',
    handle: async (args, { core, bridge }) => {
      const format = args.format ?? '';
      if (!core.recordings.isWritableFormat(format)) {
        throw new AriError(422, 'specified format is unknown on this system');
      }
      const recorderFormat = args.recorder_format;
      if (
        recorderFormat !== undefined &&
        recorderFormat !== '' &&
        !KNOWN_FORMAT_NAMES.has(recorderFormat.toLowerCase())
      ) {
        throw new AriError(422, 'specified recorder_format is unknown on this system');
      }
      const terminate = terminateOn(args.terminateOn);
      if (terminate === undefined) throw new AriError(400, 'terminateOn invalid');
      const exists = ifExists(args.ifExists);
      if (exists === undefined) throw new AriError(400, 'ifExists invalid');
      const started = await core.recordings.recordBridge(bridge, {
        name: args.name,
        format,
        maxDurationSeconds: Math.max(0, args.maxDurationSeconds ?? 0),
        maxSilenceSeconds: Math.max(0, args.maxSilenceSeconds ?? 0),
        ifExists: exists,
        beep: args.beep ?? false,
        terminateOn: terminate,
      });
      return recordingReply(started, args.name);
    },
  }),
});
