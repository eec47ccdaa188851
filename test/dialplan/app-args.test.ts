import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCallerIdString, shrinkPhoneNumber, splitAppArgs } from '../../src/dialplan/app-args.js';
import { randomText, seededRandom } from './conf-text.js';

// [data, arguments] — app.c __ast_app_separate_args with remove_chars (AST_STANDARD_APP_ARGS).
const SPLITS: readonly (readonly [string, readonly string[]])[] = [
  ['', []],
  ['a', ['a']],
  ['a,b,c', ['a', 'b', 'c']],
  ['a,', ['a', '']],
  [',', ['', '']],
  [',a', ['', 'a']],
  ['a,,b', ['a', '', 'b']],
  [' a , b ', [' a ', ' b ']], // no trimming
  ['"a,b",c', ['a,b', 'c']],
  ['"a"b"c"', ['abc']],
  ['x="1,2"', ['x=1,2']],
  ['f(a,b),c', ['f(a,b)', 'c']],
  ['[a,b],c', ['[a,b]', 'c']],
  ['a),b', ['a)', 'b']], // an unmatched `)` does not nest
  ['(a,b', ['(a,b']],
  ['a\\,b,c', ['a,b', 'c']],
  ['a\\\\,b', ['a\\', 'b']],
  ['a\\"b,c', ['a"b', 'c']],
  ['trailing\\', ['trailing']],
  ['"unterminated,quote', ['unterminated,quote']],
  ['PJSIP/100&PJSIP/200,30,tT', ['PJSIP/100&PJSIP/200', '30', 'tT']],
  ['test,from-dialplan,arg2', ['test', 'from-dialplan', 'arg2']],
];

test('application arguments split like __ast_app_separate_args', () => {
  for (const [data, expected] of SPLITS) assert.deepEqual(splitAppArgs(data), expected, data);
});

test('options: another delimiter, a declared argument count, raw arguments', () => {
  assert.deepEqual(splitAppArgs('a?b:c', { delimiter: '?' }), ['a', 'b:c']);
  assert.deepEqual(splitAppArgs('a,"b,c",d', { maxArgs: 2 }), ['a', '"b,c",d'], 'the last slot takes the raw rest');
  assert.deepEqual(splitAppArgs('a,b', { maxArgs: 1 }), ['a,b']);
  assert.deepEqual(splitAppArgs('a,', { maxArgs: 2 }), ['a', '']);
  assert.deepEqual(splitAppArgs('"a,b",c\\,d', { raw: true }), ['"a,b"', 'c\\,d']);
  assert.deepEqual(splitAppArgs('a"b"c', { delimiter: '"' }), ['a', 'b', 'c'], 'quotes do not group when they split');
});

// [input, {name, number}] — ast_callerid_parse, then the number shrunk as ast_callerid_split does.
const CALLER_IDS: readonly (readonly [string, string, string])[] = [
  ['"Bob" <555>', 'Bob', '555'],
  ['Bob <555>', 'Bob', '555'],
  ['  Bob Smith   <555>', 'Bob Smith', '555'],
  ['<555>', '', '555'],
  ['555', '', '555'],
  ['Bob', 'Bob', ''],
  ['"Bob"', 'Bob', ''],
  ['" Bob "', ' Bob ', ''], // quotes keep the spaces (callerid.c notes the inconsistency)
  ['" foo bar " <123>', ' foo bar ', '123'],
  ['"Smith, Bob" <+1 (555) 123-4567>', 'Smith, Bob', '+15551234567'],
  ['(555) 123-4567', '', '5551234567'],
  ['"Bob <x>" <555>', 'Bob <x>', '555'], // the last `<...>` is the number
  ['"Bob <x> <555>"', 'Bob <x>', '555'], // a closing quote after the `>`: the name runs to the `<`
  ['"Bob <555>', '', '555'], // an unclosed quote and none after the `>`: no name
  ['Bob <555', 'Bob <555', ''],
  ['', '', ''],
  ['*98#', '', '*98#'],
  ['12ab', '12ab', ''],
];

test('caller id strings parse like ast_callerid_split', () => {
  for (const [input, name, number] of CALLER_IDS) {
    assert.deepEqual(parseCallerIdString(input), { name, number }, input);
  }
});

test('shrinkPhoneNumber is ast_shrink_phone_number', () => {
  assert.equal(shrinkPhoneNumber('+1 (555) 123-4567'), '+15551234567');
  assert.equal(shrinkPhoneNumber('_[1-5]XX.'), '_[1-5]XX.');
  assert.equal(shrinkPhoneNumber('1.2.3'), '123');
});

test('random input never throws', () => {
  const random = seededRandom(99);
  const pieces = [',', '"', '\\', '(', ')', '[', ']', '<', '>', 'a', '5', ' ', '-', '.', '?', ':'];
  for (let i = 0; i < 2000; i++) {
    const text = randomText(random, pieces, 24);
    assert.ok(Array.isArray(splitAppArgs(text, { maxArgs: 1 + (i % 5) })));
    const { name, number } = parseCallerIdString(text);
    assert.equal(typeof name + typeof number, 'stringstring');
  }
});
