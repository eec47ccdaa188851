/**
 * The server a macro benchmark measures: `--target http://127.0.0.1:PORT` (Switchyard or Asterisk), or, without
 * it, a Switchyard started here in its own child process so that the load client does not share its event loop.
 * Only loopback targets are accepted: these benchmarks send thousands of requests a second.
 */
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { note, nowMs } from './stats.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The options every macro benchmark takes; merge them into the benchmark's own. */
export const TARGET_OPTIONS = {
  target: { type: 'string' },
  user: { type: 'string', default: 'asterisk' },
  password: { type: 'string', default: 'asterisk' },
  /** For an external target: the server's pid, so that its RSS and CPU can be read from /proc. */
  pid: { type: 'string' },
  /** For an external target: its SIP UDP listener, `127.0.0.1:5060` (SIP benchmarks only). */
  sip: { type: 'string' },
  'server-log-level': { type: 'string', default: 'warn' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export interface TargetArgs {
  target?: string | undefined;
  user: string;
  password: string;
  pid?: string | undefined;
  sip?: string | undefined;
  'server-log-level': string;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type BenchValues<O extends Options> = ReturnType<
  typeof parseArgs<{ options: typeof TARGET_OPTIONS & O; strict: true; allowPositionals: false }>
>['values'];

/** parseArgs over process.argv with TARGET_OPTIONS plus the benchmark's own options; exits on --help. */
export function parseBenchArgs<O extends Options>(options: O, usage: string): BenchValues<O> {
  const all = { ...TARGET_OPTIONS, ...options };
  const { values } = parseArgs({ args: process.argv.slice(2), options: all, strict: true, allowPositionals: false });
  if ((values as { help?: boolean }).help) {
    process.stderr.write(usage.trim() + '\n' + TARGET_USAGE);
    process.exit(0);
  }
  return values;
}

const TARGET_USAGE = `
  --target URL        measure this server (http://127.0.0.1:PORT or http://[::1]:PORT; ARI at URL/ari);
                      without it, Switchyard is built if needed and started in a child process
  --user U            ARI user (default asterisk)
  --password P        ARI password (default asterisk)
  --pid N             with --target: the server's pid, to report its RSS and CPU from /proc
  --sip HOST:PORT     with --target: the server's SIP/UDP listener (SIP benchmarks; default 127.0.0.1:5060)
  --server-log-level  log level of the Switchyard child (default warn)
`;

/** Refuse anything but plain HTTP to 127.0.0.1 or ::1; returns `http://host:port` without a trailing slash. */
export function loopbackBase(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--target ${raw}: not a URL`);
  }
  if (url.protocol !== 'http:') throw new Error(`--target ${raw}: only http:// is supported`);
  if (url.hostname !== '127.0.0.1' && url.hostname !== '[::1]') {
    throw new Error(`--target ${raw}: refusing a non-loopback address (only 127.0.0.1 or [::1] are allowed)`);
  }
  if (url.username || url.password) throw new Error(`--target ${raw}: pass credentials with --user/--password`);
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new Error(`--target ${raw}: give the server's base (http://host:port); ARI is assumed at <target>/ari`);
  }
  return `http://${url.host}`;
}

/** `--sip 127.0.0.1:5060` → host and port; loopback only, like --target. */
export function loopbackSip(raw: string): SipAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(raw);
  if (!m) throw new Error(`--sip ${raw}: expected host:port`);
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (host !== '127.0.0.1' && host !== '::1') {
    throw new Error(`--sip ${raw}: refusing a non-loopback address (only 127.0.0.1 or [::1] are allowed)`);
  }
  if (!(port > 0 && port < 65536)) throw new Error(`--sip ${raw}: bad port`);
  return { host, port };
}

export interface SipAddress {
  readonly host: string;
  readonly port: number;
}

/** What /proc says about a process: resident memory and CPU time (user + system) so far. */
export interface ProcessSample {
  readonly rssMb: number;
  readonly cpuMs: number;
  readonly atMs: number;
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100; // USER_HZ on every Linux this runs on
    }
  }
  return clockTicks;
}

/** VmRSS from /proc/<pid>/status and utime+stime from /proc/<pid>/stat; null when unreadable (gone, not Linux). */
export function sampleProcess(pid: number): ProcessSample | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // proc(5): fields after "(comm)" start at field 3 (state); utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    if (!rss || !Number.isFinite(ticks)) return null;
    return { rssMb: Number(rss[1]) / 1024, cpuMs: (ticks * 1000) / ticksPerSecond(), atMs: nowMs() };
  } catch {
    return null;
  }
}

/** This process (the load client) — to tell when a figure is bounded by the client rather than the server. */
export function clientSample(): ProcessSample {
  const { user, system } = process.cpuUsage();
  return { rssMb: process.memoryUsage.rss() / 2 ** 20, cpuMs: (user + system) / 1000, atMs: nowMs() };
}

/** CPU time all processes on the machine have used so far (/proc/stat, every core summed); null off Linux. */
export function machineBusyMs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // proc(5): cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const ticks = user! + nice! + system! + irq! + softirq! + steal!;
    return Number.isFinite(ticks) ? (ticks * 1000) / ticksPerSecond() : null;
  } catch {
    return null;
  }
}

/**
 * CPU used by everything else on the machine (other builds, tests) while a measurement ran, in percent of one
 * core: the machine's busy time minus the server's and this client's. High values make the figures suspect.
 */
export class OtherLoad {
  readonly #machine = machineBusyMs();
  readonly #server: ProcessSample | null;
  readonly #client = clientSample();

  constructor(private readonly target: Target) {
    this.#server = target.sample();
  }

  percent(): number | null {
    const machine = machineBusyMs();
    const client = clientSample();
    if (this.#machine === null || machine === null) return null;
    let ours = client.cpuMs - this.#client.cpuMs;
    const server = this.target.sample();
    if (this.#server && server) ours += server.cpuMs - this.#server.cpuMs;
    return Math.max(0, ((machine - this.#machine - ours) / (client.atMs - this.#client.atMs)) * 100);
  }
}

/** CPU used between two samples, in percent of one core. */
export function cpuPercent(from: ProcessSample | null, to: ProcessSample | null): number | null {
  if (!from || !to || to.atMs <= from.atMs) return null;
  return ((to.cpuMs - from.cpuMs) / (to.atMs - from.atMs)) * 100;
}

export interface Target {
  /** http://host:port */
  readonly base: string;
  /** http://host:port/ari */
  readonly ariBase: string;
  readonly user: string;
  readonly password: string;
  /** `Basic base64(user:password)` */
  readonly authorization: string;
  /** The server's pid when it is our child (or given with --pid); undefined = no RSS/CPU figures. */
  readonly pid: number | undefined;
  readonly isOwnServer: boolean;
  /** Where to send SIP: --sip (default 127.0.0.1:5060) for an external target, our child's UDP listener otherwise. */
  readonly sip: SipAddress;
  sample(): ProcessSample | null;
  close(): Promise<void>;
}

/**
 * What a benchmark adds to the config of the Switchyard it starts. The child always gets a pjsip.conf (one UDP
 * transport on 127.0.0.1 and a free port; the `anonymous` endpoint, G.711, that puts every call into context
 * `bench`) and an rtp.conf (ports 20000–40000, room for 5 000 calls). `dialplan` is the body of `[bench]`.
 */
export interface BenchServerConfig {
  dialplan?: string;
  /** More files for the config folder, by name (e.g. an `asterisk.conf` pointing astdatadir at generated sounds). */
  files?: Readonly<Record<string, string>>;
  /** More command-line arguments for the server (e.g. `--media-workers 2`). */
  serverArgs?: readonly string[];
}

/** Open the target named by the arguments, or start our own Switchyard; resolves once /ari/asterisk/ping answers. */
export async function openTarget(args: TargetArgs, config: BenchServerConfig = {}): Promise<Target> {
  const authorization = 'Basic ' + Buffer.from(`${args.user}:${args.password}`).toString('base64');
  if (args.target !== undefined) {
    const base = loopbackBase(args.target);
    const sip = loopbackSip(args.sip ?? '127.0.0.1:5060');
    const pid = args.pid === undefined ? undefined : Number(args.pid);
    if (pid !== undefined && !Number.isInteger(pid)) throw new Error(`--pid ${args.pid}: not a pid`);
    if (!(await waitForPing(base, authorization, 5_000, () => undefined))) {
      throw new Error(`${base}/ari/asterisk/ping does not answer 200 (is the server up, are the credentials right?)`);
    }
    return makeTarget(base, args, authorization, pid, sip, async () => {});
  }
  if (args.sip !== undefined) throw new Error('--sip is for an external --target; our own server picks its port');
  return startOwnServer(args, authorization, config);
}

function makeTarget(
  base: string,
  args: TargetArgs,
  authorization: string,
  pid: number | undefined,
  sip: SipAddress,
  close: () => Promise<void>,
): Target {
  return {
    base,
    ariBase: `${base}/ari`,
    user: args.user,
    password: args.password,
    authorization,
    pid,
    isOwnServer: args.target === undefined,
    sip,
    sample: () => (pid === undefined ? null : sampleProcess(pid)),
    close,
  };
}

function newestMtimeMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `npm run build` when dist/cli/main.js is missing or older than anything under src/. */
function buildIfStale(): string {
  const main = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  const srcNewest = Math.max(
    newestMtimeMs(join(REPO_ROOT, 'src')),
    statSync(join(REPO_ROOT, 'tsconfig.build.json')).mtimeMs,
  );
  if (existsSync(main) && statSync(main).mtimeMs >= srcNewest) return main;
  note('building Switchyard (npm run build)');
  // npm's output goes to stderr: stdout carries only the JSON lines.
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: ['ignore', 2, 'inherit'] });
  if (r.status !== 0 || !existsSync(main)) {
    // tsc emits even when it reports errors: mark the output stale so that the next run builds again.
    if (existsSync(main)) utimesSync(main, 0, 0);
    throw new Error(`npm run build failed (exit ${r.status ?? r.signal})`);
  }
  return main;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** A UDP port free on 127.0.0.1 right now. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function pjsipConf(sipPort: number): string {
  return `; written by bench/lib/target.ts
[transport-udp]
type = transport
protocol = udp
bind = 127.0.0.1:${sipPort}

[anonymous]
type = endpoint
context = bench
disallow = all
allow = ulaw,alaw
direct_media = no
`;
}

/** HTTP connections our server takes in a benchmark (media WebSockets, one per call, count). */
const BENCH_SESSION_LIMIT = 20_000;

const RTP_CONF = '[general]\nrtpstart = 20000\nrtpend = 40000\n';

/**
 * A config folder: our http.conf (loopback, the given port), pjsip.conf and rtp.conf, ari.conf from config/, and
 * config/extensions.conf with a `[bench]` context appended.
 */
function writeConfigDir(port: number, sipPort: number, config: BenchServerConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  writeFileSync(
    join(dir, 'http.conf'),
    `[general]\nenabled = yes\nbindaddr = 127.0.0.1\nbindport = ${port}\nsessionlimit = ${BENCH_SESSION_LIMIT}\n`,
  );
  for (const name of ['ari.conf', 'extensions.conf']) {
    const from = join(REPO_ROOT, 'config', name);
    if (!existsSync(from)) throw new Error(`${from} is missing: the server's default config is not written yet`);
    copyFileSync(from, join(dir, name));
  }
  writeFileSync(join(dir, 'pjsip.conf'), pjsipConf(sipPort));
  writeFileSync(join(dir, 'rtp.conf'), RTP_CONF);
  appendFileSync(
    join(dir, 'extensions.conf'),
    `\n[bench]\n${config.dialplan ?? 'exten => echo,1,Answer()\n same => n,Echo()'}\n`,
  );
  for (const [name, text] of Object.entries(config.files ?? {})) writeFileSync(join(dir, name), text);
  return dir;
}

async function startOwnServer(args: TargetArgs, authorization: string, config: BenchServerConfig): Promise<Target> {
  const main = buildIfStale();
  const port = await freePort();
  const sipPort = await freeUdpPort();
  const dir = writeConfigDir(port, sipPort, config);
  const base = `http://127.0.0.1:${port}`;
  // Extra Node options for the server process, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile it (workers too).
  const nodeArgs = (process.env['SWITCHYARD_BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a !== '');
  const serverArgs = [
    ...nodeArgs,
    main,
    '--config-dir',
    dir,
    '--log-level',
    args['server-log-level'],
    ...(config.serverArgs ?? []),
  ];
  // A session of its own (setsid), as a server started by an operator or a service manager has, and as the
  // Asterisk measured beside it runs: with the kernel's autogroup scheduling a session is one scheduling group, so
  // the server's threads compete with the load generator as one process against another, not thread by thread.
  const child = spawn(process.execPath, serverArgs, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // Keep the last few KB of the server's output to explain a failed start; the rest goes nowhere.
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  // A benchmark stopped by a signal takes its server with it (in its own session, a terminal's Ctrl-C reaches only
  // the benchmark).
  const onSignal = (): void => process.exit(130);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exit ${code ?? signal}`));
  const cleanUp = async (): Promise<void> => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopChild(child, dir);
    process.off('exit', killOnExit);
  };
  if (!(await waitForPing(base, authorization, 30_000, () => exited))) {
    await cleanUp();
    throw new Error(`Switchyard did not answer ${base}/ari/asterisk/ping (${exited ?? 'timeout'}):\n${tail}`);
  }
  note(`started Switchyard pid ${child.pid} on ${base}`);
  return makeTarget(base, args, authorization, child.pid, { host: '127.0.0.1', port: sipPort }, async () => {
    if (exited !== undefined) note(`Switchyard exited during the run (${exited})`);
    // Warnings and errors the server logged under load belong in the report.
    if (tail.trim()) note(`Switchyard's last output (log level ${args['server-log-level']}):\n${tail.trimEnd()}`);
    await cleanUp();
  });
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}

function ping(base: string, authorization: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${base}/ari/asterisk/ping`, { headers: { authorization }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.setTimeout(2_000, () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Poll the ping every 100 ms; false on timeout or when `gone()` reports the process ended. */
async function waitForPing(
  base: string,
  authorization: string,
  timeoutMs: number,
  gone: () => string | undefined,
): Promise<boolean> {
  const until = nowMs() + timeoutMs;
  while (nowMs() < until && gone() === undefined) {
    if (await ping(base, authorization)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
