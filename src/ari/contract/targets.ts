/**
 * The object an operation's path names, looked up before (or after) its parameters are checked, in the order
 * and words of Asterisk's handler: `mute` finds the channel (404/409/412) before it looks at `direction`, while
 * `getChannelVar` checks `variable` first (resource_channels.c). The handler receives what was found.
 */
import type { Bridge } from '../../core/bridge/bridge.js';
import type { Channel } from '../../core/channel/channel.js';
import type { Core } from '../../core/core.js';
import type { EndpointSnapshot } from '../../core/endpoints.js';
import { channelNotFound } from '../../core/errors.js';
import type { StasisApp } from '../../core/stasis/stasis-app.js';
import type { StasisControl } from '../../core/stasis/stasis-control.js';
import { AriError, type BoundArgs } from '../handler.js';

interface InStasis {
  readonly channel: Channel;
  readonly control: StasisControl;
}

/** What a handler receives for each kind of target. */
export interface TargetEnvs {
  /** Any channel, by id or name (hangup, rtp_statistics, variables: Stasis not required). */
  channel: { readonly channel: Channel };
  /** The multi-variable operations' wording: 404 "Provided channel was not found" (Channel Not Found). */
  providedChannel: { readonly channel: Channel };
  /** 404 unknown, 409 not in a Stasis application (find_control). */
  stasisChannel: InStasis;
  /** setChannelVars: "Provided channel was not found" first, then find_control's 404/409. */
  providedStasisChannel: InStasis;
  /** As stasisChannel, plus 412 while Down/Rsrvd/Ringing (channel_state_invalid). */
  answerableChannel: InStasis;
  bridge: { readonly bridge: Bridge };
  /** The multi-variable operations' wording: 404 "Provided bridge was not found" (Bridge Not Found). */
  providedBridge: { readonly bridge: Bridge };
  application: { readonly app: StasisApp };
  /** `{tech}/{resource}`: 404 "Endpoint not found". */
  endpoint: { readonly endpoint: EndpointSnapshot };
}

export type TargetKind = keyof TargetEnvs;

export type TargetEnv<T> = T extends TargetKind ? TargetEnvs[T] : unknown;

const providedChannelNotFound = (): AriError =>
  new AriError(404, 'Provided channel was not found', 'Channel Not Found');

function bridge(core: Core, id: string, notFound: () => AriError): { bridge: Bridge } {
  const found = core.bridges.get(id);
  if (!found) throw notFound();
  return { bridge: found };
}

type Resolver<K extends TargetKind> = (core: Core, args: BoundArgs) => TargetEnvs[K];

/** A path parameter (always bound: the route matched it). */
const path = (args: BoundArgs, name: string): string => {
  const value = args[name];
  return typeof value === 'string' ? value : '';
};

/** How each kind of target is found, and what a miss answers. */
export const TARGETS: { readonly [K in TargetKind]: Resolver<K> } = {
  channel: (core, args) => {
    const channel = core.channels.getByIdOrName(path(args, 'channelId'));
    if (!channel) throw channelNotFound();
    return { channel };
  },
  providedChannel: (core, args) => {
    const channel = core.channels.getByIdOrName(path(args, 'channelId'));
    if (!channel) throw providedChannelNotFound();
    return { channel };
  },
  stasisChannel: (core, args) => core.requireInStasis(path(args, 'channelId')),
  providedStasisChannel: (core, args) => {
    const id = path(args, 'channelId');
    if (!core.channels.getByIdOrName(id)) throw providedChannelNotFound();
    return core.requireInStasis(id);
  },
  answerableChannel: (core, args) => core.requireAnswerable(path(args, 'channelId')),
  bridge: (core, args) => bridge(core, path(args, 'bridgeId'), () => new AriError(404, 'Bridge not found')),
  providedBridge: (core, args) =>
    bridge(core, path(args, 'bridgeId'), () => new AriError(404, 'Provided bridge was not found', 'Bridge Not Found')),
  application: (core, args) => {
    const app = core.apps.get(path(args, 'applicationName'));
    if (!app) throw new AriError(404, 'Application not found');
    return { app };
  },
  endpoint: (core, args) => {
    const endpoint = core.endpoints.get(path(args, 'tech'), path(args, 'resource'));
    if (!endpoint) throw new AriError(404, 'Endpoint not found');
    return { endpoint };
  },
};
