import type { EventBus } from './events/event-bus.js';

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

/**
 * Device states (res_stasis_device_state.c): ARI controls the `Stasis:` ones; any other name reads as
 * UNKNOWN until a channel technology reports it. Changes are published as DeviceStateChanged.
 */
export class DeviceStates {
  readonly #controlled = new Map<string, DeviceStateValue>();

  constructor(private readonly bus: EventBus) {}

  static isControlled(name: string): boolean {
    return name.toLowerCase().startsWith('stasis:');
  }

  get(name: string): DeviceStateValue {
    return this.#controlled.get(name) ?? 'UNKNOWN';
  }

  listControlled(): { name: string; state: DeviceStateValue }[] {
    return Array.from(this.#controlled, ([name, state]) => ({ name, state }));
  }

  set(name: string, state: DeviceStateValue): void {
    this.#controlled.set(name, state);
    this.#publish(name, state);
  }

  delete(name: string): void {
    this.#controlled.delete(name);
    this.#publish(name, 'UNKNOWN');
  }

  #publish(name: string, state: DeviceStateValue): void {
    this.bus.publish('DeviceStateChanged', { device_state: { name, state } }, { deviceName: name });
  }
}
