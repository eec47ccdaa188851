/**
 * ARI `/asterisk/modules` (resource_asterisk.c): Switchyard's parts under Asterisk's module names
 * (core/modules/module-registry.ts, docs/modules.md). Statuses and messages are Asterisk 22.10.1's, as it
 * answered them: a name that finds a module only without its `.so` or in another case is 409 on GET; a load of
 * a loaded module is 409 "Module is already loaded", of an unknown one 409 "Module load declined".
 */
import { modulesOf } from '../../core/modules/attach.js';
import type { ReloadOutcome } from '../../core/modules/module-registry.js';
import { implement } from '../contract/implement.js';
import { AriError } from '../handler.js';
import { OPERATIONS } from '../operations/index.js';

const ops = OPERATIONS.asterisk;

const conflict = (message: string): AriError => new AriError(409, message, 'Conflict');
const notFound = (message: string): AriError => new AriError(404, message, 'Not Found');

/** A failed reload's answer, by outcome. */
const RELOAD_ERRORS: Readonly<Record<Exclude<ReloadOutcome, 'reloaded'>, () => AriError>> = {
  'not-found': () => notFound('Module not found in running modules'),
  'not-reloadable': () => conflict('Module does not support reloading'),
  'in-progress': () => conflict('Another reload is currently in progress'),
  failed: () => conflict('An unknown error occurred while reloading the module'),
};

export const asteriskModuleHandlers = {
  listModules: implement(ops.listModules, { handle: (_args, { core }) => modulesOf(core).list() }),

  getModule: implement(ops.getModule, {
    handle: ({ moduleName }, { core }) => {
      const found = modulesOf(core).get(moduleName);
      if (found === 'not-found') throw notFound('Module could not be found in running modules');
      if (found === 'name-mismatch') throw conflict('Module information could not be retrieved');
      return found.module;
    },
  }),

  loadModule: implement(ops.loadModule, {
    handle: ({ moduleName }, { core }) => {
      const outcome = modulesOf(core).load(moduleName);
      throw conflict(outcome === 'already-loaded' ? 'Module is already loaded' : 'Module load declined');
    },
  }),

  /** Every part is in use or built in: Asterisk's refusal of a soft unload (docs/modules.md). */
  unloadModule: implement(ops.unloadModule, {
    handle: ({ moduleName }, { core }) => {
      if (modulesOf(core).unload(moduleName) === 'not-found') throw notFound('Module not found in running modules');
      throw conflict('Module could not be unloaded');
    },
  }),

  reloadModule: implement(ops.reloadModule, {
    handle: async ({ moduleName }, { core }) => {
      const outcome = await modulesOf(core).reload(moduleName);
      if (outcome !== 'reloaded') throw RELOAD_ERRORS[outcome]();
    },
  }),
};
