/**
 * Admission control: whether one more call may start (asterisk.conf `maxcalls`, `maxload`, `minmemfree`, and
 * Switchyard's `maxheapmb`). Asterisk counts a call when its channel enters the dialplan (pbx.c
 * increase_call_count) and refuses it there; Switchyard checks earlier, when a channel is requested (originate,
 * create, externalMedia, snoop, Dial) or an INVITE arrives, so a refused call never rings anyone: ARI answers
 * Asterisk's allocation failure (500 `{"error":"Allocation failed"}`) and SIP answers 503 with Retry-After.
 *
 * `maxcalls` counts channels, as `core show channels` does: each half of a Local pair is one.
 */
import { freemem, loadavg } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import type { AdmissionLimits } from '../config/asterisk-options.js';

/** What the limits are measured against; the defaults read the machine. */
export interface AdmissionProbes {
  calls(): number;
  loadAverage(): number;
  freeMemoryMb(): number;
  heapUsedMb(): number;
}

const MB = 1024 * 1024;
/** Reading the load average and heap costs a syscall each: refreshed at most this often. */
const PROBE_REFRESH_MS = 250;

export class Admission {
  #limits: AdmissionLimits;
  #lastProbeMs = -Infinity;
  #systemRefusal: string | undefined;
  /** Calls refused so far (for the operator's metrics). */
  refused = 0;

  constructor(
    limits: AdmissionLimits,
    private readonly probes: AdmissionProbes,
  ) {
    this.#limits = limits;
  }

  configure(limits: AdmissionLimits): void {
    this.#limits = limits;
    this.#lastProbeMs = -Infinity;
  }

  get limits(): AdmissionLimits {
    return this.#limits;
  }

  /** Why a new call would be refused now (as Asterisk logs it), or undefined when it may start. */
  refusal(): string | undefined {
    const l = this.#limits;
    if (l.maxcalls > 0 && this.probes.calls() >= l.maxcalls) return this.#refuse(`maximum call limit of ${l.maxcalls} calls reached`); // prettier-ignore
    if (l.maxload === 0 && l.minmemfreeMb === 0 && l.maxheapMb === 0) return undefined;
    const now = performance.now();
    if (now - this.#lastProbeMs >= PROBE_REFRESH_MS) {
      this.#lastProbeMs = now;
      this.#systemRefusal = this.#system();
    }
    return this.#systemRefusal === undefined ? undefined : this.#refuse(this.#systemRefusal);
  }

  #system(): string | undefined {
    const l = this.#limits;
    if (l.maxload > 0) {
      const load = this.probes.loadAverage();
      if (load >= l.maxload) return `maximum load average of ${l.maxload} reached (currently ${load.toFixed(2)})`;
    }
    if (l.minmemfreeMb > 0) {
      const free = this.probes.freeMemoryMb();
      if (free < l.minmemfreeMb) return `free memory ${Math.round(free)} MB below the ${l.minmemfreeMb} MB watermark`;
    }
    if (l.maxheapMb > 0) {
      const heap = this.probes.heapUsedMb();
      if (heap >= l.maxheapMb) return `heap ${Math.round(heap)} MB at the ${l.maxheapMb} MB ceiling`;
    }
    return undefined;
  }

  #refuse(reason: string): string {
    this.refused++;
    return reason;
  }
}

/** Probes of this process and machine; `calls` from the core's channel count. */
export function machineProbes(calls: () => number): AdmissionProbes {
  return {
    calls,
    loadAverage: () => loadavg()[0] ?? 0,
    freeMemoryMb: () => freemem() / MB,
    heapUsedMb: () => getHeapStatistics().used_heap_size / MB,
  };
}
