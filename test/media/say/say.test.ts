import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORE_SOUND_NAMES } from '../../../src/media/say/core-sounds.js';
import { sayCaseFromOption, sayCharacters, sayDigits } from '../../../src/media/say/say-characters.js';
import { isSayError, sayNumber } from '../../../src/media/say/say-number.js';

const SOUNDS = '/usr/share/asterisk/sounds/en';
const hasSounds = existsSync(join(SOUNDS, 'digits', '0.wav'));

const words = (n: number, language?: string): string => {
  const r = sayNumber(n, language);
  assert.ok(!isSayError(r), `${n}: ${JSON.stringify(r)}`);
  return r.map((s) => s.replace(/^digits\//, '')).join(' ');
};

const ENGLISH: readonly [number, string][] = [
  [0, '0'],
  [7, '7'],
  [15, '15'],
  [20, '20'],
  [42, '40 2'],
  [100, '1 hundred'],
  [115, '1 hundred 15'],
  [999, '9 hundred 90 9'],
  [1000, '1 thousand'],
  [1005, '1 thousand 5'],
  [12345, '12 thousand 3 hundred 40 5'],
  [100000, '1 hundred thousand'],
  [1000000, '1 million'],
  [2000017, '2 million 17'],
  [123456789, '1 hundred 20 3 million 4 hundred 50 6 thousand 7 hundred 80 9'],
  [1000000000, '1 billion'],
  [2147483646, '2 billion 1 hundred 40 7 million 4 hundred 80 3 thousand 6 hundred 40 6'],
  [-5, 'minus 5'],
  [-1100, 'minus 1 thousand 1 hundred'],
];

for (const [n, expected] of ENGLISH) {
  test(`SayNumber ${n} in English: ${expected}`, () => {
    assert.equal(words(n), expected);
    assert.equal(words(n, 'en_US'), expected);
  });
}

test('British English adds "and" (vm-and) after hundred, and after thousand/million before a remainder < 100', () => {
  assert.equal(words(115, 'en_GB'), '1 hundred vm-and 15');
  assert.equal(words(100, 'en_GB'), '1 hundred');
  assert.equal(words(1005, 'en_GB'), '1 thousand vm-and 5');
  assert.equal(words(1105, 'en_GB'), '1 thousand 1 hundred vm-and 5');
  assert.equal(words(101000, 'en_GB'), '1 hundred vm-and 1 thousand');
  assert.equal(words(1000050, 'en_GB'), '1 million vm-and 50');
  assert.equal(words(-20, 'en_gb'), 'minus 20');
  assert.ok(isSayError(sayNumber(1e9, 'en_GB')));
});

test('other languages use the English rules', () => {
  assert.equal(words(115, 'fr'), '1 hundred 15');
  assert.equal(words(21, 'de'), '20 1');
});

test('numbers SayNumber cannot say are error values', () => {
  for (const n of [2147483647, -2147483647, 2 ** 40, 1.5, NaN, Infinity]) {
    assert.ok(isSayError(sayNumber(n)), String(n));
  }
});

test('SayDigits: digits, * # - get files; every other character is skipped', () => {
  assert.deepEqual(sayDigits('12*#-0'), [
    'digits/1',
    'digits/2',
    'digits/star',
    'digits/pound',
    'digits/minus',
    'digits/0',
  ]);
  assert.deepEqual(sayDigits('a+b 9.'), ['digits/9']);
  assert.deepEqual(
    sayDigits('123', (name) => name !== 'digits/2'),
    ['digits/1', 'digits/3'],
  );
});

test('SayAlpha: letters fold to lower case, symbols have named files, others fall back to letters/ascii<code>', () => {
  assert.deepEqual(sayCharacters('Hi 5!'), [
    'letters/h',
    'letters/i',
    'letters/space',
    'digits/5',
    'letters/exclaimation-point',
  ]);
  assert.deepEqual(sayCharacters('a@b.c-d=e+f/g$*#'), [
    ...['letters/a', 'letters/at', 'letters/b', 'letters/dot', 'letters/c', 'letters/dash', 'letters/d'],
    ...['letters/equals', 'letters/e', 'letters/plus', 'letters/f', 'letters/slash', 'letters/g'],
    ...['letters/dollar', 'digits/star', 'digits/pound'],
  ]);
  assert.deepEqual(sayCharacters('?%&é~'), [
    'letters/ascii63',
    'letters/ascii37',
    'letters/ascii38',
    'letters/ascii126',
  ]);
  assert.deepEqual(sayCharacters('Zz'), ['letters/z', 'letters/z']);
});

test('SayAlphaCase: u, l and a announce the case before each letter', () => {
  assert.deepEqual(sayCharacters('aB1', { case: sayCaseFromOption('u') }), ['letters/a', 'uppercase', 'letters/b', 'digits/1']); // prettier-ignore
  assert.deepEqual(sayCharacters('aB', { case: sayCaseFromOption('l') }), ['lowercase', 'letters/a', 'letters/b']);
  assert.deepEqual(sayCharacters('aB', { case: 'all' }), ['lowercase', 'letters/a', 'uppercase', 'letters/b']);
  assert.equal(sayCaseFromOption('x'), undefined);
});

test(
  'every sound name the say functions produce exists in the core English sounds',
  { skip: !hasSounds && 'Asterisk sounds not installed' },
  () => {
    const produced = new Set<string>();
    const add = (names: readonly string[] | { error: string }) => {
      assert.ok(!isSayError(names));
      for (const n of names) produced.add(n);
    };
    for (let n = -1100; n <= 1100; n++) add(sayNumber(n));
    for (let n = 1000; n < 2147483647; n = n * 3 + 7) {
      add(sayNumber(n));
      if (n < 1e9) add(sayNumber(n, 'en_GB'));
    }
    let ascii = '';
    for (let c = 32; c < 127; c++) ascii += String.fromCharCode(c);
    add(sayDigits(ascii));
    add(sayCharacters(ascii, { case: 'all' }));
    for (const name of [...produced, ...CORE_SOUND_NAMES]) {
      assert.ok(existsSync(join(SOUNDS, `${name}.wav`)), `${name}.wav`);
    }
    // and the inputs reach every core name but the two ascii files whose characters have named ones ($ and *)
    const unused = [...CORE_SOUND_NAMES].filter((n) => !produced.has(n));
    assert.deepEqual(unused, ['letters/ascii36', 'letters/ascii42']);
  },
);
