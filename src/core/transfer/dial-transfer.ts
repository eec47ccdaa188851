/**
 * Transfers of calls joined by the dialplan's Dial() (dial-join.ts), as Asterisk 22.10.1 does them for the
 * two-party basic bridge app_dial makes (main/bridge.c: ast_bridge_transfer_blind without
 * AST_BRIDGE_FLAG_TRANSFER_BRIDGE_ONLY, two_bridge_attended_transfer). Recorded with SIP phones, A calling B
 * through Dial() and B transferring:
 * - blind: ChannelUnhold on B (held or not), BLINDTRANSFER is set on A (B's name) and on B (A's name), BridgeBlindTransfer names B as `channel`,
 *   A as `transferee`, no `replace_channel`, `is_external` true; B is hung up and A runs the extension;
 * - attended (B holds A, calls C through Dial(), REFERs with Replaces): ChannelUnhold on both of B's legs,
 *   ATTENDEDTRANSFER on B (A's name) and A
 *   (B's name), BridgeAttendedTransfer with both transferer legs, A as `transferee`, C as `transfer_target`,
 *   `is_external` false and destination_type `bridge`; A and C are joined (A's ATTENDEDTRANSFER cleared, as
 *   entering a bridge does), B's two legs are hung up, and A and C each get the connected line B's other leg
 *   had.
 * Asterisk's events also carry the basic bridges (and GET /bridges lists them); Dial() here joins the channels
 * without a bridge object, so the bridge fields are left out.
 */
import { SoftHangup } from '../causes.js';
import type { Channel } from '../channel/channel.js';
import type { Core } from '../core.js';
import { DialJoin, joinOf } from './dial-join.js';
import { publishBlindTransfer, type TransferResult } from './transfer-events.js';

const BLINDTRANSFER = 'BLINDTRANSFER';
const ATTENDEDTRANSFER = 'ATTENDEDTRANSFER';

/** ast_bridge_set_transfer_variables: one variable written, the other kind erased. */
function setTransferVariables(channel: Channel, value: string, attended: boolean): void {
  channel.setVariable(attended ? ATTENDEDTRANSFER : BLINDTRANSFER, value);
  const erased = attended ? BLINDTRANSFER : ATTENDEDTRANSFER;
  // Unsetting a variable the channel does not have publishes nothing in Asterisk (recorded: no ChannelVarset).
  if (channel.getVariable(erased) !== undefined) channel.setVariable(erased, undefined);
}

/**
 * Hangs up a transferer leg once it is out of its join. A Dial() caller gets a hangup request and its dialplan
 * ends; a callee, which nothing runs, is released at once (recorded: ChannelDestroyed with no
 * ChannelHangupRequest before it, as Asterisk hangs up an imparted channel that leaves its bridge).
 */
function hangUpLeg(channel: Channel): void {
  if (channel.isDestroyed) return;
  if (channel.hasPbx) channel.softHangup(SoftHangup.EXPLICIT);
  else channel.destroy();
}

/**
 * Blind transfer of `transferer`'s Dial() peer to exten@context (checked to exist). Not joined: `Invalid`.
 * `onTransferee` runs before the event, as the transfer's requester's callback does in Asterisk.
 */
export function blindTransferJoined(
  core: Core,
  transferer: Channel,
  exten: string,
  context: string,
  onTransferee?: (transferee: Channel) => void,
): TransferResult {
  const join = joinOf(transferer);
  if (join === undefined || join.isOver) return 'Invalid';
  const transferee = join.peerOf(transferer);
  // ast_bridge_transfer_blind takes the transferer off hold first: ChannelUnhold, held or not (recorded).
  transferer.publish('ChannelUnhold');
  setTransferVariables(transferee, transferer.name, false);
  setTransferVariables(transferer, transferee.name, false);
  onTransferee?.(transferee);
  publishBlindTransfer(core, {
    transferer,
    transferee,
    replacement: undefined,
    exten,
    context,
    result: 'Success',
    isExternal: true,
    bridge: undefined,
    bridgeId: undefined,
  });
  join.sendOn(transferer, { context, exten, priority: 1 }, (channel, target) => void core.dialplan.run(channel, target)); // prettier-ignore
  hangUpLeg(transferer);
  return 'Success';
}

/**
 * Attended transfer between two Dial() calls: `first` (the call the REFER came on) and `second` (the one its
 * Replaces names). Either not joined, or both in one join: `Invalid`.
 */
export function attendedTransferJoined(core: Core, first: Channel, second: Channel): TransferResult {
  const firstJoin = joinOf(first);
  const secondJoin = joinOf(second);
  if (firstJoin === undefined || secondJoin === undefined || firstJoin === secondJoin) return 'Invalid';
  if (firstJoin.isOver || secondJoin.isOver) return 'Invalid';
  const transferee = firstJoin.peerOf(first);
  const target = secondJoin.peerOf(second);
  // Both transferer legs are taken off hold first (ChannelUnhold each, recorded).
  first.publish('ChannelUnhold');
  second.publish('ChannelUnhold');
  setTransferVariables(first, transferee.name, true);
  setTransferVariables(transferee, first.name, true);
  const firstConnected = { ...first.connected };
  const secondConnected = { ...second.connected };
  DialJoin.link(firstJoin, first, secondJoin, second);
  // The transferee moved into the second call's bridge, and entering a bridge clears the transfer variables
  // (bridge_channel.c); the second leg is hung up before the event goes out.
  transferee.setVariable(ATTENDEDTRANSFER, undefined);
  hangUpLeg(second);
  core.bus.publish(
    'BridgeAttendedTransfer',
    {
      transferer_first_leg: first.snapshot(),
      transferer_second_leg: second.snapshot(),
      transferee: transferee.snapshot(),
      transfer_target: target.snapshot(),
      result: 'Success',
      is_external: false,
      destination_type: 'bridge',
    },
    { channels: [first, second, transferee, target] },
  );
  // Recorded: each party is then shown the party the transferor's other leg was connected to.
  transferee.setConnected(secondConnected);
  target.setConnected(firstConnected);
  hangUpLeg(first);
  return 'Success';
}
