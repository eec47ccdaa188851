/**
 * Per-thread CPU of a process from /proc/<pid>/task/<tid>/stat (proc(5): utime and stime, fields 14 and 15, in
 * clock ticks), so that a benchmark shows which threads did the work — Switchyard's main thread (tid = pid) and
 * its media workers, Asterisk's many threads — and the bytes a process caused to be written to storage
 * (/proc/<pid>/io `write_bytes`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { nowMs, round } from './stats.js';

const TICKS_PER_S = 100; // USER_HZ on every Linux this runs on (getconf CLK_TCK)

export interface ThreadsSample {
  readonly atMs: number;
  /** tid → [comm, CPU ms so far] */
  readonly threads: ReadonlyMap<number, readonly [string, number]>;
}

export function sampleThreads(pid: number): ThreadsSample | null {
  const threads = new Map<number, readonly [string, number]>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const open = stat.indexOf('(');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]);
      threads.set(Number(tid), [stat.slice(open + 1, close), (ticks * 1000) / TICKS_PER_S]);
    } catch {
      // the thread ended between readdir and read
    }
  }
  return { atMs: nowMs(), threads };
}

export interface ThreadCpu {
  readonly tid: number;
  readonly name: string;
  readonly cpu_pct: number;
}

export interface ThreadsReport {
  /** Threads alive at the end of the window. */
  readonly count: number;
  /** Threads that used more than 1 % of a core. */
  readonly busy: number;
  /** The busiest threads, at most `top`; `name` is `main` for the thread whose tid is the pid. */
  readonly top: ThreadCpu[];
  /** Sum over threads (≈ the process's CPU). */
  readonly total_pct: number;
}

/**
 * CPU per thread between two samples (a thread born in between counts from 0). `labels` names known tids
 * (e.g. the load generator's workers).
 */
export function threadsReport(
  pid: number,
  from: ThreadsSample | null,
  to: ThreadsSample | null,
  top = 6,
  labels: ReadonlyMap<number, string> = new Map(),
): ThreadsReport | null {
  if (!from || !to || to.atMs <= from.atMs) return null;
  const elapsed = to.atMs - from.atMs;
  const all: ThreadCpu[] = [];
  let total = 0;
  for (const [tid, [name, cpuMs]] of to.threads) {
    const before = from.threads.get(tid)?.[1] ?? 0;
    const pct = ((cpuMs - before) / elapsed) * 100;
    total += pct;
    const label = labels.get(tid) ?? (tid === pid ? 'main' : name);
    all.push({ tid, name: label, cpu_pct: round(pct, 1) });
  }
  all.sort((a, b) => b.cpu_pct - a.cpu_pct);
  return {
    count: to.threads.size,
    busy: all.filter((t) => t.cpu_pct > 1).length,
    top: all.slice(0, top),
    total_pct: round(total, 1),
  };
}

/** /proc/<pid>/io `write_bytes`: bytes this process caused to be sent to storage (dirtied pages), or null. */
export function writeBytes(pid: number): number | null {
  try {
    const m = /^write_bytes:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
