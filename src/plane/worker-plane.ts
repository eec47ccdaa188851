/**
 * The media plane over worker threads, one per core by default: RTP sockets, codecs, files and the media clock of
 * each channel run in its worker, so a burst of ARI or SIP work on the main thread never makes a frame late.
 * Every pair of workers shares a MessageChannel for frames of links that cross between them.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { PlaneClient, type MediaPlane } from '../core/media/media-plane.js';
import type { FromPlane, ToPlane } from '../core/media/media-protocol.js';
import { MessageBatch } from './message-batch.js';
import type { PeerPortMessage, WorkerData } from './media-worker.js';
import type { PlaneSettings } from './plane-settings.js';
import { StatsBlock } from './stats-block.js';

/** How long a worker may take to start before the plane gives up. */
const START_TIMEOUT_MS = 20_000;

/** The worker's module: the compiled .js next to this file, or the .ts source when run through a loader (tests). */
function workerUrl(): URL {
  const self = new URL(import.meta.url);
  const ext = self.pathname.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./media-worker${ext}`, self);
}

/**
 * A worker on the compiled module, or, when the plane itself runs from TypeScript sources (tests, `tsx`), on a
 * small bootstrap that registers the same loader first: module hooks are not inherited by workers.
 */
function spawn(url: URL, workerData: WorkerData): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, { workerData });
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

export async function startWorkerPlane(settings: PlaneSettings, count: number): Promise<MediaPlane> {
  const blocks = Array.from({ length: count }, () => new StatsBlock());
  const workers = blocks.map((block, index) => {
    const workerData: WorkerData = { index, count, settings, stats: block.buffer };
    return spawn(workerUrl(), workerData);
  });
  const started = Promise.all(
    workers.map(
      (worker, index) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`media worker ${index} did not start`)), START_TIMEOUT_MS);
          worker.once('error', reject);
          worker.on('message', (message: FromPlane[] | 'ready') => {
            if (message === 'ready') {
              clearTimeout(timer);
              resolve();
            } else for (const m of message) client.receive(m);
          });
        }),
    ),
  );
  await started;
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      const { port1, port2 } = new MessageChannel();
      workers[i]!.postMessage({ peer: j, port: port1 } satisfies PeerPortMessage, [port1]);
      workers[j]!.postMessage({ peer: i, port: port2 } satisfies PeerPortMessage, [port2]);
    }
  }
  for (const worker of workers) worker.unref();
  const batches = workers.map((worker) => new MessageBatch<ToPlane>((batch) => worker.postMessage(batch)));
  const client: PlaneClient = new PlaneClient(
    {
      workerCount: count,
      post: (worker, message) => batches[worker]!.push(message),
      statsView: (worker) => blocks[worker]!.view,
    },
    async () => {
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.ref(); // its exit is awaited: keep the process up until then
              worker.once('exit', () => resolve());
              worker.postMessage('shutdown');
              setTimeout(() => void worker.terminate(), 2000).unref();
            }),
        ),
      );
    },
  );
  return client;
}
