import os from 'node:os';
import { readFileSync } from 'node:fs';
import { pino, type Logger } from 'pino';
import { AudioSocketDriver } from './channels/audiosocket/audiosocket-driver.js';
import { LocalDriver } from './channels/local/local-driver.js';
import { PjsipDriver } from './channels/pjsip/pjsip-driver.js';
import { PjsipSorcery } from './channels/pjsip/dynamic/pjsip-sorcery.js';
import { loadWritableTypes } from './channels/pjsip/dynamic/sorcery-conf.js';
import { registerSorceryBackend } from './core/sorcery/dynamic-config.js';
import { SnoopChannelDriver } from './channels/snoop/snoop-driver.js';
import { WebSocketDriver } from './channels/websocket/websocket-driver.js';
import { UnicastRtpDriver } from './channels/unicast-rtp/unicast-rtp-driver.js';
import {
  loadConfig,
  assertSafeBinding,
  anonymousSipExposure,
  embeddedConfigDir,
  type LoadedConfig,
} from './config/load-config.js';
import { DEFAULT_LOG_DIR } from './config/media-config.js';
import { splitHostPort } from './config/http-config.js';
import { verifyUser } from './config/ari-config.js';
import { Core } from './core/core.js';
import type { ChannelDriver } from './core/ports.js';
import { shutDown } from './app-shutdown.js';
import { loadExtensions } from './dialplan/extensions-loader.js';
import { Pbx } from './dialplan/pbx.js';
import { apiDeclaration, resourcesListing } from './ari/docs/swagger.js';
import { openApiDocument } from './ari/docs/openapi.js';
import { asyncApiDocument } from './ari/docs/asyncapi.js';
import { ALL_OPERATIONS } from './ari/operations/index.js';
import { buildHandlers } from './ari/handlers/index.js';
import { AriServer } from './ari/server/ari-server.js';
import { ariTlsAddress, ariTlsServerOptions } from './ari/server/tls-listener.js';
import { validatorFromEnvironment } from './ari/server/event-validator.js';
import { startOutboundWebSockets } from './ari/outbound/outbound-websockets.js';
import { startInlinePlane } from './plane/inline-plane.js';
import type { PlaneSettings } from './plane/plane-settings.js';
import { startWorkerPlane } from './plane/worker-plane.js';
import type { PlacementPolicy } from './core/media/worker-placement.js';
import type { MediaScheduling } from './core/media/worker-scheduling.js';
import { teeLogger } from './app-modules/logger-tee.js';
import { installModules } from './app-modules/switchyard-modules.js';
import { LogChannels } from './core/modules/log-channels.js';
import { startOperatorView } from './metrics/operator-view.js';

export interface AppOptions {
  /** Folder with ari.conf, http.conf, extensions.conf; undefined = the embedded defaults. */
  readonly configDir?: string | undefined;
  /** Override http.conf bindaddr/bindport (tests use port 0). */
  readonly host?: string;
  readonly port?: number;
  /** Override the port of http.conf tlsbindaddr (tests use 0); only used when tlsenable=yes. */
  readonly tlsPort?: number;
  readonly logger?: Logger;
  /** Override the SIP transports' ports (tests use 0: any free port). */
  readonly sipPort?: number;
  /** Media worker threads: one per core by default; 0 runs the media plane in the main thread. */
  readonly mediaWorkers?: number;
  /** How new channels are spread over the media workers (core/media/worker-placement.ts); default `pack`. */
  readonly mediaPlacement?: PlacementPolicy;
  /** How the kernel schedules the media workers (core/media/worker-scheduling.ts); default `normal`. */
  readonly mediaScheduling?: MediaScheduling;
}

export interface RunningApp {
  readonly core: Core;
  readonly config: LoadedConfig;
  readonly host: string;
  readonly port: number;
  /** http://host:port — the ARI base is `${url}${prefix}/ari`. */
  readonly url: string;
  /** https://host:port when http.conf tlsenable=yes (the same ARI over TLS), else undefined. */
  readonly tlsUrl: string | undefined;
  /** The SIP transports as bound (protocol, host, port); empty when pjsip.conf has none. */
  readonly sip: ReadonlyArray<{ readonly protocol: string; readonly host: string; readonly port: number }>;
  /** Hang every channel up (StasisEnd goes out first), then close the listeners. */
  close(): Promise<void>;
  /**
   * Graceful shutdown (SIGTERM, app-shutdown.ts): refuse new calls, hang every channel up with cause 16 and
   * deliver the events, wait for the BYEs' answers, close the events WebSockets with 1001, close the listeners.
   */
  shutdown(): Promise<void>;
}

export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
})();

/** Asterisk's entity id is the MAC address of the first real interface. */
function entityId(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const nic of list ?? []) if (!nic.internal && nic.mac !== '00:00:00:00:00:00') return nic.mac;
  }
  return '02:fc:00:00:00:01';
}

/** The composition root: config → core → channel drivers → dialplan → ARI listener. */
export async function startApp(options: AppOptions = {}): Promise<RunningApp> {
  // Logger channels (ARI /asterisk/logging) receive what this logger writes.
  const logChannels = new LogChannels({ logDir: DEFAULT_LOG_DIR, banner: `Switchyard ${VERSION}` });
  const log = teeLogger(options.logger ?? pino({ name: 'switchyard' }), logChannels);
  const config = loadConfig(options.configDir);
  for (const e of config.errors) log.warn({ file: e.file, line: e.line }, e.message);
  const host = options.host ?? config.http.bindaddr;
  const port = options.port ?? config.http.bindport;
  assertSafeBinding({ ...config.http, bindaddr: host }, config.ari);
  const tlsAddress = config.http.tlsenable ? ariTlsAddress(config.http.tlsbindaddr, host, splitHostPort) : undefined;
  if (config.http.tlsenable && tlsAddress === undefined) {
    throw new Error(`http.conf: invalid tlsbindaddr '${config.http.tlsbindaddr}'`);
  }
  if (tlsAddress) assertSafeBinding({ bindaddr: tlsAddress.host }, config.ari);
  // Read before anything is started: a missing certificate stops the start with the file's name.
  const ariTls =
    tlsAddress &&
    ariTlsServerOptions({
      certFile: config.http.tlscertfile,
      privateKey: config.http.tlsprivatekey,
      cipher: config.http.tlscipher,
      caFile: config.http.tlscafile,
      caPath: config.http.tlscapath,
    });
  const sipExposure = anonymousSipExposure(config.pjsip);
  if (sipExposure !== undefined) log.warn(sipExposure);

  const core = new Core({ asteriskId: entityId(), channelvars: config.ari.channelvars, pretty: config.ari.pretty });
  const workers = options.mediaWorkers ?? os.availableParallelism();
  const planeSettings: PlaneSettings = config.media;
  core.media =
    workers > 0
      ? await startWorkerPlane(
          planeSettings,
          workers,
          options.mediaPlacement ?? 'pack',
          options.mediaScheduling ?? 'normal',
        )
      : startInlinePlane(planeSettings);
  log.info({ workers, scheduling: options.mediaScheduling ?? 'normal' }, 'media plane started');
  const wavs = await core.recordings.start(config.media); // repairs wav files a killed process left
  log.info({ dir: config.media.recordingsDir, repaired: wavs.repaired, failed: wavs.failed }, 'recordings checked');
  core.playbacks.configure(config.media);
  core.admission.configure(config.limits);
  core.variables.systemName = config.systemName;
  core.channels.systemName = config.systemName;
  const websocketMedia = new WebSocketDriver(core, config.websocketClients);
  const drivers: ChannelDriver[] = [
    new LocalDriver(core),
    new SnoopChannelDriver(core),
    new AudioSocketDriver(core, log),
    websocketMedia,
    new UnicastRtpDriver(core, config.rtp),
  ];
  for (const driver of drivers) core.registerDriver(driver);
  const extensions = loadExtensions(config.extensions);
  for (const e of extensions.errors) log.warn({ file: e.file, line: e.line }, e.message);
  for (const [name, value] of extensions.globals) core.variables.globals.set(name, value);
  const pbx = new Pbx(core, extensions.dialplan, log);
  core.dialplan = pbx;
  core.apps.onUnregistered = (name) => pbx.removeStasisContext(name);
  const pjsip = await PjsipDriver.start({
    core,
    config: config.pjsip,
    rtp: config.rtp,
    ...(options.sipPort === undefined ? {} : { portOverride: options.sipPort }),
  });
  for (const t of pjsip.stack.transports) log.info({ protocol: t.protocol, ...t.local }, 'SIP listening');
  registerSorceryBackend(core, new PjsipSorcery(pjsip, loadWritableTypes(options.configDir ?? embeddedConfigDir())));

  const operatorView = startOperatorView({
    core,
    sip: pjsip.stack,
    logger: log,
    version: VERSION,
    requiresAuth: config.http.metricsAuth,
  });
  const verified = new Map<string, { user: string; readOnly: boolean }>();
  let ariUsers = config.ari.users; // res_ari.so reload replaces them
  const onAriConfig = (ari: LoadedConfig['ari']): void => {
    ariUsers = ari.users;
    verified.clear();
    outbound.reload(ari);
  };
  installModules({ core, config, dialplan: extensions.dialplan, logChannels, log, onAriConfig });
  const ari = new AriServer({
    operations: ALL_OPERATIONS,
    handlers: buildHandlers(core, { version: `22.10.1-switchyard-${VERSION}`, systemName: config.systemName }),
    docs: {
      resources: resourcesListing,
      resource: apiDeclaration,
      openapi: openApiDocument,
      asyncapi: asyncApiDocument,
    },
    auth: {
      realm: config.ari.authRealm,
      authenticate: (user, password) => {
        // Clients send the same credentials on every request: remember the ones that verified (bounded),
        // so crypt hashes and digests are not recomputed per request.
        const key = `${user}\u0000${password}`;
        const known = verified.get(key);
        if (known) return known;
        const u = verifyUser(ariUsers, user, password);
        if (!u) return undefined;
        const result = { user: u.name, readOnly: u.readOnly };
        if (verified.size >= 64) verified.clear();
        verified.set(key, result);
        return result;
      },
    },
    allowedOrigins: config.ari.allowedOrigins,
    authLimits: config.ari.authLimits,
    pretty: config.ari.pretty,
    prefix: config.http.prefix,
    sessionLimit: config.http.sessionlimit,
    websocketWriteTimeoutMs: config.ari.websocketWriteTimeoutMs,
    stasis: core.apps,
    serverHeader: `Switchyard/${VERSION}`,
    logger: log,
    validator: validatorFromEnvironment(),
    mediaConnections: websocketMedia,
    metrics: config.http.metricsEnabled ? operatorView.metrics : undefined,
  });
  const bound = await ari.listen(host, port);
  log.info({ url: `http://${bound.host}:${bound.port}${config.http.prefix}/ari` }, 'ARI listening');
  let tlsUrl: string | undefined;
  if (tlsAddress && ariTls) {
    try {
      const t = await ari.listenTls(tlsAddress.host, options.tlsPort ?? tlsAddress.port, ariTls);
      tlsUrl = `https://${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
    } catch (err) {
      operatorView.close();
      await ari.close();
      await pjsip.close();
      await core.media.close();
      throw err;
    }
    log.info({ url: `${tlsUrl}${config.http.prefix}/ari` }, 'ARI listening (TLS)');
  }
  // ari.conf type=outbound_websocket: Switchyard dials the apps' WebSocket servers.
  const outbound = startOutboundWebSockets({
    ari: config.ari,
    clients: config.websocketClients,
    stasis: core.stasis,
    dispatch: (req) => ari.dispatch(req),
    asteriskId: core.asteriskId,
    pretty: config.ari.pretty,
    writeTimeoutMs: config.ari.websocketWriteTimeoutMs,
    logger: log,
    addStasisContext: (app) => pbx.addStasisContext(app),
    removeStasisContext: (app) => pbx.removeStasisContext(app),
    configDir: config.dir,
  });
  let closing: Promise<void> | undefined;
  return {
    core,
    config,
    host: bound.host,
    port: bound.port,
    url: `http://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`,
    tlsUrl,
    sip: pjsip.stack.transports.map((t) => ({ protocol: t.protocol, host: t.local.host, port: t.local.port })),
    close: () =>
      (closing ??= (async () => {
        await core.hangupAll();
        outbound.close();
        operatorView.close();
        await ari.close();
        await pjsip.close();
        await core.media.close();
      })()),
    shutdown: () =>
      (closing ??= (async () => {
        await shutDown({ core, ari, pjsip, drivers: [...drivers, pjsip] });
        outbound.close();
        operatorView.close(); // after: the shutdown's hangups are logged and counted
      })()),
  };
}
