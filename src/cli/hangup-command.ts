/**
 * `switchyard hangup <id>`: hang a channel up (DELETE /ari/channels/{id}), with a reason keyword (`--reason busy`)
 * or a Q.850 cause (`--cause 17`) as ARI takes them; normal clearing (16) by default.
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

/** The keyword is checked by the server (400 for an unknown one), so any text is passed on. */
type HangupReason = Parameters<CliContext['client']['channels']['hangup']>[0]['reason'];

export interface HangupOptions {
  readonly reason?: string;
  readonly cause?: string;
}

export async function hangup(ctx: CliContext, channelId: string, opts: HangupOptions): Promise<void> {
  if (opts.reason !== undefined && opts.cause !== undefined) throw new CliError('give --reason or --cause, not both');
  try {
    await ctx.client.channels.hangup({
      channelId,
      ...(opts.reason !== undefined && { reason: opts.reason as HangupReason }),
      ...(opts.cause !== undefined && { reason_code: opts.cause }),
    });
  } catch (err) {
    if (err instanceof AriClientError && err.status === 404) throw new CliError(`no channel "${channelId}"`);
    if (err instanceof AriClientError && err.status === 400) throw new CliError(`cannot hang up: ${err.message}`);
    throw err;
  }
  ctx.print(`Hangup requested for ${channelId}`);
}

export function registerHangup(program: Command): void {
  withConnectionOptions(
    program
      .command('hangup')
      .description('hang up a channel of a running server')
      .argument('<id>', 'channel id (or name) as `switchyard channels` shows it'),
  )
    .option('-r, --reason <keyword>', 'normal, busy, congestion, no_answer, answered_elsewhere, ...')
    .option('--cause <code>', 'Q.850 cause code instead of a keyword (e.g. 17)')
    .action((id: string, opts: ConnectionOptions & HangupOptions) =>
      runSubcommand(opts, (ctx) => hangup(ctx, id, opts)),
    );
}
