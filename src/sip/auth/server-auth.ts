// UAS digest authentication — RFC 3261 §22.2 (401 + WWW-Authenticate) and §22.3 (proxies: 407), §22.4;
// RFC 8760 §2.3 (one challenge per algorithm, in order of preference); RFC 7616 §3.3 (stale).
// Behaves like Asterisk 22's res_pjsip as a peer sees it: `Digest realm="asterisk",nonce="…",opaque="…",
// algorithm=MD5,qop="auth"`; a correct response to an expired nonce is re-challenged with stale=true.
import { randomBytes } from 'node:crypto';
import { parseCredentials, serializeChallenge } from './digest-header.js';
import type { DigestCredentials } from './digest-header.js';
import { computeHa1, computeHa2, computeResponse, digestEquals, digestHexLength, parseAlgorithm } from './digest.js';
import type { DigestAlgorithm, DigestSecret } from './digest.js';
import { NonceCounts, NonceIssuer } from './nonce.js';
import { parseUri } from '../message/sip-uri.js';

/** Whether two URIs address the same place: equal text, or the same scheme, host and port. */
function sameTarget(a: string, b: string): boolean {
  if (a === b) return true;
  const x = parseUri(a);
  const y = parseUri(b);
  if (!x.ok || !y.ok) return false;
  return (
    x.value.scheme === y.value.scheme &&
    x.value.host.toLowerCase() === y.value.host.toLowerCase() &&
    x.value.port === y.value.port
  );
}

/** What a challenged request is checked against: the Request-URI as received, and the body for qop=auth-int. */
export interface AuthRequest {
  method: string;
  uri: string;
  body?: string | Buffer;
}

export type CredentialLookup = (username: string, realm: string) => DigestSecret | undefined;

export type AuthFailure =
  | 'missing'
  | 'malformed'
  | 'unsupported-algorithm'
  | 'uri-mismatch'
  | 'bad-nonce'
  | 'unknown-user'
  | 'bad-response'
  | 'stale'
  | 'replay';

export type AuthResult = { ok: true; username: string; realm: string } | { ok: false; reason: AuthFailure };

export interface ServerAuthOptions {
  /** Seconds→ms of pjsip's `nonce_lifetime` (32 s). */
  nonceLifetimeMs?: number;
  /** Nonces whose nc is remembered; older ones get stale=true (see NonceCounts). */
  maxTrackedNonces?: number;
  now?: () => number;
  secret?: Buffer;
}

/** RFC 8760 §2.3 lists SHA-256 first; MD5 last for old UAs. The -sess variants are never offered. */
const CHALLENGE_ORDER: readonly DigestAlgorithm[] = ['SHA-256', 'SHA-512-256', 'MD5'];

// Which failure a caller should act on when several Authorization headers were sent: stale gets the UA to retry.
const FAILURE_RANK: Record<AuthFailure, number> = {
  stale: 0,
  replay: 1,
  'bad-response': 2,
  'unknown-user': 3,
  'uri-mismatch': 4,
  'bad-nonce': 5,
  'unsupported-algorithm': 6,
  malformed: 7,
  missing: 8,
};

export class ServerAuth {
  readonly #nonces: NonceIssuer;
  readonly #counts: NonceCounts;
  readonly #now: () => number;
  /** Asterisk sends an opaque; nothing depends on it coming back (RFC 7616 §3.3: SHOULD return it unchanged). */
  readonly #opaque = randomBytes(8).toString('hex');

  constructor(options: ServerAuthOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#nonces = new NonceIssuer(options.nonceLifetimeMs ?? 32_000, this.#now, options.secret);
    this.#counts = new NonceCounts(options.maxTrackedNonces ?? 10_000);
  }

  /** Number of nonces whose nc is being tracked (bounded by maxTrackedNonces). */
  get trackedNonces(): number {
    return this.#counts.size;
  }

  /** WWW-Authenticate (or Proxy-Authenticate) values, one per algorithm, each with its own nonce. */
  challenge(realm: string, algorithms: readonly DigestAlgorithm[] = ['MD5'], stale = false): string[] {
    return CHALLENGE_ORDER.filter((a) => algorithms.includes(a)).map((algorithm) =>
      serializeChallenge({
        realm,
        nonce: this.#nonces.issue(realm),
        opaque: this.#opaque,
        stale,
        algorithm,
        qop: ['auth'],
        userhash: false,
      }),
    );
  }

  /**
   * Checks Authorization (or Proxy-Authorization) values against the request. `algorithms` are those this UAS
   * accepts (pjsip `supported_algorithms_uas`); with several headers (one per realm, RFC 3261 §22.4) any success
   * wins, else the most actionable failure ('stale' first).
   */
  verify(
    credentials: string | readonly string[] | undefined,
    request: AuthRequest,
    lookup: CredentialLookup,
    algorithms: readonly DigestAlgorithm[] = CHALLENGE_ORDER,
  ): AuthResult {
    const values = credentials === undefined ? [] : typeof credentials === 'string' ? [credentials] : credentials;
    let worst: AuthFailure = 'missing';
    for (const value of values) {
      const r = this.#verifyOne(value, request, lookup, algorithms);
      if (r.ok) return r;
      if (FAILURE_RANK[r.reason] < FAILURE_RANK[worst]) worst = r.reason;
    }
    return { ok: false, reason: worst };
  }

  #verifyOne(
    value: string,
    request: AuthRequest,
    lookup: CredentialLookup,
    algorithms: readonly DigestAlgorithm[],
  ): AuthResult {
    const parsed = parseCredentials(value);
    if (!parsed.ok) return { ok: false, reason: 'malformed' };
    const c: DigestCredentials = parsed.value;
    const algorithm = parseAlgorithm(c.algorithm);
    if (algorithm === undefined || !algorithms.includes(algorithm))
      return { ok: false, reason: 'unsupported-algorithm' };
    if (c.response.length !== digestHexLength(algorithm)) return { ok: false, reason: 'malformed' };
    // RFC 2617 §3.2.2.5: the digest-uri names the Request-URI; a copy made for another request does not count.
    // Like pjsip, the check is on where the request goes (scheme, host, port): clients such as sipp write the
    // Request-URI without its user part. The response itself is computed over the digest-uri as sent.
    if (!sameTarget(c.uri, request.uri)) return { ok: false, reason: 'uri-mismatch' };
    const nonce = this.#nonces.check(c.nonce, c.realm); // bound to the realm: another realm's nonce is refused
    if (!nonce.ok) return { ok: false, reason: 'bad-nonce' };
    const secret = lookup(c.username, c.realm);
    if (secret === undefined) return { ok: false, reason: 'unknown-user' };
    const ha1 = computeHa1({
      algorithm,
      username: c.username,
      realm: c.realm,
      secret,
      nonce: c.nonce,
      cnonce: c.cnonce,
    });
    if (ha1 === undefined) return { ok: false, reason: 'unsupported-algorithm' }; // md5_cred only serves MD5
    const ha2 = computeHa2(algorithm, request.method, c.uri, c.qop, request.body);
    const expected = computeResponse({ algorithm, ha1, ha2, nonce: c.nonce, qop: c.qop, nc: c.nc, cnonce: c.cnonce });
    if (!digestEquals(expected, c.response)) return { ok: false, reason: 'bad-response' };
    // Only now, with the password proven: expiry (RFC 7616 §3.3 stale) and nc replay (§5.4) are checked.
    if (nonce.isExpired) return { ok: false, reason: 'stale' };
    if (c.nc !== undefined) {
      if (this.#counts.size >= this.#counts.maxEntries) this.#counts.prune(this.#now() - this.#nonces.lifetimeMs);
      const counted = this.#counts.accept(c.nonce, nonce.issuedAtMs, parseInt(c.nc, 16));
      if (counted === 'replay') return { ok: false, reason: 'replay' };
      if (counted === 'forgotten') return { ok: false, reason: 'stale' };
    }
    return { ok: true, username: c.username, realm: c.realm };
  }
}
