/**
 * Builds the module registry of a running server from MODULE_TABLE, with each module's use count and reload
 * wired to the real parts (the dialplan, ari.conf's users, the logger channels), and attaches it and the
 * logger channels to the core for the ARI handlers.
 */
import type { AriConfig } from '../config/ari-config.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import type { Core } from '../core/core.js';
import { attachModules } from '../core/modules/attach.js';
import type { LogChannels } from '../core/modules/log-channels.js';
import { ModuleRegistry, type ModuleEntry, type ModuleUsage } from '../core/modules/module-registry.js';
import type { Dialplan } from '../dialplan/dialplan.js';
import { dialplanReloader, type DialplanReloadLogger } from './dialplan-reload.js';
import { MODULE_TABLE, type ModuleRow, type ReloadKind } from './module-table.js';

export interface ModulesContext {
  readonly core: Core;
  /** The configuration as read at start. */
  readonly config: LoadedConfig;
  /** The dialplan the PBX runs. */
  readonly dialplan: Dialplan;
  readonly logChannels: LogChannels;
  readonly log: DialplanReloadLogger;
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

function reloadHook(ctx: ModulesContext, row: ModuleRow, kind: ReloadKind): () => void {
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

function entryOf(ctx: ModulesContext, row: ModuleRow): ModuleEntry {
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
    ...(row.reload !== undefined && { reload: reloadHook(ctx, row, row.reload) }),
  };
}

/**
 * The registry of this server's modules, attached to `ctx.core` with the logger channels, whose relative
 * names now go to asterisk.conf's log folder.
 */
export function installModules(ctx: ModulesContext): ModuleRegistry {
  ctx.logChannels.logDir = ctx.config.media.logDir;
  const registry = new ModuleRegistry(
    MODULE_TABLE.map((row) => entryOf(ctx, row)),
    () => usageOf(ctx.core),
  );
  attachModules(ctx.core, registry, ctx.logChannels);
  return registry;
}
