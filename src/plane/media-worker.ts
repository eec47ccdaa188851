/**
 * Entry point of a media worker thread: one MediaEngine fed by the core's messages, with links to the other
 * workers for frames that cross between them.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { PlaneUpdate } from '../core/media/media-plane.js';
import type { FromPlane, ToPlane } from '../core/media/media-protocol.js';
import { MediaEngine } from './engine.js';
import { installFeatures } from './features.js';
import type { PlaneSettings } from './plane-settings.js';
import { MessageBatch } from './message-batch.js';
import { RemoteLinks } from './remote-links.js';
import { StatsBlock } from './stats-block.js';
import { startLoadSampler } from './load-sampler.js';

export interface WorkerData {
  readonly index: number;
  readonly count: number;
  readonly settings: PlaneSettings;
  readonly stats: SharedArrayBuffer;
  /** Where the worker writes how busy it is (load-sampler.ts). */
  readonly load: SharedArrayBuffer;
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

/**
 * Media threads outrank the control plane when the cores are short: a frame is late after 5 ms, an ARI answer or
 * a SIP response is not. Linux applies a nice value to one thread when given its id (/proc/thread-self names
 * it); raising priority needs CAP_SYS_NICE, so without it the worker simply runs at the process's priority.
 */
const MEDIA_THREAD_NICE = -10;
function raiseThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, MEDIA_THREAD_NICE);
  } catch {
    // not Linux, or not allowed: same priority as the rest of the process
  }
}
raiseThreadPriority();

const data = workerData as WorkerData;
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
