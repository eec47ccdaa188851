/**
 * ARI-handled transfers (Asterisk 22's `PJSIP_TRANSFER_HANDLING()=ari-only`): a transfer request received on a
 * channel is published as `ChannelTransfer` and nothing else happens until the application reports how it
 * handled it with `POST /channels/{id}/transfer_progress?states=…` (resource_channels.c, res_pjsip_refer.c
 * refer_ari_progress_framehook, main/stasis_channels.c ari_transfer_to_json).
 *
 * Facts relied on (recorded from Asterisk 22.10.1):
 * - the first ChannelTransfer has no `state`; each report the transferor is told of publishes it again with
 *   the state (`channel_unavailable` shows as `channel_declined`, as state2str maps it);
 * - `referred_by.connected_channel` / `bridge` are the source's bridge peer and bridge; `refer_to` has the
 *   Replaces call's channel, its peer and bridge when that call is ours;
 * - a report on a channel with no pending transfer, or after a final one, is accepted and does nothing.
 */
import { bridgeOf } from '../bridge/bridges.js';
import type { Channel } from '../channel/channel.js';
import type { ReferTo, ReferredBy } from '../../ari/models/wire.js';
import type { Core } from '../core.js';
import { jsonMembers, RawJson } from '../events/raw-json.js';
import { joinOf } from './dial-join.js';

/** The `states` values of transfer_progress, in the words of the ARI parameter. */
export const TRANSFER_STATES = ['channel_progress', 'channel_answered', 'channel_unavailable', 'channel_declined'] as const; // prettier-ignore
export type TransferState = (typeof TRANSFER_STATES)[number];

/** What the transferor asked for (a REFER's Refer-To): its user part, and the Replaces of an attended transfer. */
export interface RequestedDestination {
  readonly destination: string;
  /** The Replaces Call-ID. */
  readonly protocolId?: string;
  /** The Replaces tags, as `from` then `to`. */
  readonly params?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** The channel of the call the Replaces names, when it is one of ours. */
  readonly destinationChannel?: Channel;
}

/** Told of each state the application reports; a final one ends the transfer. */
export type TransferStateListener = (state: TransferState) => void;

const FINAL: ReadonlySet<TransferState> = new Set(['channel_answered', 'channel_unavailable', 'channel_declined']);

/** state2str: AST_TRANSFER_UNAVAILABLE is reported as `channel_declined` on the event. */
const EVENT_STATE: Readonly<Record<TransferState, string>> = {
  channel_progress: 'channel_progress',
  channel_answered: 'channel_answered',
  channel_unavailable: 'channel_declined',
  channel_declined: 'channel_declined',
};

interface Pending {
  readonly core: Core;
  readonly source: Channel;
  readonly request: RequestedDestination;
  readonly listener: TransferStateListener;
  last: TransferState | undefined;
}

const pendingByChannel = new WeakMap<Channel, Pending>();

/** The other member of a two-party bridge (ast_channel_bridge_peer); for a call joined by Dial(), its peer. */
function bridgePeer(channel: Channel): Channel | undefined {
  const join = joinOf(channel);
  if (bridgeOf(channel) === undefined && join !== undefined && !join.isOver) return join.peerOf(channel);
  const members = bridgeOf(channel)?.members;
  if (members === undefined || members.length !== 2) return undefined;
  return members[0] === channel ? members[1] : members[0];
}

function jsonObject<T>(members: Readonly<Record<string, unknown>>): RawJson<T> {
  return new RawJson<T>(`{${jsonMembers(members)}}`);
}

function publishChannelTransfer(p: Pending): void {
  const { source, request } = p;
  const requested = {
    destination: request.destination,
    ...(request.protocolId !== undefined && { protocol_id: request.protocolId }),
    ...(request.params !== undefined &&
      request.params.length > 0 && {
        additional_protocol_params: request.params.map((x) => ({ parameter_name: x.name, parameter_value: x.value })),
      }),
  };
  const dest = request.destinationChannel;
  const destPeer = dest === undefined ? undefined : bridgePeer(dest);
  const destBridge = dest === undefined ? undefined : bridgeOf(dest);
  const sourcePeer = bridgePeer(source);
  const sourceBridge = bridgeOf(source);
  // The nested objects hold cached snapshots: serialized here, member by member, as the bus does at the top.
  const referTo = jsonObject<ReferTo>({
    requested_destination: requested,
    destination_channel: dest?.snapshot(),
    connected_channel: destPeer?.snapshot(),
    bridge: destBridge?.snapshot(),
  });
  const referredBy = jsonObject<ReferredBy>({
    source_channel: source.snapshot(),
    connected_channel: sourcePeer?.snapshot(),
    bridge: sourceBridge?.snapshot(),
  });
  p.core.bus.publish(
    'ChannelTransfer',
    { ...(p.last !== undefined && { state: EVENT_STATE[p.last] }), refer_to: referTo, referred_by: referredBy },
    { channels: [source] },
  );
}

/**
 * A transfer requested on `source` is handed to its application: ChannelTransfer now, then `listener` for each
 * state the application reports on the channel, until a final one.
 */
export function handOverTransfer(
  core: Core,
  source: Channel,
  request: RequestedDestination,
  listener: TransferStateListener,
): void {
  const pending: Pending = { core, source, request, listener, last: undefined };
  pendingByChannel.set(source, pending);
  publishChannelTransfer(pending);
}

/** Whether a transfer handed over on this channel still waits for a final report. */
export function hasPendingTransfer(channel: Channel): boolean {
  return pendingByChannel.has(channel);
}

/** Forget the pending transfer (the channel is going); the caller reports the failure its own way. */
export function dropPendingTransfer(channel: Channel): void {
  pendingByChannel.delete(channel);
}

/**
 * transfer_progress: the state reaches the transfer pending on the channel (the transferor is told first, then
 * ChannelTransfer goes out with the state). Without one it does nothing, as Asterisk's control frame does.
 */
export function reportTransferProgress(channel: Channel, state: TransferState): void {
  const pending = pendingByChannel.get(channel);
  if (pending === undefined) return;
  if (FINAL.has(state)) pendingByChannel.delete(channel);
  pending.last = state;
  pending.listener(state);
  publishChannelTransfer(pending);
}
