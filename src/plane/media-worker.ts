/**
 * Entry point of a media worker thread: one MediaEngine fed by the core's messages, with links to the other
 * workers for frames that cross between them.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { PlaneUpdate } from '../core/media/media-plane.js';
import type { FromPlane, ToPlane } from '../core/media/media-protocol.js';
import type { MediaScheduling } from '../core/media/worker-scheduling.js';
import { MediaEngine } from './engine.js';
import { installFeatures } from './features.js';
import type { PlaneSettings } from './plane-settings.js';
import { MessageBatch } from './message-batch.js';
import { RemoteLinks } from './remote-links.js';
import { StatsBlock } from './stats-block.js';
import { startLoadSampler } from './load-sampler.js';
import { applyMediaThreadPolicy } from './thread-policy.js';

export interface WorkerData {
  readonly index: number;
  readonly count: number;
  readonly settings: PlaneSettings;
  readonly stats: SharedArrayBuffer;
  /** Where the worker writes how busy it is (load-sampler.ts). */
  readonly load: SharedArrayBuffer;
  /** How the kernel schedules this thread (core/media/worker-scheduling.ts). */
  readonly scheduling: MediaScheduling;
}

/** A port to another worker, sent once at start. */
export interface PeerPortMessage {
  readonly peer: number;
  readonly port: MessagePort;
}

/** New music on hold classes or tone zones (a module reload). */
export interface ReconfigureMessage {
  readonly reconfigure: PlaneUpdate;
}

const data = workerData as WorkerData;
void applyMediaThreadPolicy(data.scheduling);
const parent = parentPort!;
const remote = new RemoteLinks((id, samples, rate, timestamp) =>
  engine.channels.get(id)?.writeLinked(samples, rate, timestamp),
);
const toMain = new MessageBatch<FromPlane>((batch) => parent.postMessage(batch));
const engine: MediaEngine = new MediaEngine((message: FromPlane) => toMain.push(message), {
  workerIndex: data.index,
  workerCount: data.count,
  stats: new StatsBlock(data.stats),
  remote,
});
installFeatures(engine, data.settings);
startLoadSampler(data.load, () => engine.channels.size);

parent.on('message', (message: ToPlane[] | PeerPortMessage | ReconfigureMessage | 'shutdown') => {
  if (message === 'shutdown') {
    engine.shutdown();
    parent.close();
    return;
  }
  if (Array.isArray(message)) for (const m of message) engine.handle(m);
  else if ('reconfigure' in message) {
    // The features hold this settings object (a copy made for this thread): replace its fields in place.
    Object.assign(data.settings, message.reconfigure);
    engine.reconfigured();
  } else remote.addPort(message.peer, message.port);
});
parent.postMessage('ready');
