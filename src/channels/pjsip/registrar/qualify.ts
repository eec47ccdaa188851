// Qualify: an OPTIONS to every contact of an AOR with `qualify_frequency > 0`, every qualify_frequency seconds, the
// first at a random moment inside the first period (sip-reference §4.9). Any response means Reachable (roundtrip in
// µs), a timeout (`qualify_timeout`) or transport error Unreachable; results go through ContactStore.setStatus, so
// listeners hear only of changes.
//
// One timer for all contacts: it is armed for the soonest due OPTIONS or timeout, like the store's expiry timer.

import type { AorConfig } from '../../../config/pjsip-types.js';
import {
  type ContactChange,
  type ContactStore,
  type RegistrarClock,
  contactKey,
  systemClock,
} from './contact-store.js';

export type OptionsResult = { status: number } | 'timeout' | 'error';

export type SendOptions = (uri: string, aor: AorConfig) => Promise<OptionsResult>;

export interface QualifierOptions {
  store: ContactStore;
  aors: ReadonlyMap<string, AorConfig>;
  sendOptions: SendOptions;
  clock?: RegistrarClock;
  /** [0, 1); Math.random by default. */
  random?: () => number;
}

interface Entry {
  aor: AorConfig;
  uri: string;
  /** When the next OPTIONS is due (ms). */
  dueAt: number;
  /** While an OPTIONS is outstanding: when it counts as timed out; which attempt it is. */
  deadlineAt: number;
  sentAt: number;
  attempt: number;
}

const MAX_TIMER_MS = 0x7fffffff;
/**
 * Wake-ups land on this grid, so however many contacts there are, a period costs at most period/TICK_MS sweeps of
 * the contact list (an OPTIONS or a timeout is at most this late).
 */
const TICK_MS = 100;

export class Qualifier {
  readonly #store: ContactStore;
  readonly #aors: ReadonlyMap<string, AorConfig>;
  readonly #send: SendOptions;
  readonly #clock: RegistrarClock;
  readonly #random: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #unsubscribe: () => void;
  #timer: unknown;
  #armedAt = Infinity;
  #isClosed = false;

  constructor(options: QualifierOptions) {
    this.#store = options.store;
    this.#aors = options.aors;
    this.#send = options.sendOptions;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#unsubscribe = this.#store.addListener((ev) => this.#onChange(ev));
    for (const aor of this.#aors.values()) for (const b of this.#store.list(aor.name)) this.#track(aor.name, b.uri);
  }

  /** Contacts being qualified. */
  get size(): number {
    return this.#entries.size;
  }

  /** Stops the timer and forgets every contact; answers still in flight are ignored. Idempotent. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#unsubscribe();
    this.#entries.clear();
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  #onChange(ev: ContactChange): void {
    if (ev.status === 'Created') {
      this.#track(ev.aor, ev.uri);
    } else if (ev.status === 'Removed') {
      this.#entries.delete(`${ev.aor}\n${contactKey(ev.uri)}`);
    }
  }

  #track(aorName: string, uri: string): void {
    const aor = this.#aors.get(aorName);
    if (aor === undefined || aor.qualifyFrequency <= 0) return;
    const key = `${aorName}\n${contactKey(uri)}`;
    if (this.#entries.has(key)) return;
    const periodMs = aor.qualifyFrequency * 1000;
    const dueAt = this.#clock.now() + Math.floor(this.#random() * periodMs);
    this.#entries.set(key, { aor, uri, dueAt, deadlineAt: Infinity, sentAt: 0, attempt: 0 });
    this.#armFor(dueAt);
  }

  /** Arms the one timer for `at` (on a TICK_MS grid) unless it already fires sooner. */
  #armFor(at: number): void {
    if (this.#isClosed || at === Infinity) return;
    const gridded = Math.ceil(at / TICK_MS) * TICK_MS;
    if (gridded >= this.#armedAt) return;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#armedAt = gridded;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, gridded - this.#clock.now()));
    this.#timer = this.#clock.setTimer(() => this.#tick(), delay);
  }

  #tick(): void {
    this.#timer = undefined;
    this.#armedAt = Infinity;
    const now = this.#clock.now();
    let next = Infinity;
    for (const e of this.#entries.values()) {
      if (e.deadlineAt !== Infinity && e.deadlineAt <= now) this.#finish(e, e.attempt, 'timeout');
      else if (e.deadlineAt === Infinity && e.dueAt <= now) this.#qualify(e, now);
      const at = e.deadlineAt === Infinity ? e.dueAt : e.deadlineAt;
      if (at < next) next = at;
    }
    this.#armFor(next);
  }

  #qualify(e: Entry, now: number): void {
    e.attempt++;
    e.sentAt = now;
    e.deadlineAt = now + e.aor.qualifyTimeout * 1000;
    this.#armFor(e.deadlineAt);
    const attempt = e.attempt;
    this.#send(e.uri, e.aor).then(
      (r) => this.#finish(e, attempt, r),
      () => this.#finish(e, attempt, 'error'),
    );
  }

  /** Applies one answer (or our own timeout) once; a late answer to an attempt already settled is dropped. */
  #finish(e: Entry, attempt: number, r: OptionsResult): void {
    if (this.#isClosed || attempt !== e.attempt || e.deadlineAt === Infinity) return;
    const now = this.#clock.now();
    e.deadlineAt = Infinity;
    e.dueAt = e.sentAt + e.aor.qualifyFrequency * 1000;
    // Any response means reachable, unless qualify_2xx_only asks for a 2xx.
    const refused = typeof r === 'object' && e.aor.qualify2xxOnly && (r.status < 200 || r.status >= 300);
    if (r === 'timeout' || r === 'error' || refused) this.#store.setStatus(e.aor.name, e.uri, 'Unreachable', 0);
    else this.#store.setStatus(e.aor.name, e.uri, 'Reachable', Math.max(0, Math.round((now - e.sentAt) * 1000)));
    this.#armFor(e.dueAt);
  }
}
