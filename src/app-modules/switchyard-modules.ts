/**
 * Builds the module registry of a running server from MODULE_TABLE, with each module's use count and reload
 * wired to the real parts (the dialplan, ari.conf's users, the SIP driver's objects, the media plane's music on
 * hold classes and tone zones, the RTP settings, the logger channels), and attaches it and the logger channels
 * to the core for the ARI handlers.
 */
import type { AriConfig } from '../config/ari-config.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import type { Core } from '../core/core.js';
import { attachModules } from '../core/modules/attach.js';
import type { LogChannels } from '../core/modules/log-channels.js';
import { ModuleRegistry, type ModuleEntry, type ModuleUsage } from '../core/modules/module-registry.js';
import type { Dialplan } from '../dialplan/dialplan.js';
import { PjsipDriver } from '../channels/pjsip/pjsip-driver.js';
import { dialplanReloader } from './dialplan-reload.js';
import { indicationsReloader, mohReloader, rtpReloader } from './media-reload.js';
import { PjsipReloader, type PjsipReloadLogger } from './pjsip-reload.js';
import { MODULE_TABLE, type ModuleRow, type ReloadKind } from './module-table.js';

export interface ModulesContext {
  readonly core: Core;
  /** The configuration as read at start. */
  readonly config: LoadedConfig;
  /** The dialplan the PBX runs. */
  readonly dialplan: Dialplan;
  readonly logChannels: LogChannels;
  readonly log: PjsipReloadLogger;
  /** Apply ari.conf's users read again (res_ari.so reload). */
  readonly onAriConfig: (ari: AriConfig) => void;
}

function usageOf(core: Core): ModuleUsage {
  const channelsByTechnology = new Map<string, number>();
  for (const channel of core.channels.list()) {
    const tech = channel.tech.technology;
    channelsByTechnology.set(tech, (channelsByTechnology.get(tech) ?? 0) + 1);
  }
  return { channelsByTechnology, stasisApps: core.apps.size };
}

/** Read the whole configuration again and log its errors (the config loader reads every file at once). */
function reread(ctx: ModulesContext): ReturnType<typeof loadConfig> {
  const config = loadConfig(ctx.config.dir);
  for (const e of config.errors) ctx.log.warn({ file: e.file, line: e.line }, e.message);
  return config;
}

/**
 * The SIP driver's reloader, made once (res_pjsip.so and the identify module share what the file gave last);
 * undefined when the server runs without the PJSIP driver.
 */
function pjsipReloaderOf(ctx: ModulesContext): () => PjsipReloader | undefined {
  let reloader: PjsipReloader | undefined;
  const driver = ctx.core.driver('PJSIP');
  if (driver instanceof PjsipDriver) reloader = new PjsipReloader(driver, ctx.config.dir, ctx.log);
  return () => reloader;
}

function reloadHook(
  ctx: ModulesContext,
  row: ModuleRow,
  kind: ReloadKind,
  pjsip: () => PjsipReloader | undefined,
): () => void {
  if (kind === 'pjsip') return () => pjsip()?.reloadAll();
  if (kind === 'pjsip-identify') return () => pjsip()?.reloadIdentifies();
  if (kind === 'moh') return mohReloader(() => ctx.core.media, ctx.config.dir, ctx.log);
  if (kind === 'indications') return indicationsReloader(() => ctx.core.media, ctx.config.dir, ctx.log);
  if (kind === 'rtp') return rtpReloader(ctx.config.rtp, ctx.config.dir, ctx.log);
  if (kind === 'dialplan') {
    return dialplanReloader(ctx.core, ctx.dialplan, ctx.config.dir, ctx.config.extensions, ctx.log);
  }
  if (kind === 'ari') {
    return () => {
      ctx.onAriConfig(reread(ctx).ari);
      ctx.log.info({ module: row.name }, 'ari.conf users reloaded; other ari.conf settings apply at restart');
    };
  }
  if (kind === 'logger') return () => ctx.logChannels.reopen();
  if (kind === 'nothing') return () => {};
  const file = kind.restart;
  return () => {
    reread(ctx);
    ctx.log.warn({ module: row.name, file }, `${file} was read again; its changes apply when the server restarts`);
  };
}

function entryOf(ctx: ModulesContext, row: ModuleRow, pjsip: () => PjsipReloader | undefined): ModuleEntry {
  const { technology } = row;
  const useCount =
    technology !== undefined
      ? (u: ModuleUsage) => u.channelsByTechnology.get(technology) ?? 0
      : row.countsStasisApps
        ? (u: ModuleUsage) => u.stasisApps
        : undefined;
  return {
    name: row.name,
    description: row.description,
    supportLevel: row.supportLevel,
    ...(useCount && { useCount }),
    ...(row.reload !== undefined && { reload: reloadHook(ctx, row, row.reload, pjsip) }),
  };
}

/**
 * The registry of this server's modules, attached to `ctx.core` with the logger channels, whose relative
 * names now go to asterisk.conf's log folder.
 */
export function installModules(ctx: ModulesContext): ModuleRegistry {
  ctx.logChannels.logDir = ctx.config.media.logDir;
  const pjsip = pjsipReloaderOf(ctx);
  const registry = new ModuleRegistry(
    MODULE_TABLE.map((row) => entryOf(ctx, row, pjsip)),
    () => usageOf(ctx.core),
  );
  attachModules(ctx.core, registry, ctx.logChannels);
  return registry;
}
