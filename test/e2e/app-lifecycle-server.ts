// A Switchyard server in its own process, for app-lifecycle-memory.test.ts: it starts on free ports, sends its
// ARI port to the parent over IPC, and answers 'heap' with the heap used after forced collections (the parent
// starts it with --expose-gc), and 'stop' by closing.
import { pino } from 'pino';
import { startApp } from '../../src/app.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined || process.send === undefined) throw new Error('run with --expose-gc as a forked child');
const send = process.send.bind(process);

const app = await startApp({
  host: '127.0.0.1',
  port: 0,
  sipPort: 0,
  mediaWorkers: 0,
  logger: pino({ level: 'silent' }),
});
send({ port: app.port });

process.on('message', (msg: unknown) => {
  if (msg === 'heap') void reportHeap();
  if (msg === 'stop') void app.close().then(() => process.exit(0));
});

/** Collect until the heap stops shrinking (closed sockets' last callbacks run between rounds). */
async function reportHeap(): Promise<void> {
  let last = Infinity;
  for (let round = 0; round < 10; round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc!();
    const used = process.memoryUsage().heapUsed;
    if (used >= last - 64 * 1024) break;
    last = used;
  }
  send({ heapUsed: process.memoryUsage().heapUsed, apps: app.core.apps.size });
}
