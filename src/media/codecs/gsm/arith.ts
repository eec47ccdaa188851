/*
 * GSM 06.10 §5.1 basic arithmetic on 16-bit "words" and 32-bit "longwords", with the saturation rules of the
 * spec. Every GSM value is held in a JS number; word results are kept in −32768..32767 by saturation where the
 * spec saturates, and by two's-complement truncation (`toWord`) where the reference C code stores a wider
 * value into a 16-bit variable without saturating (the bit-exact behaviour sox's libgsm has).
 *
 * Products of two words fit in 31 bits, so `Math.imul` is exact for them.
 *
 * Speed note for every file of this codec: in V8 (Node 20) each read of a module-level const (a named
 * constant, table or scratch array) from a loop costs a context load and a hole check, and keeps the loop
 * bound unknown. So these helpers spell their limits as literals, and the per-sample loops copy the
 * constants they use into locals first — together 1.3–1.8× faster than reading the module bindings.
 */

export const MIN_WORD = -32768;
export const MAX_WORD = 32767;

/** Clamps to the word range, MIN_WORD..MAX_WORD (the spec's saturate). */
export function saturate(x: number): number {
  return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}

/** Keeps the low 16 bits as a signed value: what a C store of an int into a 16-bit word does. */
export function toWord(x: number): number {
  return (x << 16) >> 16;
}

/** §5.1 add: saturated word addition. */
export function add(a: number, b: number): number {
  return saturate(a + b);
}

/** §5.1 sub: saturated word subtraction. */
export function sub(a: number, b: number): number {
  return saturate(a - b);
}

/*
 * mult and mult_r leave out the spec's one saturating case, −32768·−32768, as the reference's macros do: no
 * caller can pass it (one operand is always a positive table constant, a reflection coefficient bounded to
 * ±32767 by §4.2.5/§4.2.9.2, or a non-negative low part), and the check halves the lattice filters' speed.
 */

/** §5.1 mult: (a·b) >> 15. Not both operands −32768. */
export function mult(a: number, b: number): number {
  return Math.imul(a, b) >> 15;
}

/** §5.1 mult_r: (a·b + 2^14) >> 15, rounded (2^14 = ½ in Q15). Not both operands −32768. */
export function multR(a: number, b: number): number {
  return (Math.imul(a, b) + 16384) >> 15;
}

/** §5.1 abs: |a|, with |−32768| saturating to 32767. */
export function abs(a: number): number {
  return a < 0 ? (a === -32768 ? 32767 : -a) : a;
}

/** §5.1 L_add: saturated 32-bit addition (−2^31..2^31 − 1). */
export function lAdd(a: number, b: number): number {
  const s = a + b;
  return s < -2147483648 ? -2147483648 : s > 2147483647 ? 2147483647 : s;
}

/**
 * §5.1 norm: the number of left shifts that normalise a non-zero 32-bit value (bit 30 set for a positive
 * value, clear for a negative one). Values at or below −2^30 are already normalised.
 */
export function norm(a: number): number {
  if (a < 0) {
    if (a <= -1073741824) return 0;
    a = ~a;
  }
  return Math.clz32(a) - 1;
}

/** Bits produced by div: the quotient is a Q15 fraction. */
const DIV_BITS = 15;

/** §5.1 div: num/denum as a Q15 fraction, for 0 ≤ num ≤ denum (num = denum gives 32767). */
export function div(num: number, denum: number): number {
  if (num === 0) return 0;
  let quotient = 0;
  let rest = num;
  for (let k = 0; k < DIV_BITS; k++) {
    quotient <<= 1;
    rest <<= 1;
    if (rest >= denum) {
      rest -= denum;
      quotient++;
    }
  }
  return quotient;
}

/** Arithmetic shift right by n (left for negative n), with the reference's handling of shifts of 16 and more. */
export function asr(a: number, n: number): number {
  if (n >= 16) return a < 0 ? -1 : 0;
  if (n <= -16) return 0;
  if (n < 0) return toWord(a << -n);
  return a >> n;
}

/** Arithmetic shift left by n (right for negative n), truncated to a word. */
export function asl(a: number, n: number): number {
  if (n >= 16) return 0;
  if (n <= -16) return a < 0 ? -1 : 0;
  if (n < 0) return asr(a, -n);
  return toWord(a << n);
}
