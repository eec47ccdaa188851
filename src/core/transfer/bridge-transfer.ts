/**
 * Transfers of a channel out of a Stasis bridge (main/bridge.c ast_bridge_transfer_blind / _attended with the
 * Stasis bridge's own handling in res/stasis/stasis_bridge.c). What Asterisk 22.10.1 does, recorded with two SIP
 * calls in an ARI mixing bridge:
 * - blind: a Local channel `Local/<exten>@<context>-…;1` enters the transferer's application (StasisStart) and
 *   takes the transferer's place in the bridge (ChannelLeftBridge transferer, ChannelEnteredBridge `;1`); `;2`
 *   runs the extension. BridgeBlindTransfer carries the transferer, the transferee, the Local `;1` as
 *   `replace_channel` and the bridge as it was. The transferer stays in its application, out of the bridge.
 *   The transfer is reported done (NOTIFY 200) as soon as the Local channel is in the bridge, whether its
 *   extension then answers, rings or is busy (recorded: `Ringing(),Wait(1),Answer()` and `Busy()` both 200).
 * - attended: a Local pair `Local/_attended@transfer-…` links the two bridges: `;2` replaces the second call's
 *   transferer leg, `;1` the first's, both in the application; the second leg is hung up, the first stays.
 *   BridgeAttendedTransfer has destination_type `link` and the pair as destination_link_first/second_leg.
 */
import type { Bridge } from '../bridge/bridge.js';
import { bridgeOf } from '../bridge/bridges.js';
import { runStasisThenFinish } from '../calls.js';
import { SoftHangup } from '../causes.js';
import type { Channel } from '../channel/channel.js';
import type { Core } from '../core.js';
import { dialChannel, requestChannel } from '../outbound.js';
import { controlOf } from '../stasis/stasis.js';
import { publishAttendedTransfer, publishBlindTransfer, type TransferResult } from './transfer-events.js';

/** The other members of the channel's bridge. */
function othersIn(bridge: Bridge, channel: Channel): Channel[] {
  return bridge.members.filter((m) => m !== channel);
}

/** Puts `replacement` in `channel`'s place in its bridge, in the application `channel` is in. */
function swapIn(core: Core, bridge: Bridge, channel: Channel, replacement: Channel): void {
  const app = controlOf(channel)?.app;
  if (app !== undefined) {
    core.stasis.subscribe(app, replacement);
    void runStasisThenFinish(core, replacement, app.name);
  }
  core.bridges.leave(channel);
  core.bridges.add(bridge, [replacement]);
}

/**
 * Blind transfer of what `transferer` is bridged with to exten@context (already checked to exist): the Local
 * channel is called in the background and hung up if its extension never answers. Not bridged: `Invalid`.
 */
export function blindTransfer(core: Core, transferer: Channel, exten: string, context: string): TransferResult {
  const bridge = bridgeOf(transferer);
  if (bridge === undefined) return 'Invalid';
  const others = othersIn(bridge, transferer);
  const before = bridge.snapshot();
  let local: Channel;
  try {
    local = requestChannel(core, `Local/${exten}@${context}`, { id: core.channels.allocateId() });
  } catch {
    return 'Fail';
  }
  swapIn(core, bridge, transferer, local);
  publishBlindTransfer(core, {
    transferer,
    transferee: others.length === 1 ? others[0] : undefined,
    replacement: local,
    exten,
    context,
    result: 'Success',
    isExternal: true,
    bridge: before,
    bridgeId: bridge.id,
  });
  void dialChannel(core, local, 0, `${exten}@${context}`).then((status) => {
    if (status !== 'ANSWER' && !local.isHangupRequested) local.softHangup(SoftHangup.EXPLICIT);
  });
  return 'Success';
}

/** The Local pair's name in Asterisk: exten `_attended` in context `transfer` (never run as dialplan). */
const ATTENDED_LINK = 'Local/_attended@transfer';

/**
 * Attended transfer: `first` (the call the REFER came on) and `second` (the call its Replaces names) are both
 * bridged; their bridges are linked by a Local pair that takes both transferer legs' places, and `second` is
 * hung up. Either leg not bridged: `Invalid`.
 */
export function attendedTransfer(core: Core, first: Channel, second: Channel): TransferResult {
  const firstBridge = bridgeOf(first);
  const secondBridge = bridgeOf(second);
  if (firstBridge === undefined || secondBridge === undefined || firstBridge === secondBridge) return 'Invalid';
  const transferee = othersIn(firstBridge, first);
  const target = othersIn(secondBridge, second);
  const firstBridgeBefore = firstBridge.snapshot();
  const secondBridgeBefore = secondBridge.snapshot();
  const id = core.channels.allocateId();
  let one: Channel;
  try {
    one = requestChannel(core, ATTENDED_LINK, { id });
  } catch {
    return 'Fail';
  }
  const two = core.channels.get(`${id};2`);
  if (two === undefined) return 'Fail';
  one.caller.number = first.caller.number;
  two.connected.number = first.caller.number;
  two.setState('Up');
  swapIn(core, secondBridge, second, two);
  swapIn(core, firstBridge, first, one);
  publishAttendedTransfer(core, {
    firstLeg: first,
    secondLeg: second,
    transferee: transferee.length === 1 ? transferee[0] : undefined,
    target: target.length === 1 ? target[0] : undefined,
    firstBridge,
    secondBridge,
    firstBridgeBefore,
    secondBridgeBefore,
    result: 'Success',
    isExternal: false,
    link: [one, two],
  });
  one.setState('Up');
  second.softHangup(SoftHangup.EXPLICIT);
  return 'Success';
}
