import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareExtensions,
  compilePattern,
  matchCallerId,
  matchExtension,
} from '../../src/dialplan/extension-pattern.js';

// [pattern, dialled, matches] — pbx.c _extension_match_core in E_MATCH mode.
const MATCHES: readonly (readonly [string, string, boolean])[] = [
  ['100', '100', true],
  ['100', '1000', false],
  ['100', '10', false],
  ['555-1212', '5551212', true], // `-` is decoration on both sides of a literal
  ['5551212', '555-1212', true],
  ['s', 's', true],
  ['S', 's', false], // literal names are case-sensitive
  ['_X', '5', true],
  ['_X', '55', false],
  ['_X', 'a', false],
  ['_x', '7', true], // X, Z, N are recognised in either case
  ['_N', '1', false],
  ['_N', '2', true],
  ['_n', '9', true],
  ['_Z', '0', false],
  ['_Z', '1', true],
  ['_X.', '1', false], // `.` needs at least one more character
  ['_X.', '12', true],
  ['_X.', '123456789', true],
  ['_X!', '1', true], // `!` accepts nothing more, too
  ['_X!', '12', true],
  ['_!', '', true],
  ['_.', '', false],
  ['_.', 'anything', true],
  ['_[1-3]X', '25', true],
  ['_[1-3]X', '45', false],
  ['_[13a]', 'a', true],
  ['_[13a]', 'A', false], // set members match exactly
  ['_[13a]', '2', false],
  ['_NXXNXXXXXX', '2125551212', true],
  ['_NXXNXXXXXX', '1125551212', false],
  ['_1NXXNXXXXXX', '12125551212', true],
  ['_ABC', 'ABC', true],
  ['_ABC', 'abc', false], // other letters are literals, exact
  ['_X.', '_X.', true], // pbx.c: "if this test is left out, then _x. will not match _x. !!!"
  ['_X.', '_x.', true],
  ['_1[2', '12', false], // `[` without `]` never matches
  ['_X-X', '12', true], // `-` in a pattern is ignored
  ['_XX', '1-2', true], // and in the dialled string
  ['_X.5', '19', true], // after `.` nothing more is looked at
  ['_X X', '12', true], // spaces are ignored
  ['_12', '12-', false], // a trailing `-` is still "more data" once the pattern is used up
  ['', '', true],
];

test('extensions match as pbx.c _extension_match_core does', () => {
  for (const [pattern, exten, expected] of MATCHES) {
    assert.equal(matchExtension(pattern, exten), expected, `${pattern} vs ${exten}`);
    assert.equal(matchExtension(compilePattern(pattern), exten), expected, `compiled ${pattern} vs ${exten}`);
  }
});

test('a /cid part is kept, shrunk, and matched against the caller id only', () => {
  const p = compilePattern('100/(555) 12-34');
  assert.equal(p.exten, '100');
  assert.equal(p.source, '100/(555) 12-34');
  assert.equal(p.cid?.exten, '5551234');
  assert.ok(matchExtension(p, '100'));
  assert.ok(!matchExtension(p, '100/5551234'));
  assert.ok(matchCallerId(p, '5551234'));
  assert.ok(!matchCallerId(p, '5551235'));
  assert.ok(!matchCallerId(p, undefined), 'without a caller id only cid-less extensions match (pbx.c matchcid)');
  const patterned = compilePattern('_X./_555X');
  assert.ok(matchCallerId(patterned, '5556'));
  assert.ok(!matchCallerId(patterned, '5566'));
  assert.ok(matchCallerId(compilePattern('100'), undefined));
});

test('extensions sort like pbx.c ext_cmp: literals, then patterns by per-position specificity', () => {
  const names = ['_X.', '_!', '100', '_NXX', '_1XX', '_XXX', '_[2-5]XX', '_ZXX', '_.', '5', '_X!'];
  const sorted = names
    .map(compilePattern)
    .sort(compareExtensions)
    .map((p) => p.source);
  assert.deepEqual(sorted, ['100', '5', '_1XX', '_[2-5]XX', '_NXX', '_ZXX', '_XXX', '_X.', '_X!', '_.', '_!']);
});

test('ordering details: end of pattern after `!`, equal-size sets by their lowest differing member', () => {
  const order = (a: string, b: string): number => Math.sign(compareExtensions(compilePattern(a), compilePattern(b)));
  assert.equal(order('_X!', '_X'), -1, 'end of pattern (0x30000) sorts after ! (0x28000)');
  assert.equal(order('_[13]', '_[14]'), -1);
  assert.equal(order('_[13]', '_[24]'), -1, 'smaller lowest member first');
  assert.equal(order('_[1-4]', '_X'), -1, 'fewer members first');
  assert.equal(order('_X.', '_x.'), 0, 'X and x are the same set');
  assert.equal(order('555-1212', '5551212'), 0, 'the same extension for ext_cmp');
  assert.equal(order('100/555', '100'), -1, 'with a cid sorts before without');
  assert.equal(order('_1[', '_1X'), 1, 'an unterminated set sorts last');
});

test('compiling never throws on odd names', () => {
  for (const name of [
    '_',
    '_[',
    '_]',
    '_[]',
    '_[-]',
    '_[9-0]',
    '/',
    '_/',
    '//',
    '_X/[',
    '\u{1F600}',
    '_[a-\u{1F600}]',
  ]) {
    const p = compilePattern(name);
    assert.equal(typeof matchExtension(p, '123'), 'boolean');
    assert.equal(typeof compareExtensions(p, compilePattern('_X.')), 'number');
  }
  assert.ok(!matchExtension('_[]', '1'), 'an empty set matches nothing');
  assert.ok(!matchExtension('_[9-0]', '5'), 'a reversed range is empty');
});
