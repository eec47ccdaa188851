/**
 * Every macro benchmark with its defaults, one after the other, each in its own process (so each starts its
 * own fresh server when there is no --target). Their JSON lines pass through to stdout unchanged.
 *
 *   npm run bench [-- --target http://127.0.0.1:8088 [--pid N]]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { note } from './lib/stats.js';
import { loopbackBase, parseBenchArgs, REPO_ROOT } from './lib/target.js';

const BENCHES = ['originate-cycle.ts', 'rest-channels.ts'];

const args = parseBenchArgs({}, `npm run bench [-- options]   (runs ${BENCHES.join(', ')})`);
if (args.target !== undefined) loopbackBase(args.target); // refuse early, before anything runs

const passthrough: string[] = ['--user', args.user, '--password', args.password];
passthrough.push('--server-log-level', args['server-log-level']);
if (args.target !== undefined) passthrough.push('--target', args.target);
if (args.pid !== undefined) passthrough.push('--pid', args.pid);

let failed = 0;
for (const file of BENCHES) {
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'bench', file), ...passthrough], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (c) => resolve(c));
  });
  if (code !== 0) {
    failed++;
    note(`${file} exited with ${code}`);
  }
}
process.exitCode = failed ? 1 : 0;
