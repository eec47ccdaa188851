/**
 * Where the ARI handlers find a core's module registry and logger channels. The composition root (app.ts)
 * builds both, since their reloads reach into the dialplan and the configuration, and attaches them here; a
 * core nobody attached anything to has an empty registry and a console-only logger.
 */
import { DEFAULT_LOG_DIR } from '../../config/media-config.js';
import type { Core } from '../core.js';
import { LogChannels } from './log-channels.js';
import { ModuleRegistry } from './module-registry.js';

const modules = new WeakMap<Core, ModuleRegistry>();
const logChannels = new WeakMap<Core, LogChannels>();

export function attachModules(core: Core, registry: ModuleRegistry, channels: LogChannels): void {
  modules.set(core, registry);
  logChannels.set(core, channels);
}

export function modulesOf(core: Core): ModuleRegistry {
  let registry = modules.get(core);
  if (!registry) {
    registry = new ModuleRegistry([], () => ({ channelsByTechnology: new Map(), stasisApps: 0 }));
    modules.set(core, registry);
  }
  return registry;
}

export function logChannelsOf(core: Core): LogChannels {
  let channels = logChannels.get(core);
  if (!channels) {
    channels = new LogChannels({ logDir: DEFAULT_LOG_DIR, banner: 'Switchyard' });
    logChannels.set(core, channels);
  }
  return channels;
}
