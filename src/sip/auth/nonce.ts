// Stateless server nonces and nonce-count replay tracking — RFC 7616 §3.3 (nonce: "a time-stamp … and a private
// key"), §5.4 (limited-use nonces), RFC 2617 §3.2.2 (nc). Asterisk 22 uses `<unix-time>/<md5 of time:ip:entity:realm>`
// valid `nonce_lifetime` (32 s); ours is opaque base64url, bound to the realm by an HMAC with a per-process secret:
//
//   base64url( issuedAtMs (8 bytes BE) | salt (8 random bytes) | HMAC-SHA256(secret, first 16 bytes | realm)[0..16) )
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TS_BYTES = 8;
const SALT_BYTES = 8;
const MAC_BYTES = 16;
const NONCE_BYTES = TS_BYTES + SALT_BYTES + MAC_BYTES;
/** A nonce issued this far in the future (clock steps, other process) is refused rather than trusted. */
const MAX_FUTURE_MS = 5_000;

export type NonceCheck = { ok: true; issuedAtMs: number; isExpired: boolean } | { ok: false; error: 'bad-nonce' };

export class NonceIssuer {
  readonly #secret: Buffer;
  constructor(
    readonly lifetimeMs = 32_000,
    private readonly now: () => number = Date.now,
    secret: Buffer = randomBytes(32),
  ) {
    this.#secret = secret;
  }

  issue(realm: string): string {
    const buf = Buffer.alloc(NONCE_BYTES);
    buf.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(this.now()))), 0);
    randomBytes(SALT_BYTES).copy(buf, TS_BYTES);
    this.#mac(buf.subarray(0, TS_BYTES + SALT_BYTES), realm).copy(buf, TS_BYTES + SALT_BYTES);
    return buf.toString('base64url');
  }

  /** A nonce we issued for `realm`: its age decides `isExpired` (→ stale=true when the response is right). */
  check(nonce: string, realm: string): NonceCheck {
    if (nonce.length !== Math.ceil((NONCE_BYTES * 4) / 3) || !/^[A-Za-z0-9_-]+$/.test(nonce)) {
      return { ok: false, error: 'bad-nonce' };
    }
    const buf = Buffer.from(nonce, 'base64url');
    if (buf.length !== NONCE_BYTES) return { ok: false, error: 'bad-nonce' };
    const mac = this.#mac(buf.subarray(0, TS_BYTES + SALT_BYTES), realm);
    if (!timingSafeEqual(mac, buf.subarray(TS_BYTES + SALT_BYTES))) return { ok: false, error: 'bad-nonce' };
    const issuedAtMs = Number(buf.readBigUInt64BE(0));
    const age = this.now() - issuedAtMs;
    if (age < -MAX_FUTURE_MS) return { ok: false, error: 'bad-nonce' };
    return { ok: true, issuedAtMs, isExpired: age > this.lifetimeMs };
  }

  #mac(head: Buffer, realm: string): Buffer {
    return createHmac('sha256', this.#secret).update(head).update(realm, 'utf8').digest().subarray(0, MAC_BYTES);
  }
}

export type NonceCountResult = 'ok' | 'replay' | 'forgotten';

/**
 * The highest nc accepted per nonce, in an LRU bounded to `maxEntries`. A forgotten nonce cannot be told from a
 * new one, so every nonce issued no later than the newest evicted one is refused as 'forgotten' (the UAS answers
 * stale=true and the UA retries with a fresh nonce): memory stays bounded and a replay never slips through.
 */
export class NonceCounts {
  readonly #last = new Map<string, { nc: number; issuedAtMs: number }>();
  #forgetBeforeMs = -1;
  constructor(readonly maxEntries = 10_000) {}

  get size(): number {
    return this.#last.size;
  }

  /** Records `nc` (already parsed from 8 hex digits) for a verified request; refuses it unless it grew. */
  accept(nonce: string, issuedAtMs: number, nc: number): NonceCountResult {
    const seen = this.#last.get(nonce);
    if (seen === undefined) {
      if (issuedAtMs <= this.#forgetBeforeMs) return 'forgotten';
    } else {
      if (nc <= seen.nc) return 'replay';
      this.#last.delete(nonce); // re-inserted below as most recently used
    }
    this.#last.set(nonce, { nc, issuedAtMs });
    while (this.#last.size > this.maxEntries) {
      const oldest = this.#last.entries().next().value;
      if (oldest === undefined) break;
      this.#last.delete(oldest[0]);
      if (oldest[1].issuedAtMs > this.#forgetBeforeMs) this.#forgetBeforeMs = oldest[1].issuedAtMs;
    }
    return 'ok';
  }

  /** Drops entries for nonces issued before `cutoffMs` (they are expired anyway). */
  prune(cutoffMs: number): void {
    for (const [nonce, e] of this.#last) {
      if (e.issuedAtMs < cutoffMs) this.#last.delete(nonce);
    }
    if (cutoffMs - 1 > this.#forgetBeforeMs) this.#forgetBeforeMs = cutoffMs - 1;
  }
}
