/**
 * A media worker's own measure of how busy it is, for the core's placement of new channels
 * (core/media/worker-placement.ts): every LOAD_SAMPLE_MS the worker writes the fraction of that time its event loop
 * was busy (callbacks and the syscalls they made; the time in epoll waiting for packets is idle) and how many
 * channels it had, into a shared block the core reads without a message.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { WorkerLoad } from '../core/media/worker-placement.js';

/** Often enough that a ramp of calls is seen within a few hundred of them, rarely enough to cost nothing. */
export const LOAD_SAMPLE_MS = 250;

const BUSY = 0;
const CHANNELS = 1;
/** Set once the first sample is written: before it, the core estimates from its own count. */
const SAMPLED = 2;
const FIELDS = 3;

/** The shared block: FIELDS Float64 values. */
export function newLoadBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(FIELDS * Float64Array.BYTES_PER_ELEMENT);
}

/** The core's read of a worker's block. */
export function readLoad(buffer: SharedArrayBuffer): WorkerLoad | undefined {
  const view = new Float64Array(buffer);
  return view[SAMPLED] === 1 ? { busy: view[BUSY]!, channels: view[CHANNELS]! } : undefined;
}

/** In the worker: sample until the thread ends (the timer does not keep it alive). */
export function startLoadSampler(buffer: SharedArrayBuffer, channels: () => number): void {
  const view = new Float64Array(buffer);
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    view[BUSY] = performance.eventLoopUtilization(now, last).utilization;
    view[CHANNELS] = channels();
    view[SAMPLED] = 1;
    last = now;
  }, LOAD_SAMPLE_MS).unref();
}
