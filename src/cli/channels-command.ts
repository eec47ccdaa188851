/**
 * `switchyard channels`: the live channels as `asterisk -rx 'core show channels'` lists them (name, dialplan
 * location, state, application and its data), with the ARI id an app or `switchyard hangup` needs, and how long
 * each channel has existed; then the count. `--json` prints the ARI Channel list as is.
 */
import type { Command } from 'commander';
import type { Channel } from '../client/index.js';
import { runSubcommand, withConnectionOptions, type CliContext, type ConnectionOptions } from './connection.js';
import { formatDuration, formatTable, parseAriTimestamp, plural } from './table.js';

const MS_PER_SECOND = 1000;

/** `exten@context:priority`, as Asterisk's Location column shows it. */
function location(ch: Channel): string {
  const d = ch.dialplan;
  return d.context === '' && d.exten === '' ? '(None)' : `${d.exten}@${d.context}:${d.priority}`;
}

/** `App(data)`, `(None)` when no application runs. */
function application(ch: Channel): string {
  const d = ch.dialplan;
  return d.app_name === '' ? '(None)' : `${d.app_name}(${d.app_data})`;
}

function caller(ch: Channel): string {
  const { name, number } = ch.caller;
  if (name !== '' && number !== '') return `"${name}" <${number}>`;
  return number || name;
}

export function channelRows(channels: readonly Channel[], nowMs: number): string[][] {
  return channels.map((ch) => {
    const created = parseAriTimestamp(ch.creationtime);
    const age = Number.isNaN(created) ? '' : formatDuration((nowMs - created) / MS_PER_SECOND);
    return [ch.name, ch.id, location(ch), ch.state, application(ch), caller(ch), age];
  });
}

export async function showChannels(ctx: CliContext, opts: { json?: boolean }): Promise<void> {
  const channels = await ctx.client.channels.list();
  if (opts.json) return ctx.print(JSON.stringify(channels, null, 2));
  const sorted = [...channels].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const headers = ['Channel', 'Id', 'Location', 'State', 'Application(Data)', 'CallerID', 'Duration'];
  for (const line of formatTable(headers, channelRows(sorted, Date.now()))) ctx.print(line);
  ctx.print(plural(channels.length, 'active channel'));
}

export function registerChannels(program: Command): void {
  withConnectionOptions(program.command('channels').description('list the channels of a running server'))
    .option('--json', 'print the ARI Channel objects as JSON')
    .action((opts: ConnectionOptions & { json?: boolean }) => runSubcommand(opts, (ctx) => showChannels(ctx, opts)));
}
