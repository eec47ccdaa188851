import type { StasisApp } from './stasis-app.js';

/**
 * Which applications are subscribed to which event source. Keys are event-source URIs as ARI spells them
 * (`channel:<id>`, `bridge:<id>`, `endpoint:<tech>/<resource>`, `endpoint:<tech>`, `deviceState:<name>`);
 * an empty id (`channel:`) is the subscription to all objects of that kind. Subscriptions are counted per
 * app (res/stasis app.c: each subscribe adds one, unsubscribe removes one, the forward goes at zero).
 */
export class SubscriptionIndex {
  readonly #apps = new Map<string, Set<StasisApp>>();

  subscribe(app: StasisApp, key: string): void {
    const count = app.subscriptions.get(key) ?? 0;
    app.subscriptions.set(key, count + 1);
    if (count === 0) {
      let set = this.#apps.get(key);
      if (!set) this.#apps.set(key, (set = new Set()));
      set.add(app);
    }
  }

  /** Remove one subscription; false when the app was not subscribed to that key. */
  unsubscribe(app: StasisApp, key: string): boolean {
    const count = app.subscriptions.get(key);
    if (count === undefined) return false;
    if (count > 1) {
      app.subscriptions.set(key, count - 1);
      return true;
    }
    app.subscriptions.delete(key);
    const set = this.#apps.get(key);
    set?.delete(app);
    if (set?.size === 0) this.#apps.delete(key);
    return true;
  }

  /** The app is unregistered: it loses every subscription it still has. */
  unsubscribeAll(app: StasisApp): void {
    for (const key of app.subscriptions.keys()) {
      const set = this.#apps.get(key);
      set?.delete(app);
      if (set?.size === 0) this.#apps.delete(key);
    }
    app.subscriptions.clear();
  }

  /** The object behind `key` is gone: every app loses its subscriptions to it. */
  drop(key: string): void {
    const set = this.#apps.get(key);
    if (!set) return;
    for (const app of set) app.subscriptions.delete(key);
    this.#apps.delete(key);
  }

  isSubscribed(app: StasisApp, key: string): boolean {
    return app.subscriptions.has(key);
  }

  addSubscribers(key: string, into: Set<StasisApp>): void {
    const set = this.#apps.get(key);
    if (set) for (const app of set) into.add(app);
  }
}
