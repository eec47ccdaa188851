/** The module registry alone: name matching as Asterisk's loader does it, and the reload outcomes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleBaseName, ModuleRegistry, type ModuleEntry } from '../../src/core/modules/module-registry.js';

const NO_USAGE = { channelsByTechnology: new Map<string, number>(), stasisApps: 0 };

function registry(entries: ModuleEntry[]): ModuleRegistry {
  return new ModuleRegistry(entries, () => ({ ...NO_USAGE, channelsByTechnology: new Map([['PJSIP', 3]]) }));
}

test('a trailing .so of any case is dropped and case ignored when names are compared', () => {
  const cases: [string, string][] = [
    ['res_pjsip.so', 'res_pjsip'],
    ['RES_PJSIP.SO', 'res_pjsip'],
    ['res_pjsip', 'res_pjsip'],
    ['res_pjsip.so.so', 'res_pjsip.so'],
    ['.so', '.so'], // too short to carry a suffix (loader.c needs more than three characters)
    ['http', 'http'],
  ];
  for (const [name, base] of cases) assert.equal(moduleBaseName(name), base, name);
});

test('get distinguishes found, found under another spelling, and unknown', () => {
  const r = registry([
    {
      name: 'chan_pjsip.so',
      description: 'SIP',
      supportLevel: 'core',
      useCount: (u) => u.channelsByTechnology.get('PJSIP') ?? 0,
    },
  ]);
  assert.deepEqual(r.get('chan_pjsip.so'), {
    module: { name: 'chan_pjsip.so', description: 'SIP', use_count: 3, status: 'Running', support_level: 'core' },
  });
  assert.equal(r.get('chan_pjsip'), 'name-mismatch');
  assert.equal(r.get('nope'), 'not-found');
  assert.equal(r.get(''), 'not-found');
  assert.equal(r.load('CHAN_PJSIP'), 'already-loaded');
  assert.equal(r.load('nope'), 'declined');
  assert.equal(r.unload('chan_pjsip'), 'refused');
  assert.equal(r.unload('nope'), 'not-found');
});

test('two entries with one base name are refused at construction', () => {
  assert.throws(() =>
    registry([
      { name: 'a.so', description: '', supportLevel: 'core' },
      { name: 'A', description: '', supportLevel: 'core' },
    ]),
  );
});

test('a reload runs its hook; a second one while it runs is refused; a failing hook is reported', async () => {
  let release!: () => void;
  let runs = 0;
  const r = registry([
    {
      name: 'slow.so',
      description: '',
      supportLevel: 'core',
      reload: () => {
        runs++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    },
    { name: 'other.so', description: '', supportLevel: 'core', reload: () => {} },
    {
      name: 'broken.so',
      description: '',
      supportLevel: 'core',
      reload: () => {
        throw new Error('no file');
      },
    },
    { name: 'fixed.so', description: '', supportLevel: 'extended' },
  ]);
  const first = r.reload('slow');
  assert.equal(await r.reload('other.so'), 'in-progress', 'Asterisk allows one reload at a time');
  release();
  assert.equal(await first, 'reloaded');
  assert.equal(runs, 1);
  assert.equal(await r.reload('other.so'), 'reloaded');
  assert.equal(await r.reload('broken.so'), 'failed');
  assert.equal(await r.reload('other.so'), 'reloaded', 'a failed reload does not block the next one');
  assert.equal(await r.reload('fixed.so'), 'not-reloadable');
  assert.equal(await r.reload('gone.so'), 'not-found');
});
