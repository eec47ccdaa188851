/**
 * `switchyard reload [module]`: ask a running server to reload one module (PUT /ari/asterisk/modules/{module}), or
 * every running module that supports it when none is named (what `core reload` does in Asterisk; ARI has no single
 * call for it, so the modules are listed and reloaded one by one). A server without module reload answers 501;
 * that is reported plainly, and nothing else is attempted.
 */
import type { Command } from 'commander';
import { AriClientError } from '../client/index.js';
import {
  CliError,
  runSubcommand,
  withConnectionOptions,
  type CliContext,
  type ConnectionOptions,
} from './connection.js';

const NOT_IMPLEMENTED = 501;
/** resource_asterisk.c's 409 text for a module without a reload callback (left out of a reload of everything). */
const NOT_RELOADABLE = /does not support reloading/i;

function notAvailable(what: string): CliError {
  return new CliError(
    `reload is not available yet: this server does not implement ${what} (it answered 501 Not Implemented); ` +
      'restart it to apply configuration changes',
  );
}

/** The failure of one module's reload as the operator should read it; undefined for "does not support it". */
function reloadFailure(moduleName: string, err: unknown, isPartOfAll: boolean): Error | undefined {
  if (!(err instanceof AriClientError)) return err instanceof Error ? err : new Error(String(err));
  if (err.status === NOT_IMPLEMENTED) return notAvailable(`PUT /ari/asterisk/modules/${moduleName}`);
  if (err.status === 404) return new CliError(`module "${moduleName}" is not loaded`);
  if (err.status === 409 && isPartOfAll && NOT_RELOADABLE.test(err.message)) return undefined;
  if (err.status === 409) return new CliError(`cannot reload module "${moduleName}": ${err.message}`);
  return err;
}

async function reloadOne(ctx: CliContext, moduleName: string): Promise<void> {
  try {
    await ctx.client.asterisk.reloadModule({ moduleName });
  } catch (err) {
    throw reloadFailure(moduleName, err, false) ?? err;
  }
  ctx.print(`Module ${moduleName} reloaded`);
}

async function reloadAll(ctx: CliContext): Promise<void> {
  let modules;
  try {
    modules = await ctx.client.asterisk.listModules();
  } catch (err) {
    if (err instanceof AriClientError && err.status === NOT_IMPLEMENTED)
      throw notAvailable('GET /ari/asterisk/modules');
    throw err;
  }
  let reloaded = 0;
  let skipped = 0;
  const failures: string[] = [];
  for (const m of modules.filter((x) => x.status === 'Running')) {
    try {
      await ctx.client.asterisk.reloadModule({ moduleName: m.name });
      ctx.print(`Module ${m.name} reloaded`);
      reloaded++;
    } catch (err) {
      const failure = reloadFailure(m.name, err, true);
      if (failure === undefined) skipped++;
      else if (err instanceof AriClientError && err.status === NOT_IMPLEMENTED) throw failure;
      else failures.push(failure.message);
    }
  }
  ctx.print(`${reloaded} modules reloaded, ${skipped} without a reload`);
  if (failures.length > 0) throw new CliError(failures.join('; '));
}

export async function reload(ctx: CliContext, moduleName: string | undefined): Promise<void> {
  return moduleName === undefined ? reloadAll(ctx) : reloadOne(ctx, moduleName);
}

export function registerReload(program: Command): void {
  withConnectionOptions(
    program
      .command('reload')
      .description('reload a module of a running server (or every module that can be)')
      .argument('[module]', 'module name, e.g. res_pjsip.so'),
  ).action((moduleName: string | undefined, opts: ConnectionOptions) =>
    runSubcommand(opts, (ctx) => reload(ctx, moduleName)),
  );
}
