import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCondition, substitute, substring, type SubstitutionScope } from '../../src/dialplan/substitute.js';
import { randomText, seededRandom } from './conf-text.js';

const VARIABLES: Readonly<Record<string, string>> = {
  X: 'hello',
  Y: 'X',
  Z: 'Y',
  EXTEN: '5551234',
  EMPTY: '',
  N: '3',
  HANGUPCODE: '',
  CODE17: '17',
  SELF: '${X}', // values are not substituted again
  'WITH SPACE': 'spaced',
};

function scope(errors: string[] = []): SubstitutionScope {
  return {
    variable: (name) => VARIABLES[name],
    func: (name, args) => (name === 'CALLERID' ? `<${args}>` : name === 'THROWS' ? assert.fail('boom') : undefined),
    onError: (reason) => void errors.push(reason),
  };
}

// [template, result]
const CASES: readonly (readonly [string, string])[] = [
  ['plain text', 'plain text'],
  ['${X}', 'hello'],
  ['a${X}b', 'ahellob'],
  ['${X}${X}', 'hellohello'],
  ['${NOPE}', ''],
  ['${EMPTY}x', 'x'],
  ['${WITH SPACE}', 'spaced'],
  ['${SELF}', '${X}'],
  // ${VAR:offset:length} — pbx_variables.c ast_str_substring
  ['${X:1}', 'ello'],
  ['${X:1:2}', 'el'],
  ['${X:-3}', 'llo'],
  ['${X:-3:2}', 'll'],
  ['${X:1:-1}', 'ell'],
  ['${X:-10}', 'hello'],
  ['${X:10}', ''],
  ['${X:0:0}', ''],
  ['${X:2:-5}', ''],
  ['${X::2}', 'hello'], // sscanf("%d:%d") stops at the empty offset: both defaults
  ['${X:}', 'hello'],
  ['${X:abc}', 'hello'],
  ['${EXTEN:-4}', '1234'],
  ['${EXTEN:1:3}', '551'],
  // nesting
  ['${${Y}}', 'hello'],
  ['${${${Z}}}', 'hello'],
  ['${${Y}:1:3}', 'ell'],
  ['${X:${N}}', 'lo'],
  // functions: built-ins first, then the scope
  ['${LEN(${X})}', '5'],
  ['${LEN()}', '0'],
  ['${len(abc)}', '3'],
  ['${ISNULL(${EMPTY})}', '1'],
  ['${ISNULL(x)}', '0'],
  ['${EXISTS(${X})}', '1'],
  ['${EXISTS()}', '0'],
  ['${TOUPPER(abc-é)}', 'ABC-é'],
  ['${TOLOWER(ABC)}', 'abc'],
  ['${QUOTE(a"b\\c)}', '"a\\"b\\\\c"'],
  ['${QUOTE()}', '""'],
  ['${IF(1?yes:no)}', 'yes'],
  ['${IF(0?yes:no)}', 'no'],
  ['${IF(abc?yes:no)}', 'yes'],
  ['${IF( 0 ?yes:no)}', 'no'],
  ['${IF(1? yes : no )}', 'yes'],
  ['${IF(0?yes)}', ''],
  ['${IF(1?:no)}', ''],
  ['${IF("1:2"?a:b)}', 'a'],
  ['${IF(yes)}', ''], // no `?`: acf_if fails, nothing is added
  ['${IF(?a:b)}', ''],
  ['${IF(${EMPTY}?a:b)}', ''],
  ['${IF($["${HANGUPCODE}" = ""]?16:${HANGUPCODE})}', '16'],
  ['${IF($["${CODE17}" = ""]?16:${CODE17})}', '17'],
  ['${CALLERID(num)}', '<num>'],
  ['${CALLERID(num):1:3}', 'num'],
  ['${CALLERID(a:b)}', '<a:b>'],
  ['${CALLERID(x}', '<x>'],
  ['${UNKNOWN(x)}', ''],
  ['${THROWS(x)}', ''],
  // expressions
  ['$[1 + 2]', '3'],
  ['$[${N} * 2]', '6'],
  ['$[$[1 + 1] * 3]', '6'],
  ['n=$[${X} = hello]', 'n=1'],
  ['$[LEN(abcd) + 1]', '5'],
  ['$[]', ''],
  // unterminated: the rest of the string is the name / expression
  ['${X', 'hello'],
  ['a${', 'a'],
  ['$[1 + 2', '3'],
  // a lone $ is text
  ['$', '$'],
  ['a$b', 'a$b'],
  ['$$', '$$'],
  ['${', ''],
  ['US$5', 'US$5'],
  // escapes: \${ and \$[ are literal; \\ keeps a following $ live; other backslashes stay for app-args
  ['\\${X}', '${X}'],
  ['\\$[1+1]', '$[1+1]'],
  ['\\\\${X}', '\\\\hello'],
  ['a\\,b', 'a\\,b'],
  ['\\$5', '\\$5'],
];

test('substitution follows pbx_substitute_variables_helper_full', () => {
  for (const [template, expected] of CASES) assert.equal(substitute(template, scope()), expected, template);
});

test('expression syntax errors reach onError and yield "0"', () => {
  const errors: string[] = [];
  assert.equal(substitute('x$[1 +]y', scope(errors)), 'x0y');
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /syntax error.*in \$\[1 \+\]/);
  const throwing: SubstitutionScope = { ...scope(), onError: () => assert.fail('logger broke') };
  assert.equal(substitute('$[(]', throwing), '0');
});

test('substring matches ast_str_substring', () => {
  const rows: readonly (readonly [number, number, string])[] = [
    [0, Infinity, 'abcdef'],
    [2, Infinity, 'cdef'],
    [-2, Infinity, 'ef'],
    [1, 2, 'bc'],
    [1, -2, 'bcd'],
    [-4, -1, 'cde'],
    [6, 1, ''],
    [-100, 2, 'ab'],
    [0, -6, ''],
    [0, -7, ''],
  ];
  for (const [offset, length, expected] of rows) assert.equal(substring('abcdef', offset, length), expected);
});

test('checkCondition is pbx_checkcondition', () => {
  const rows: readonly (readonly [string, boolean])[] = [
    ['', false],
    ['0', false],
    ['00', false],
    [' 0', false],
    ['0abc', false],
    ['1', true],
    ['-1', true],
    ['abc', true],
    [' ', true],
    ['0.5', false],
  ];
  for (const [text, expected] of rows) assert.equal(checkCondition(text), expected, JSON.stringify(text));
});

test('deep nesting is bounded instead of overflowing the stack', () => {
  const deep = '${'.repeat(5000) + 'X' + '}'.repeat(5000);
  assert.equal(typeof substitute(deep, scope()), 'string');
  const deepExpr = '$['.repeat(5000) + '1' + ']'.repeat(5000);
  assert.equal(typeof substitute(deepExpr, scope()), 'string');
});

test('random input never throws', () => {
  const random = seededRandom(42);
  const pieces = ['$', '{', '}', '[', ']', '(', ')', ':', '\\', '"', 'X', 'Y', '1', '-', '?', ' ', '=', '~', '!', '|'];
  const extra = ['&', ',', 'a', 'LEN', 'IF', 'QUOTE', '${X}', '$[', '-1', 'CALLERID', 'THROWS', '::'];
  const alphabet = [...pieces, ...extra];
  const flaky: SubstitutionScope = {
    variable: (name) => (name.length % 3 === 0 ? assert.fail('variable lookup broke') : VARIABLES[name]),
    func: (name, args) => (args.length % 2 === 0 ? `${name}:${args}` : undefined),
  };
  for (let i = 0; i < 2000; i++) {
    const text = randomText(random, alphabet, 40);
    assert.equal(typeof substitute(text, i % 2 === 0 ? scope() : flaky), 'string', text);
  }
});
