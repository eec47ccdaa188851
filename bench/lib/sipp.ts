/**
 * sipp as a load generator for the SIP benchmarks: one process per step, bound to loopback, stdin closed, bounded
 * by a hard SIGKILL. Everything it writes (periodic statistics CSV, per-call response times, error log) goes to a
 * fresh temp folder and comes back parsed: the scenario is copied there too, since sipp names its -trace_rtt file
 * after the scenario file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { REPO_ROOT, type SipAddress } from './target.js';

export const BENCH_SCENARIOS = join(REPO_ROOT, 'bench', 'scenarios');

export interface SippLoadOptions {
  /** A file in bench/scenarios. */
  scenario: string;
  remote: SipAddress;
  /** -s: the R-URI user (the extension dialled). */
  service: string;
  /** -m: calls in all. */
  calls: number;
  /** -r: calls per second. */
  rate: number;
  /** -l: calls up at once. */
  limit: number;
  /** sipp's -mp: first local media port. */
  mediaPort?: number;
  vars?: Record<string, string>;
  keys?: Record<string, string>;
  /** Text replaced in the scenario copy: `[name]` → value (for attributes sipp does not expand, e.g. rtp_stream). */
  inline?: Record<string, string>;
  /** SIGKILL after this long (sipp's own -timeout is set 5 s earlier). */
  killAfterS: number;
  extraArgs?: string[];
}

/** One row of sipp's -trace_stat CSV, by header name. */
export type SippStatRow = Record<string, string>;

export interface SippLoadResult {
  code: number;
  /** Every periodic row (one a second with -fd 1), the last one holding the final cumulative counts. */
  rows: SippStatRow[];
  /** INVITE → 200 of each successful call (ms), from -trace_rtt. */
  setupMs: number[];
  /** The tail of sipp's -trace_err log and of its stderr. */
  errors: string;
  args: string[];
}

export interface SippLoad {
  readonly pid: number | undefined;
  /** The latest periodic statistics row so far (empty before the first). */
  latest(): SippStatRow;
  readonly done: Promise<SippLoadResult>;
  kill(): void;
}

let checked: boolean | undefined;
export function requireSipp(): void {
  checked ??= spawnSync('sipp', ['-v'], { stdio: 'ignore', timeout: 5000 }).error === undefined;
  if (!checked) throw new Error('sipp is not installed (Debian/Ubuntu: apt-get install sip-tester)');
}

/** A cumulative column such as `SuccessfulCall(C)` as a number (0 when absent). */
export function col(row: SippStatRow | undefined, name: string): number {
  const v = row?.[name];
  return v === undefined || v === '' ? 0 : Number(v);
}

function parseCsv(text: string): SippStatRow[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.split(';') ?? [];
  return lines.slice(1).map((line) => {
    const cells = line.split(';');
    const row: SippStatRow = {};
    header.forEach((h, i) => {
      if (h !== '') row[h] = cells[i] ?? '';
    });
    return row;
  });
}

const readOr = (path: string): string => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
};

/** -trace_rtt: `Date_ms;response_time_ms;rtd_no` (3.6) — the second column of each row. */
function parseRtt(dir: string): number[] {
  const file = readdirSync(dir).find((f) => f.endsWith('_rtt.csv'));
  if (!file) return [];
  const out: number[] = [];
  for (const line of readOr(join(dir, file)).split('\n').slice(1)) {
    const v = Number(line.split(';')[1]);
    if (line.trim() !== '' && Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** A UDP port free on `host` right now: sipp's -p (its default, 5060, may be taken by another test's sipp). */
function freeUdpPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind(0, host, () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Set BENCH_KEEP_SIPP=1 to keep sipp's folder (its path goes to stderr) for a look at the logs. */
const keepLogs = process.env.BENCH_KEEP_SIPP === '1';

export async function startSippLoad(opts: SippLoadOptions): Promise<SippLoad> {
  requireSipp();
  const localPort = await freeUdpPort(opts.remote.host);
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-sipp-'));
  const scenario = join(dir, basename(opts.scenario));
  let text = readFileSync(join(BENCH_SCENARIOS, opts.scenario), 'latin1');
  for (const [k, v] of Object.entries(opts.inline ?? {})) text = text.split(`[${k}]`).join(v);
  writeFileSync(scenario, text, 'latin1');
  const stats = join(dir, 'stats.csv');
  const errors = join(dir, 'errors.log');
  const host = opts.remote.host;
  const args = [
    '-sf', scenario,
    '-i', host,
    '-p', String(localPort),
    '-mi', host,
    '-mp', String(opts.mediaPort ?? 50000),
    '-t', 'u1',
    '-s', opts.service,
    '-m', String(opts.calls),
    '-r', String(opts.rate),
    '-l', String(opts.limit),
    '-timeout', `${Math.max(1, opts.killAfterS - 5)}s`,
    '-timeout_error',
    '-nostdin',
    '-max_socket', '65000',
    '-trace_stat', '-stf', stats, '-fd', '1',
    '-trace_rtt', '-rtt_freq', '1',
    '-trace_err', '-error_file', errors,
  ]; // prettier-ignore
  for (const [k, v] of Object.entries(opts.keys ?? {})) args.push('-key', k, v);
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push('-set', k, v);
  args.push(...(opts.extraArgs ?? []));
  args.push(host.includes(':') ? `[${host}]:${opts.remote.port}` : `${host}:${opts.remote.port}`);

  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('latin1').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const hardKill = setTimeout(() => child.kill('SIGKILL'), opts.killAfterS * 1000);
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const done = new Promise<SippLoadResult>((resolve) => {
    const finish = (code: number): void => {
      clearTimeout(hardKill);
      process.off('exit', killOnExit);
      const result: SippLoadResult = {
        code,
        rows: parseCsv(readOr(stats)),
        setupMs: parseRtt(dir),
        errors: (readOr(errors).slice(-3000) + '\n' + stderr).trim(),
        args,
      };
      if (keepLogs) process.stderr.write(`[bench] sipp logs kept in ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
      resolve(result);
    };
    child.once('error', (err) => {
      stderr += String(err);
      finish(-1);
    });
    child.once('close', (code, signal) => finish(code ?? (signal === 'SIGKILL' ? 137 : 128)));
  });

  return {
    pid: child.pid,
    latest: () => parseCsv(readOr(stats)).at(-1) ?? {},
    done,
    kill: () => void child.kill('SIGKILL'),
  };
}
