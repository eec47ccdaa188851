/**
 * `switchyard status`: one screen about a running server — version, entity id, uptime (worded as `core show uptime`
 * does), channels by state, bridges by type and the Stasis applications. Exit code 0 means the server answered.
 */
import type { Command } from 'commander';
import type { Bridge, Channel } from '../client/index.js';
import { runSubcommand, withConnectionOptions, type CliContext, type ConnectionOptions } from './connection.js';
import { formatTable, formatUptime, parseAriTimestamp } from './table.js';

const MS_PER_SECOND = 1000;

/** `3 (Up 2, Ring 1)`: a total and its breakdown, largest first. */
export function breakdown(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const parts = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} ${n}`);
  return parts.length === 0 ? '0' : `${values.length} (${parts.join(', ')})`;
}

export async function showStatus(ctx: CliContext, opts: { json?: boolean }): Promise<void> {
  const c = ctx.client;
  const [info, channels, bridges, apps] = await Promise.all([
    c.asterisk.getInfo(),
    c.channels.list(),
    c.bridges.list(),
    c.applications.list(),
  ]);
  if (opts.json) {
    return ctx.print(JSON.stringify({ info, channels: channels.length, bridges: bridges.length, apps }, null, 2));
  }
  const started = info.status ? parseAriTimestamp(info.status.startup_time) : NaN;
  const uptime = Number.isNaN(started) ? 'unknown' : formatUptime((Date.now() - started) / MS_PER_SECOND);
  const rows: string[][] = [
    // The system name is empty unless asterisk.conf sets `systemname` (Asterisk's default too).
    ['Server', `${info.system?.version ?? '?'}${info.config?.name ? ` on ${info.config.name}` : ''}`],
    ['Entity id', info.system?.entity_id ?? '?'],
    ['URL', ctx.url],
    ['Uptime', uptime],
    ['Channels', breakdown(channels.map((ch: Channel) => ch.state))],
    ['Bridges', breakdown(bridges.map((b: Bridge) => b.bridge_type))],
    ['Applications', apps.length === 0 ? '0' : `${apps.length} (${apps.map((a) => a.name).join(', ')})`],
  ];
  // No header line: a two-column sheet of facts.
  for (const line of formatTable(['', ''], rows).slice(1)) ctx.print(line);
}

export function registerStatus(program: Command): void {
  withConnectionOptions(program.command('status').description('show whether a running server answers, and its load'))
    .option('--json', 'print the figures as JSON')
    .action((opts: ConnectionOptions & { json?: boolean }) => runSubcommand(opts, (ctx) => showStatus(ctx, opts)));
}
