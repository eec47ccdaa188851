// Media URIs as res_stasis_playback reads them: scheme → what plays, which items are skipped or fail at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveMediaUri, scanInt } from '../../../src/core/playback/media-uri.js';

test('sscanf %30d: leading blanks and a sign, digits up to the first other character, glibc wrapping', () => {
  const table: [string, number | undefined][] = [
    ['42', 42],
    ['  7', 7],
    ['+5', 5],
    ['-12', -12],
    ['12x', 12],
    ['abc', undefined],
    ['', undefined],
    ['-', undefined],
    ['x12', undefined],
    ['4294967296', 0], // strtol reads it, the int keeps the low 32 bits
    ['2147483648', -2147483648],
    ['9'.repeat(40), -1], // 30 characters read, saturated at LONG_MAX, low 32 bits
  ];
  for (const [text, expected] of table) assert.equal(scanInt(text), expected, JSON.stringify(text));
});

test('each scheme resolves to its media; schemes are case-sensitive', () => {
  assert.deepEqual(resolveMediaUri('sound:hello-world', 'en'), {
    media: { kind: 'sound', name: 'hello-world' },
    controllable: true,
  });
  assert.deepEqual(resolveMediaUri('recording:sub/r1', 'en'), {
    media: { kind: 'recording', name: 'sub/r1' },
    controllable: true,
  });
  assert.deepEqual(resolveMediaUri('number:42', 'en'), {
    media: { kind: 'say', names: ['digits/40', 'digits/2'] },
    controllable: false,
  });
  assert.deepEqual(resolveMediaUri('digits:1*#x9', 'en'), {
    media: { kind: 'say', names: ['digits/1', 'digits/star', 'digits/pound', 'digits/9'] },
    controllable: false,
  });
  assert.deepEqual(resolveMediaUri('characters:ab', 'en'), {
    media: { kind: 'say', names: ['letters/a', 'letters/b'] },
    controllable: false,
  });
  assert.deepEqual(resolveMediaUri('tone:ring;tonezone=us', 'en'), {
    media: { kind: 'tone', tone: 'ring', zone: 'us' },
    controllable: true,
  });
  assert.deepEqual(resolveMediaUri('tone:425/500,0/500', 'en'), {
    media: { kind: 'tone', tone: '425/500,0/500' },
    controllable: true,
  });
  assert.equal(resolveMediaUri('Sound:hello', 'en'), 'skip');
  assert.equal(resolveMediaUri('bogus:zzz', 'en'), 'skip');
  assert.equal(resolveMediaUri('number:abc', 'en'), 'skip');
});

test('items that fail without playing: a tone URI with a stray component, a number too large to say', () => {
  assert.equal(resolveMediaUri('tone:busy;zone=us', 'en'), 'fail');
  assert.equal(resolveMediaUri('number:2147483647', 'en'), 'fail');
  assert.equal(resolveMediaUri('number:1000000000', 'en_GB'), 'fail');
  assert.notEqual(resolveMediaUri('number:1000000000', 'en'), 'fail');
});

test('an empty say plays nothing but is not skipped', () => {
  assert.deepEqual(resolveMediaUri('digits:', 'en'), { media: { kind: 'say', names: [] }, controllable: false });
  assert.deepEqual(resolveMediaUri('characters:', 'en'), { media: { kind: 'say', names: [] }, controllable: false });
});
