// `switchyard start` refuses a media option it does not know before it opens anything: exit 1 and a message that
// names the accepted values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

function start(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'start', ...args], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

for (const [option, accepted] of [
  ['--media-placement', 'expected pack or spread'],
  ['--media-scheduling', 'expected normal or batch'],
  ['--media-workers', 'expected a whole number, 0 or more'],
] as const) {
  test(`${option} with a value it does not know: exit 1, "${accepted}"`, () => {
    const { status, output } = start(option, option === '--media-workers' ? '-3' : 'sideways');
    assert.equal(status, 1);
    assert.match(output, new RegExp(accepted));
  });
}
