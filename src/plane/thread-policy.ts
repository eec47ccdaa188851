/**
 * The scheduling of the media worker thread that calls it (core/media/worker-scheduling.ts says why): a nice
 * value for its thread id, then SCHED_BATCH through util-linux's `chrt` (Node has no sched_setscheduler; `chrt`
 * ships in every Debian install as part of util-linux). Linux only; anywhere else, or without the permission,
 * the thread keeps the process's scheduling — the media still flows, it is only scheduled as other threads.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { MediaScheduling } from '../core/media/worker-scheduling.js';

/** Media threads outrank the control plane when the cores are short: a frame is late after 5 ms, an ARI answer is not. */
export const MEDIA_THREAD_NICE = -10;
/** Linux's number for SCHED_BATCH (`policy` in /proc/<tid>/sched). */
export const SCHED_BATCH = 3;
/** `chrt` answers in a few ms; a machine that takes longer keeps the default policy rather than wait. */
const CHRT_TIMEOUT_MS = 5_000;

export interface ThreadPolicyResult {
  /** The thread id, or undefined off Linux. */
  readonly tid: number | undefined;
  readonly niced: boolean;
  /** SCHED_BATCH is in force. */
  readonly batch: boolean;
}

function currentThreadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/** The scheduling policy number of a thread (0 = SCHED_OTHER, 3 = SCHED_BATCH), from /proc. */
export function threadPolicy(tid: number): number | undefined {
  try {
    const line = /^policy\s*:\s*(\d+)/m.exec(readFileSync(`/proc/${tid}/sched`, 'latin1'));
    return line === null ? undefined : Number(line[1]);
  } catch {
    return undefined;
  }
}

/** Applies `scheduling` to the calling thread; resolves once done (never rejects). */
export async function applyMediaThreadPolicy(scheduling: MediaScheduling): Promise<ThreadPolicyResult> {
  const tid = currentThreadId();
  if (tid === undefined) return { tid, niced: false, batch: false };
  let niced = false;
  try {
    setPriority(tid, MEDIA_THREAD_NICE);
    niced = true;
  } catch {
    // not allowed: the process's priority
  }
  if (scheduling !== 'batch') return { tid, niced, batch: false };
  // chrt keeps the thread's nice value when it changes the policy (SCHED_BATCH takes priority 0).
  const ok = await new Promise<boolean>((resolve) =>
    execFile('chrt', ['--batch', '--pid', '0', String(tid)], { timeout: CHRT_TIMEOUT_MS }, (err) =>
      resolve(err === null),
    ),
  );
  return { tid, niced, batch: ok && threadPolicy(tid) === SCHED_BATCH };
}
