// UAC digest authentication — RFC 3261 §22.2–22.4 (answer a 401 with Authorization, a 407 with
// Proxy-Authorization, one per realm challenged), RFC 2617 §3.2.2 (qop=auth, cnonce, nc counted per nonce),
// RFC 8760 §2.4 (algorithm choice). What pjsip does for an endpoint's `outbound_auth`.
import { randomBytes } from 'node:crypto';
import { parseChallenges, serializeCredentials } from './digest-header.js';
import type { DigestChallenge } from './digest-header.js';
import { computeHa1, computeHa2, computeResponse, parseAlgorithm } from './digest.js';
import type { DigestAlgorithm, DigestSecret } from './digest.js';
import type { AuthRequest } from './server-auth.js';

/** One pjsip `type=auth` section used as outbound_auth. */
export interface OutboundAuth {
  username: string;
  secret: DigestSecret;
  /** Realm this auth answers; empty, '*' or absent = any (pjsip). */
  realm?: string;
}

export type ClientAuthError = 'no-challenge' | 'malformed' | 'unsupported-algorithm' | 'no-credentials' | 'rejected';

export type ClientAuthResult =
  | { ok: true; headers: { name: 'Authorization' | 'Proxy-Authorization'; value: string }[] }
  | { ok: false; error: ClientAuthError };

/** Strongest first; the -sess variants are answered too (RFC 7616 §3.4.2). */
const STRENGTH: readonly DigestAlgorithm[] = [
  'SHA-512-256',
  'SHA-512-256-sess',
  'SHA-256',
  'SHA-256-sess',
  'MD5',
  'MD5-sess',
];
/** Cached challenges (one per realm and header kind) are few; this only guards against a hostile peer. */
const MAX_CACHED = 32;

interface Cached {
  name: 'Authorization' | 'Proxy-Authorization';
  challenge: DigestChallenge;
  algorithm: DigestAlgorithm;
  auth: OutboundAuth;
  nc: number;
}

export class ClientAuth {
  readonly #cache = new Map<string, Cached>();

  constructor(
    private readonly auths: readonly OutboundAuth[],
    private readonly algorithms: readonly DigestAlgorithm[] = STRENGTH,
    private readonly makeCnonce: () => string = () => randomBytes(12).toString('hex'),
  ) {}

  /**
   * Answers the WWW-Authenticate (401) or Proxy-Authenticate (407) values of a response to `request`: per realm,
   * the strongest algorithm we support. A non-stale challenge carrying the nonce we just answered means the
   * credentials were refused: 'rejected' rather than a loop.
   */
  answer(status: 401 | 407, challengeValues: readonly string[], request: AuthRequest): ClientAuthResult {
    const name = status === 407 ? 'Proxy-Authorization' : 'Authorization';
    const byRealm = new Map<string, { challenge: DigestChallenge; algorithm: DigestAlgorithm; rank: number }>();
    let sawMalformed = false;
    let sawDigest = false;
    for (const value of challengeValues) {
      const parsed = parseChallenges(value);
      if (!parsed.ok) {
        sawMalformed ||= parsed.error !== 'no-digest';
        continue;
      }
      for (const challenge of parsed.value) {
        sawDigest = true;
        const algorithm = parseAlgorithm(challenge.algorithm);
        if (algorithm === undefined || !this.algorithms.includes(algorithm)) continue;
        const rank = STRENGTH.indexOf(algorithm);
        const best = byRealm.get(challenge.realm);
        if (best === undefined || rank < best.rank) byRealm.set(challenge.realm, { challenge, algorithm, rank });
      }
    }
    if (byRealm.size === 0) {
      return { ok: false, error: sawDigest ? 'unsupported-algorithm' : sawMalformed ? 'malformed' : 'no-challenge' };
    }
    const headers: { name: 'Authorization' | 'Proxy-Authorization'; value: string }[] = [];
    for (const [realm, { challenge, algorithm }] of byRealm) {
      const auth = this.auths.find(
        (a) => a.realm === undefined || a.realm === '' || a.realm === '*' || a.realm === realm,
      );
      if (auth === undefined) return { ok: false, error: 'no-credentials' };
      const key = `${name}\n${realm}`;
      const previous = this.#cache.get(key);
      if (previous !== undefined && previous.challenge.nonce === challenge.nonce && !challenge.stale) {
        this.#cache.delete(key);
        return { ok: false, error: 'rejected' };
      }
      const cached: Cached = { name, challenge, algorithm, auth, nc: 0 };
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      if (this.#cache.size > MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value!);
      const value = this.#credentials(cached, request);
      if (value === undefined) return { ok: false, error: 'unsupported-algorithm' };
      headers.push({ name, value });
    }
    return { ok: true, headers };
  }

  /** Pre-emptive headers for a later request (e.g. a REGISTER refresh) from the cached challenges, nc + 1. */
  authorize(request: AuthRequest): { name: 'Authorization' | 'Proxy-Authorization'; value: string }[] {
    const out: { name: 'Authorization' | 'Proxy-Authorization'; value: string }[] = [];
    for (const cached of this.#cache.values()) {
      const value = this.#credentials(cached, request);
      if (value !== undefined) out.push({ name: cached.name, value });
    }
    return out;
  }

  #credentials(cached: Cached, request: AuthRequest): string | undefined {
    const { challenge, algorithm, auth } = cached;
    // RFC 7616 §3.3: prefer auth; auth-int only when it is all the server offers; none → RFC 2069 style.
    const qop = challenge.qop.includes('auth') ? 'auth' : challenge.qop.includes('auth-int') ? 'auth-int' : undefined;
    const cnonce = qop !== undefined || algorithm.endsWith('-sess') ? this.makeCnonce() : undefined;
    const ha1 = computeHa1({
      algorithm,
      username: auth.username,
      realm: challenge.realm,
      secret: auth.secret,
      nonce: challenge.nonce,
      cnonce,
    });
    if (ha1 === undefined) return undefined;
    let nc: string | undefined;
    if (qop !== undefined) {
      cached.nc += 1;
      nc = cached.nc.toString(16).padStart(8, '0');
    }
    const ha2 = computeHa2(algorithm, request.method, request.uri, qop, request.body);
    const response = computeResponse({ algorithm, ha1, ha2, nonce: challenge.nonce, qop, nc, cnonce });
    return serializeCredentials({
      username: auth.username,
      realm: challenge.realm,
      nonce: challenge.nonce,
      uri: request.uri,
      response,
      algorithm: challenge.algorithm ?? 'MD5',
      cnonce,
      opaque: challenge.opaque,
      qop,
      nc,
      userhash: false,
    });
  }
}
