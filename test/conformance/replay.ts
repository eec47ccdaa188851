/**
 * Replay runner: runs a recorded trace script (or a reduced copy of one) against an in-process Switchyard
 * and compares what it prints with the recording of real Asterisk 22.10.1.
 *
 * The recordings live outside the repository, in ../shared/reference/traces/ beside the clone (override with
 * SWITCHYARD_TRACES_DIR). For a scenario the runner
 *  1. starts Switchyard with the traces' ari.conf and extensions.conf (startTestServer: 127.0.0.1, free port)
 *     and an asterisk.conf whose astspooldir is a fresh temp dir, so recordings start from an empty (or
 *     seeded, see `recordings`) `<astspooldir>/recording` and never touch the machine's spool;
 *  2. copies the script and our lib.mjs into a fresh temp dir, rewriting any literal 127.0.0.1:8088 in the
 *     script to the test server (lib.mjs itself takes the server from SWITCHYARD_URL);
 *  3. runs it with `node --experimental-websocket`, bounded by a timeout, and collects its stdout log, the
 *     .jsonl it dumps, and the full response bodies (SWITCHYARD_FULL_BODIES);
 *  4. rewrites the server's address back to 127.0.0.1:8088 in all of that (the port is a run artifact).
 *
 * Debugging: SWITCHYARD_CONFORMANCE_KEEP=<dir> keeps each replay's log (<name>.txt, .jsonl, .stderr) there;
 * SWITCHYARD_CONFORMANCE_MAX=<n> prints up to n failing exchanges and event sequences (default 6).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { HERE, loadRecorded, RECORDED_ORIGIN, tracesDir } from './traces.js';
import {
  compareTraces,
  formatMismatches,
  parseTrace,
  summaryLine,
  type Exclusions,
  type Report,
  type Trace,
} from './compare.js';

export interface ReplayResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  /** the .jsonl the script dumped, if it got that far */
  readonly jsonl: string | undefined;
  readonly fullBodies: string | undefined;
  readonly durationMs: number;
}

/**
 * Run `scriptPath` (a trace script importing ./lib.mjs) against a fresh Switchyard. All output has the
 * server's address rewritten to the recording's 127.0.0.1:8088.
 */
export async function replay(
  scriptPath: string,
  timeoutMs: number,
  recordings: Readonly<Record<string, Uint8Array>> = {},
): Promise<ReplayResult> {
  const traces = tracesDir();
  const spool = mkdtempSync(join(tmpdir(), 'switchyard-conformance-spool-'));
  for (const [name, data] of Object.entries(recordings)) {
    const file = join(spool, 'recording', name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, data);
  }
  // imported here so that a server that does not build yet fails this replay, not the loading of the file
  const { startTestServer } = await import('../helpers/server.js');
  const server = await startTestServer({
    'ari.conf': readFileSync(join(traces, 'ari.conf'), 'utf8'),
    'extensions.conf': readFileSync(join(traces, 'extensions.conf'), 'utf8'),
    'asterisk.conf': `[directories]\nastspooldir=${spool}\n`,
  }).catch((err: unknown) => {
    rmSync(spool, { recursive: true, force: true });
    throw err;
  });
  const work = mkdtempSync(join(tmpdir(), 'switchyard-conformance-'));
  try {
    const hostPort = new URL(server.url).host;
    const wsAri = server.ariBase.replace(/^http/, 'ws');
    const script = readFileSync(scriptPath, 'utf8')
      .replaceAll(`http://${RECORDED_ORIGIN}/ari`, server.ariBase)
      .replaceAll(`ws://${RECORDED_ORIGIN}/ari`, wsAri)
      .replaceAll(RECORDED_ORIGIN, hostPort);
    const scriptName = basename(scriptPath);
    writeFileSync(join(work, scriptName), script);
    copyFileSync(join(HERE, 'lib.mjs'), join(work, 'lib.mjs'));
    const fullBodiesFile = join(work, 'full-bodies.jsonl.out');

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SWITCHYARD_URL: server.ariBase,
      SWITCHYARD_FULL_BODIES: fullBodiesFile,
    };
    delete env['NODE_OPTIONS'];
    delete env['NODE_TEST_CONTEXT'];
    const started = Date.now();
    const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', scriptName], {
      cwd: work,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) =>
      child.on('close', (code, sig) => res([code, sig])),
    );
    clearTimeout(timer);

    // the server's address is a run artifact: map it back to the recording's
    const unport = (s: string): string =>
      s
        .replaceAll(server.ariBase, `http://${RECORDED_ORIGIN}/ari`)
        .replaceAll(wsAri, `ws://${RECORDED_ORIGIN}/ari`)
        .replaceAll(hostPort, RECORDED_ORIGIN);
    const dumped = readdirSync(work).filter((f) => f.endsWith('.jsonl'));
    const jsonl = dumped.length > 0 ? unport(readFileSync(join(work, dumped[0]!), 'utf8')) : undefined;
    const fullBodies = existsSync(fullBodiesFile) ? unport(readFileSync(fullBodiesFile, 'utf8')) : undefined;
    return {
      stdout: unport(stdout),
      stderr,
      exitCode,
      signal,
      timedOut,
      jsonl,
      fullBodies,
      durationMs: Date.now() - started,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
    await server.close();
    rmSync(spool, { recursive: true, force: true });
  }
}

export interface ConformanceOptions {
  /** scenario name: the recording is <traces>/<name>.txt (+ .jsonl) */
  readonly name: string;
  /** the script to replay: a file in the traces dir, or a reduced copy in test/conformance/scenarios/ */
  readonly script: string;
  readonly exclude: Exclusions;
  /** bound on the script's run time */
  readonly timeoutMs: number;
  /**
   * Files already in the recordings folder when the replay starts (name relative to
   * `<astspooldir>/recording` → bytes): the state the recording's Asterisk had from earlier scenarios.
   */
  readonly recordings?: Readonly<Record<string, Uint8Array>>;
}

export interface ConformanceResult {
  readonly report: Report;
  readonly replay: ReplayResult;
  readonly expected: Trace;
  readonly actual: Trace;
}

/** Replay a scenario, compare, print the summary line (and the mismatches), and assert. */
export async function runConformance(opts: ConformanceOptions): Promise<ConformanceResult> {
  const recorded = loadRecorded(opts.name);
  const scriptPath = opts.script.includes('/') ? opts.script : join(tracesDir(), opts.script);
  if (!existsSync(scriptPath)) throw new Error(`scenario script missing: ${scriptPath}`);
  const run = await replay(scriptPath, opts.timeoutMs, opts.recordings);
  // events from the .jsonl dump when both sides have one, else from the EV log lines on both sides
  const useJsonl = recorded.jsonl !== undefined && run.jsonl !== undefined;
  const expected = parseTrace(recorded.stdout, { jsonl: useJsonl ? recorded.jsonl : undefined });
  const actual = parseTrace(run.stdout, { jsonl: useJsonl ? run.jsonl : undefined, fullBodies: run.fullBodies });
  const report = compareTraces(expected, actual, opts.exclude);
  const keep = process.env['SWITCHYARD_CONFORMANCE_KEEP'];
  if (keep) {
    // for debugging: keep what the replay printed and dumped
    mkdirSync(keep, { recursive: true });
    writeFileSync(join(keep, `${opts.name}.txt`), run.stdout);
    if (run.jsonl !== undefined) writeFileSync(join(keep, `${opts.name}.jsonl`), run.jsonl);
    if (run.stderr) writeFileSync(join(keep, `${opts.name}.stderr`), run.stderr);
  }
  console.log(summaryLine(opts.name, report));
  const problems: string[] = [];
  if (run.timedOut) problems.push(`the script was killed after ${opts.timeoutMs} ms`);
  else if (run.exitCode !== 0) problems.push(`the script exited with ${run.exitCode ?? run.signal}`);
  if (run.stderr.trim()) problems.push(`script stderr:\n${run.stderr.trim().split('\n').slice(0, 20).join('\n')}`);
  if (recorded.jsonl !== undefined && run.jsonl === undefined)
    problems.push('the script dumped no .jsonl: events compared from the log lines only');
  for (const w of report.warnings.slice(0, 10)) console.log(`  warning: ${w}`);
  const failed = report.exchanges.some((x) => !x.ok) || report.groups.some((g) => !g.ok);
  if (failed || problems.length > 0) {
    const text = [...problems, formatMismatches(report, Number(process.env['SWITCHYARD_CONFORMANCE_MAX'] ?? 6))]
      .filter(Boolean)
      .join('\n');
    console.log(text);
    assert.fail(`conformance ${opts.name} differs from Asterisk 22.10.1:\n${text}`);
  }
  return { report, replay: run, expected, actual };
}
