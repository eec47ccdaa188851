/**
 * A media worker's own measure of how busy it is, for the core's placement of new channels
 * (core/media/worker-placement.ts): every LOAD_SAMPLE_MS the worker writes the share of that time its thread ran on
 * a CPU and how many channels it had, into a shared block the core reads without a message. The thread's CPU time
 * (Linux `/proc/thread-self/schedstat`, in nanoseconds) counts the kernel's work in its sendmsg and recvmsg calls,
 * which is most of a media thread's cost on loopback; where it cannot be read, the event loop's utilisation
 * (time outside the wait for I/O) stands in.
 */
import { readFileSync } from 'node:fs';
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

/** The core's read of a worker's block (`view`: a Float64Array over it, made once). */
export function readLoad(view: Float64Array): WorkerLoad | undefined {
  return view[SAMPLED] === 1 ? { busy: view[BUSY]!, channels: view[CHANNELS]! } : undefined;
}

/** Nanoseconds the calling thread has run on a CPU, or undefined where Linux's schedstat is not there. */
export function threadCpuNs(): number | undefined {
  try {
    const ns = Number(readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ', 1)[0]);
    return Number.isFinite(ns) ? ns : undefined;
  } catch {
    return undefined;
  }
}

/** In the worker: sample until the thread ends (the timer does not keep it alive). */
export function startLoadSampler(buffer: SharedArrayBuffer, channels: () => number): void {
  const view = new Float64Array(buffer);
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  let lastCpu = threadCpuNs();
  let lastAt = performance.now();
  setInterval(() => {
    const elu = performance.eventLoopUtilization();
    const cpu = threadCpuNs();
    const at = performance.now();
    const busy =
      cpu !== undefined && lastCpu !== undefined
        ? (cpu - lastCpu) / ((at - lastAt) * 1e6)
        : performance.eventLoopUtilization(elu, lastElu).utilization;
    view[BUSY] = Math.min(1, Math.max(0, busy));
    view[CHANNELS] = channels();
    view[SAMPLED] = 1;
    [lastElu, lastCpu, lastAt] = [elu, cpu, at];
  }, LOAD_SAMPLE_MS).unref();
}
