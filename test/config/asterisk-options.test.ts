import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAdmissionLimits } from '../../src/config/asterisk-options.js';
import { parseConf } from '../../src/config/conf-parser.js';

test('asterisk.conf [options]: maxcalls, maxload, minmemfree and maxheapmb; absent means no limit', () => {
  const file = parseConf('[directories]\nastdatadir=/x\n[options]\nmaxcalls = 250\nmaxload=1.5\nminmemfree = 64\nmaxheapmb=900\n', { file: 'asterisk.conf' }); // prettier-ignore
  assert.deepEqual(parseAdmissionLimits(file).limits, { maxcalls: 250, maxload: 1.5, minmemfreeMb: 64, maxheapMb: 900 }); // prettier-ignore
  assert.deepEqual(parseAdmissionLimits(undefined).limits, { maxcalls: 0, maxload: 0, minmemfreeMb: 0, maxheapMb: 0 });
});

test('as options.c reads them: a leading number counts, a negative or unreadable value is no limit (with a warning)', () => {
  const r = parseAdmissionLimits(parseConf('[options]\nmaxcalls = 10 calls\nmaxload = -1\nminmemfree = lots\n', { file: 'asterisk.conf' })); // prettier-ignore
  assert.equal(r.limits.maxcalls, 10);
  assert.equal(r.limits.maxload, 0);
  assert.equal(r.limits.minmemfreeMb, 0);
  assert.equal(r.errors.length, 2);
});
