import os from 'node:os';
import type { Core } from '../../core/core.js';
import { formatTimestamp, nowTimestamp } from '../../core/time.js';
import { toAriError } from '../errors.js';
import type { Handler } from '../handler.js';
import { list, required, str } from './args.js';

export interface ServerIdentity {
  readonly version: string;
  readonly systemName: string;
}

export function asteriskHandlers(core: Core, identity: ServerIdentity): Record<string, Handler> {
  // Build facts do not change while the process runs (os.userInfo() is a system call).
  const build = {
    os: os.type(),
    kernel: os.release(),
    options: '',
    machine: os.arch(),
    date: '',
    user: os.userInfo().username,
  };
  return {
    ping: () => ({ body: { ping: 'pong', timestamp: nowTimestamp(), asterisk_id: core.asteriskId } }),

    /** AsteriskInfo; unknown `only` values are ignored, none given → every section. */
    getInfo: (args) => {
      const only = new Set(list(args, 'only') ?? []);
      const want = (s: string): boolean => only.size === 0 || only.has(s);
      const info: Record<string, unknown> = {};
      if (want('build')) {
        info.build = build;
      }
      if (want('system')) info.system = { version: identity.version, entity_id: core.asteriskId };
      if (want('config')) {
        info.config = {
          name: identity.systemName,
          default_language: 'en',
          setid: { user: '', group: '' },
        };
      }
      if (want('status')) {
        const started = formatTimestamp(core.startedAt);
        info.status = { startup_time: started, last_reload_time: started };
      }
      return { body: info };
    },

    /** Unset globals read as "" rather than 404 (§6.9). */
    getGlobalVar: (args) => {
      const name = required(args, 'variable', 'Variable name is required');
      try {
        return { body: { value: core.variables.read(undefined, name) ?? '' } };
      } catch (err) {
        return toAriError(err);
      }
    },

    setGlobalVar: (args) => {
      const name = required(args, 'variable', 'Variable name is required');
      core.variables.writeGlobal(name, str(args, 'value'));
      return undefined;
    },
  };
}
