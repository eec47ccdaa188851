import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConf } from '../../src/config/conf-parser.js';
import { DEFAULT_MOH_CLASS, parseMediaConfig, type MohClassConfig } from '../../src/config/media-config.js';

const conf = (file: string, text: string) => parseConf(text, { file });

function moh(text: string, asterisk?: string) {
  return parseMediaConfig(
    {
      musiconhold: conf('musiconhold.conf', text),
      ...(asterisk !== undefined && { asterisk: conf('asterisk.conf', asterisk) }),
    },
    '/etc/switchyard',
  );
}

const base: Omit<MohClassConfig, 'name' | 'directory'> = {
  mode: 'files',
  entries: [],
  sort: 'none',
  loopLast: false,
  announcement: '',
  answeredOnly: false,
};

test('without musiconhold.conf: a default class on Debian’s folder, in folder order', () => {
  const { config, errors } = parseMediaConfig({}, '/etc/switchyard');
  assert.deepEqual(errors, []);
  assert.deepEqual(config.mohClasses, [DEFAULT_MOH_CLASS]);
  assert.deepEqual(DEFAULT_MOH_CLASS, { ...base, name: 'default', directory: '/usr/share/asterisk/moh' });
});

test('files classes: sort values, the old random= spelling, and options read in order', () => {
  const { config, errors } = moh(
    [
      '[general]',
      'cachertclasses=yes',
      '[default]',
      'mode=files',
      'directory=/usr/share/asterisk/moh',
      '[alpha]',
      'mode=Files',
      'directory=/srv/moh',
      'sort=ALPHA',
      '[shuffle]',
      'mode=files',
      'directory=/srv/moh',
      'sort=random',
      '[start]',
      'mode=files',
      'directory=/srv/moh',
      'sort=randstart',
      '[both]',
      'mode=files',
      'directory=/srv/moh',
      'sort=random',
      'sort=alpha',
      '[old]',
      'mode=files',
      'directory=/srv/moh',
      'random=yes',
      '[unset]',
      'mode=files',
      'directory=/srv/moh',
      'sort=random',
      'random=no',
      'sort=bogus',
      '[extras]',
      'mode=files',
      'directory=/srv/moh',
      'loop_last=yes',
      'announcement=queue-thankyou',
      'answeredonly=true',
      'digit=5',
    ].join('\n'),
  );
  assert.deepEqual(errors, []);
  const sorts = Object.fromEntries(config.mohClasses.map((c) => [c.name, c.sort]));
  assert.deepEqual(sorts, {
    default: 'none',
    alpha: 'alpha',
    shuffle: 'random',
    start: 'randstart',
    both: 'randstart',
    old: 'random',
    unset: 'none',
    extras: 'none',
  });
  const extras = config.mohClasses.find((c) => c.name === 'extras')!;
  assert.deepEqual(extras, {
    ...base,
    name: 'extras',
    directory: '/srv/moh',
    loopLast: true,
    announcement: 'queue-thankyou',
    answeredOnly: true,
  });
});

test('a relative directory is under astdatadir, as moh_scan_files puts it', () => {
  const text = '[default]\nmode=files\ndirectory=moh\n';
  assert.equal(moh(text).config.mohClasses[0]!.directory, '/usr/share/asterisk/moh');
  const custom = moh(text, '[directories]\nastdatadir=/opt/asterisk\n');
  assert.equal(custom.config.mohClasses[0]!.directory, '/opt/asterisk/moh');
  assert.equal(custom.config.soundsDir, '/opt/asterisk/sounds');
});

test('playlist classes keep absolute entries in order; URLs and relative entries are refused', () => {
  const { config, errors } = moh(
    [
      '[list]',
      'mode=playlist',
      'entry=/srv/moh/one',
      'entry=http://example.com/stream.mp3',
      'entry=relative/two',
      'entry=/srv/moh/three',
    ].join('\n'),
  );
  assert.deepEqual(config.mohClasses, [
    { ...base, name: 'list', mode: 'playlist', directory: '', entries: ['/srv/moh/one', '/srv/moh/three'] },
  ]);
  assert.equal(errors.length, 2);
  assert.match(errors[0]!.message, /not an absolute path/);
});

test('classes Asterisk would not register are reported and left out', () => {
  const { config, errors } = moh(
    [
      '[nomode]',
      'directory=/srv/moh',
      '[nodir]',
      'mode=files',
      '[mp3]',
      'mode=mp3',
      'directory=/srv/mp3',
      '[custom]',
      'mode=custom',
      'application=/usr/bin/streamplayer 192.168.100.52 888',
      '[weird]',
      'mode=weird',
      'directory=/srv/moh',
      '[emptylist]',
      'mode=playlist',
      '[tpl](!)',
      'mode=files',
      'directory=/srv/moh',
      '[ok]',
      'mode=files',
      'directory=/srv/moh',
      '[OK]',
      'mode=files',
      'directory=/srv/other',
    ].join('\n'),
  );
  assert.deepEqual(
    config.mohClasses.map((c) => [c.name, c.directory]),
    [['ok', '/srv/moh']],
  );
  assert.deepEqual(
    errors.map((e) => e.message),
    [
      "A mode must be specified for class 'nomode'!",
      "A directory must be specified for class 'nodir'!",
      '[mp3]: mode=mp3 needs an external player and is not supported',
      '[custom]: mode=custom needs an external player and is not supported',
      "Don't know how to do a mode 'weird' music on hold",
      '[emptylist]: a playlist class needs at least one entry',
      "Music on Hold class 'OK' already exists",
    ],
  );
  assert.ok(errors.every((e) => e.file === 'musiconhold.conf' && e.line > 0));
});

test('a musiconhold.conf with no class means no music on hold at all (no default is made up)', () => {
  assert.deepEqual(moh('[general]\n').config.mohClasses, []);
});
