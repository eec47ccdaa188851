import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findSoundFile, languageCandidates } from '../../../src/media/sounds/find-sound-file.js';
import { SOUNDS_EN, hasSounds, tempDir } from '../formats/audio-helpers.js';

test("languages are tried as Asterisk's fileexists_core does", () => {
  const cases: [string, (string | undefined)[]][] = [
    ['en_US_f_Allison', ['en_US_f_Allison', 'en_US_f', 'en_US', 'en', undefined]],
    ['en_US', ['en_US', 'en', undefined]],
    ['en', ['en', undefined]],
    ['fr_CA', ['fr_CA', 'fr', undefined, 'en']],
    ['fr', ['fr', undefined, 'en']],
    ['', [undefined, 'en']],
  ];
  for (const [language, expected] of cases) assert.deepEqual(languageCandidates(language), expected, language);
});

/** A sounds tree from relative file names (the content does not matter to the lookup). */
function tree(root: string, files: string[]): void {
  for (const f of files) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), 'x');
  }
}

test('a sound is found in the first language that has it, in the format cheapest for the channel', async () => {
  const { dir, cleanup } = tempDir('find-');
  try {
    const root = join(dir, 'sounds');
    tree(root, [
      'en/hello.gsm',
      'en/hello.wav',
      'en/hello.ulaw',
      'fr/hello.ulaw',
      'fr/hello.gsm',
      'en/digits/1.gsm',
      'en/wide.sln16',
      'en/wide.gsm',
      'en/wide.pcm',
      'nolang.alaw',
      'en/nolang.gsm',
      'en_US/only-us.wav16',
    ]);
    const cases: [string, string, 8000 | 16000, string | undefined][] = [
      ['hello', 'en', 8000, 'en/hello.wav'],
      ['hello', 'en_GB', 8000, 'en/hello.wav'],
      ['hello', 'fr_CA', 8000, 'fr/hello.ulaw'], // fr beats en, ulaw beats gsm
      ['hello', 'de', 8000, 'en/hello.wav'], // the default language last
      ['hello', '', 16000, 'en/hello.wav'],
      ['digits/1', 'fr', 8000, 'en/digits/1.gsm'],
      ['wide', 'en', 16000, 'en/wide.sln16'],
      ['wide', 'en', 8000, 'en/wide.sln16'], // lossless downsampled beats G.711 (Asterisk's cost classes)
      ['nolang', 'en_US', 8000, 'en/nolang.gsm'], // en_US stripped to en comes first
      ['nolang', 'de', 8000, 'nolang.alaw'], // the no-language folder before the default language
      ['only-us', 'en_US_f_Allison', 8000, 'en_US/only-us.wav16'],
      ['only-us', 'en', 8000, undefined],
      ['missing', 'en', 8000, undefined],
      ['hello.wav', 'en', 8000, undefined], // names carry no extension
      ['', 'en', 8000, undefined],
    ];
    for (const [name, lang, rate, expected] of cases) {
      const found = await findSoundFile([root], name, lang, rate);
      assert.equal(found?.path, expected === undefined ? undefined : join(root, expected), `${name} ${lang} ${rate}`);
    }
    assert.deepEqual(await findSoundFile([root], 'hello', 'fr', 8000), {
      path: join(root, 'fr/hello.ulaw'),
      format: 'pcm',
    });
  } finally {
    cleanup();
  }
});

test('several roots are searched per language; an absolute name gets the language before its last part', async () => {
  const { dir, cleanup } = tempDir('find-');
  try {
    tree(dir, [
      'a/en/one.gsm',
      'b/fr/one.sln',
      'b/en/two.sln',
      'abs/fr/msg.wav',
      'abs/msg.gsm',
      'abs/x.pcm',
      'abs/x.ulaw',
    ]);
    const roots = [join(dir, 'a'), join(dir, 'b')];
    assert.equal((await findSoundFile(roots, 'one', 'fr', 8000))?.path, join(dir, 'b/fr/one.sln'));
    assert.equal((await findSoundFile(roots, 'one', 'en', 8000))?.path, join(dir, 'a/en/one.gsm'));
    assert.equal((await findSoundFile(roots, 'two', 'en', 8000))?.path, join(dir, 'b/en/two.sln'));
    const abs = join(dir, 'abs');
    assert.equal((await findSoundFile(roots, `${abs}/msg`, 'fr', 8000))?.path, join(abs, 'fr/msg.wav'));
    assert.equal((await findSoundFile(roots, `${abs}/msg`, 'de', 8000))?.path, join(abs, 'msg.gsm'));
    // within one format, Asterisk's extension order: pcm before ulaw
    assert.equal((await findSoundFile(roots, `${abs}/x`, 'en', 8000))?.path, join(abs, 'x.pcm'));
    assert.equal(await findSoundFile([join(dir, 'nowhere')], 'one', 'en', 8000), undefined);
  } finally {
    cleanup();
  }
});

test(
  'Debian prompts are found through the en symlink',
  { skip: !hasSounds && 'Asterisk sound files not installed' },
  async () => {
    const root = dirname(SOUNDS_EN);
    assert.deepEqual(await findSoundFile([root], 'hello-world', 'en_US', 8000), {
      path: join(root, 'en_US/hello-world.wav'),
      format: 'wav',
    });
    assert.deepEqual(await findSoundFile([root], 'digits/7', 'fr', 16000), {
      path: join(root, 'en/digits/7.wav'),
      format: 'wav',
    });
  },
);
