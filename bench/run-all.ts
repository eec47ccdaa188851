/**
 * Every macro benchmark with its defaults, one after the other, each in its own process (so each starts its
 * own fresh server when there is no --target). Their JSON lines pass through to stdout unchanged.
 *
 *   npm run bench [-- --target http://127.0.0.1:8088 [--pid N] [--sip 127.0.0.1:5060]]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { note } from './lib/stats.js';
import { loopbackBase, loopbackSip, parseBenchArgs, REPO_ROOT } from './lib/target.js';

/**
 * Each benchmark with the arguments `npm run bench` gives it (short SIP and media runs keep the whole near
 * 8 minutes; the media benchmarks' full defaults take longer: run them on their own).
 */
const BENCHES: [file: string, args: string[]][] = [
  ['originate-cycle.ts', []],
  ['rest-channels.ts', []],
  ['sip-call-rate.ts', ['--rates', '50,100,200,400,800', '--seconds', '10']],
  ['sip-rtp-concurrent.ts', ['--calls', '100,300', '--seconds', '10']],
  ['media-playback.ts', ['--calls', '100,500', '--window', '5']],
  ['media-recording.ts', ['--calls', '100', '--window', '5']],
  ['bridge-calls.ts', ['--pairs', '250', '--conferences', '10x20', '--window', '5']],
];
const SIP_BENCHES = new Set([
  'sip-call-rate.ts',
  'sip-rtp-concurrent.ts',
  'media-playback.ts',
  'media-recording.ts',
  'bridge-calls.ts',
]);

const args = parseBenchArgs({}, `npm run bench [-- options]   (runs ${BENCHES.map(([f]) => f).join(', ')})`);
if (args.target !== undefined) loopbackBase(args.target); // refuse early, before anything runs

const passthrough: string[] = ['--user', args.user, '--password', args.password];
passthrough.push('--server-log-level', args['server-log-level']);
if (args.target !== undefined) passthrough.push('--target', args.target);
if (args.pid !== undefined) passthrough.push('--pid', args.pid);
if (args.sip !== undefined) loopbackSip(args.sip);

let failed = 0;
for (const [file, own] of BENCHES) {
  const extra = [...own];
  if (SIP_BENCHES.has(file) && args.sip !== undefined) extra.push('--sip', args.sip);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'bench', file), ...passthrough, ...extra],
      {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    );
    child.on('exit', (c) => resolve(c));
  });
  if (code !== 0) {
    failed++;
    note(`${file} exited with ${code}`);
  }
}
process.exitCode = failed ? 1 : 0;
