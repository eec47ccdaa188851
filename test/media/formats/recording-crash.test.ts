import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { loadAudioFile } from '../../../src/media/formats/load-audio-file.js';
import { repairWav } from '../../../src/media/formats/repair-wav.js';
import { hasSox, sox, soxDecode, soxInfo, tempDir } from './audio-helpers.js';
import { signalSample } from './fixtures/signal.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/record-until-killed.ts', import.meta.url));

/**
 * Runs the recording child and SIGKILLs it once `shouldKill` accepts a line it printed. Resolves to the number
 * of samples the child had confirmed on disk by then.
 */
function recordUntilKilled(path: string, format: string, mode: 'idle' | 'busy', shouldKill: (line: string) => boolean) {
  return new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, path, format, mode], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let confirmed = 0;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      confirmed = Number(line.split(' ')[1]);
      if (shouldKill(line)) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(confirmed);
      else reject(new Error(`child exited ${code}: ${stderr}`));
    });
  });
}

function assertIsSignalPrefix(samples: Int16Array, atLeast: number, what: string): void {
  assert.ok(samples.length >= atLeast, `${what}: ${samples.length} samples, ${atLeast} confirmed on disk`);
  for (let i = 0; i < samples.length; i++) {
    if (samples[i] !== signalSample(i)) assert.fail(`${what}: sample ${i} is ${samples[i]}, not ${signalSample(i)}`);
  }
}

const skip = !hasSox && 'sox not installed';

test(
  'a wav recording killed while idle keeps every batch written before, and sox plays it',
  { skip, timeout: 30_000 },
  async () => {
    const { dir, cleanup } = tempDir('crash-');
    try {
      const path = join(dir, 'killed.wav');
      const onDisk = await recordUntilKilled(path, 'wav', 'idle', (line) => line.startsWith('ready'));
      assert.equal(onDisk, 5 * 13 * 160);
      const loaded = await loadAudioFile(path, 'wav');
      assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
      assert.equal(loaded.samples.length, onDisk, 'the header covers exactly the flushed batches');
      assertIsSignalPrefix(loaded.samples, onDisk, 'loaded');
      assert.match(soxInfo(path), /Duration\s*: 00:00:01\.30/);
      assert.match(sox([path, '-n', 'stat']), /Samples read:\s+10400/);
      assert.deepEqual(soxDecode(path, 'wav', 8000), loaded.samples);
      const repair = await repairWav(path);
      assert.ok(!('error' in repair) && !repair.repaired, 'nothing to repair');
    } finally {
      cleanup();
    }
  },
);

for (const format of ['wav', 'sln', 'gsm']) {
  test(
    `a ${format} recording killed mid-write is playable up to its last batch`,
    { skip, timeout: 30_000 },
    async () => {
      const { dir, cleanup } = tempDir('crash-');
      try {
        const path = join(dir, `killed.${format}`);
        let batches = 0;
        const onDisk = await recordUntilKilled(path, format, 'busy', () => ++batches === 12);
        if (format === 'wav') {
          const repair = await repairWav(path); // recovers a batch whose header update the kill cut off
          assert.ok(!('error' in repair), 'error' in repair ? repair.error : '');
          assert.match(soxInfo(path), /Sample Rate\s*: 8000/);
          assert.match(sox([path, '-n', 'stat']), /Samples read:/);
        }
        const loaded = await loadAudioFile(path, format);
        assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error : '');
        if (format === 'gsm') assert.ok(loaded.samples.length >= onDisk, `${loaded.samples.length} < ${onDisk}`);
        else assertIsSignalPrefix(loaded.samples, onDisk, format);
        assert.deepEqual(soxDecode(path, format, 8000).subarray(0, loaded.samples.length), loaded.samples);
      } finally {
        cleanup();
      }
    },
  );
}
