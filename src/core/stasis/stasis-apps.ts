import type { EventBus } from '../events/event-bus.js';
import type { EventSink, StasisConnection, StasisRegistry } from '../ports.js';
import { StasisApp } from './stasis-app.js';
import type { SubscriptionIndex } from './subscription-index.js';

/** AST_MAX_CONTEXT (80) minus "stasis-": the longest application name Asterisk registers. */
const MAX_APP_NAME = 73;

const ALL_KINDS = ['channel:', 'bridge:', 'endpoint:', 'deviceState:'] as const;

/**
 * The registered Stasis applications (res_stasis.c). Apps live until the server stops; a closed
 * connection only deactivates its apps, and a new connection for the same name takes them over
 * (ApplicationReplaced to the previous owner).
 */
export class StasisApps implements StasisRegistry {
  readonly #apps = new Map<string, StasisApp>();

  constructor(
    private readonly index: SubscriptionIndex,
    private readonly bus: () => EventBus,
    /** Called once per newly registered name (the dialplan adds the `stasis-<app>` context). */
    private readonly onRegistered: (name: string) => void = () => {},
  ) {}

  get(name: string): StasisApp | undefined {
    return this.#apps.get(name);
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
      } else if (app.sink && app.sink !== sink) {
        // The older socket is told and silently stops getting this app's events; it is not closed.
        this.bus().publish('ApplicationReplaced', {}, { app });
      }
      app.sink = sink;
      if (subscribeAll) for (const kind of ALL_KINDS) if (!app.subscriptions.has(kind)) this.index.subscribe(app, kind);
      owned.push(app);
    }
    return {
      apps: names,
      sendEvent: (appName, type, fields) => {
        const app = this.#apps.get(appName);
        if (app && app.sink === sink) this.bus().publish(type, fields, { app });
      },
      close: () => {
        for (const app of owned) if (app.sink === sink) app.sink = undefined;
      },
    };
  }
}
