/**
 * `switchyard apps`: the registered Stasis applications (`ari show apps` in Asterisk lists only their names), with
 * what each is subscribed to; "all" stands for a subscribeAll subscription to every object of a kind.
 */
import type { Command } from 'commander';
import type { Application } from '../client/index.js';
import { runSubcommand, withConnectionOptions, type CliContext, type ConnectionOptions } from './connection.js';
import { formatTable, plural } from './table.js';

/** The ids Asterisk lists for a subscription to every channel, bridge, endpoint or device state. */
const ALL_TOPICS = new Set([
  '__AST_CHANNEL_ALL_TOPIC',
  '__AST_BRIDGE_ALL_TOPIC',
  '__AST_ENDPOINT_ALL_TOPIC',
  '__AST_DEVICE_STATE_ALL_TOPIC',
]);

/** `3`, or `all` (plus the named ones) when the app takes every object of the kind. */
function subscriptions(ids: readonly string[]): string {
  const named = ids.filter((id) => !ALL_TOPICS.has(id)).length;
  if (named === ids.length) return String(named);
  return named === 0 ? 'all' : `all+${named}`;
}

function filter(app: Application): string {
  const allowed = app.events_allowed.length;
  const disallowed = app.events_disallowed.length;
  if (allowed === 0 && disallowed === 0) return '-';
  return [allowed > 0 && `${allowed} allowed`, disallowed > 0 && `${disallowed} disallowed`].filter(Boolean).join(', ');
}

export function appRows(apps: readonly Application[]): string[][] {
  return apps.map((a) => [
    a.name,
    subscriptions(a.channel_ids),
    subscriptions(a.bridge_ids),
    subscriptions(a.endpoint_ids),
    subscriptions(a.device_names),
    filter(a),
  ]);
}

export async function showApps(ctx: CliContext, opts: { json?: boolean }): Promise<void> {
  const apps = await ctx.client.applications.list();
  if (opts.json) return ctx.print(JSON.stringify(apps, null, 2));
  const headers = ['Application', 'Channel subs', 'Bridge subs', 'Endpoint subs', 'Device subs', 'Event filter'];
  for (const line of formatTable(headers, appRows(apps))) ctx.print(line);
  ctx.print(plural(apps.length, 'registered application'));
}

export function registerApps(program: Command): void {
  withConnectionOptions(program.command('apps').description('list the Stasis applications of a running server'))
    .option('--json', 'print the ARI Application objects as JSON')
    .action((opts: ConnectionOptions & { json?: boolean }) => runSubcommand(opts, (ctx) => showApps(ctx, opts)));
}
