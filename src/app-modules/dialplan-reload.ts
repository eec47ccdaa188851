/**
 * `pbx_config.so` reload: extensions.conf is read again and its contexts replace the ones the previous read
 * made, in the dialplan the PBX is running, in one step (no call ever sees half a dialplan).
 *
 * As in Asterisk 22 (pbx_config.c reload, then the context merge): contexts made at run time (a Stasis app's
 * `stasis-<app>` context) are kept; `[globals]` are set again, and all globals are cleared first only when the
 * file read before said `clearglobalvars=yes`. Calls in progress are not touched: a channel inside an
 * application stays there, and its next priority is looked up in the new dialplan, as Asterisk's PBX looks
 * each priority up when it gets to it. A file that cannot be read (or is gone) fails the reload and leaves
 * the dialplan as it was (Asterisk's reload fails the same way when extensions.conf cannot be loaded).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { astTrue } from '../config/ari-config.js';
import type { ConfError, ConfFile } from '../config/conf-types.js';
import { loadConfig } from '../config/load-config.js';
import type { Core } from '../core/core.js';
import type { Dialplan } from '../dialplan/dialplan.js';
import { loadExtensions } from '../dialplan/extensions-loader.js';

export interface DialplanReloadLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

const EXTENSIONS_CONF = 'extensions.conf';

/** `[general] clearglobalvars` of an extensions.conf. */
function clearsGlobals(conf: ConfFile): boolean {
  let clears = false;
  for (const s of conf.sections) {
    if (s.isTemplate || s.name.toLowerCase() !== 'general') continue;
    for (const e of s.entries) if (e.key.toLowerCase() === 'clearglobalvars') clears = astTrue(e.value);
  }
  return clears;
}

/** Replace the contexts named in `previous` by those of `fresh`, copying every priority, label and include. */
export function replaceFileContexts(target: Dialplan, fresh: Dialplan, previous: Iterable<string>): Set<string> {
  for (const name of previous) target.removeContext(name);
  for (const [name, context] of fresh.contexts) {
    target.addContext(name);
    for (const [exten, extension] of context.extensions) {
      for (const p of extension.priorities.values()) {
        target.addPriority(name, exten, p.priority, p.app, p.appData, p.label, { file: p.file, line: p.line });
      }
    }
  }
  for (const [name, included] of fresh.includes) for (const to of included) target.addInclude(name, to);
  return new Set(fresh.contexts.keys());
}

/**
 * The reload hook of pbx_config.so: `dialplan` is the PBX's live dialplan, built from `initial` (the
 * extensions.conf read at start from `configDir`) and holding nothing else yet.
 */
export function dialplanReloader(
  core: Core,
  dialplan: Dialplan,
  configDir: string,
  initial: ConfFile,
  log: DialplanReloadLogger,
): () => void {
  let fileContexts = new Set(dialplan.contexts.keys());
  let clearGlobals = clearsGlobals(initial);
  return () => {
    if (!existsSync(join(configDir, EXTENSIONS_CONF))) {
      log.warn({ file: EXTENSIONS_CONF, dir: configDir }, 'pbx_config reload: file not found, dialplan kept');
      throw new Error(`${EXTENSIONS_CONF} not found`);
    }
    const conf = loadConfig(configDir).extensions;
    const loaded = loadExtensions(conf);
    const errors: ConfError[] = [...conf.errors, ...loaded.errors];
    for (const e of errors) log.warn({ file: e.file, line: e.line }, e.message);
    if (clearGlobals) core.variables.globals.clear();
    for (const [name, value] of loaded.globals) core.variables.globals.set(name, value);
    fileContexts = replaceFileContexts(dialplan, loaded.dialplan, fileContexts);
    clearGlobals = clearsGlobals(conf);
    log.info({ contexts: fileContexts.size }, 'pbx_config reloaded extensions.conf');
  };
}
