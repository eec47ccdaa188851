// Where an AOR's contacts live: the dynamic bindings REGISTER creates (RFC 3261 §10.3) and the static `contact=`
// lines of pjsip.conf (sip-reference §5, aor). Bindings expire through ONE timer for the whole store, armed for
// the soonest expiry and re-armed after each sweep, so 10 000 registrations cost one pending timeout, not 10 000.
//
// Status follows Asterisk 22 (sip-reference §4.9): a contact of an AOR without qualify is `NonQualified`; with
// qualify it starts `Unknown` and becomes `Reachable`/`Unreachable` as OPTIONS are answered or time out.

import type { AorConfig } from '../../../config/pjsip-types.js';
import { parseUri } from '../../../sip/message/sip-uri.js';

export type ContactStatus = 'Unknown' | 'Reachable' | 'Unreachable' | 'NonQualified';

export interface Binding {
  readonly uri: string;
  readonly aor: string;
  /** Absolute ms on the store clock; Infinity for static contacts. */
  readonly expiresAt: number;
  readonly callId: string;
  readonly cseq: number;
  /** Path header values (RFC 3327), as received. */
  readonly path?: readonly string[];
  readonly userAgent?: string;
  /** `host:port` the REGISTER came from. */
  readonly viaAddr: string;
  readonly registeredAt: number;
  readonly status: ContactStatus;
  readonly roundtripUsec: number;
  /** A `contact=` line of the AOR: never expires, never removed by REGISTER, not counted in max_contacts. */
  readonly isStatic: boolean;
}

export type BindingInput = Omit<Binding, 'isStatic' | 'roundtripUsec'>;

export interface ContactChange {
  aor: string;
  uri: string;
  status: 'Created' | 'Updated' | 'Removed' | ContactStatus;
  roundtripUsec: number;
}

export type ContactListener = (ev: ContactChange) => void;

/** Time for the registrar and qualifier: a test passes a manual one. */
export interface RegistrarClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: RegistrarClock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface ContactStoreOptions {
  clock?: RegistrarClock;
  /** Dynamic bindings over all AORs; REGISTERs that would add more are refused (default 10 000). */
  maxBindings?: number;
  onChange?: ContactListener;
}

/** setTimeout takes at most 2^31-1 ms; a later expiry is reached through an intermediate wake-up. */
const MAX_TIMER_MS = 0x7fffffff;

/**
 * The key two contact URIs share when RFC 3261 §19.1.4 calls them equal, for the parts a registrar meets: scheme,
 * host and parameter names case-insensitive, user case-sensitive, parameters in any order.
 */
export function contactKey(uri: string): string {
  const u = parseUri(uri);
  if (!u.ok) return uri;
  const v = u.value;
  const params = v.params
    .map((p) => `${p.name.toLowerCase()}=${p.value?.toLowerCase() ?? ''}`)
    .sort()
    .join(';');
  return `${v.scheme}:${v.user ?? ''}@${v.host.toLowerCase()}:${v.port ?? ''};${params}`;
}

export class ContactStore {
  readonly #clock: RegistrarClock;
  readonly #maxBindings: number;
  readonly #listeners = new Set<ContactListener>();
  readonly #dynamic = new Map<string, Map<string, Binding>>();
  readonly #static = new Map<string, Binding[]>();
  #count = 0;
  #timer: unknown;
  #armedAt = Infinity;
  #isClosed = false;

  constructor(options: ContactStoreOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxBindings = options.maxBindings ?? 10_000;
    if (options.onChange !== undefined) this.#listeners.add(options.onChange);
  }

  /** Adds a listener; returns the function that removes it. A throwing listener does not stop the others. */
  addListener(fn: ContactListener): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  get size(): number {
    return this.#count;
  }

  get maxBindings(): number {
    return this.#maxBindings;
  }

  now(): number {
    return this.#clock.now();
  }

  /** (Re)loads an AOR's static `contact=` lines; NonQualified without qualify, Unknown until the first OPTIONS. */
  setStatic(aor: AorConfig): void {
    const previous = this.#static.get(aor.name) ?? [];
    const status: ContactStatus = aor.qualifyFrequency > 0 ? 'Unknown' : 'NonQualified';
    const next = aor.contacts.map((uri): Binding => ({
      uri,
      aor: aor.name,
      expiresAt: Infinity,
      callId: '',
      cseq: 0,
      viaAddr: '',
      registeredAt: this.#clock.now(),
      status,
      roundtripUsec: 0,
      isStatic: true,
    }));
    this.#static.set(aor.name, next);
    const kept = new Set(next.map((b) => contactKey(b.uri)));
    for (const b of previous) if (!kept.has(contactKey(b.uri))) this.#emit(b, 'Removed');
    const had = new Set(previous.map((b) => contactKey(b.uri)));
    for (const b of next) {
      if (had.has(contactKey(b.uri))) continue;
      this.#emit(b, 'Created');
      this.#emit(b, b.status);
    }
  }

  /** Static then dynamic contacts of the AOR. */
  list(aor: string): Binding[] {
    const out = [...(this.#static.get(aor) ?? [])];
    const dyn = this.#dynamic.get(aor);
    if (dyn !== undefined) for (const b of dyn.values()) out.push(b);
    return out;
  }

  /** The dynamic bindings only (what max_contacts counts). */
  bindings(aor: string): Binding[] {
    const dyn = this.#dynamic.get(aor);
    return dyn === undefined ? [] : [...dyn.values()];
  }

  get(aor: string, uri: string): Binding | undefined {
    const key = contactKey(uri);
    const dyn = this.#dynamic.get(aor)?.get(key);
    return dyn ?? this.#static.get(aor)?.find((b) => contactKey(b.uri) === key);
  }

  /**
   * Contacts a call may be sent to: every status but Unreachable. `Unknown` (qualify configured, no answer yet)
   * counts, as Asterisk dials a contact until an OPTIONS has timed out; see endpoint-state.ts for the stricter
   * rule that decides online/offline.
   */
  available(aor: string): Binding[] {
    return this.list(aor).filter((b) => b.status !== 'Unreachable');
  }

  /** Creates or refreshes a dynamic binding; 'full' when the store holds maxBindings already. */
  upsert(input: BindingInput): 'created' | 'updated' | 'full' {
    const key = contactKey(input.uri);
    let dyn = this.#dynamic.get(input.aor);
    const existing = dyn?.get(key);
    if (existing === undefined && this.#count >= this.#maxBindings) return 'full';
    if (dyn === undefined) {
      dyn = new Map();
      this.#dynamic.set(input.aor, dyn);
    }
    // A refresh keeps the qualify result: the contact did not become less reachable by registering again.
    const binding: Binding =
      existing === undefined
        ? { ...input, roundtripUsec: 0, isStatic: false }
        : { ...input, status: existing.status, roundtripUsec: existing.roundtripUsec, isStatic: false };
    dyn.set(key, binding);
    if (existing === undefined) this.#count++;
    this.#arm(binding.expiresAt);
    if (existing === undefined) {
      this.#emit(binding, 'Created');
      this.#emit(binding, binding.status);
    } else {
      this.#emit(binding, 'Updated');
    }
    return existing === undefined ? 'created' : 'updated';
  }

  /** Removes a dynamic binding; static contacts stay (they belong to the configuration). */
  remove(aor: string, uri: string): boolean {
    const dyn = this.#dynamic.get(aor);
    const key = contactKey(uri);
    const b = dyn?.get(key);
    if (dyn === undefined || b === undefined) return false;
    dyn.delete(key);
    if (dyn.size === 0) this.#dynamic.delete(aor);
    this.#count--;
    this.#emit(b, 'Removed');
    return true;
  }

  /** Records a qualify result; listeners hear of it only when the status changes. */
  setStatus(aor: string, uri: string, status: ContactStatus, roundtripUsec: number): void {
    const key = contactKey(uri);
    const dyn = this.#dynamic.get(aor);
    const d = dyn?.get(key);
    if (dyn !== undefined && d !== undefined) {
      dyn.set(key, { ...d, status, roundtripUsec });
      if (d.status !== status) this.#emit(dyn.get(key)!, status);
      return;
    }
    const list = this.#static.get(aor);
    const i = list?.findIndex((b) => contactKey(b.uri) === key) ?? -1;
    if (list === undefined || i < 0) return;
    const s = list[i]!;
    list[i] = { ...s, status, roundtripUsec };
    if (s.status !== status) this.#emit(list[i], status);
  }

  /** Stops the expiry timer; bindings are kept but no longer expire. Idempotent. */
  close(): void {
    this.#isClosed = true;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#timer = undefined;
    this.#armedAt = Infinity;
  }

  #arm(at: number): void {
    if (this.#isClosed || at >= this.#armedAt || !Number.isFinite(at)) return;
    if (this.#timer !== undefined) this.#clock.clearTimer(this.#timer);
    this.#armedAt = at;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.#clock.now()));
    this.#timer = this.#clock.setTimer(() => this.#sweep(), delay);
  }

  #sweep(): void {
    this.#timer = undefined;
    this.#armedAt = Infinity;
    const now = this.#clock.now();
    let next = Infinity;
    const expired: Binding[] = [];
    for (const dyn of this.#dynamic.values()) {
      for (const b of dyn.values()) {
        if (b.expiresAt <= now) expired.push(b);
        else if (b.expiresAt < next) next = b.expiresAt;
      }
    }
    for (const b of expired) this.remove(b.aor, b.uri);
    this.#arm(next);
  }

  #emit(b: Binding, status: ContactChange['status']): void {
    const ev: ContactChange = { aor: b.aor, uri: b.uri, status, roundtripUsec: b.roundtripUsec };
    for (const fn of this.#listeners) {
      try {
        fn(ev);
      } catch {
        // A listener's failure is its own (mediasoup safeEmit): the store's state is already consistent.
      }
    }
  }
}
