/**
 * An AsyncAPI 3.0 description of the events WebSocket (`GET /ari/events`, semantics.md §3), built from the
 * wire schemas every event is validated against (src/ari/models/wire.ts). Asterisk has no such document; this
 * one lets AsyncAPI tooling generate event types and show the stream. It describes the server: it sends one
 * message per event type and receives RESTRequest messages, each answered by a RESTResponse event (§3.4).
 * The TypeBox schemas are JSON Schema already; a nested model becomes a `$ref` to its own component.
 */
import { findModel } from '../models/index.js';
import { EVENT_SCHEMAS, MODEL_SCHEMAS } from '../models/wire.js';
import { deepFreeze } from './deep-freeze.js';
import { ARI_API_VERSION } from './swagger.js';

/** A JSON object of the document (kept loose: the document is data, not a program). */
export type Json = { readonly [key: string]: unknown };

/** The `ws` channel binding of the AsyncAPI bindings catalogue that this document follows. */
const WS_BINDING_VERSION = '0.1.0';

const CHANNEL_ID = 'events';
const REST_REQUEST = 'RESTRequest';
const REST_RESPONSE = 'RESTResponse';

type SchemaMap = Readonly<Record<string, object>>;

const ALL_SCHEMAS: SchemaMap = { ...MODEL_SCHEMAS, ...EVENT_SCHEMAS };

/** Each model's `properties` object, which TypeBox shares with every copy of the model (Type.Optional). */
const modelByProperties = new Map<unknown, string>(
  Object.entries(ALL_SCHEMAS).map(([name, schema]) => [(schema as { properties?: unknown }).properties, name]),
);

let cached: Omit<Json, 'servers'> | undefined;

/**
 * The document for a server reachable at `serverUrl`, as for the OpenAPI document: the origin plus any http.conf
 * prefix (`http://127.0.0.1:8088`), or only the prefix when the request named no host (then `servers` is left out).
 */
export function asyncApiDocument(serverUrl: string): Json {
  cached ??= deepFreeze(build());
  const origin = /^(https?):\/\/([^/]+)(.*)$/.exec(serverUrl);
  if (!origin) return cached;
  const [, scheme, host, prefix] = origin;
  const server = {
    host,
    protocol: scheme === 'https' ? 'wss' : 'ws',
    ...(prefix !== '' && { pathname: prefix }),
    description: 'The ARI HTTP server; the events WebSocket is an upgrade of GET /ari/events.',
    security: [{ $ref: '#/components/securitySchemes/basicAuth' }, { $ref: '#/components/securitySchemes/apiKey' }],
  };
  const { asyncapi, info, ...rest } = cached;
  return { asyncapi, info, servers: { ari: server }, ...rest };
}

function build(): Omit<Json, 'servers'> {
  const eventTypes = Object.keys(EVENT_SCHEMAS);
  const messageIds = [...eventTypes, REST_REQUEST];
  const schemas: Record<string, unknown> = {};
  const pending = [...messageIds];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (name in schemas) continue;
    const used = new Set<string>();
    schemas[name] = toJsonSchema(ALL_SCHEMAS[name], true, used);
    pending.push(...used);
  }
  const messages: Record<string, Json> = {};
  for (const id of messageIds) messages[id] = message(id);
  const channelMessage = (id: string): Json => ({ $ref: `#/channels/${CHANNEL_ID}/messages/${id}` });
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Asterisk REST Interface events (Switchyard)',
      version: ARI_API_VERSION,
      description:
        'The events WebSocket of the ARI of Asterisk 22 as Switchyard serves it: one JSON event per text frame, ' +
        'and REST requests sent over the same socket.',
    },
    defaultContentType: 'application/json',
    channels: {
      [CHANNEL_ID]: {
        address: '/ari/events',
        title: 'ARI events',
        description:
          'Registers the Stasis applications named by `app` and streams their events. Sub-protocol `ari` ' +
          '(or none); the credentials of the upgrade request also authorize every RESTRequest on the socket.',
        messages: Object.fromEntries(messageIds.map((id) => [id, { $ref: `#/components/messages/${id}` }])),
        bindings: { ws: wsBinding() },
      },
    },
    operations: {
      sendEvents: {
        action: 'send',
        channel: { $ref: `#/channels/${CHANNEL_ID}` },
        summary: 'Events of the registered applications, each tagged with its application.',
        messages: eventTypes.filter((t) => t !== REST_RESPONSE).map(channelMessage),
      },
      receiveRestRequest: {
        action: 'receive',
        channel: { $ref: `#/channels/${CHANNEL_ID}` },
        summary: 'REST over WebSocket (Asterisk 20.14.0, 21.9.0, 22.4.0 and later).',
        messages: [channelMessage(REST_REQUEST)],
        reply: { channel: { $ref: `#/channels/${CHANNEL_ID}` }, messages: [channelMessage(REST_RESPONSE)] },
      },
    },
    components: {
      schemas,
      messages,
      securitySchemes: {
        basicAuth: { type: 'http', scheme: 'basic', description: 'An ari.conf user.' },
        // semantics.md §1.2: `api_key=user:password`, used when there is no Authorization header.
        apiKey: { type: 'httpApiKey', name: 'api_key', in: 'query', description: 'user:password' },
      },
    },
  };
}

/** The handshake as the ws binding describes it (semantics.md §3.1). */
function wsBinding(): Json {
  return {
    bindingVersion: WS_BINDING_VERSION,
    method: 'GET',
    query: {
      type: 'object',
      required: ['app'],
      properties: {
        app: { type: 'string', description: 'Application names to register, one comma-separated value.' },
        subscribeAll: {
          type: 'boolean',
          default: false,
          description: 'Receive the events of every channel, bridge and endpoint.',
        },
        api_key: { type: 'string', description: 'user:password, when no Authorization header is sent.' },
      },
    },
    headers: {
      type: 'object',
      properties: {
        'Sec-WebSocket-Protocol': {
          type: 'string',
          enum: ['ari'],
          description: 'The only sub-protocol; the upgrade is refused when only other ones are offered.',
        },
      },
    },
  };
}

function message(id: string): Json {
  const description = findModel(id)?.description;
  const summary =
    id === REST_REQUEST
      ? 'A REST request sent by the client; uri is relative to /ari/ without a leading slash.'
      : id === REST_RESPONSE
        ? 'The answer to a RESTRequest, delivered to the first application of the socket.'
        : `The ${id} event.`;
  return {
    name: id,
    title: id,
    summary,
    ...(description !== undefined && description !== '' && { description }),
    contentType: 'application/json',
    payload: { $ref: `#/components/schemas/${id}` },
  };
}

/**
 * A plain JSON copy of a TypeBox schema; nested models become `$ref`s (collected in `used`). Only enumerable
 * keys are copied, so TypeBox's own markers (`~kind`, `~optional`) are left behind.
 */
function toJsonSchema(schema: unknown, isRoot: boolean, used: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((v) => toJsonSchema(v, false, used));
  if (schema === null || typeof schema !== 'object') return schema;
  const props = (schema as { properties?: unknown }).properties;
  const model = props === undefined ? undefined : modelByProperties.get(props);
  if (!isRoot && model !== undefined) {
    used.add(model);
    return { $ref: `#/components/schemas/${model}` };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) out[k] = toJsonSchema(v, false, used);
  return out;
}
