// Digest computations — RFC 2617 §3.2.2 (MD5, qop), RFC 7616 §3.4 (SHA-256, -sess), RFC 8760 §2 (SHA-512-256 in
// SIP), RFC 3261 §22.4 (SIP's use of RFC 2617). Pure: strings in, lowercase hex out; node:crypto only.
import { createHash, timingSafeEqual } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' | 'SHA-512-256' | 'SHA-512-256-sess';

const HASH: Record<DigestAlgorithm, string> = {
  MD5: 'md5',
  'MD5-sess': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-sess': 'sha256',
  'SHA-512-256': 'sha512-256',
  'SHA-512-256-sess': 'sha512-256',
};

const BY_LOWER = new Map<string, DigestAlgorithm>(
  (Object.keys(HASH) as DigestAlgorithm[]).map((a) => [a.toLowerCase(), a]),
);

/** RFC 7616 §3.3: algorithm names are case-insensitive; an absent `algorithm` means MD5. */
export function parseAlgorithm(raw: string | undefined): DigestAlgorithm | undefined {
  return raw === undefined ? 'MD5' : BY_LOWER.get(raw.toLowerCase());
}

/** Length in hex characters of a digest made with `algorithm` (32 for MD5, 64 for the SHA-2 ones). */
export function digestHexLength(algorithm: DigestAlgorithm): number {
  return HASH[algorithm] === 'md5' ? 32 : 64;
}

export function hashHex(algorithm: DigestAlgorithm, data: string | Buffer): string {
  return createHash(HASH[algorithm]).update(data).digest('hex');
}

/** What the UAS knows about a user: the password, or pjsip's `md5_cred` = MD5("user:realm:password"). */
export type DigestSecret = { password: string } | { md5Hash: string };

export interface Ha1Input {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  secret: DigestSecret;
  /** Only for the `-sess` algorithms (RFC 7616 §3.4.2). */
  nonce?: string;
  cnonce?: string;
}

/**
 * HA1 — RFC 7616 §3.4.2: H(username ":" realm ":" passwd); for `-sess`, H(that ":" nonce ":" cnonce).
 * A stored md5 hash only serves MD5 and MD5-sess (it is already H(A1) for MD5): undefined otherwise.
 */
export function computeHa1(input: Ha1Input): string | undefined {
  const { algorithm, username, realm, secret } = input;
  let ha1: string;
  if ('password' in secret) {
    ha1 = hashHex(algorithm, `${username}:${realm}:${secret.password}`);
  } else {
    if (HASH[algorithm] !== 'md5' || !/^[0-9a-fA-F]{32}$/.test(secret.md5Hash)) return undefined;
    ha1 = secret.md5Hash.toLowerCase();
  }
  if (algorithm.endsWith('-sess')) {
    if (input.nonce === undefined || input.cnonce === undefined) return undefined;
    ha1 = hashHex(algorithm, `${ha1}:${input.nonce}:${input.cnonce}`);
  }
  return ha1;
}

/** HA2 — RFC 2617 §3.2.2.3: H(method ":" digest-uri), and for qop=auth-int H(method ":" uri ":" H(entity-body)). */
export function computeHa2(
  algorithm: DigestAlgorithm,
  method: string,
  uri: string,
  qop?: string,
  body: string | Buffer = '',
): string {
  if (qop === 'auth-int') return hashHex(algorithm, `${method}:${uri}:${hashHex(algorithm, body)}`);
  return hashHex(algorithm, `${method}:${uri}`);
}

export interface ResponseInput {
  algorithm: DigestAlgorithm;
  ha1: string;
  ha2: string;
  nonce: string;
  /** 'auth' or 'auth-int'; absent = RFC 2069 compatibility (RFC 3261 §22.4 keeps it). */
  qop?: string;
  nc?: string;
  cnonce?: string;
}

/**
 * request-digest — RFC 2617 §3.2.2.1: with qop, H(HA1:nonce:nc:cnonce:qop:HA2); without, H(HA1:nonce:HA2).
 */
export function computeResponse(input: ResponseInput): string {
  const { algorithm, ha1, ha2, nonce, qop } = input;
  if (qop === undefined) return hashHex(algorithm, `${ha1}:${nonce}:${ha2}`);
  return hashHex(algorithm, `${ha1}:${nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${qop}:${ha2}`);
}

/** Compares two hex digests without leaking where they differ; case-insensitive like RFC 2617's LHEX. */
export function digestEquals(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase(), 'latin1');
  const y = Buffer.from(b.toLowerCase(), 'latin1');
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // same work either way
    return false;
  }
  return timingSafeEqual(x, y);
}
