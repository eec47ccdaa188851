import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_OPERATIONS } from '../../../src/ari/operations/index.js';
import { RouteTree, pathVariables } from '../../../src/ari/server/route-tree.js';
import { ariRelativePath, parseFormList, uriDecode } from '../../../src/ari/server/uri.js';
import { atoi, atol, isTrue, separateArgs } from '../../../src/ari/server/values.js';

test('atoi behaves like glibc: leading whitespace and sign, garbage is 0, overflow keeps the low 32 bits', () => {
  const cases: [string, number][] = [
    ['42', 42],
    ['  -7xyz', -7],
    ['+3', 3],
    ['abc', 0],
    ['', 0],
    ['12x', 12],
    ['2147483648', -2147483648],
    ['99999999999999999999', -1],
  ];
  for (const [input, expected] of cases) assert.equal(atoi(input), expected, input);
  assert.equal(atol('123456789012'), 123456789012);
});

test('ast_true accepts yes/true/y/t/1/on in any case and nothing else', () => {
  for (const s of ['yes', 'TRUE', 'y', 'T', '1', 'On']) assert.equal(isTrue(s), true, s);
  for (const s of ['no', '', '0', 'yes ', 'enabled']) assert.equal(isTrue(s), false, s);
});

test('ast_app_separate_args splits on commas outside quotes, parentheses and brackets', () => {
  assert.deepEqual(separateArgs('a,b'), ['a', 'b']);
  assert.deepEqual(separateArgs(''), ['']);
  assert.deepEqual(separateArgs('a,'), ['a', '']);
  assert.deepEqual(separateArgs('"x,y",z'), ['x,y', 'z']);
  assert.deepEqual(separateArgs('f(1,2),g'), ['f(1,2)', 'g']);
  assert.deepEqual(separateArgs('[a,b],c'), ['[a,b]', 'c']);
  assert.deepEqual(separateArgs('a\\,b,c'), ['a,b', 'c']);
});

test('URL components decode %XX and + per segment; a broken escape stays literal', () => {
  assert.equal(uriDecode('sub%2Fname'), 'sub/name');
  assert.equal(uriDecode('a+b'), 'a b');
  assert.equal(uriDecode('100%'), '100%');
  assert.equal(uriDecode('%zz%41'), '%zzA');
  assert.equal(uriDecode('%C3%A9'), 'é');
  assert.deepEqual(parseFormList('a=1&b=x+y&c&=v&&d=%3D'), [
    ['a', '1'],
    ['b', 'x y'],
    ['c', ''],
    ['', 'v'],
    ['d', '='],
  ]);
});

test('ARI-relative paths honour the http prefix', () => {
  assert.equal(ariRelativePath('/ari/channels', ''), 'channels');
  assert.equal(ariRelativePath('/ari', ''), '');
  assert.equal(ariRelativePath('/ari/', ''), '');
  assert.equal(ariRelativePath('/arix/channels', ''), undefined);
  assert.equal(ariRelativePath('/other', ''), undefined);
  assert.equal(ariRelativePath('/asterisk/ari/channels/', '/asterisk'), 'channels/');
  assert.equal(ariRelativePath('/ari/channels', '/asterisk'), undefined);
});

test('the route tree prefers literal segments and stops at the first empty segment', () => {
  const tree = new RouteTree(ALL_OPERATIONS);
  const create = tree.match('channels/create');
  assert.equal(create?.node.methods.get('POST')?.nickname, 'create');
  const byId = tree.match('channels/c1');
  assert.equal(byId?.node.methods.get('GET')?.nickname, 'get');
  assert.equal(tree.match('channels//answer')?.node.methods.get('GET')?.nickname, 'list');
  assert.equal(tree.match('channels/c1/nothing'), undefined);
  assert.equal(tree.match('channels')?.node.allow, 'OPTIONS,GET,POST');
  const rec = tree.match('recordings/stored/sub%2Fname/file');
  assert.ok(rec);
  const op = rec.node.methods.get('GET');
  assert.ok(op);
  assert.equal(op.nickname, 'getStoredFile');
  assert.deepEqual([...pathVariables(op, rec.segments)], [['recordingName', 'sub/name']]);
});
