import os from 'node:os';
import { formatTimestamp, nowTimestamp } from '../../core/time.js';
import { implement, resourceHandlers } from '../contract/implement.js';
import { OPERATIONS } from '../operations/index.js';
import { asteriskConfigHandlers } from './asterisk-config.js';
import { asteriskLoggingHandlers } from './asterisk-logging.js';
import { asteriskModuleHandlers } from './asterisk-modules.js';

const ops = OPERATIONS.asterisk;

// Build facts do not change while the process runs (os.userInfo() is a system call).
let build: { os: string; kernel: string; options: string; machine: string; date: string; user: string } | undefined;
const buildInfo = (): NonNullable<typeof build> =>
  (build ??= {
    os: os.type(),
    kernel: os.release(),
    options: '',
    machine: os.arch(),
    date: '',
    user: os.userInfo().username,
  });

const VARIABLE = { variable: { missing: 'Variable name is required' } } as const;

/** The names Asterisk computes when there is no channel (the directory names are not served here). */
function channelLessBuiltin(name: string, entityId: string, systemName: string): string | undefined {
  switch (name) {
    case 'EPOCH':
      return String(Math.floor(Date.now() / MS_PER_SECOND));
    case 'ENTITYID':
      return entityId;
    case 'SYSTEMNAME':
      return systemName;
    default:
      return undefined;
  }
}

const MS_PER_SECOND = 1000;

export const asteriskHandlers = resourceHandlers('asterisk', {
  ping: implement(ops.ping, {
    handle: (_args, { core }) => ({ ping: 'pong', timestamp: nowTimestamp(), asterisk_id: core.asteriskId }),
  }),

  /** AsteriskInfo; unknown `only` values are ignored, none given → every section. */
  getInfo: implement(ops.getInfo, {
    handle: ({ only }, { core, identity }) => {
      const wanted = new Set(only ?? []);
      const want = (s: string): boolean => wanted.size === 0 || wanted.has(s);
      const started = formatTimestamp(core.startedAt);
      return {
        ...(want('build') && { build: buildInfo() }),
        ...(want('system') && { system: { version: identity.version, entity_id: core.asteriskId } }),
        ...(want('config') && {
          config: { name: identity.systemName, default_language: 'en', setid: { user: '', group: '' } },
        }),
        ...(want('status') && { status: { startup_time: started, last_reload_time: started } }),
      };
    },
  }),

  /**
   * Asterisk reads the name as a plain variable without a channel (ast_str_retrieve_variable): a few computed
   * names, then the globals, compared exactly. Nothing is evaluated — `LEN()` or `CALLERID(name)` is just a name
   * no global has — and whatever is not found reads as "" with 200 (§6.9).
   */
  getGlobalVar: implement(ops.getGlobalVar, {
    params: VARIABLE,
    handle: ({ variable }, { core, identity }) => ({
      value:
        channelLessBuiltin(variable, core.asteriskId, identity.systemName) ??
        core.variables.globals.get(variable) ??
        '',
    }),
  }),

  setGlobalVar: implement(ops.setGlobalVar, {
    params: VARIABLE,
    handle: ({ variable, value }, { core }) => core.variables.writeGlobal(variable, value),
  }),

  ...asteriskConfigHandlers,
  ...asteriskModuleHandlers,
  ...asteriskLoggingHandlers,
});
