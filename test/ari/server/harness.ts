/**
 * A real AriServer on 127.0.0.1:0 with the real operation declarations and docs, handlers written here
 * (most echo their bound arguments so binding can be asserted), and a recording StasisRegistry.
 */
import WebSocket from 'ws';
import type { EventSink, StasisConnection, StasisRegistry } from '../../../src/core/ports.js';
import { openApiDocument } from '../../../src/ari/docs/openapi.js';
import { asyncApiDocument } from '../../../src/ari/docs/asyncapi.js';
import { apiDeclaration, resourcesListing } from '../../../src/ari/docs/swagger.js';
import { AriError, type Handler, type HandlerTable } from '../../../src/ari/handler.js';
import { ALL_OPERATIONS } from '../../../src/ari/operations/index.js';
import { AriServer, type AriServerOptions } from '../../../src/ari/server/ari-server.js';

export const BASIC = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');
export const BASIC_RO = 'Basic ' + Buffer.from('ro:ro').toString('base64');

/** A StasisConnection whose events are serialized like core does (type first, then the envelope). */
export class FakeConnection implements StasisConnection {
  closed = 0;
  constructor(
    readonly apps: readonly string[],
    readonly subscribeAll: boolean,
    readonly sink: EventSink,
  ) {}
  sendEvent(app: string, type: string, fields: Readonly<Record<string, unknown>>): void {
    this.emit(app, type, fields);
  }
  /** Push an event as core would. */
  emit(app: string, type: string, fields: Readonly<Record<string, unknown>> = {}): void {
    const event = { type, ...fields, application: app, timestamp: '2026-01-01T00:00:00.000+0000', asterisk_id: 'id' };
    this.sink.send(JSON.stringify(event));
  }
  close(): void {
    this.closed++;
  }
}

export class FakeStasis implements StasisRegistry {
  readonly connections: FakeConnection[] = [];
  /** Called inside connect, before the upgrade completes (to produce events that must be queued). */
  onConnect: ((c: FakeConnection) => void) | undefined;
  connect(apps: readonly string[], subscribeAll: boolean, sink: EventSink): StasisConnection | { error: string } {
    if (apps.some((a) => a.length > 73)) return { error: 'name too long' };
    const c = new FakeConnection(apps, subscribeAll, sink);
    this.connections.push(c);
    this.onConnect?.(c);
    return c;
  }
}

const echo: Handler = (args, ctx) => ({ body: { args, user: ctx.user, jsonBody: ctx.jsonBody ?? null } });

/** Handlers of the tests. Operations not listed answer 501. */
export function testHandlers(): HandlerTable {
  return {
    asterisk: { ping: () => ({ body: { ping: 'pong' } }) },
    channels: {
      list: () => ({ body: [] }),
      originate: echo,
      get: (args) => {
        if (args['channelId'] === 'boom') throw new Error('handler bug');
        throw new AriError(404, 'Channel not found');
      },
      answer: () => undefined,
      play: (args) => ({ status: 201, body: { args }, headers: { Location: '/ari/playbacks/p1' } }),
      getChannelVar: () => {
        throw new AriError(404, 'Provided variable was not found', 'Variable Not Found');
      },
      setChannelVar: echo,
      record: echo,
      sendDTMF: echo,
    },
    bridges: {
      create: echo,
      createWithId: echo,
      addChannel: echo,
      destroy: async () => {
        await new Promise((r) => setTimeout(r, 20));
        return undefined;
      },
    },
    recordings: {
      getStoredFile: () => ({ raw: { contentType: 'audio/wav', data: Buffer.from('RIFF....') } }),
      listStored: () => ({ json: '[{"name":"r1","format":"wav"}]' }),
    },
    mailboxes: { update: echo },
    events: { userEvent: echo },
    applications: { filter: echo },
  };
}

export interface Harness {
  readonly server: AriServer;
  readonly stasis: FakeStasis;
  /** http://127.0.0.1:<port><prefix>/ari */
  readonly base: string;
  readonly port: number;
  readonly logged: object[];
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<AriServerOptions> = {}): Promise<Harness> {
  const stasis = new FakeStasis();
  const logged: object[] = [];
  const users: Record<string, { password: string; readOnly: boolean }> = {
    asterisk: { password: 'asterisk', readOnly: false },
    ro: { password: 'ro', readOnly: true },
  };
  const server = new AriServer({
    operations: ALL_OPERATIONS,
    handlers: testHandlers(),
    docs: {
      resources: resourcesListing,
      resource: apiDeclaration,
      openapi: openApiDocument,
      asyncapi: asyncApiDocument,
    },
    auth: {
      realm: 'Asterisk REST Interface',
      authenticate: (user, password) => {
        const u = users[user];
        return u && u.password === password ? { user, readOnly: u.readOnly } : undefined;
      },
    },
    allowedOrigins: [],
    pretty: false,
    prefix: '',
    websocketWriteTimeoutMs: 100,
    stasis,
    serverHeader: 'Asterisk/22.10.1',
    logger: { info: () => undefined, warn: (o) => logged.push(o), error: (o) => logged.push(o) },
    ...overrides,
  });
  const { port } = await server.listen('127.0.0.1', 0);
  const prefix = overrides.prefix ?? '';
  return {
    server,
    stasis,
    base: `http://127.0.0.1:${port}${prefix}/ari`,
    port,
    logged,
    close: () => server.close(),
  };
}

export interface Reply {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

/** fetch with Basic auth unless `auth` is null. */
export async function call(
  h: Harness,
  method: string,
  path: string,
  opts: { auth?: string | null; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const auth = opts.auth === undefined ? BASIC : opts.auth;
  if (auth !== null) headers['Authorization'] = auth;
  const r = await fetch(h.base + path, { method, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, statusText: r.statusText, headers: r.headers, text, json };
}

/** Open the events WebSocket and collect its messages. */
export function openEvents(
  h: Harness,
  query: string,
  protocols?: string | string[],
): Promise<{ ws: WebSocket; messages: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${h.port}/ari/events?${query}`, protocols);
    const messages: Record<string, unknown>[] = [];
    ws.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
    ws.once('open', () => resolve({ ws, messages }));
    ws.once('error', reject);
  });
}

/** Wait until `pred` holds (polling every few ms), failing after `ms`. */
export async function until(pred: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
