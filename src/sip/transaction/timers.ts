// RFC 3261 §17 timers (Table 4) and RFC 6026's L and M, and the per-transaction set that starts and cancels them.
//
//   T1 500 ms (RTT estimate)   T2 4 s (max non-INVITE request / INVITE response retransmit)   T4 5 s (max message life)
//   A  T1, doubling     INVITE request retransmit (UDP only)      B  64*T1  INVITE transaction timeout
//   D  32 s UDP, 0 reliable     wait for response retransmits     E  T1, doubling to T2   non-INVITE request retransmit (UDP)
//   F  64*T1  non-INVITE transaction timeout                       G  T1, doubling to T2   INVITE response retransmit (UDP)
//   H  64*T1  wait for ACK receipt                                 I  T4 UDP, 0 reliable   wait for ACK retransmits
//   J  64*T1 UDP, 0 reliable   wait for non-INVITE request retransmits   K  T4 UDP, 0 reliable   wait for response retransmits
//   L  64*T1  (RFC 6026) INVITE server, wait for 2xx retransmits   M  64*T1  (RFC 6026) INVITE client, accepted state
// Timer C belongs to proxies and is not here. `Trying` is §17.2.1's 200 ms before an INVITE server sends 100 Trying.

import type { TimerHandle, TimerWheel } from './timer-wheel.js';

export interface SipTimerConfig {
  t1Ms: number;
  t2Ms: number;
  t4Ms: number;
}

export const DEFAULT_SIP_TIMERS: Readonly<SipTimerConfig> = { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 };

/** §17.2.1: an INVITE server transaction sends 100 Trying if the TU has not answered within 200 ms. */
export const TRYING_DELAY_MS = 200;

export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying';

/** Initial values per Table 4; undefined means the timer is not set at all (A, E, G on reliable transports). */
export type TimerValues = Readonly<Record<Exclude<TimerName, 'Trying'>, number | undefined>>;

export function timerValues(cfg: SipTimerConfig, isReliable: boolean): TimerValues {
  const t64 = 64 * cfg.t1Ms;
  return {
    A: isReliable ? undefined : cfg.t1Ms,
    B: t64,
    D: isReliable ? 0 : 32_000,
    E: isReliable ? undefined : cfg.t1Ms,
    F: t64,
    G: isReliable ? undefined : cfg.t1Ms,
    H: t64,
    I: isReliable ? 0 : cfg.t4Ms,
    J: isReliable ? 0 : t64,
    K: isReliable ? 0 : cfg.t4Ms,
    L: t64,
    M: t64,
  };
}

/** One transaction's running timers, by name; starting a name again replaces it. */
export class TransactionTimers {
  readonly #wheel: TimerWheel;
  readonly #handles = new Map<TimerName, TimerHandle>();

  constructor(wheel: TimerWheel) {
    this.#wheel = wheel;
  }

  start(name: TimerName, ms: number, fn: () => void): this {
    this.#wheel.cancel(this.#handles.get(name));
    this.#handles.set(name, this.#wheel.schedule(ms, fn));
    return this;
  }

  cancel(...names: TimerName[]): this {
    for (const name of names) {
      this.#wheel.cancel(this.#handles.get(name));
      this.#handles.delete(name);
    }
    return this;
  }

  cancelAll(): void {
    for (const h of this.#handles.values()) this.#wheel.cancel(h);
    this.#handles.clear();
  }

  isRunning(name: TimerName): boolean {
    return this.#handles.get(name)?.isPending === true;
  }
}
