/**
 * crypt(3) verification for ari.conf `password_format = crypt` (Asterisk hands the hash to glibc crypt()).
 * Supported: SHA-512 crypt `$6$`, SHA-256 crypt `$5$` (both with optional `rounds=N$`), MD5 crypt `$1$`.
 * SHA-crypt follows Ulrich Drepper's "Unix crypt using SHA-256 and SHA-512" (the algorithm glibc and OpenSSL
 * implement); MD5 crypt follows Poul-Henning Kamp's FreeBSD md5crypt.c. Legacy DES hashes are not supported:
 * they always fail to verify.
 */
import { createHash, timingSafeEqual, type Hash } from 'node:crypto';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** SHA-crypt spec: rounds default to 5000 and are clamped to [1000, 999999999]. */
const ROUNDS_DEFAULT = 5000;
const ROUNDS_MIN = 1000;
const ROUNDS_MAX = 999_999_999;

/** The spec's output permutation: byte triples in the order they are encoded, then the trailing bytes. */
const SHA512_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
]; // prettier-ignore
const SHA256_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14],
  [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29],
]; // prettier-ignore
const MD5_ORDER: readonly (readonly [number, number, number])[] = [
  [0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5],
]; // prettier-ignore

/** crypt's base64: 24 bits little end first, `n` characters. */
function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

function encode(d: Buffer, order: readonly (readonly [number, number, number])[]): string {
  let out = '';
  for (const [a, b, c] of order) out += b64From24(d[a]!, d[b]!, d[c]!, 4);
  return out;
}

/** `n` bytes of `src` repeated (the spec's "P sequence" / "S sequence" and the alt-sum padding). */
function repeatTo(src: Buffer, n: number): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += src.length) src.copy(out, i, 0, Math.min(src.length, n - i));
  return out;
}

function digest(algo: string, ...parts: Buffer[]): Buffer {
  const h: Hash = createHash(algo);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Drepper's SHA-crypt, steps 1–22 of the spec. Returns the full `$id$[rounds=N$]salt$hash` string. */
function shaCrypt(id: '5' | '6', pw: Buffer, saltSpec: string): string {
  const algo = id === '6' ? 'sha512' : 'sha256';
  const size = id === '6' ? 64 : 32;
  let rounds = ROUNDS_DEFAULT;
  let hasRounds = false;
  let rest = saltSpec;
  const m = /^rounds=(\d+)\$/.exec(rest);
  if (m) {
    // Spec: out-of-range values are clamped, not rejected; the clamped value is what the output shows.
    rounds = Math.min(ROUNDS_MAX, Math.max(ROUNDS_MIN, Number(m[1])));
    hasRounds = true;
    rest = rest.slice(m[0].length);
  }
  const salt = Buffer.from(rest.split('$')[0]!.slice(0, 16), 'latin1'); // spec: at most 16 salt characters

  const b = digest(algo, pw, salt, pw);
  const ha = createHash(algo).update(pw).update(salt);
  ha.update(repeatTo(b, pw.length));
  for (let n = pw.length; n > 0; n >>>= 1) ha.update(n & 1 ? b : pw);
  let a = ha.digest();

  const dp = createHash(algo);
  for (let i = 0; i < pw.length; i++) dp.update(pw);
  const p = repeatTo(dp.digest(), pw.length);
  const ds = createHash(algo);
  for (let i = 0; i < 16 + a[0]!; i++) ds.update(salt);
  const s = repeatTo(ds.digest(), salt.length);

  for (let i = 0; i < rounds; i++) {
    const h = createHash(algo);
    h.update(i & 1 ? p : a);
    if (i % 3) h.update(s);
    if (i % 7) h.update(p);
    h.update(i & 1 ? a : p);
    a = h.digest();
  }
  const tail =
    size === 64
      ? encode(a, SHA512_ORDER) + b64From24(0, 0, a[63]!, 2)
      : encode(a, SHA256_ORDER) + b64From24(0, a[31]!, a[30]!, 3);
  return `$${id}$${hasRounds ? `rounds=${rounds}$` : ''}${salt.toString('latin1')}$${tail}`;
}

/** FreeBSD md5crypt (`$1$`), including its quirk of hashing a NUL byte for set bits of the length. */
function md5Crypt(pw: Buffer, saltSpec: string): string {
  const salt = Buffer.from(saltSpec.split('$')[0]!.slice(0, 8), 'latin1'); // at most 8 salt characters
  const magic = Buffer.from('$1$');
  const alt = digest('md5', pw, salt, pw);
  const ctx = createHash('md5').update(pw).update(magic).update(salt);
  ctx.update(repeatTo(alt, pw.length));
  for (let n = pw.length; n > 0; n >>>= 1) ctx.update(n & 1 ? Buffer.alloc(1) : pw.subarray(0, 1));
  let fin = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const h = createHash('md5');
    h.update(i & 1 ? pw : fin);
    if (i % 3) h.update(salt);
    if (i % 7) h.update(pw);
    h.update(i & 1 ? fin : pw);
    fin = h.digest();
  }
  return `$1$${salt.toString('latin1')}$${encode(fin, MD5_ORDER)}${b64From24(0, 0, fin[11]!, 2)}`;
}

/** Computes crypt(password, setting) for `$1$`, `$5$` and `$6$` settings; undefined for any other scheme. */
export function cryptHash(password: string, setting: string): string | undefined {
  const m = /^\$([156])\$(.*)$/s.exec(setting);
  if (!m) return undefined;
  const pw = Buffer.from(password, 'utf8');
  const id = m[1]!;
  return id === '1' ? md5Crypt(pw, m[2]!) : shaCrypt(id === '5' ? '5' : '6', pw, m[2]!);
}

/**
 * True when `password` hashes to `hash` (as ast_crypt_validate does: crypt(password, hash) == hash).
 * Compared in constant time; an unsupported or malformed hash never verifies. Never throws.
 */
export function cryptVerify(password: string, hash: string): boolean {
  let computed: string | undefined;
  try {
    computed = cryptHash(password, hash);
  } catch {
    return false; // defensive: a parser must not bring the server down over a bad config value
  }
  if (computed === undefined) return false;
  const x = Buffer.from(computed, 'latin1');
  const y = Buffer.from(hash, 'latin1');
  return x.length === y.length && timingSafeEqual(x, y);
}
