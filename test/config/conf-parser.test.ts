import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConf } from '../../src/config/conf-parser.js';
import type { ConfFile } from '../../src/config/conf-types.js';

const parse = (text: string, files: Record<string, string> = {}): ConfFile =>
  parseConf(text, { file: 'test.conf', readInclude: (name) => files[name] });

/** [section, key, op, value] for every entry, for compact assertions. */
const flat = (conf: ConfFile): string[][] =>
  conf.sections.flatMap((s) => s.entries.map((e) => [s.name, e.key, e.op, e.value]));

const messages = (conf: ConfFile): string[] => conf.errors.map((e) => `${e.file}:${e.line} ${e.message}`);

test('sections hold key = value and key => value entries with file, line and operator', () => {
  const conf = parse('[general]\nenabled = yes\n\n[default]\nexten => s,1,Answer()\n');
  assert.deepEqual(conf.errors, []);
  assert.deepEqual(conf.sections, [
    {
      name: 'general',
      isTemplate: false,
      templates: [],
      entries: [{ key: 'enabled', value: 'yes', op: '=', file: 'test.conf', line: 2 }],
    },
    {
      name: 'default',
      isTemplate: false,
      templates: [],
      entries: [{ key: 'exten', value: 's,1,Answer()', op: '=>', file: 'test.conf', line: 5 }],
    },
  ]);
});

test('whitespace around lines, keys and values is trimmed; inner whitespace and `=` in values are kept', () => {
  const conf = parse('  [a]  \n\t key1\t=\t some value \t\r\nkey2=x = y\n  same   =>   n,Wait(1)  \nempty =\n');
  assert.deepEqual(flat(conf), [
    ['a', 'key1', '=', 'some value'],
    ['a', 'key2', '=', 'x = y'],
    ['a', 'same', '=>', 'n,Wait(1)'],
    ['a', 'empty', '=', ''],
  ]);
  assert.deepEqual(conf.errors, []);
});

test('repeated keys are kept in file order', () => {
  const conf = parse('[a]\nallow=ulaw\nallow=alaw\nallow=ulaw\n');
  assert.deepEqual(
    conf.sections[0]!.entries.map((e) => e.value),
    ['ulaw', 'alaw', 'ulaw'],
  );
});

test('a section name repeated later appends a new section with the same name', () => {
  const conf = parse('[a]\nx=1\n[b]\ny=2\n[a]\nz=3\n');
  assert.deepEqual(
    conf.sections.map((s) => s.name),
    ['a', 'b', 'a'],
  );
  assert.deepEqual(flat(conf), [
    ['a', 'x', '=', '1'],
    ['b', 'y', '=', '2'],
    ['a', 'z', '=', '3'],
  ]);
});

test('section names are taken verbatim, as Asterisk does not trim them', () => {
  assert.deepEqual(
    parse('[ spaced ]\n[]\n').sections.map((s) => s.name),
    [' spaced ', ''],
  );
});

test('; starts a comment anywhere on the line, \\; is a literal semicolon', () => {
  const conf = parse('; header\n[a] ; trailing\nk = v ; note\nsemi = a\\;b\\;c ; real\nfull=;\n');
  assert.deepEqual(flat(conf), [
    ['a', 'k', '=', 'v'],
    ['a', 'semi', '=', 'a;b;c'],
    ['a', 'full', '=', ''],
  ]);
  assert.deepEqual(conf.errors, []);
});

test(';-- --; block comments span lines, nest, and join the text around them', () => {
  const text = [
    '[a]',
    'a = 1 ;-- hidden',
    'b = 2',
    ';-- nested --; still hidden',
    'end --; c = 3',
    'd = x;-- inline --;y',
    'e = 5',
  ].join('\n');
  const conf = parse(text);
  assert.deepEqual(flat(conf), [
    ['a', 'a', '=', '1'],
    ['a', 'c', '=', '3'],
    ['a', 'd', '=', 'xy'],
    ['a', 'e', '=', '5'],
  ]);
  assert.deepEqual(conf.errors, []);
});

test(';--- (three dashes) is an ordinary comment, not a block', () => {
  const conf = parse('[a]\n;--- banner ---\nk = v\n');
  assert.deepEqual(flat(conf), [['a', 'k', '=', 'v']]);
  assert.deepEqual(conf.errors, []);
});

test('a --; outside any block comment is an ordinary comment', () => {
  assert.deepEqual(flat(parse('[a]\nk = v--; x\nm = n\n')), [
    ['a', 'k', '=', 'v--'],
    ['a', 'm', '=', 'n'],
  ]);
});

test('an unterminated block comment hides the rest of the file and is reported', () => {
  const conf = parse('[a]\nk = v\n;-- open\nm = n\n');
  assert.deepEqual(flat(conf), [['a', 'k', '=', 'v']]);
  assert.deepEqual(messages(conf), ['test.conf:3 Unterminated comment detected beginning on line 3']);
});

test('[name](!) is a template; [x](t1,t2) inherits template entries first, in template order', () => {
  const conf = parse('[t1](!)\na=1\n[t2](!)\nb=2\nb=3\n[x](t1,t2)\nc=4\na=5\n');
  const [t1, t2, x] = conf.sections;
  assert.equal(t1!.isTemplate, true);
  assert.equal(t2!.isTemplate, true);
  assert.equal(x!.isTemplate, false);
  assert.deepEqual(x!.templates, ['t1', 't2']);
  assert.deepEqual(
    x!.entries.map((e) => `${e.key}=${e.value}@${e.line}`),
    ['a=1@2', 'b=2@4', 'b=3@5', 'c=4@7', 'a=5@8'],
  );
});

test('[x](!,t) is a template that itself inherits; inheritance chains carry entries along', () => {
  const conf = parse('[base](!)\nk=1\n[mid](!,base)\nm=2\n[leaf](mid)\nl=3\n');
  const mid = conf.sections[1]!;
  const leaf = conf.sections[2]!;
  assert.equal(mid.isTemplate, true);
  assert.deepEqual(mid.templates, ['base']);
  assert.deepEqual(leaf.templates, ['mid']);
  assert.deepEqual(
    leaf.entries.map((e) => e.key),
    ['k', 'm', 'l'],
  );
});

test('inheritance copies the base as it is at that point, looks it up case-insensitively, and accepts non-templates', () => {
  const conf = parse('[Tmpl](!)\na=1\n[plain]\np=1\n[x](tmpl,plain)\n[tmpl](+)\nlate=1\n');
  const x = conf.sections.find((s) => s.name === 'x')!;
  assert.deepEqual(x.templates, ['Tmpl', 'plain']);
  assert.deepEqual(
    x.entries.map((e) => e.key),
    ['a', 'p'],
  );
});

test('inheriting from a missing category is reported and the section is still created', () => {
  const conf = parse('[x](nope)\nk=v\n');
  assert.deepEqual(flat(conf), [['x', 'k', '=', 'v']]);
  assert.deepEqual(messages(conf), ["test.conf:1 Inheritance requested, but category 'nope' does not exist"]);
});

test('[name](+) adds to the first existing category of that name', () => {
  const conf = parse('[a]\nx=1\n[b]\ny=2\n[a](+)\nz=3\n');
  assert.deepEqual(
    conf.sections.map((s) => s.name),
    ['a', 'b'],
  );
  assert.deepEqual(flat(conf), [
    ['a', 'x', '=', '1'],
    ['a', 'z', '=', '3'],
    ['b', 'y', '=', '2'],
  ]);
  const missing = parse('[c](+)\nk=v\n');
  assert.deepEqual(messages(missing), ["test.conf:1 Category addition requested, but category 'c' does not exist"]);
  assert.deepEqual(flat(missing), [['c', 'k', '=', 'v']]);
});

test('broken headers are reported; lines under a header without ] belong to no section', () => {
  const conf = parse('[a]\nk=1\n[broken\nk=2\n[t](!\nk=3\n');
  assert.deepEqual(messages(conf), [
    "test.conf:3 parse error: no closing ']'",
    'test.conf:4 parse error: No category context for line',
    "test.conf:5 parse error: no closing ')'",
  ]);
  assert.deepEqual(flat(conf), [
    ['a', 'k', '=', '1'],
    ['t', 'k', '=', '3'],
  ]);
  assert.equal(conf.sections[1]!.isTemplate, true);
});

test('lines outside any section, lines without =, and entries without a name are reported, not stored', () => {
  const conf = parse('orphan = 1\n[a]\njust words\n = novalue\nok = 1\n');
  assert.deepEqual(flat(conf), [['a', 'ok', '=', '1']]);
  assert.deepEqual(messages(conf), [
    'test.conf:1 parse error: No category context for line',
    "test.conf:3 No '=' (equal sign) in line",
    'test.conf:4 No variable name in line',
  ]);
});

test('key += more appends the raw text after += to the last value of that key; without one it is a plain set', () => {
  const conf = parse('[a]\nk = one\nk = two\nk += three\nk +=,four\nnew += fresh\n');
  assert.deepEqual(flat(conf), [
    ['a', 'k', '=', 'one'],
    ['a', 'k', '=', 'two three,four'],
    ['a', 'new', '=', 'fresh'],
  ]);
  assert.equal(conf.sections[0]!.entries[1]!.line, 3);
});

test('a leading backslash escapes the first character of a key', () => {
  const conf = parse('[a]\n\\[odd = 1\n\\#hash = 2\n\\=eq = 3\n\\ bad = 4\n');
  assert.deepEqual(flat(conf), [
    ['a', '[odd', '=', '1'],
    ['a', '#hash', '=', '2'],
    ['a', '=eq', '=', '3'],
  ]);
  assert.deepEqual(messages(conf), ['test.conf:5 Invalid escape']);
});

test('CRLF line endings and a UTF-8 byte order mark are tolerated', () => {
  const conf = parse('\ufeff[a]\r\nk = v\r\n');
  assert.deepEqual(flat(conf), [['a', 'k', '=', 'v']]);
  assert.deepEqual(conf.errors, []);
});

test('#include reads through readInclude, quoted, bare or in <>, with the included file named in entries', () => {
  const files = { 'one.conf': '[one]\na=1\n', 'two.conf': '[two]\nb=2\n', 'three.conf': '[three]\nc=3\n' };
  const conf = parse('#include "one.conf"\n#include two.conf\n  #INCLUDE <three.conf>\n', files);
  assert.deepEqual(flat(conf), [
    ['one', 'a', '=', '1'],
    ['two', 'b', '=', '2'],
    ['three', 'c', '=', '3'],
  ]);
  assert.deepEqual(conf.sections[1]!.entries[0], { key: 'b', value: '2', op: '=', file: 'two.conf', line: 2 });
  assert.deepEqual(conf.errors, []);
});

test('an included file continues the current section; the includer keeps its own section afterwards', () => {
  const files = { 'inner.conf': 'fromInclude = 1\n[other]\no = 1\n' };
  const conf = parse('[main]\nbefore = 1\n#include inner.conf\nafter = 1\n', files);
  assert.deepEqual(flat(conf), [
    ['main', 'before', '=', '1'],
    ['main', 'fromInclude', '=', '1'],
    ['main', 'after', '=', '1'],
    ['other', 'o', '=', '1'],
  ]);
});

test('a missing #include is an error entry; a missing #tryinclude is silently skipped', () => {
  const conf = parse('[a]\n#include missing.conf\n#tryinclude alsomissing.conf\nk = v\n');
  assert.deepEqual(flat(conf), [['a', 'k', '=', 'v']]);
  assert.deepEqual(messages(conf), [
    "test.conf:2 The file 'missing.conf' was listed as a #include but it does not exist.",
  ]);
  const noReader = parseConf('#include x.conf\n', { file: 'f.conf' });
  assert.equal(noReader.errors.length, 1);
});

test('recursive includes stop with an error instead of looping', () => {
  const files = { 'a.conf': '[a]\nk=1\n#include b.conf\n', 'b.conf': 'm=2\n#include "a.conf"\n' };
  const conf = parse('#include a.conf\n', files);
  assert.deepEqual(flat(conf), [
    ['a', 'k', '=', '1'],
    ['a', 'm', '=', '2'],
  ]);
  assert.deepEqual(messages(conf), ["b.conf:2 Recursive #include of 'a.conf' ignored"]);
  const self = parseConf('[s]\n#include top.conf\n', {
    file: 'top.conf',
    readInclude: () => '[s]\n#include top.conf\n',
  });
  assert.equal(self.errors.length, 1);
});

test('include nesting is limited to Asterisk’s 10 levels', () => {
  const files: Record<string, string> = {};
  for (let i = 1; i <= 15; i++) files[`f${i}.conf`] = `l${i} = ${i}\n#include f${i + 1}.conf\n`;
  const conf = parse('[deep]\n#include f1.conf\n', files);
  assert.equal(conf.sections[0]!.entries.length, 9); // top file + f1..f9 = 10 levels
  assert.deepEqual(messages(conf), ['f9.conf:2 Maximum Include level (10) exceeded']);
});

test('a throwing readInclude is reported, not propagated', () => {
  const conf = parseConf('[a]\n#include boom.conf\nk=v\n', {
    file: 'x.conf',
    readInclude: () => {
      throw new Error('EACCES');
    },
  });
  assert.deepEqual(flat(conf), [['a', 'k', '=', 'v']]);
  assert.deepEqual(messages(conf), ["x.conf:2 Cannot read 'boom.conf': EACCES"]);
});

test('#exec is never run, unknown directives and missing arguments are reported', () => {
  const conf = parse('[a]\n#exec /bin/echo k=v\n#frobnicate x\n#include\n#include   \nok=1\n');
  assert.deepEqual(flat(conf), [['a', 'ok', '=', '1']]);
  assert.deepEqual(messages(conf), [
    'test.conf:2 #exec is not supported: Switchyard never runs programs from config',
    "test.conf:3 Unknown directive '#frobnicate'",
    "test.conf:4 Directive '#include' needs an argument (filename)",
    "test.conf:5 Directive '#include' needs an argument (filename)",
  ]);
});

test('hostile inputs never throw', () => {
  const inputs = [
    '',
    '\n\n\n',
    '[',
    ']',
    '[]',
    '[](',
    '[a](',
    '[a]()',
    '[a](,,,!,+,)',
    '#',
    '#include',
    '#include "',
    '#include <',
    '=',
    '=>',
    '+=',
    '\\',
    '\\;',
    ';--',
    '--;',
    ';--;--;--;',
    '[a]\n' + '\\;'.repeat(10_000),
    '[a]\n' + ';--'.repeat(1000) + '--;'.repeat(1000) + 'k=v',
    '\u0000\u0001[a]\u0000=\u0000',
    '[a]\nk=' + 'x'.repeat(100_000),
    '\ud800[\udfff]',
  ];
  for (const text of inputs) {
    const conf = parseConf(text, { file: 'h.conf', readInclude: () => text });
    assert.ok(Array.isArray(conf.sections) && Array.isArray(conf.errors));
  }
});

test('random bytes and random syntax soup never throw (2000 iterations)', () => {
  let seed = 0x5eed;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  const atoms = [
    '[',
    ']',
    '(',
    ')',
    '!',
    '+',
    ',',
    '=',
    '>',
    ';',
    '--',
    '\\',
    '#include ',
    '#exec ',
    '"',
    ' ',
    '\n',
    'a',
    'x.conf',
  ];
  for (let i = 0; i < 2000; i++) {
    let text = '';
    const len = rand(200);
    if (i % 2 === 0) {
      const bytes = Buffer.alloc(len);
      for (let j = 0; j < len; j++) bytes[j] = rand(256);
      text = bytes.toString(i % 4 === 0 ? 'latin1' : 'utf8');
    } else {
      for (let j = 0; j < len; j++) text += atoms[rand(atoms.length)];
    }
    const conf = parseConf(text, { file: 'x.conf', readInclude: (n) => (n === 'x.conf' ? text : undefined) });
    for (const s of conf.sections) for (const e of s.entries) assert.equal(typeof e.value, 'string');
    for (const e of conf.errors) assert.ok(e.line >= 0 && e.message.length > 0);
  }
});
