/**
 * BridgeBlindTransfer and BridgeAttendedTransfer (main/stasis_bridges.c blind/attended transfer messages as ARI
 * JSON): published to the applications of the bridges and channels involved.
 */
import type { Bridge } from '../bridge/bridge.js';
import type { Channel } from '../channel/channel.js';
import type { Core } from '../core.js';
type BridgeSnapshot = ReturnType<Bridge['snapshot']>;

/** enum ast_transfer_result as the events spell it. */
export type TransferResult = 'Success' | 'Fail' | 'Invalid' | 'Not Permitted';

export interface BlindTransferFacts {
  readonly transferer: Channel;
  readonly transferee: Channel | undefined;
  /** The channel that took the transferer's place in the bridge. */
  readonly replacement: Channel | undefined;
  readonly exten: string;
  readonly context: string;
  readonly result: TransferResult;
  /** Requested from outside (a SIP REFER) rather than by a feature code. */
  readonly isExternal: boolean;
  /** The bridge as it was when the transfer was requested. */
  readonly bridge: BridgeSnapshot | undefined;
  readonly bridgeId: string | undefined;
}

export function publishBlindTransfer(core: Core, f: BlindTransferFacts): void {
  const route = [f.transferer, ...(f.transferee === undefined ? [] : [f.transferee])];
  core.bus.publish(
    'BridgeBlindTransfer',
    {
      channel: f.transferer.snapshot(),
      ...(f.replacement !== undefined && { replace_channel: f.replacement.snapshot() }),
      ...(f.transferee !== undefined && { transferee: f.transferee.snapshot() }),
      exten: f.exten,
      context: f.context,
      result: f.result,
      is_external: f.isExternal,
      ...(f.bridge !== undefined && { bridge: f.bridge }),
    },
    { channels: route, ...(f.bridgeId !== undefined && { bridgeIds: [f.bridgeId] }) },
  );
}

export interface AttendedTransferFacts {
  readonly firstLeg: Channel;
  readonly secondLeg: Channel;
  readonly transferee: Channel | undefined;
  readonly target: Channel | undefined;
  readonly firstBridge: Bridge;
  readonly secondBridge: Bridge;
  /** Snapshots taken before the legs were swapped out. */
  readonly firstBridgeBefore: BridgeSnapshot;
  readonly secondBridgeBefore: BridgeSnapshot;
  readonly result: TransferResult;
  readonly isExternal: boolean;
  /** destination_type `link`: the Local pair that joins the two bridges. */
  readonly link: readonly [Channel, Channel];
}

export function publishAttendedTransfer(core: Core, f: AttendedTransferFacts): void {
  const channels = [f.firstLeg, f.secondLeg, ...[f.transferee, f.target].filter((c) => c !== undefined)];
  core.bus.publish(
    'BridgeAttendedTransfer',
    {
      transferer_first_leg: f.firstLeg.snapshot(),
      transferer_second_leg: f.secondLeg.snapshot(),
      ...(f.transferee !== undefined && { transferee: f.transferee.snapshot() }),
      ...(f.target !== undefined && { transfer_target: f.target.snapshot() }),
      result: f.result,
      is_external: f.isExternal,
      transferer_first_leg_bridge: f.firstBridgeBefore,
      transferer_second_leg_bridge: f.secondBridgeBefore,
      destination_type: 'link',
      destination_link_first_leg: f.link[0].snapshot(),
      destination_link_second_leg: f.link[1].snapshot(),
    },
    { channels, bridgeIds: [f.firstBridge.id, f.secondBridge.id] },
  );
}
