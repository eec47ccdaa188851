/**
 * What the core needs from its edges and what it offers them. The core never imports HTTP, WebSocket,
 * SIP or dialplan code: those edges implement or call these interfaces, and app.ts wires them together.
 */

/** Where the events of the Stasis applications of one connection go (e.g. one events WebSocket). */
export interface EventSink {
  /** One event serialized as JSON, already carrying its `application`, `timestamp` and `asterisk_id`. */
  send(json: string): void;
}

/** A connection's hold on its Stasis applications (semantics.md §3.2). */
export interface StasisConnection {
  readonly apps: readonly string[];
  /**
   * Deliver an event that belongs to the connection rather than to a channel (RESTResponse) to `app`,
   * through that app's event filter. `fields` must not contain `application`/`timestamp`/`asterisk_id`.
   */
  sendEvent(app: string, type: string, fields: Readonly<Record<string, unknown>>): void;
  /** The socket closed: its apps are deactivated (not destroyed) unless another connection took them. */
  close(): void;
}

/** Registration of Stasis applications by an event connection. */
export interface StasisRegistry {
  /**
   * Register (or take over, sending ApplicationReplaced to the previous owner) each app for `sink`.
   * Returns an error text when a name is empty or longer than 73 characters (the upgrade then fails).
   */
  connect(apps: readonly string[], subscribeAll: boolean, sink: EventSink): StasisConnection | { error: string };
}
