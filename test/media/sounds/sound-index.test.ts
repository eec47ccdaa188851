import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SoundIndex } from '../../../src/media/sounds/sound-index.js';
import { parseSoundDescriptions } from '../../../src/media/sounds/sound-descriptions.js';
import { SOUNDS_EN, hasSounds, tempDir } from '../formats/audio-helpers.js';

test('description files: id: text lines, comments, continuations, empty texts dropped', () => {
  const texts = parseSoundDescriptions(
    [
      '; core sounds',
      'hello-world: Hello world.  ',
      'vm-intro:   Please leave your message',
      'after the tone.',
      'empty:',
      'digits/1: one',
      'url: see http://x',
      '',
    ].join('\n'),
  );
  assert.deepEqual(Object.fromEntries(texts), {
    'hello-world': 'Hello world.',
    'vm-intro': 'Please leave your message\nafter the tone.',
    'digits/1': 'one',
    url: 'see http://x',
  });
});

function tree(root: string, files: Record<string, string>): void {
  for (const [f, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), content);
  }
}

function soundsFixture(dir: string): string {
  const root = join(dir, 'sounds');
  tree(root, {
    'en/hello.gsm': '',
    'en/hello.wav': '',
    'en/hello.sln': '', // a second slin file: still one slin
    'en/digits/1.ulaw': '',
    'en/digits/1.wav16': '',
    'en/digits/11.gsm': '',
    'en/video.h264': '',
    'en/notes.xyz': '',
    'en/README': '',
    'en/core-sounds-en.txt': 'hello: Hello.\ndigits/1: one\nghost: described but absent\n',
    'fr/hello.alaw': '',
    'fr/sounds-fr.txt': 'hello: Bonjour.\nfr-only: seul\n',
    'fr/fr-only.gsm': '',
    'top-level.wav': '', // not in a language folder
  });
  symlinkSync(join(root, 'fr'), join(root, 'es')); // a language that is a symlink, as Debian's en
  symlinkSync('.', join(root, 'en', 'loop')); // a loop must not hang the scan
  return root;
}

test('sounds are listed by id with each language and codec once, texts from en', async () => {
  const { dir, cleanup } = tempDir('sounds-');
  try {
    const index = new SoundIndex(soundsFixture(dir));
    assert.deepEqual(await index.list(), [
      {
        id: 'digits/1',
        text: 'one',
        formats: [
          { language: 'en', format: 'ulaw' }, // in the order the files are found: 1.ulaw, 1.wav16
          { language: 'en', format: 'slin16' },
        ],
      },
      { id: 'digits/11', formats: [{ language: 'en', format: 'gsm' }] },
      {
        id: 'fr-only',
        formats: [
          { language: 'es', format: 'gsm' },
          { language: 'fr', format: 'gsm' },
        ],
      },
      {
        id: 'hello',
        text: 'Hello.',
        formats: [
          { language: 'en', format: 'gsm' },
          { language: 'en', format: 'slin' },
          { language: 'es', format: 'alaw' },
          { language: 'fr', format: 'alaw' },
        ],
      },
      { id: 'video', formats: [{ language: 'en', format: 'h264' }] },
    ]);
    assert.deepEqual(await index.languages(), ['en', 'es', 'fr']);
  } finally {
    cleanup();
  }
});

test('filters keep one language or one codec name; a sound left without formats is not listed', async () => {
  const { dir, cleanup } = tempDir('sounds-');
  try {
    const index = new SoundIndex(soundsFixture(dir));
    assert.deepEqual(
      (await index.list({ lang: 'fr' })).map((s) => [s.id, s.text, s.formats.length]),
      [
        ['fr-only', undefined, 1],
        ['hello', 'Hello.', 1], // the text stays the en one, as in Asterisk
      ],
    );
    assert.deepEqual(
      (await index.list({ format: 'slin' })).map((s) => s.id),
      ['hello'],
    );
    assert.deepEqual(await index.list({ format: 'wav' }), [], 'the filter is a codec name, not an extension');
    assert.deepEqual(await index.list({ lang: 'de' }), []);
    assert.deepEqual(await index.list({ lang: '', format: '' }), await index.list());
  } finally {
    cleanup();
  }
});

test('one sound by id; unknown, described-only and missing folders give nothing, never a throw', async () => {
  const { dir, cleanup } = tempDir('sounds-');
  try {
    const index = new SoundIndex(soundsFixture(dir));
    assert.deepEqual(await index.get('digits/11'), { id: 'digits/11', formats: [{ language: 'en', format: 'gsm' }] });
    assert.equal(await index.get('ghost'), undefined);
    assert.equal(await index.get('digits/1.ulaw'), undefined);
    assert.equal(await index.get('HELLO'), undefined);
    const none = new SoundIndex(join(dir, 'no-such-folder'));
    assert.deepEqual(await none.list(), []);
    assert.equal(await none.get('hello'), undefined);
  } finally {
    cleanup();
  }
});

test('a scan answers until refresh (or its age runs out); refresh sees new files', async () => {
  const { dir, cleanup } = tempDir('sounds-');
  try {
    const root = soundsFixture(dir);
    const kept = new SoundIndex(root, { maxAgeMs: Infinity });
    const always = new SoundIndex(root, { maxAgeMs: -1 });
    await kept.list();
    writeFileSync(join(root, 'en', 'new-prompt.sln16'), '');
    assert.equal(await kept.get('new-prompt'), undefined);
    assert.ok(await always.get('new-prompt'));
    await kept.refresh();
    assert.deepEqual(await kept.get('new-prompt'), {
      id: 'new-prompt',
      formats: [{ language: 'en', format: 'slin16' }],
    });
  } finally {
    cleanup();
  }
});

test(
  "Debian's sounds: hello-world in gsm and slin, through the en symlink",
  { skip: !hasSounds && 'Asterisk sound files not installed' },
  async () => {
    const index = new SoundIndex(dirname(SOUNDS_EN));
    const hello = await index.get('hello-world');
    assert.ok(hello);
    assert.equal(hello.text, undefined, 'Debian ships no description file');
    const en = hello.formats.filter((f) => f.language === 'en');
    assert.deepEqual(en, [
      { language: 'en', format: 'gsm' },
      { language: 'en', format: 'slin' },
    ]);
    const all = await index.list({ lang: 'en' });
    assert.ok(all.length >= 350, `${all.length} sounds`);
    assert.ok(all.some((s) => s.id === 'digits/1'));
  },
);
