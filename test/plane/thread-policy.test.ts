// The media threads' scheduling: SCHED_BATCH (and nice −10 where allowed) for `batch`, the default policy for
// `normal` — applied to the calling thread only, checked in /proc by thread id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ThreadPolicyResult } from '../../src/plane/thread-policy.js';
import { SCHED_BATCH, threadPolicy } from '../../src/plane/thread-policy.js';
import { startTestServer } from '../helpers/server.js';

const hasProc = existsSync('/proc/thread-self/sched');
const MODULE = new URL('../../src/plane/thread-policy.ts', import.meta.url).href;

/** Runs applyMediaThreadPolicy in a fresh worker thread; answers its result and the policy /proc shows. */
async function inWorker(scheduling: string): Promise<{ result: ThreadPolicyResult; policy: number; nice: number }> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    import('tsx/esm/api').then(async (tsx) => {
      tsx.register();
      const m = await import(workerData.module);
      const result = await m.applyMediaThreadPolicy(workerData.scheduling);
      const policy = m.threadPolicy(result.tid);
      const nice = Number(fs.readFileSync('/proc/thread-self/stat', 'latin1').split(') ')[1].split(' ')[16]);
      parentPort.postMessage({ result, policy, nice });
    });`;
  const worker = new Worker(source, { eval: true, workerData: { module: MODULE, scheduling } });
  try {
    return await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

test(
  'batch: the thread runs SCHED_BATCH, keeping nice −10 when the process may raise priority',
  { skip: !hasProc },
  async () => {
    const { result, policy, nice } = await inWorker('batch');
    assert.ok(result.tid !== undefined && result.tid !== process.pid, 'a thread of its own');
    assert.equal(result.batch, true);
    assert.equal(policy, SCHED_BATCH);
    if (result.niced) assert.equal(nice, -10);
    // The thread that asked is the only one changed.
    assert.equal(threadPolicy(process.pid), 0);
  },
);

test('normal: the thread keeps SCHED_OTHER', { skip: !hasProc }, async () => {
  const { result, policy } = await inWorker('normal');
  assert.equal(result.batch, false);
  assert.equal(policy, 0);
});

test(
  'a server runs its media workers as batch threads when asked, and as normal ones by default',
  { skip: !hasProc },
  async () => {
    const batchThreads = (): number =>
      readdirSync('/proc/self/task').filter((tid) => threadPolicy(Number(tid)) === SCHED_BATCH).length;
    const before = batchThreads();
    const plain = await startTestServer();
    try {
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(batchThreads(), before);
    } finally {
      await plain.close();
    }
    const server = await startTestServer(undefined, { mediaScheduling: 'batch' });
    try {
      const deadline = Date.now() + 5_000;
      while (batchThreads() - before < server.app.core.media.workerCount && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal(batchThreads() - before, server.app.core.media.workerCount);
    } finally {
      await server.close();
    }
  },
);
