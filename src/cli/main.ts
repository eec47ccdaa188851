#!/usr/bin/env node
import { Command } from 'commander';
import { pino } from 'pino';
import { CLI_VERSION } from './version.js';
import { registerApps } from './apps-command.js';
import { registerChannels } from './channels-command.js';
import { registerHangup } from './hangup-command.js';
import { registerReload } from './reload-command.js';
import { registerStatus } from './status-command.js';
import { PLACEMENT_POLICIES } from '../core/media/worker-placement.js';
import { MEDIA_SCHEDULING } from '../core/media/worker-scheduling.js';

/** A graceful shutdown that has not finished by then is cut short (supervisors send SIGKILL soon after). */
const SHUTDOWN_DEADLINE_MS = 4_500;

/**
 * `switchyard [start] [--config-dir DIR]`: argv → config → app.start(). The other subcommands talk to a running
 * server over ARI (status, channels, apps, reload, hangup).
 */
interface StartOptions {
  configDir?: string;
  logLevel: string;
  mediaWorkers?: string;
  mediaPlacement?: string;
  mediaScheduling?: string;
}

const program = new Command()
  .name('switchyard')
  .description('A telephony server that speaks the Asterisk REST Interface')
  .version(CLI_VERSION);

program
  .command('start', { isDefault: true })
  .description('run the server (ARI on http.conf bindaddr:bindport, 127.0.0.1:8088 by default)')
  .option('-c, --config-dir <dir>', 'folder with ari.conf, http.conf, extensions.conf (default: embedded config)')
  .option('-l, --log-level <level>', 'pino log level', 'info')
  .option('--media-workers <n>', 'media worker threads (default: one per core; 0 = media in the main thread)')
  .option('--media-placement <policy>', 'new channels: pack (fill a worker up to 60 % busy, default) or spread')
  .option('--media-scheduling <policy>', 'media threads: normal (woken at once, default) or batch (SCHED_BATCH)')
  .action(async (opts: StartOptions) => {
    if (opts.logLevel !== 'silent' && !(opts.logLevel in pino.levels.values)) {
      process.stderr.write(`switchyard: --log-level ${opts.logLevel}: expected one of ${Object.keys(pino.levels.values).join(', ')}, silent\n`); // prettier-ignore
      process.exit(1);
    }
    const logger = pino({ name: 'switchyard', level: opts.logLevel });
    const mediaWorkers = opts.mediaWorkers === undefined ? undefined : Number(opts.mediaWorkers);
    if (mediaWorkers !== undefined && !(Number.isInteger(mediaWorkers) && mediaWorkers >= 0)) {
      logger.fatal(`--media-workers ${opts.mediaWorkers}: expected a whole number, 0 or more`);
      process.exit(1);
    }
    const mediaPlacement = PLACEMENT_POLICIES.find((p) => p === (opts.mediaPlacement ?? 'pack'));
    if (mediaPlacement === undefined) {
      logger.fatal(`--media-placement ${opts.mediaPlacement}: expected ${PLACEMENT_POLICIES.join(' or ')}`);
      process.exit(1);
    }
    const mediaScheduling = MEDIA_SCHEDULING.find((p) => p === (opts.mediaScheduling ?? 'normal'));
    if (mediaScheduling === undefined) {
      logger.fatal(`--media-scheduling ${opts.mediaScheduling}: expected ${MEDIA_SCHEDULING.join(' or ')}`);
      process.exit(1);
    }
    let app;
    try {
      // Loaded here, not at the top: the operator subcommands need only the ARI client.
      const { startApp } = await import('../app.js');
      app = await startApp({
        configDir: opts.configDir,
        logger,
        ...(mediaWorkers === undefined ? {} : { mediaWorkers }),
        mediaPlacement,
        mediaScheduling,
      });
    } catch (err) {
      logger.fatal({ err }, 'cannot start');
      process.exit(1);
    }
    // The first signal starts a graceful shutdown (app-shutdown.ts); a second one, or a shutdown that outlasts
    // SHUTDOWN_DEADLINE_MS, ends the process at once.
    let isStopping = false;
    const stop = (signal: string): void => {
      if (isStopping) {
        logger.warn({ signal }, 'second signal during shutdown: exiting now');
        process.exit(1);
      }
      isStopping = true;
      logger.info({ signal }, 'shutting down: refusing new calls, hanging up channels');
      setTimeout(() => {
        logger.warn({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long: exiting now');
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS).unref();
      app.shutdown().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

registerStatus(program);
registerChannels(program);
registerApps(program);
registerReload(program);
registerHangup(program);

await program.parseAsync(process.argv);
