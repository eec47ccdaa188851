import type { Channel } from './channel/channel.js';
import type { ControlIndication } from './frame.js';
import {
  deviceOfChannel,
  endpointDeviceState,
  firstChannelDeviceState,
  type DeviceStateValue,
  type EndpointAvailability,
} from './device-state-rules.js';
import type { EventBus } from './events/event-bus.js';

export { DEVICE_STATES, type DeviceStateValue } from './device-state-rules.js';

/** What a technology's device rule may look at: the live channels of a device, and whether one is held. */
export interface DeviceView {
  channelsOf(device: string): Iterable<Channel>;
  isHeld(channel: Channel): boolean;
}

/**
 * A channel technology's device state rule (the `devicestate` callback of an Asterisk channel driver). The core
 * evaluates it when a channel of the device changes state or goes, and when the technology says so (`changed`).
 */
export interface DeviceStateSource {
  /** `PJSIP`, `Local`: devices are named `<technology>/<resource>`. */
  readonly technology: string;
  /**
   * Cached and published only when it differs from the last one (PJSIP), or published on every evaluation and
   * never cached (Local channels set AST_FLAG_DISABLE_DEVSTATE_CACHE).
   */
  readonly cachable: boolean;
  /** Ringing, progress, hold and unhold indicated to a channel re-evaluate its device (chan_pjsip_indicate). */
  readonly evaluatesOnIndication: boolean;
  /** The state of `<technology>/<resource>`; UNKNOWN lets the core go by the device's first channel. */
  state(resource: string, view: DeviceView): DeviceStateValue;
}

/** A technology whose devices are its endpoints (chan_pjsip_devicestate); undefined for no such endpoint. */
export function endpointDeviceSource(
  technology: string,
  endpoint: (resource: string) => { availability: EndpointAvailability; busyAt: number } | undefined,
): DeviceStateSource {
  return {
    technology,
    cachable: true,
    evaluatesOnIndication: true,
    state(resource, view) {
      const ep = endpoint(resource);
      if (ep === undefined) return 'INVALID';
      const channels = view.channelsOf(`${technology}/${resource}`);
      return endpointDeviceState(ep.availability, channels, (ch) => view.isHeld(ch), ep.busyAt);
    },
  };
}

/** Device-state providers set from outside (`Stasis:` by ARI, `Custom:` by DEVICE_STATE()), by lower-case label. */
const CONTROLLED_LABELS: Readonly<Record<string, string>> = { stasis: 'Stasis', custom: 'Custom' };
const INDICATIONS_THAT_EVALUATE: ReadonlySet<ControlIndication> = new Set(['ringing', 'progress', 'hold', 'unhold']);
const NO_CHANNELS: ReadonlySet<Channel> = new Set();

/**
 * Device states (main/devicestate.c). A device is `<tech>/<resource>` (its channels are named
 * `<tech>/<resource>-<suffix>`) or `<provider>:<name>` (`Stasis:` set by ARI, `Custom:` by DEVICE_STATE()).
 * Each channel state change, destruction (and, for PJSIP, indication) queues a re-evaluation of the channel's device;
 * a cachable result is published as DeviceStateChanged only when it differs from the cached one, which GET then
 * reads. A state ARI or the dialplan sets is published at once.
 */
export class DeviceStates {
  readonly #sources = new Map<string, DeviceStateSource>();
  /** Live channels by device name. */
  readonly #devices = new Map<string, Set<Channel>>();
  readonly #held = new WeakSet<Channel>();
  /** Technologies of the channels seen, lower-case: a technology without a driver (Snoop) still has devices. */
  readonly #technologies = new Set<string>();
  /** Devices to evaluate on the next turn of the event loop, in the order their changes happened. */
  readonly #pending: string[] = [];
  /** Last published cachable state by device name; UNKNOWN is never stored (a miss reads UNKNOWN too). */
  readonly #cache = new Map<string, DeviceStateValue>();
  /** `stasis` / `custom` → name after the colon → state (Asterisk keeps these in its astdb). */
  readonly #controlled = new Map<string, Map<string, DeviceStateValue>>([
    ['stasis', new Map()],
    ['custom', new Map()],
  ]);
  readonly #view: DeviceView = {
    channelsOf: (device) => this.#devices.get(device) ?? NO_CHANNELS,
    isHeld: (channel) => this.#held.has(channel),
  };

  constructor(
    private readonly bus: EventBus,
    /** Whether a channel technology of this name is registered (an unknown one makes a device INVALID). */
    private readonly hasTechnology: (technology: string) => boolean = () => false,
  ) {}

  static isControlled(name: string): boolean {
    return name.toLowerCase().startsWith('stasis:');
  }

  /** A technology's rule; it replaces the one registered under the same name. */
  register(source: DeviceStateSource): void {
    this.#sources.set(source.technology.toLowerCase(), source);
  }

  /** `ast_device_state`: the cached state when there is one, else evaluated now. */
  get(name: string): DeviceStateValue {
    const cached = this.#cache.get(name);
    return cached ?? this.#evaluate(name);
  }

  /** The `Stasis:` devices ARI has set (GET /deviceStates lists only these). */
  listControlled(): { name: string; state: DeviceStateValue }[] {
    return Array.from(this.#controlled.get('stasis')!.keys(), (key) => {
      const name = 'Stasis:' + key;
      return { name, state: this.get(name) };
    });
  }

  /**
   * Set a `Stasis:` or `Custom:` device (any case of the prefix; published with its canonical spelling). A state
   * equal to the cached one publishes nothing. False for other names.
   */
  set(name: string, state: DeviceStateValue): boolean {
    const parsed = controlledName(name);
    if (parsed === undefined) return false;
    this.#controlled.get(parsed.provider)!.set(parsed.key, state);
    this.#publish(parsed.device, state === 'UNKNOWN' ? this.#evaluate(parsed.device) : state, true);
    return true;
  }

  /** Forget a `Stasis:`/`Custom:` device. Asterisk clears its cache first, so the UNKNOWN that follows is not news. */
  delete(name: string): void {
    const parsed = controlledName(name);
    if (parsed === undefined) return;
    this.#controlled.get(parsed.provider)!.delete(parsed.key);
    this.#cache.delete(parsed.device);
  }

  /**
   * `device` may have changed (a channel of it did, or the endpoint came or went): it is evaluated shortly, after
   * what is happening now has happened, as Asterisk's device-state thread does — a Local pair that fails at once
   * is gone by then and reads INVALID — and published when news.
   */
  changed(device: string): void {
    this.#pending.push(device);
    if (this.#pending.length === 1) setImmediate(this.#drain);
  }

  /** Each queued change is evaluated on its own, duplicates included (a Local device publishes each one). */
  readonly #drain = (): void => {
    const devices = this.#pending.splice(0);
    for (const device of devices) {
      const slash = device.indexOf('/');
      const source = slash < 0 ? undefined : this.#sources.get(device.slice(0, slash).toLowerCase());
      this.#publish(device, this.#evaluate(device), source?.cachable ?? true);
    }
  };

  channelCreated(channel: Channel): void {
    this.#technologies.add(channel.tech.technology.toLowerCase());
    const device = deviceOfChannel(channel.name);
    let set = this.#devices.get(device);
    if (set === undefined) this.#devices.set(device, (set = new Set()));
    set.add(channel);
  }

  /** ast_setstate queues a re-evaluation of the channel's device. */
  channelStateChanged(channel: Channel): void {
    this.changed(deviceOfChannel(channel.name));
  }

  /** Hold and unhold mark the channel (`ast_channel_hold_state`); PJSIP re-evaluates on a few indications. */
  channelIndicated(channel: Channel, indication: ControlIndication): void {
    if (indication === 'hold') this.#held.add(channel);
    else if (indication === 'unhold') this.#held.delete(channel);
    if (!INDICATIONS_THAT_EVALUATE.has(indication)) return;
    if (this.#sources.get(channel.tech.technology.toLowerCase())?.evaluatesOnIndication === true) {
      this.channelStateChanged(channel);
    }
  }

  /** A destroyed channel no longer counts; its device is re-evaluated. */
  channelDestroyed(channel: Channel): void {
    const device = deviceOfChannel(channel.name);
    const set = this.#devices.get(device);
    if (set?.delete(channel) === true && set.size === 0) this.#devices.delete(device);
    this.#held.delete(channel);
    this.changed(device);
  }

  /** `_ast_device_state` without the cache: the provider's or technology's rule. */
  #evaluate(name: string): DeviceStateValue {
    const slash = name.indexOf('/');
    if (slash < 0) {
      const parsed = controlledName(name);
      if (parsed !== undefined) return this.#controlled.get(parsed.provider)!.get(parsed.key) ?? 'UNKNOWN';
      return 'INVALID'; // no `tech/` and no provider Switchyard has
    }
    const technology = name.slice(0, slash);
    if (!this.hasTechnology(technology) && !this.#technologies.has(technology.toLowerCase())) return 'INVALID';
    const state = this.#sources.get(technology.toLowerCase())?.state(name.slice(slash + 1), this.#view) ?? 'UNKNOWN';
    if (state !== 'UNKNOWN') return state;
    return firstChannelDeviceState(this.#view.channelsOf(name), (channel) => this.#held.has(channel));
  }

  #publish(device: string, state: DeviceStateValue, cachable: boolean): void {
    if (cachable) {
      if ((this.#cache.get(device) ?? 'UNKNOWN') === state) return;
      if (state === 'UNKNOWN') this.#cache.delete(device);
      else this.#cache.set(device, state);
    }
    this.bus.publish('DeviceStateChanged', { device_state: { name: device, state } }, { deviceName: device });
  }
}

/** `Stasis:foo` / `custom:foo` → provider, the name after the colon and the device as Asterisk publishes it. */
function controlledName(name: string): { provider: string; key: string; device: string } | undefined {
  const colon = name.indexOf(':');
  if (colon < 0) return undefined;
  const provider = name.slice(0, colon).toLowerCase();
  const label = CONTROLLED_LABELS[provider];
  if (label === undefined) return undefined;
  const key = name.slice(colon + 1);
  return { provider, key, device: `${label}:${key}` };
}
