/**
 * How the operator subcommands (`status`, `channels`, `apps`, `reload`, `hangup`) reach a running server: over ARI,
 * at `--url` (default: http.conf of `--config-dir`, or the embedded one: http://127.0.0.1:8088), as `--user` /
 * `--password` (default asterisk / asterisk, the embedded ari.conf user; SWITCHYARD_ARI_USER and
 * SWITCHYARD_ARI_PASSWORD keep a password off the command line). Every failure becomes one readable line on
 * stderr and exit code 1.
 */
import type { Command } from 'commander';
import { AriClientError, createAriClient, type AriClient } from '../client/index.js';
import { loadConfig } from '../config/load-config.js';

export interface ConnectionOptions {
  readonly url?: string;
  readonly user?: string;
  readonly password?: string;
  readonly configDir?: string;
}

/** What a subcommand runs with: the client, where it points, and where to print. */
export interface CliContext {
  readonly client: AriClient;
  readonly url: string;
  readonly user: string;
  readonly print: (line: string) => void;
}

/** A failure to report as is (no stack): `switchyard: <message>`. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

const DEFAULT_USER = 'asterisk';
const DEFAULT_PASSWORD = 'asterisk';
const EXIT_FAILURE = 1;

/** Adds --url, --user, --password and --config-dir to a subcommand. */
export function withConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'server URL with any http.conf prefix (default: from http.conf, http://127.0.0.1:8088)')
    .option('-u, --user <user>', `ari.conf user (default: $SWITCHYARD_ARI_USER or ${DEFAULT_USER})`)
    .option('-p, --password <password>', 'its password (default: $SWITCHYARD_ARI_PASSWORD or asterisk)')
    .option('-c, --config-dir <dir>', 'read the default URL from this folder’s http.conf');
}

/** `http://host:port/prefix` of an http.conf; a wildcard bind address is reached on loopback. */
export function serverUrl(configDir: string | undefined): string {
  const http = loadConfig(configDir).http;
  let host = http.bindaddr;
  if (host === '0.0.0.0' || host === '') host = '127.0.0.1';
  if (host === '::') host = '::1';
  if (host.includes(':')) host = `[${host}]`;
  return `http://${host}:${http.bindport}${http.prefix}`;
}

export function connect(opts: ConnectionOptions, print: (line: string) => void): CliContext {
  const url = (opts.url ?? serverUrl(opts.configDir)).replace(/\/+$/, '');
  const user = opts.user ?? process.env.SWITCHYARD_ARI_USER ?? DEFAULT_USER;
  const password = opts.password ?? process.env.SWITCHYARD_ARI_PASSWORD ?? DEFAULT_PASSWORD;
  return { client: createAriClient({ url, username: user, password }), url, user, print };
}

/** One line saying what went wrong, for any error a subcommand can meet. */
export function describeError(err: unknown, ctx: { url: string; user: string } | undefined): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof AriClientError) {
    if (err.status === 401) {
      return (
        `authentication failed for user "${ctx?.user ?? '?'}" ` +
        '(use --user/--password or SWITCHYARD_ARI_USER/SWITCHYARD_ARI_PASSWORD)'
      );
    }
    if (err.status === 403) return `user "${ctx?.user ?? '?'}" is read-only and may not do this`;
    return `the server answered ${err.status}: ${err.message}`;
  }
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : undefined;
  const code = cause && 'code' in cause ? String(cause.code) : undefined;
  const where = `cannot reach Switchyard at ${ctx?.url ?? '?'}`;
  if (code === 'ECONNREFUSED') return `${where}: connection refused (is it running? see --url)`;
  if (code === 'ERR_INVALID_URL') return `--url ${ctx?.url ?? '?'} is not a URL (e.g. http://127.0.0.1:8088)`;
  if (code !== undefined) return `${where}: ${code}`;
  if (cause !== undefined) return `${where}: ${cause.message}`; // undici's own refusals ("bad port")
  if (err instanceof TypeError && err.message === 'fetch failed') return where;
  return err instanceof Error ? err.message : String(err);
}

/** Run a subcommand: failures print `switchyard: <why>` on stderr and set exit code 1. */
export async function runSubcommand(
  opts: ConnectionOptions,
  action: (ctx: CliContext) => Promise<void>,
): Promise<void> {
  let ctx: CliContext | undefined;
  try {
    ctx = connect(opts, (line) => process.stdout.write(line + '\n'));
    await action(ctx);
  } catch (err) {
    process.stderr.write(`switchyard: ${describeError(err, ctx)}\n`);
    process.exitCode = EXIT_FAILURE;
  }
}
