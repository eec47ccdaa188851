// How Asterisk derives a device state (main/devicestate.c, channels/chan_pjsip.c): the facts as pure functions.
import type { ChannelState } from './channel/channel-state.js';

/** `ast_device_state` values in enum order, spelled as ARI shows them (`ast_devstate_str`). */
export const DEVICE_STATES = [
  'UNKNOWN',
  'NOT_INUSE',
  'INUSE',
  'BUSY',
  'INVALID',
  'UNAVAILABLE',
  'RINGING',
  'RINGINUSE',
  'ONHOLD',
] as const;
export type DeviceStateValue = (typeof DEVICE_STATES)[number];

/** `ast_devstate_val`: the name in any case; anything else reads UNKNOWN. */
export function parseDeviceState(text: string): DeviceStateValue {
  const upper = text.toUpperCase();
  return (DEVICE_STATES as readonly string[]).includes(upper) ? (upper as DeviceStateValue) : 'UNKNOWN';
}

/** devicestate.c `chan2dev`: the device state one channel in this state stands for. */
const CHANNEL_TO_DEVICE: Readonly<Record<ChannelState, DeviceStateValue>> = {
  Down: 'NOT_INUSE',
  Rsrvd: 'INUSE',
  OffHook: 'INUSE',
  Dialing: 'INUSE',
  Ring: 'INUSE', // we play ringback to the caller: in use
  Ringing: 'RINGING', // the device itself rings
  Up: 'INUSE',
  Busy: 'BUSY',
  'Dialing Offhook': 'INUSE',
  'Pre-ring': 'RINGING',
  Unknown: 'UNKNOWN',
};

export function channelDeviceState(state: ChannelState): DeviceStateValue {
  return CHANNEL_TO_DEVICE[state];
}

/**
 * The device a channel belongs to: its name up to the last `-` (`PJSIP/alice-00000001` → `PJSIP/alice`,
 * `Local/100@default-00000002;1` → `Local/100@default`), as ast_setstate and channel destruction name it.
 */
export function deviceOfChannel(channelName: string): string {
  const dash = channelName.lastIndexOf('-');
  return dash < 0 ? channelName : channelName.slice(0, dash);
}

/**
 * Rank of each state when several are combined (`ast_devstate_aggregate_add`): the higher wins, except that
 * ringing together with in use (or on hold, or busy) is RINGINUSE.
 */
const AGGREGATE_RANK: Readonly<Record<DeviceStateValue, number>> = {
  INVALID: 0,
  UNKNOWN: 1,
  UNAVAILABLE: 2,
  NOT_INUSE: 3,
  ONHOLD: 4,
  RINGING: 5,
  INUSE: 6,
  BUSY: 7,
  RINGINUSE: 8,
};

/** Several states folded into one, as `ast_devstate_aggregate` does; INVALID when nothing was added. */
export class DeviceStateAggregate {
  #state: DeviceStateValue = 'INVALID';
  #isRinging = false;
  #isInUse = false;

  add(state: DeviceStateValue): void {
    if (state === 'RINGING') this.#isRinging = true;
    else if (state === 'INUSE' || state === 'ONHOLD' || state === 'BUSY') this.#isInUse = true;
    if (this.#isRinging && this.#isInUse) this.#state = 'RINGINUSE';
    else if (AGGREGATE_RANK[state] > AGGREGATE_RANK[this.#state]) this.#state = state;
  }

  get result(): DeviceStateValue {
    return this.#state;
  }
}

/** What the device rules read of a channel: its state (whether it is held is asked separately). */
export interface DeviceChannel {
  readonly state: ChannelState;
}

/** Whether an endpoint can be reached (the ARI Endpoint `state`). */
export type EndpointAvailability = 'online' | 'offline' | 'unknown';

/**
 * chan_pjsip's device state of an endpoint: UNAVAILABLE offline, NOT_INUSE online, UNKNOWN otherwise; with
 * channels, their aggregate (a held one counts ONHOLD) — unless `busyAt` (device_state_busy_at, 0 = off) or
 * more of them are past Down/Rsrvd, which is BUSY.
 */
export function endpointDeviceState<C extends DeviceChannel>(
  availability: EndpointAvailability,
  channels: Iterable<C>,
  isHeld: (channel: C) => boolean,
  busyAt: number,
): DeviceStateValue {
  const base = availability === 'offline' ? 'UNAVAILABLE' : availability === 'online' ? 'NOT_INUSE' : 'UNKNOWN';
  const aggregate = new DeviceStateAggregate();
  let inUse = 0;
  let any = false;
  for (const ch of channels) {
    any = true;
    aggregate.add(isHeld(ch) ? 'ONHOLD' : channelDeviceState(ch.state));
    if (ch.state !== 'Down' && ch.state !== 'Rsrvd') inUse++;
  }
  if (!any) return base;
  if (busyAt > 0 && inUse >= busyAt) return 'BUSY';
  return aggregate.result === 'INVALID' ? base : aggregate.result;
}

/**
 * `ast_parse_device_state`, for technologies without a rule of their own: the first channel of the device
 * decides (ONHOLD while held); without one the state is UNKNOWN.
 */
export function firstChannelDeviceState<C extends DeviceChannel>(
  channels: Iterable<C>,
  isHeld: (channel: C) => boolean,
): DeviceStateValue {
  for (const ch of channels) return isHeld(ch) ? 'ONHOLD' : channelDeviceState(ch.state);
  return 'UNKNOWN';
}
