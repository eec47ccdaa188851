/**
 * 20 000 short-lived Stasis application names (an events WebSocket each, opened then closed, as a client that
 * names its app per call does) leave nothing behind: Asterisk 22 unregisters an app once its socket is gone and
 * nothing else holds it, and so the server's heap comes back to where it was. The server runs in a child process
 * started with --expose-gc, so that its heap can be measured after forced collections.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import WebSocket from 'ws';

const SERVER = join(import.meta.dirname, 'app-lifecycle-server.ts');
const NAMES = 20_000;
const WARM_UP_NAMES = 1_000;
/** Sockets open at once during the churn. */
const PARALLEL = 32;
const MAX_GROWTH_BYTES = 5 * 1024 * 1024;
const AUTH = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');

interface Reply {
  port?: number;
  heapUsed?: number;
  apps?: number;
}

function nextMessage(child: ChildProcess): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`server exited (${code})`));
    child.once('exit', onExit);
    child.once('message', (m: Reply) => {
      child.off('exit', onExit);
      resolve(m);
    });
  });
}

async function heap(child: ChildProcess): Promise<{ heapUsed: number; apps: number }> {
  const reply = nextMessage(child);
  child.send('heap');
  const r = await reply;
  return { heapUsed: r.heapUsed!, apps: r.apps! };
}

/** Open an events socket for `app`, wait for the 101, close it and wait for the close handshake. */
function openAndClose(port: number, app: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ari/events?app=${app}`, { headers: { Authorization: AUTH } });
    ws.once('open', () => ws.close());
    ws.once('close', () => resolve());
    ws.once('error', reject);
  });
}

async function churn(port: number, prefix: string, count: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await openAndClose(port, `${prefix}-${next++}`);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

test(
  `${NAMES} app names connected and closed leave the heap within 5 MB of where it was`,
  { timeout: 300_000 },
  async (t) => {
    const child = fork(SERVER, [], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    try {
      const { port } = await nextMessage(child);
      // The first connections warm up what is made once (JIT code, pools, the auth cache).
      await churn(port!, 'warm', WARM_UP_NAMES);
      const before = await heap(child);
      assert.equal(before.apps, 0);
      await churn(port!, 'churn', NAMES);
      const after = await heap(child);
      assert.equal(after.apps, 0, 'every app was unregistered');
      const growth = after.heapUsed - before.heapUsed;
      t.diagnostic(`heap ${(before.heapUsed / 1048576).toFixed(1)} → ${(after.heapUsed / 1048576).toFixed(1)} MB`);
      assert.ok(growth < MAX_GROWTH_BYTES, `heap grew ${(growth / 1048576).toFixed(1)} MB over ${NAMES} names`);
      const listed = await fetch(`http://127.0.0.1:${port!}/ari/applications`, { headers: { Authorization: AUTH } });
      assert.deepEqual(await listed.json(), []);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const stopped = new Promise((resolve) => child.once('exit', resolve));
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.send('stop');
        await stopped;
        clearTimeout(kill);
      }
    }
  },
);
