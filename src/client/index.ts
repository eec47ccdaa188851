/**
 * A typed ARI client generated from the operation declarations: `client.<resource>.<nickname>(params)` for
 * every REST operation, and `client.events(apps)` for the events WebSocket. It speaks only the wire API of
 * Asterisk's ARI (HTTP Basic auth, JSON bodies, the `ari` WebSocket sub-protocol), so it drives Asterisk and
 * Switchyard alike.
 *
 * ```ts
 * const client = createAriClient({ url: 'http://127.0.0.1:8088', username: 'asterisk', password: 'secret' });
 * const events = client.events('demo');
 * events.on('StasisStart', (e) => void client.channels.answer({ channelId: e.channel.id }));
 * ```
 */
import type { OperationDecl } from '../ari/operation.js';
import { OPERATIONS } from '../ari/operations/index.js';
import { DEFAULT_BACKOFF, EventStream, eventsUrl, type Backoff } from './events.js';
import { callOperation, type RestTarget } from './rest.js';
import type { AriClient, EventsOptions } from './types.js';

export interface AriClientOptions {
  /** The HTTP server, with any http.conf prefix, e.g. `http://127.0.0.1:8088` (a trailing `/ari` is accepted). */
  readonly url: string;
  /** An ari.conf user. */
  readonly username: string;
  readonly password: string;
  /** Reconnection backoff of event streams (default 0.5 s doubling to 10 s). */
  readonly reconnect?: Backoff;
}

/** The ARI root for a server URL: `http://h:8088` and `http://h:8088/ari/` both give `http://h:8088/ari`. */
export function ariRoot(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/ari') ? trimmed : `${trimmed}/ari`;
}

/** The REST methods of one resource, built from its declarations. */
function resourceMethods(
  target: RestTarget,
  ops: Readonly<Record<string, OperationDecl>>,
): Record<string, (params?: Readonly<Record<string, unknown>>) => Promise<unknown>> {
  const methods: Record<string, (params?: Readonly<Record<string, unknown>>) => Promise<unknown>> = {};
  for (const [nickname, op] of Object.entries(ops)) {
    if (op.upgrade === 'websocket') continue; // GET /events is the stream below, not a REST call
    methods[nickname] = (params) => callOperation(target, op, params);
  }
  return methods;
}

/** A client for the ARI at `options.url`. Nothing is sent until a method is called. */
export function createAriClient(options: AriClientOptions): AriClient {
  const ariUrl = ariRoot(options.url);
  const authorization = 'Basic ' + Buffer.from(`${options.username}:${options.password}`).toString('base64');
  const target: RestTarget = { ariUrl, authorization };
  const backoff = options.reconnect ?? DEFAULT_BACKOFF;
  const client: Record<string, unknown> = {};
  for (const [resource, ops] of Object.entries(OPERATIONS)) {
    client[resource] = resourceMethods(target, ops);
  }
  const openEvents = (apps: string | readonly string[], opts?: EventsOptions): EventStream =>
    new EventStream(eventsUrl(ariUrl, apps, opts), authorization, backoff);
  client['events'] = Object.assign(openEvents, client['events']);
  return client as AriClient;
}

export { AriClientError, buildRequest, type BuiltRequest } from './rest.js';
export { backoffDelayMs, eventsUrl, type Backoff } from './events.js';
export type {
  AriClient,
  AriEvent,
  AriEventStream,
  ConfigFieldBody,
  EventFilterBody,
  EventOf,
  EventsOptions,
  EventType,
  MethodOf,
  ParamsOf,
  ResponseOf,
  VariableValue,
} from './types.js';
export type * from '../ari/models/wire.js';
