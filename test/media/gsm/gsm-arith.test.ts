/**
 * The GSM 06.10 §5.1 fixed-point operators at their edges: saturation, rounding, normalisation, division.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abs, add, asl, asr, div, lAdd, mult, multR, norm, sub, toWord } from '../../../src/media/codecs/gsm/arith.js';

test('add and sub saturate at the word limits', () => {
  assert.equal(add(32767, 1), 32767);
  assert.equal(add(-32768, -1), -32768);
  assert.equal(add(1000, -3000), -2000);
  assert.equal(sub(-32768, 1), -32768);
  assert.equal(sub(32767, -1), 32767);
  assert.equal(sub(0, -32768), 32767);
});

test('mult truncates and mult_r rounds', () => {
  assert.equal(mult(16384, 3), 1); // 1.5 → 1
  assert.equal(multR(16384, 3), 2); // 1.5 → 2
  assert.equal(mult(-16384, 3), -2); // −1.5 → −2 (arithmetic shift)
  assert.equal(multR(-16384, 3), -1);
  assert.equal(multR(-32768, 32767), -32767);
  assert.equal(multR(32767, 32767), 32766);
});

test('abs of −32768 saturates to 32767', () => {
  assert.equal(abs(-32768), 32767);
  assert.equal(abs(-5), 5);
  assert.equal(abs(7), 7);
});

test('L_add saturates at the 32-bit limits', () => {
  assert.equal(lAdd(2147483647, 1), 2147483647);
  assert.equal(lAdd(-2147483648, -1), -2147483648);
  assert.equal(lAdd(-2147483647, -1), -2147483648);
  assert.equal(lAdd(1 << 30, 1 << 30), 2147483647);
});

test('norm counts the shifts that bring a value to bit 30 (§5.1)', () => {
  assert.equal(norm(1), 30);
  assert.equal(norm(0x40000000), 0);
  assert.equal(norm(0x3fffffff), 1);
  assert.equal(norm(32767 << 16), 0);
  assert.equal(norm(1 << 16), 14);
  assert.equal(norm(-1), 31);
  assert.equal(norm(-2), 30);
  assert.equal(norm(-0x40000000), 0);
  assert.equal(norm(-0x40000001), 0);
  assert.equal(norm(-0x3fffffff), 1);
});

test('div gives a Q15 fraction, 32767 for num = denum', () => {
  assert.equal(div(0, 100), 0);
  assert.equal(div(1, 2), 16384);
  assert.equal(div(1, 3), 10922);
  assert.equal(div(5, 5), 32767);
  assert.equal(div(32766, 32767), 32766);
});

test('shifts: toWord wraps, asl/asr handle negative and ≥ 16 counts', () => {
  assert.equal(toWord(32768), -32768);
  assert.equal(toWord(65535), -1);
  assert.equal(asl(1, -1), 0);
  assert.equal(asl(1, 3), 8);
  assert.equal(asl(1, 16), 0);
  assert.equal(asr(-5, 1), -3);
  assert.equal(asr(-5, 20), -1);
  assert.equal(asr(5, 20), 0);
  assert.equal(asr(3, -2), 12);
});
