/**
 * ARI outbound WebSockets (ari.conf `type=outbound_websocket`, Asterisk 22.5+): the sessions of every section.
 *
 * - `persistent` connections: one session per section, started with the server, dialled until shutdown.
 * - `per_call_config` connections: nothing is dialled at start; each app gets the `stasis-<app>` dialplan
 *   context (`_.` → Stasis(app), `h` → NoOp, as res_ari adds it) and no registration. When a channel runs
 *   Stasis(app) and no app of that name is registered, a session is made for that call alone: its app is
 *   `<app>:<channel name>` (the name every event of the call carries), its id `<section>:<channel name>`.
 *   If that connection cannot be made the channel leaves with STASISSTATUS=FAILED (the app does not exist);
 *   3 s after the channel leaves Stasis the socket is closed with 1000 (Asterisk waits that long so that the
 *   events after StasisEnd still reach the app).
 */
import type { AriConfig } from '../../config/ari-config.js';
import { loadConf } from '../../config/load-config.js';
import { parseWebSocketClientConfig, type WebSocketClientConfig } from '../../config/websocket-client-config.js';
import type { Channel } from '../../core/channel/channel.js';
import { controlOf, type PerCallApps, type PerCallLease, type Stasis } from '../../core/stasis/stasis.js';
import type { EventValidator } from '../server/event-validator.js';
import type { AriLogger, AriRequest, AriResponse } from '../server/types.js';
import { resolveOutboundWebSockets, type ResolvedOutboundWebSocket } from './outbound-config.js';
import { OutboundConnection, type OutboundRegistry } from './outbound-connection.js';

/** ari_websockets.c STASIS_END_POST_WAIT_US: how long a per-call socket stays open after the call left Stasis. */
export const PER_CALL_LINGER_MS = 3000;

export interface OutboundWebSocketsOptions {
  readonly registry: OutboundRegistry;
  readonly dispatch: (req: AriRequest) => Promise<AriResponse>;
  readonly asteriskId: string;
  readonly pretty: boolean;
  readonly writeTimeoutMs: number;
  readonly logger: AriLogger;
  readonly validator?: EventValidator;
  /** Adds the `stasis-<app>` context of a per_call_config app. */
  readonly addStasisContext: (app: string) => void;
  /** Removes it again (a reload dropped the app). */
  readonly removeStasisContext: (app: string) => void;
  /** Overrides PER_CALL_LINGER_MS. */
  readonly perCallLingerMs?: number;
}

export class OutboundWebSockets implements PerCallApps {
  /** Persistent sessions by section name, with the section they run. */
  readonly #persistent = new Map<string, { conn: OutboundConnection; section: ResolvedOutboundWebSocket }>();
  /** per_call_config sections by app name. */
  readonly #perCallConfigs = new Map<string, ResolvedOutboundWebSocket>();
  readonly #perCall = new Set<OutboundConnection>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: OutboundWebSocketsOptions) {}

  /** The sessions by id (persistent ones, then per-call ones under way). */
  get sessions(): ReadonlyMap<string, OutboundConnection> {
    const all = new Map<string, OutboundConnection>();
    for (const [id, { conn }] of this.#persistent) all.set(id, conn);
    for (const c of this.#perCall) all.set(c.id, c);
    return all;
  }

  /** Register and dial every persistent section; make the contexts of the per_call_config ones. */
  start(sections: readonly ResolvedOutboundWebSocket[]): void {
    for (const section of sections) {
      if (section.connectionType === 'per_call_config') {
        for (const app of section.config.apps) {
          this.#perCallConfigs.set(app, section);
          this.opts.addStasisContext(app);
        }
        continue;
      }
      const conn = this.#connection(section, section.config.name, section.config.apps, 'persistent');
      const error = conn.register();
      if (error !== undefined) {
        this.opts.logger.warn({ id: conn.id, error }, 'Outbound ARI WebSocket: Stasis app registration failed');
        continue;
      }
      this.#persistent.set(conn.id, { conn, section });
      void conn.run();
    }
  }

  /**
   * `module reload res_ari.so`: a persistent section that is gone or changed ends (ApplicationUnregistered,
   * close 1000) and a changed or new one starts afresh; an unchanged one keeps its socket. per_call_config apps
   * are replaced (their contexts follow); per-call sessions under way go on.
   */
  reload(sections: readonly ResolvedOutboundWebSocket[]): void {
    const next = new Map<string, ResolvedOutboundWebSocket>();
    for (const s of sections) if (s.connectionType === 'persistent') next.set(s.config.name, s);
    for (const [name, { conn, section }] of this.#persistent) {
      const wanted = next.get(name);
      if (wanted !== undefined && JSON.stringify(wanted) === JSON.stringify(section)) {
        next.delete(name);
        continue;
      }
      conn.stop();
      this.#persistent.delete(name);
    }
    const oldApps = [...this.#perCallConfigs.keys()];
    this.#perCallConfigs.clear();
    this.start([...sections.filter((s) => s.connectionType === 'per_call_config'), ...next.values()]);
    for (const app of oldApps) if (!this.#perCallConfigs.has(app)) this.opts.removeStasisContext(app);
  }

  /** PerCallApps: the call's own session, connected, or undefined (no per_call_config for `app`, or no connection). */
  async open(channel: Channel, app: string): Promise<PerCallLease | undefined> {
    const section = this.#perCallConfigs.get(app);
    if (section === undefined) return undefined;
    const appId = `${app}:${channel.name}`;
    const conn = this.#connection(section, `${section.config.name}:${channel.name}`, [appId], 'per_call');
    const error = conn.register();
    if (error !== undefined) {
      this.opts.logger.warn({ id: conn.id, error }, 'Outbound ARI WebSocket: per-call Stasis app registration failed');
      return undefined;
    }
    this.#perCall.add(conn);
    const connected = await new Promise<boolean>((resolve) => {
      void conn.run(resolve, () => this.#lost(channel));
    });
    if (!connected) {
      this.#end(conn);
      return undefined;
    }
    return {
      app: appId,
      release: () => {
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#end(conn);
        }, this.opts.perCallLingerMs ?? PER_CALL_LINGER_MS);
        this.#timers.add(timer);
      },
    };
  }

  /** Shutdown: every session ends (persistent ones tell their apps), no more dialling. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const { conn } of this.#persistent.values()) conn.stop();
    for (const conn of this.#perCall) conn.stop();
    this.#persistent.clear();
    this.#perCall.clear();
  }

  #end(conn: OutboundConnection): void {
    conn.stop();
    this.#perCall.delete(conn);
  }

  /** A per-call socket closed and could not be made again: the channel goes back to the dialplan. */
  #lost(channel: Channel): void {
    const control = controlOf(channel);
    if (control === undefined) return;
    const { context, exten, priority } = channel.location;
    control.wake({ kind: 'continue', target: { context, exten, priority: priority + 1 } });
  }

  #connection(
    section: ResolvedOutboundWebSocket,
    id: string,
    apps: readonly string[],
    kind: 'persistent' | 'per_call',
  ): OutboundConnection {
    const { registry, dispatch, asteriskId, pretty, writeTimeoutMs, logger, validator } = this.opts;
    return new OutboundConnection({
      id,
      apps,
      kind,
      subscribeAll: section.config.subscribeAll,
      client: section.client,
      registry,
      dispatch,
      user: { name: section.config.localAriUser, password: section.password },
      asteriskId,
      pretty,
      writeTimeoutMs,
      logger,
      ...(validator && { validator }),
    });
  }
}

export interface StartOutboundOptions extends Omit<OutboundWebSocketsOptions, 'registry'> {
  readonly ari: Pick<AriConfig, 'outboundWebsockets' | 'users'>;
  readonly clients: ReadonlyMap<string, WebSocketClientConfig>;
  readonly stasis: Pick<Stasis, 'perCall' | 'apps'>;
  /** The config folder, read again at reload. */
  readonly configDir: string;
}

/** What the composition root holds: the sessions, and the reload of ari.conf. */
export interface RunningOutboundWebSockets {
  readonly sessions: OutboundWebSockets;
  /** res_ari.so reload: `ari` read again; websocket_client.conf is read again too, as Asterisk does. */
  reload(ari: Pick<AriConfig, 'outboundWebsockets' | 'users'>): void;
  close(): void;
}

/** The composition root's one call: check the sections, report the bad ones, start the rest. */
export function startOutboundWebSockets(options: StartOutboundOptions): RunningOutboundWebSockets {
  const { ari, clients, stasis, configDir, ...rest } = options;
  const sessions = new OutboundWebSockets({ ...rest, registry: stasis.apps });
  // Stasis asks for per-call apps only when there is some outbound section at all.
  const resolve = (a: StartOutboundOptions['ari'], c: StartOutboundOptions['clients']) => {
    const resolved = resolveOutboundWebSockets(a, c);
    for (const error of resolved.errors) rest.logger.warn({ file: 'ari.conf' }, error);
    stasis.perCall = resolved.valid.some((s) => s.connectionType === 'per_call_config') ? sessions : undefined;
    return resolved.valid;
  };
  sessions.start(resolve(ari, clients));
  return {
    sessions,
    reload: (next) => {
      // The file's own errors were logged by the reload that read ari.conf; only its connections are needed.
      const file = loadConf(configDir, 'websocket_client.conf', []);
      const again = file ? parseWebSocketClientConfig(file).config : new Map<string, WebSocketClientConfig>();
      sessions.reload(resolve(next, again));
    },
    close: () => sessions.close(),
  };
}
