/**
 * What the core needs from its edges and what it offers them. The core never imports HTTP, WebSocket,
 * SIP or dialplan code: those edges implement or call these interfaces, and app.ts wires them together.
 */

import type { EventFields } from './events/event-types.js';

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
  sendEvent(app: string, type: 'RESTResponse', fields: EventFields<'RESTResponse'>): void;
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

import type { Channel } from './channel/channel.js';

/** What a driver is asked for when ARI or the dialplan wants an outbound channel (`ast_request`). */
export interface ChannelRequest {
  /** Unique id for the new (outbound) channel. */
  readonly id: string;
  /** Unique id for the second half of a Local channel (default `<id>;2`). */
  readonly otherId?: string;
  /** Requested formats, e.g. ['ulaw']. */
  readonly formats?: readonly string[];
  /** The channel on whose behalf the call is made (codec/linkedid source). */
  readonly originator?: Channel;
}

/** A channel technology (Local, PJSIP, UnicastRTP, ...): makes outbound channels. */
export interface ChannelDriver {
  /** The technology name, as written in endpoints (`Local/...`, `PJSIP/...`). */
  readonly technology: string;
  /** Make (but do not call) the outbound channel for `resource`; an error text when the resource is invalid. */
  request(resource: string, request: ChannelRequest): Channel | { error: string };
  /** Ids that the request would create, to check them for duplicates before creating anything. */
  idsFor?(request: ChannelRequest): readonly string[];
  /**
   * Whether `name` names something this technology is configured with (the WebSocket driver: a
   * `websocket_client.conf` connection id), for checks made before a request (externalMedia's external_host).
   */
  knowsResource?(name: string): boolean;
}

/** A dialplan location. */
export interface DialplanTarget {
  readonly context: string;
  readonly exten: string;
  readonly priority: number;
}

/** What the core needs from the dialplan (implemented in src/dialplan, wired in app.ts). */
export interface DialplanPort {
  exists(context: string, exten: string, priority: number): boolean;
  /** Priority of a label (numeric labels are priorities); undefined when not found. */
  findLabel(context: string, exten: string, label: string): number | undefined;
  /** Run the dialplan on the channel from `target` until it ends, then hang the channel up. */
  run(channel: Channel, target: DialplanTarget): Promise<void>;
  /** `stasis-<app>`: `_.` → Stasis(<app>), `h` → NoOp() (res_stasis registers it with each app). */
  addStasisContext(app: string): void;
}
