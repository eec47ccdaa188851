/*
 * Drive the real sipp (Debian `sip-tester`, 3.6.x) from tests: one foreground process per run with stdin closed
 * (`-nostdin`), bounded by sipp's own `-timeout` plus a hard SIGKILL 5 s later, bound to loopback only. The message
 * log (`-trace_msg`), error log (`-trace_err`) and statistics CSV (`-trace_stat`) go to a fresh temp folder and come
 * back in the result, so tests can assert on what went on the wire.
 *
 * Scenario keys the harness always supplies (override through `keys`):
 *   [pcap]      audio for `play_pcap_audio` — a generated 1 s 440 Hz PCMU tone
 *   [sdp_port]  the media port this sipp binds (-mp), for scenarios that write their SDP port as a key
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeUlawPcap } from './pcap.js';

export const SCENARIO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../sipp/scenarios');

export interface SippOptions {
  /** A file in test/sipp/scenarios (`'uac-call.xml'` or `'uac-call'`), any absolute path, or a built-in (`'uac'`). */
  scenario: string;
  /** `host:port` of the peer; 127.0.0.1 or [::1] only. Optional for a UAS that only answers. */
  remote?: string;
  /** sipp's -p; 0 or absent = a free UDP port picked here. */
  localPort?: number;
  /** sipp's -mp; 0 or absent = a free even port (sipp also binds mp+2). */
  mediaPort?: number;
  /** -s: the R-URI user. */
  service?: string;
  /** -m: calls before sipp exits (default 1). */
  calls?: number;
  /** -r: calls per second. */
  rate?: number;
  /** -rate_max. */
  rateMax?: number;
  /** -l: concurrent calls. */
  concurrency?: number;
  /** -timeout in seconds (default 30) with -timeout_error; the process is SIGKILLed timeoutS + 5 s after start. */
  timeoutS?: number;
  /** -set name value: scenario globals, e.g. `{ hangup: 'uas', holdms: '500' }`. */
  vars?: Record<string, string>;
  /** -key name value: keywords usable as [name] in messages and in `play_pcap_audio="[name]"`. */
  keys?: Record<string, string>;
  /** -au / -ap for `[authentication]`. */
  authUser?: string;
  authPass?: string;
  /** -inf: an injection CSV file. */
  injectionCsv?: string;
  extraArgs?: string[];
  /** -t (default u1). */
  transport?: 'u1' | 'un' | 't1';
}

/** The final line of sipp's -trace_stat CSV (cumulative columns); `raw` holds every column by header name. */
export interface SippStats {
  totalCallsCreated: number;
  currentCalls: number;
  successfulCalls: number;
  failedCalls: number;
  incomingCalls: number;
  outgoingCalls: number;
  failedUnexpectedMessage: number;
  failedTimeoutOnRecv: number;
  failedMaxUdpRetrans: number;
  failedCallRejected: number;
  failedRegexpDoesntMatch: number;
  raw: Record<string, string>;
}

export interface SippResult {
  /** sipp's exit code: 0 all calls succeeded, 1 some failed, 97 stopped by command, 99 no call, 255 fatal; 137 killed. */
  code: number;
  stdout: string;
  stderr: string;
  stats: SippStats;
  /** The -trace_msg log: every message sent and received, with its text. */
  messages: string;
  /** The -trace_err log: unexpected messages, scenario errors. */
  errors: string;
  /** The full command line, for failure messages. */
  args: string[];
}

export interface SippHandle {
  /** The SIP port sipp listens on. */
  readonly port: number;
  readonly mediaPort: number;
  /** Resolves once sipp's SIP socket is bound (rejects if sipp exits first). */
  readonly ready: Promise<void>;
  readonly done: Promise<SippResult>;
  kill(): void;
}

const live = new Set<ChildProcess>();
process.once('exit', killAllSipp);

/** SIGKILL every sipp this process started and that is still running (use in `after`). */
export function killAllSipp(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

let available: boolean | undefined;
/** Whether `sipp` runs here (tests skip with a message when not; CI installs it). */
export function sippAvailable(): boolean {
  available ??= spawnSync('sipp', ['-v'], { stdio: 'ignore', timeout: 5000 }).error === undefined;
  return available;
}

let defaultPcap: string | undefined;
function defaultPcapPath(): string {
  if (defaultPcap === undefined || !existsSync(defaultPcap)) {
    defaultPcap = join(mkdtempSync(join(tmpdir(), 'switchyard-pcap-')), 'tone-440.pcap');
    makeUlawPcap(defaultPcap, { durationMs: 1000, freqHz: 440 });
  }
  return defaultPcap;
}

function bindUdp(host: string, port: number): Promise<Socket | undefined> {
  return new Promise((res) => {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    s.once('error', () => {
      s.close();
      res(undefined);
    });
    s.bind(port, host, () => res(s));
  });
}

/** A UDP port free on `host` right now (the OS picks it). */
export async function freeUdpPort(host = '127.0.0.1'): Promise<number> {
  const s = await bindUdp(host, 0);
  if (!s) throw new Error(`cannot bind UDP on ${host}`);
  const { port } = s.address();
  s.close();
  return port;
}

/** An even UDP port P with P and P+2 free (sipp binds both for media). */
export async function freeMediaPort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const p = 20000 + 2 * Math.floor(Math.random() * 19000);
    const a = await bindUdp(host, p);
    const b = a && (await bindUdp(host, p + 2));
    a?.close();
    b?.close();
    if (a && b) return p;
  }
  throw new Error('no free media port pair');
}

function parseRemote(remote: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(remote);
  if (!m) throw new Error(`remote must be host:port, got ${remote}`);
  const host = m[1] ?? m[2]!;
  if (host !== '127.0.0.1' && host !== '::1') throw new Error(`sipp runs against loopback only, got ${host}`);
  return { host, port: Number(m[3]) };
}

function scenarioArgs(scenario: string): string[] {
  if (isAbsolute(scenario)) return ['-sf', scenario];
  const named = join(SCENARIO_DIR, scenario.endsWith('.xml') ? scenario : `${scenario}.xml`);
  if (existsSync(named)) return ['-sf', named];
  if (scenario.includes('/') || scenario.endsWith('.xml')) return ['-sf', resolve(scenario)];
  return ['-sn', scenario];
}

const num = (v: string | undefined): number => (v === undefined || v === '' ? 0 : Number(v));

/** Parse sipp's -trace_stat CSV text (`;`-separated, header line first); the last line wins. */
export function parseSippStats(csv: string): SippStats {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.split(';') ?? [];
  const last = lines.length > 1 ? lines[lines.length - 1]!.split(';') : [];
  const raw: Record<string, string> = {};
  header.forEach((h, i) => {
    if (h !== '') raw[h] = last[i] ?? '';
  });
  const c = (name: string): number => num(raw[`${name}(C)`]);
  return {
    totalCallsCreated: num(raw.TotalCallCreated),
    currentCalls: num(raw.CurrentCall),
    successfulCalls: c('SuccessfulCall'),
    failedCalls: c('FailedCall'),
    incomingCalls: c('IncomingCall'),
    outgoingCalls: c('OutgoingCall'),
    failedUnexpectedMessage: c('FailedUnexpectedMessage'),
    failedTimeoutOnRecv: c('FailedTimeoutOnRecv'),
    failedMaxUdpRetrans: c('FailedMaxUDPRetrans'),
    failedCallRejected: c('FailedCallRejected'),
    failedRegexpDoesntMatch: c('FailedRegexpDoesntMatch'),
    raw,
  };
}

function udpBound(host: string, port: number): boolean {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, '0')} `;
  for (const file of host.includes(':') ? ['/proc/net/udp6'] : ['/proc/net/udp']) {
    try {
      if (readFileSync(file, 'utf8').includes(hex)) return true;
    } catch {
      return true; // no /proc: fall back on the caller's fixed delay
    }
  }
  return false;
}

const readOr = (path: string): string => {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
};

/** Start sipp and return at once; `ready` says when its SIP port is bound (for UAS scenarios). */
export async function startSipp(opts: SippOptions): Promise<SippHandle> {
  const remote = opts.remote === undefined ? undefined : parseRemote(opts.remote);
  const host = remote?.host ?? '127.0.0.1';
  const port = opts.localPort || (await freeUdpPort(host));
  const mediaPort = opts.mediaPort || (await freeMediaPort(host));
  const timeoutS = opts.timeoutS ?? 30;
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-sipp-'));
  const files = { messages: join(dir, 'messages.log'), errors: join(dir, 'errors.log'), stats: join(dir, 'stats.csv') };

  const args = [
    ...scenarioArgs(opts.scenario),
    '-i', host,
    '-p', String(port),
    '-mi', host,
    '-mp', String(mediaPort),
    '-t', opts.transport ?? 'u1',
    '-m', String(opts.calls ?? 1),
    '-timeout', `${timeoutS}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_msg', '-message_file', files.messages,
    '-trace_err', '-error_file', files.errors,
    '-trace_stat', '-stf', files.stats,
  ]; // prettier-ignore
  if (opts.service !== undefined) args.push('-s', opts.service);
  if (opts.rate !== undefined) args.push('-r', String(opts.rate));
  if (opts.rateMax !== undefined) args.push('-rate_max', String(opts.rateMax));
  if (opts.concurrency !== undefined) args.push('-l', String(opts.concurrency));
  if (opts.authUser !== undefined) args.push('-au', opts.authUser);
  if (opts.authPass !== undefined) args.push('-ap', opts.authPass);
  if (opts.injectionCsv !== undefined) args.push('-inf', opts.injectionCsv);
  const keys = { pcap: defaultPcapPath(), sdp_port: String(mediaPort), ...opts.keys };
  for (const [k, v] of Object.entries(keys)) args.push('-key', k, v);
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push('-set', k, v);
  args.push(...(opts.extraArgs ?? []));
  if (remote) args.push(opts.remote!);

  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('latin1').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('latin1').on('data', (d: string) => (stderr += d));
  const hardKill = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 5) * 1000);

  let exited = false;
  const done = new Promise<SippResult>((res) => {
    const finish = (code: number): void => {
      exited = true;
      clearTimeout(hardKill);
      live.delete(child);
      const result: SippResult = {
        code,
        stdout,
        stderr,
        stats: parseSippStats(readOr(files.stats)),
        messages: readOr(files.messages),
        errors: readOr(files.errors),
        args,
      };
      rmSync(dir, { recursive: true, force: true });
      res(result);
    };
    child.once('error', (err) => {
      stderr += String(err);
      finish(-1);
    });
    child.once('close', (code, signal) => finish(code ?? (signal === 'SIGKILL' ? 137 : 128)));
  });

  const ready = new Promise<void>((res, rej) => {
    const started = Date.now();
    const poll = (): void => {
      if (exited) return rej(new Error(`sipp exited before binding ${port}: ${stderr || stdout.slice(-500)}`));
      if (udpBound(host, port)) return res();
      if (Date.now() - started > 5000) return rej(new Error(`sipp did not bind ${host}:${port} within 5 s`));
      setTimeout(poll, 20);
    };
    poll();
  });
  ready.catch(() => undefined); // observed through `done` when nobody awaits it

  return { port, mediaPort, ready, done, kill: () => void child.kill('SIGKILL') };
}

/** Run sipp to completion. */
export async function runSipp(opts: SippOptions): Promise<SippResult> {
  return (await startSipp(opts)).done;
}

/** The start lines of the SIP messages in a -trace_msg log, in order: the method of a request, the status code of a response (`INVITE`, `100`, `200`, `ACK`, …). */
export function sipStartLines(messages: string): string[] {
  const out: string[] = [];
  for (const line of messages.split('\n')) {
    const m = /^(?:SIP\/2\.0 (\d{3}) .*|([A-Z]+) \S+ SIP\/2\.0)\r?$/.exec(line);
    if (m) out.push(m[1] ?? m[2]!);
  }
  return out;
}
