/**
 * The media plane over worker threads, one per core by default: RTP sockets, codecs, files and the media clock of
 * each channel run in its worker, so a burst of ARI or SIP work on the main thread never makes a frame late.
 * Every pair of workers shares a MessageChannel for frames of links that cross between them.
 *
 * A worker that dies (an uncaught error, or `restartWorker`) takes its channels' media with it: each of those
 * channels is told (`media-lost`: the core hangs it up with a cause, and its events go out as for any hangup), and
 * a new worker takes its place for new calls.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { PlaneClient, type MediaPlane, type PlaneUpdate } from '../core/media/media-plane.js';
import type { FromPlane, ToPlane } from '../core/media/media-protocol.js';
import type { PlacementPolicy } from '../core/media/worker-placement.js';
import type { MediaScheduling } from '../core/media/worker-scheduling.js';
import { newLoadBuffer, readLoad } from './load-sampler.js';
import { MessageBatch } from './message-batch.js';
import type { PeerPortMessage, ReconfigureMessage, WorkerData } from './media-worker.js';
import type { PlaneSettings } from './plane-settings.js';
import { StatsBlock } from './stats-block.js';

/** How long a worker may take to start before the plane gives up. */
const START_TIMEOUT_MS = 20_000;
/** How long a worker has to finish after `shutdown` before it is terminated. */
const SHUTDOWN_GRACE_MS = 2000;

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

interface Slot {
  worker: Worker;
  stats: StatsBlock;
  /** The worker's own load samples (load-sampler.ts), as the core reads them. */
  load: Float64Array;
  batch: MessageBatch<ToPlane>;
}

export class WorkerPlane {
  readonly client: PlaneClient;
  readonly #slots: Slot[] = [];
  #closing = false;
  /** Workers replaced after dying. */
  restarts = 0;

  private constructor(
    private settings: PlaneSettings,
    readonly count: number,
    placement: PlacementPolicy,
    private readonly scheduling: MediaScheduling,
  ) {
    this.client = new PlaneClient(
      {
        workerCount: count,
        post: (worker, message) => this.#slots[worker]?.batch.push(message),
        statsView: (worker) => this.#slots[worker]!.stats.view,
        load: (worker) => {
          const slot = this.#slots[worker];
          return slot === undefined ? undefined : readLoad(slot.load);
        },
      },
      () => this.#shutdown(),
      (index) => this.restartWorker(index),
      (update) => this.#reconfigure(update),
      placement,
    );
  }

  static async start(
    settings: PlaneSettings,
    count: number,
    placement: PlacementPolicy = 'pack',
    scheduling: MediaScheduling = 'normal',
  ): Promise<WorkerPlane> {
    const plane = new WorkerPlane(settings, count, placement, scheduling);
    await Promise.all(Array.from({ length: count }, (_, index) => plane.#startWorker(index)));
    for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) plane.#connect(i, j);
    return plane;
  }

  /** Stop worker `index` as if it had crashed (operators and tests); a new one takes its place. */
  async restartWorker(index: number): Promise<void> {
    await this.#slots[index]?.worker.terminate();
  }

  /** Every worker takes the new settings at once; a worker started later (after a crash) starts with them. */
  #reconfigure(update: PlaneUpdate): void {
    this.settings = { ...this.settings, ...update };
    for (const slot of this.#slots) {
      slot.worker.postMessage({ reconfigure: update } satisfies ReconfigureMessage);
    }
  }

  async #startWorker(index: number): Promise<void> {
    const stats = new StatsBlock();
    const load = newLoadBuffer();
    const data: WorkerData = {
      index,
      count: this.count,
      settings: this.settings,
      stats: stats.buffer,
      load,
      scheduling: this.scheduling,
    };
    const worker = spawn(workerUrl(), data);
    const slot: Slot = {
      worker,
      stats,
      load: new Float64Array(load),
      batch: new MessageBatch<ToPlane>((batch) => worker.postMessage(batch)),
    };
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`media worker ${index} did not start`)), START_TIMEOUT_MS);
      worker.once('error', reject);
      worker.on('message', (message: FromPlane[] | 'ready') => {
        if (message !== 'ready') {
          for (const m of message) this.client.receive(m);
          return;
        }
        clearTimeout(timer);
        worker.off('error', reject);
        resolve();
      });
    });
    worker.on('error', () => {}); // the exit that follows is what counts
    worker.once('exit', () => void this.#lost(index, slot));
    worker.unref();
    this.#slots[index] = slot;
  }

  /** Each pair of workers shares a MessageChannel for the frames of links that cross between them. */
  #connect(i: number, j: number): void {
    const { port1, port2 } = new MessageChannel();
    this.#slots[i]!.worker.postMessage({ peer: j, port: port1 } satisfies PeerPortMessage, [port1]);
    this.#slots[j]!.worker.postMessage({ peer: i, port: port2 } satisfies PeerPortMessage, [port2]);
  }

  async #lost(index: number, slot: Slot): Promise<void> {
    if (this.#closing || this.#slots[index] !== slot) return;
    this.client.workerLost(index);
    this.restarts++;
    await this.#startWorker(index);
    for (let other = 0; other < this.count; other++) if (other !== index) this.#connect(index, other);
  }

  async #shutdown(): Promise<void> {
    this.#closing = true;
    await Promise.all(
      this.#slots.map(
        ({ worker }) =>
          new Promise<void>((resolve) => {
            worker.ref(); // its exit is awaited: keep the process up until then
            worker.once('exit', () => resolve());
            worker.postMessage('shutdown');
            setTimeout(() => void worker.terminate(), SHUTDOWN_GRACE_MS).unref();
          }),
      ),
    );
  }
}

export async function startWorkerPlane(
  settings: PlaneSettings,
  count: number,
  placement?: PlacementPolicy,
  scheduling?: MediaScheduling,
): Promise<MediaPlane> {
  return (await WorkerPlane.start(settings, count, placement, scheduling)).client;
}
