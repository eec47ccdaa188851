import type { EventBus } from '../events/event-bus.js';
import type { EventSink, StasisConnection, StasisRegistry } from '../ports.js';
import { StasisApp } from './stasis-app.js';
import type { SubscriptionIndex } from './subscription-index.js';

/** AST_MAX_CONTEXT (80) minus "stasis-": the longest application name Asterisk registers. */
const MAX_APP_NAME = 73;

/** The all-objects subscriptions (`subscribeAll`), one per event-source kind. */
const ALL_KINDS = ['channel:', 'bridge:', 'endpoint:', 'deviceState:'] as const;

const DEVICE_STATE = 'deviceState:';
/** Names whose device state subscriptions are kept after unregistration, at most (the oldest go first). */
const MAX_KEPT_DEVICE_SUBSCRIPTIONS = 10_000;

/**
 * The registered Stasis applications (res_stasis.c apps_registry), with Asterisk 22's lifecycle:
 * - a connection registers its names; a name already registered is taken over (ApplicationReplaced to the
 *   previous owner) and keeps its subscriptions — `subscribeAll` only applies when the name is new;
 * - when the connection closes, each app it still owns drops its all-objects subscriptions and is deactivated
 *   (stasis_app_unregister), then every app with no connection and no channel, bridge or endpoint subscription
 *   left is unregistered: no longer listed, its memory freed (res_stasis.c cleanup, app_is_finished);
 * - like Asterisk, that sweep runs when an app registers or unregisters and when a channel leaves Stasis or
 *   moves between apps, so an app whose last subscribed object goes away meanwhile stays listed until then;
 * - device state subscriptions belong to the name rather than to the app (res_stasis_device_state.c keeps them
 *   by app name): they do not keep an app registered, and an app registered again under that name has them
 *   back (Asterisk 22.10.1 lists them and delivers DeviceStateChanged again).
 */
export class StasisApps implements StasisRegistry {
  readonly #apps = new Map<string, StasisApp>();
  /** Registered apps without a connection: the only ones the sweep has to look at. */
  readonly #inactive = new Set<StasisApp>();
  /** Device state subscriptions (key → count) of unregistered names, given back when the name returns. */
  readonly #keptDeviceSubscriptions = new Map<string, Array<readonly [string, number]>>();

  constructor(
    private readonly index: SubscriptionIndex,
    private readonly bus: () => EventBus,
    /** Called once per newly registered name (the dialplan adds the `stasis-<app>` context). */
    private readonly onRegistered: (name: string) => void = () => {},
  ) {}

  /** Called once per unregistered name, after it left the registry. */
  onUnregistered: (name: string) => void = () => {};

  get(name: string): StasisApp | undefined {
    return this.#apps.get(name);
  }

  get size(): number {
    return this.#apps.size;
  }

  /** Sorted by name, as Asterisk's application container lists them (trace s5). */
  list(): StasisApp[] {
    return [...this.#apps.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  connect(names: readonly string[], subscribeAll: boolean, sink: EventSink): StasisConnection | { error: string } {
    for (const name of names) {
      if (name === '' || name.length > MAX_APP_NAME) return { error: `Invalid application name '${name}'` };
    }
    const owned: StasisApp[] = [];
    for (const name of names) {
      let app = this.#apps.get(name);
      if (!app) {
        app = new StasisApp(name);
        this.#apps.set(name, app);
        this.onRegistered(name);
        // __stasis_app_register: the all-objects subscriptions are made when the app is created only.
        if (subscribeAll) for (const kind of ALL_KINDS) this.index.subscribe(app, kind);
        this.#restoreDeviceSubscriptions(app);
      } else if (app.sink && app.sink !== sink) {
        // The older socket is told and silently stops getting this app's events; it is not closed.
        this.bus().publish('ApplicationReplaced', {}, { app });
      }
      app.sink = sink;
      this.#inactive.delete(app);
      owned.push(app);
    }
    this.sweep();
    return {
      apps: names,
      sendEvent: (appName, type, fields) => {
        const app = this.#apps.get(appName);
        if (app && app.sink === sink) this.bus().publish(type, fields, { app });
      },
      close: () => {
        for (const app of owned) if (app.sink === sink) this.#deactivate(app);
        this.sweep();
      },
    };
  }

  /**
   * Unregister every app that has no connection and no channel, bridge or endpoint subscription (device
   * state subscriptions do not keep an app registered). Stasis calls it when a channel leaves an app.
   */
  sweep(): void {
    if (this.#inactive.size === 0) return;
    for (const app of this.#inactive) {
      if (app.isActive || app.hasForwards) continue;
      this.#inactive.delete(app);
      if (this.#apps.get(app.name) === app) this.#apps.delete(app.name);
      this.#keepDeviceSubscriptions(app);
      this.index.unsubscribeAll(app);
      this.onUnregistered(app.name);
    }
  }

  #keepDeviceSubscriptions(app: StasisApp): void {
    const kept: Array<readonly [string, number]> = [];
    for (const [key, count] of app.subscriptions) {
      if (key.startsWith(DEVICE_STATE) && key !== DEVICE_STATE) kept.push([key, count]);
    }
    if (kept.length === 0) return;
    const oldest = this.#keptDeviceSubscriptions.keys().next();
    if (this.#keptDeviceSubscriptions.size >= MAX_KEPT_DEVICE_SUBSCRIPTIONS && !oldest.done) {
      this.#keptDeviceSubscriptions.delete(oldest.value);
    }
    this.#keptDeviceSubscriptions.set(app.name, kept);
  }

  #restoreDeviceSubscriptions(app: StasisApp): void {
    const kept = this.#keptDeviceSubscriptions.get(app.name);
    if (kept === undefined) return;
    this.#keptDeviceSubscriptions.delete(app.name);
    for (const [key, count] of kept) for (let i = 0; i < count; i++) this.index.subscribe(app, key);
  }

  /** stasis_app_unregister: drop the all-objects subscriptions, then the connection. */
  #deactivate(app: StasisApp): void {
    for (const kind of ALL_KINDS) this.index.unsubscribe(app, kind);
    app.sink = undefined;
    this.#inactive.add(app);
  }
}
