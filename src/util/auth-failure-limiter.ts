/**
 * Per-address brake on password guessing, shared by ARI (HTTP Basic / api_key) and SIP digest authentication.
 * Asterisk itself has none (it only reports failures as security events, for fail2ban and the like); this is
 * Switchyard's own policy:
 * - each failed authentication from an address adds one to its score, which leaks away at `maxFailures` per
 *   `windowMs` (a leaky bucket: steady typing mistakes never add up, a burst does);
 * - past `delayAfter` failures the answer to each further failure is held back `delayStepMs` more, up to
 *   `maxDelayMs` (slows a sequential guesser down without costing a legitimate client anything);
 * - at `maxFailures` the address is refused outright for `blockMs`, whatever it sends, the right password
 *   included (otherwise a refusal would tell a guesser when it is right);
 * - a success does not clear the score: an attacker holding one account cannot launder guesses at another.
 * Other addresses are never affected. IPv6 clients are grouped by /64 (one host usually owns a whole /64 and
 * can rotate through it); IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface AuthFailureLimits {
  /** Failures from one address that get it refused; 0 turns the limiter off. */
  readonly maxFailures: number;
  /** The time over which `maxFailures` failures leak away. */
  readonly windowMs: number;
  /** How long a refused address stays refused. */
  readonly blockMs: number;
  /** Extra hold-back per failure beyond `delayAfter`, and its ceiling. */
  readonly delayStepMs: number;
  readonly maxDelayMs: number;
  readonly delayAfter: number;
}

export const DEFAULT_AUTH_FAILURE_LIMITS: AuthFailureLimits = {
  maxFailures: 10,
  windowMs: 60_000,
  blockMs: 300_000,
  delayStepMs: 250,
  maxDelayMs: 2_000,
  delayAfter: 3,
};

/** Addresses remembered at most; past it the forgotten ones go first, then the least recently seen. */
const MAX_TRACKED = 10_000;

interface Entry {
  score: number;
  /** When `score` was last brought up to date. */
  at: number;
  /** Refused until this time (0: not refused). */
  blockedUntil: number;
}

/** What to do about a failure just counted. */
export interface FailureVerdict {
  /** Hold the failure's answer back this long. */
  readonly delayMs: number;
  /** This failure got the address refused. */
  readonly isBlocked: boolean;
}

const NO_DELAY: FailureVerdict = { delayMs: 0, isBlocked: false };

export class AuthFailureLimiter {
  readonly #entries = new Map<string, Entry>();
  readonly #leakPerMs: number;

  constructor(
    readonly limits: AuthFailureLimits = DEFAULT_AUTH_FAILURE_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly maxTracked = MAX_TRACKED,
  ) {
    this.#leakPerMs = limits.windowMs > 0 ? limits.maxFailures / limits.windowMs : Infinity;
  }

  get isEnabled(): boolean {
    return this.limits.maxFailures > 0;
  }

  /** Addresses currently remembered (tests, metrics). */
  get trackedCount(): number {
    return this.#entries.size;
  }

  /** Seconds until `address` may try again (rounded up), or 0 when it is not refused. */
  retryAfterS(address: string): number {
    // Asked on every request: with nobody remembered there is nothing to normalise the address for.
    if (!this.isEnabled || this.#entries.size === 0) return 0;
    const entry = this.#entries.get(addressKey(address));
    if (entry === undefined || entry.blockedUntil === 0) return 0;
    const left = entry.blockedUntil - this.now();
    if (left > 0) return Math.ceil(left / 1000);
    entry.blockedUntil = 0;
    return 0;
  }

  /** Count one failed authentication from `address`. */
  fail(address: string): FailureVerdict {
    if (!this.isEnabled) return NO_DELAY;
    const key = addressKey(address);
    const now = this.now();
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { score: 0, at: now, blockedUntil: 0 };
      this.#remember(key, entry);
    } else {
      // Re-inserted so that the Map's order is least recently seen first.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#leak(entry, now);
    }
    entry.score += 1;
    const { maxFailures, delayAfter, delayStepMs, maxDelayMs, blockMs } = this.limits;
    // Whole failures count: what leaked away since the last one is less than one failure until a window's share.
    const failures = Math.ceil(entry.score);
    if (failures >= maxFailures) {
      entry.score = 0;
      entry.blockedUntil = now + blockMs;
      return { delayMs: 0, isBlocked: true };
    }
    const beyond = failures - delayAfter;
    return beyond > 0 ? { delayMs: Math.min(maxDelayMs, beyond * delayStepMs), isBlocked: false } : NO_DELAY;
  }

  #leak(entry: Entry, now: number): void {
    entry.score = Math.max(0, entry.score - (now - entry.at) * this.#leakPerMs);
    entry.at = now;
  }

  #remember(key: string, entry: Entry): void {
    if (this.#entries.size >= this.maxTracked) this.#prune(entry.at);
    this.#entries.set(key, entry);
  }

  /** Forget the addresses with nothing left to remember, then, if still full, the least recently seen. */
  #prune(now: number): void {
    for (const [key, e] of this.#entries) {
      this.#leak(e, now);
      if (e.score === 0 && e.blockedUntil <= now) this.#entries.delete(key);
    }
    const target = Math.floor(this.maxTracked * 0.9);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= target) break;
      this.#entries.delete(key);
    }
  }
}

/** The key an address is counted under: IPv4 as is, IPv4-mapped IPv6 as IPv4, other IPv6 by their /64. */
export function addressKey(address: string): string {
  if (isIPv4(address)) return address;
  const zone = address.indexOf('%');
  const bare = zone === -1 ? address : address.slice(0, zone);
  if (!isIPv6(bare)) return address;
  const lower = bare.toLowerCase();
  if (lower.startsWith('::ffff:') && isIPv4(lower.slice(7))) return lower.slice(7);
  const groups = expandIPv6(lower);
  return groups === undefined ? lower : groups.slice(0, 4).join(':') + '::/64';
}

/** The eight groups of an IPv6 address, without leading zeros (an embedded IPv4 tail is converted). */
function expandIPv6(address: string): string[] | undefined {
  let text = address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIPv4(tail)) {
    const b = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const rest = halves.length > 1 && halves[1] !== '' ? halves[1]!.split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  return [...head, ...Array<string>(missing).fill('0'), ...rest].map((g) => parseInt(g, 16).toString(16));
}
