import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateExpression, formatNumber } from '../../src/dialplan/expression.js';
import { randomText, seededRandom } from './conf-text.js';

// [expression, result] — ast_expr2.y semantics.
const CASES: readonly (readonly [string, string])[] = [
  ['', ''],
  ['   ', ''],
  ['42', '42'],
  ['007', '007'], // a lone token is returned as written
  ['abc', 'abc'],
  ['"a b"', '"a b"'], // quotes stay on a quoted token
  // arithmetic: floating point, integers printed without a fraction
  ['1 + 2', '3'],
  ['1+2', '3'],
  ['10 - 4 - 3', '3'],
  ['2 * (3 + 4)', '14'],
  ['2 * 3 + 4', '10'],
  ['7 / 2', '3.5'],
  ['1 / 3', '0.333333333333333'],
  ['0.1 + 0.2', '0.3'],
  ['1 / 0', '2147483647'],
  ['1 / x', '2147483647'],
  ['x / 2', '0'],
  ['7 % 3', '1'],
  ['-7 % 3', '-1'],
  ['7 % 0', '0'],
  ['-5 + 3', '-2'],
  ['- 5', '-5'],
  ['-abc', '0'],
  ['--5', '5'],
  ['a + 1', '1'], // op_plus: a non-numeric side is dropped
  ['1 + a', '1'],
  ['a + b', '0'],
  ['a - 2', '-2'],
  ['a * 2', '0'],
  ['1.5 * 2', '3'],
  ['100000000000000000000 * 10', '1e+21'],
  ['0.00001 * 1', '1e-05'],
  // comparisons: numeric unless a side is a plain string
  ['1 = 1', '1'],
  ['1 == 1.0', '1'],
  ['10 > 9', '1'],
  ['10 < 9', '0'],
  ['10 < 9a', '1'], // "10" vs "9a" as strings
  ['abc = abc', '1'],
  ['abc != abd', '1'],
  ['abc < abd', '1'],
  ['b >= a', '1'],
  ['a <= a', '1'],
  ['"a" = a', '0'], // the quotes are part of the value: quote both sides
  ['"a" = "a"', '1'],
  ['"" = ""', '1'],
  ['"17" = ""', '0'],
  ['1 + 1 = 2', '1'],
  // logic: | and & return an operand
  ['foo | bar', 'foo'],
  ['0 | bar', 'bar'],
  ['"" | bar', '""'], // a quoted empty string is not empty
  ['007 | 5', '7'], // the numeric string was converted on the way
  ['a & b', 'a'],
  ['a & 0', '0'],
  ['0 & a', '0'],
  ['1 || 0', '1'],
  ['0 && 1', '0'],
  ['!0', '1'],
  ['!1', '0'],
  ['!abc', '1'], // op_compl uses atoi on strings
  ['!5abc', '0'],
  ['!""', '1'],
  ['!(1 = 2)', '1'],
  ['-0', '-0'],
  // regular expressions: `:` anchored at the start, `=~` anywhere; a group returns its text
  ['abcd : ab', '2'],
  ['abcd : bc', '0'],
  ['abcd =~ bc', '2'],
  ['"abcd" : "a(b)c"', 'b'],
  ['"5551234" =~ "^555(.*)$"', '1234'],
  ['"x" =~ "(y)"', ''],
  ['abc : "[[:alpha:]]+"', '3'],
  ['"a]b" : "[]a]+"', '2'],
  ['"a\\b" : "[\\]"', '0'], // in a bracket expression `\` is literal
  ['abc : "("', ''], // regcomp fails: ""
  ['abc =~ "b" = 1', '1'], // =~ binds tighter than =
  ['! abc : x', '1'],
  ['a ~~ b', 'ab'],
  ['"a" ~~ "b c"', 'ab c'],
  // conditional
  ['1 ? yes :: no', 'yes'],
  ['0 ? yes :: no', 'no'],
  ['"" ? yes :: no', 'no'],
  ['x ? yes :: no', 'yes'],
  // functions
  ['COS(0)', '1'],
  ['ABS(-3)', '3'],
  ['POW(2,10)', '1024'],
  ['SQRT(2)', '1.4142135623731'],
  ['ROUND(2.5)', '3'],
  ['ROUND(-2.5)', '-3'],
  ['RINT(2.5)', '2'],
  ['TRUNC(-2.7)', '-2'],
  ['FLOOR(2.7) + CEIL(2.1)', '5'],
  ['REMAINDER(7,4)', '-1'],
  ['POW(2)', '0'], // wrong number of arguments
  ['NOSUCH(1)', '0'],
  ['lower(1)', '0'], // "is not possibly a function name"
  // characters no scanner rule matches are skipped
  ['1 ~ + 2', '3'],
  ['[1] + {2}', '3'],
  ['"unterminated', 'unterminated'],
  ['US$5 = US$5', '1'],
];

test('expressions evaluate like ast_expr2.y', () => {
  for (const [text, expected] of CASES) {
    const errors: string[] = [];
    assert.equal(evaluateExpression(text, { onError: (r) => void errors.push(r) }), expected, text);
    assert.deepEqual(errors, [], text);
  }
});

const SYNTAX_ERRORS = ['1 +', '(1', '1)', ')', '1 2', '1 , 2', 'F()', '1 ? 2', '* 3', '((((', '1 = = 2', '?'];

test('syntax errors give "0" and a reason, as ast_expr without a value', () => {
  for (const text of SYNTAX_ERRORS) {
    const errors: string[] = [];
    assert.equal(evaluateExpression(text, { onError: (r) => void errors.push(r) }), '0', text);
    assert.equal(errors.length, 1, text);
    assert.match(errors[0]!, /^syntax error: /, text);
  }
  assert.equal(evaluateExpression('1 +'), '0', 'without a callback');
  assert.equal(evaluateExpression('(', { onError: () => assert.fail('broken logger') }), '0');
});

test('dialplan functions inside expressions go to the callback; numeric results become numbers', () => {
  const func = (name: string, args: string): string | undefined =>
    name === 'LEN' ? String(args.length) : name === 'ECHO' ? args : undefined;
  assert.equal(evaluateExpression('LEN(abcd) + 1', { func }), '5');
  assert.equal(evaluateExpression('ECHO(a,b,)', { func }), 'a,b,');
  assert.equal(evaluateExpression('ECHO(1 + 1, x)', { func }), '2,x');
  assert.equal(evaluateExpression('ECHO(" 7 ") + 1', { func }), '1', 'quoted: a string, so + drops it');
  assert.equal(evaluateExpression('ECHO( 7) + 1', { func }), '8');
  assert.equal(evaluateExpression('MISSING(1) + 1', { func }), '1');
  assert.equal(evaluateExpression('ECHO(1)', { func: () => assert.fail('broken') }), '0');
});

test('numbers print like %g', () => {
  const rows: readonly (readonly [number, string])[] = [
    [0, '0'],
    [-0, '-0'],
    [3, '3'],
    [-12, '-12'],
    [2.5, '2.5'],
    [1e17, '100000000000000000'],
    [1e18, '1e+18'],
    [123456.789, '123456.789'],
    [0.0001, '0.0001'],
    [0.00001234, '1.234e-05'],
    [Infinity, 'inf'],
    [-Infinity, '-inf'],
    [NaN, 'nan'],
  ];
  for (const [n, text] of rows) assert.equal(formatNumber(n), text, String(n));
});

test('random input never throws and nesting is bounded', () => {
  const random = seededRandom(7);
  const alphabet = ['1', '0', '-', '+', '*', '/', '%', '(', ')', '"', ' ', 'a', '=', '!', '<', '>', '|', '&', ':', '?'];
  const more = ['::', '=~', '~~', ',', 'COS', 'POW', '[', ']', '$', '${', '}', '\\', '.', '9.9', '[[:alpha:]]', '~'];
  const pieces = [...alphabet, ...more];
  for (let i = 0; i < 2000; i++) {
    const text = randomText(random, pieces, 30);
    assert.equal(typeof evaluateExpression(text, { onError: () => undefined }), 'string', text);
  }
  assert.equal(evaluateExpression('('.repeat(10000) + '1' + ')'.repeat(10000)), '0');
  assert.equal(evaluateExpression('!'.repeat(10000) + '1'), '0');
  assert.equal(evaluateExpression('('.repeat(100) + '1' + ')'.repeat(100)), '1');
});
