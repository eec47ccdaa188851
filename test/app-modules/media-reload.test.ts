/**
 * The media reloaders on real files in a temporary folder: what they hand the media plane (music on hold classes,
 * tone zones), the RTP settings replaced in the object the drivers hold, and files that cannot be used.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indicationsReloader, mohReloader, rtpReloader } from '../../src/app-modules/media-reload.js';
import { readForReload } from '../../src/app-modules/conf-validity.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { MediaPlane, PlaneUpdate } from '../../src/core/media/media-plane.js';

let dir: string;
let updates: PlaneUpdate[];
let errors: string[];
const plane = (): MediaPlane => ({ reconfigure: (u: PlaneUpdate) => void updates.push(u) }) as unknown as MediaPlane;
const log = {
  error: (_: object, msg = '') => void errors.push(msg),
  warn: () => {},
  info: () => {},
};
const write = (name: string, text: string): void => writeFileSync(join(dir, name), text);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'media-reload-'));
  updates = [];
  errors = [];
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('res_musiconhold.so hands the plane the classes of the file, in file order', () => {
  write('musiconhold.conf', `[default]\nmode=files\ndirectory=${dir}\n[jazz]\nmode=files\ndirectory=${dir}\n`);
  mohReloader(plane, dir, log)();
  assert.deepEqual(
    updates.map((u) => u.mohClasses?.map((c) => c.name)),
    [['default', 'jazz']],
  );
});

test('an unparsable or missing musiconhold.conf sends nothing and logs why', () => {
  write('musiconhold.conf', '[default\nmode=files\n');
  mohReloader(plane, dir, log)();
  rmSync(join(dir, 'musiconhold.conf'));
  mohReloader(plane, dir, log)();
  assert.equal(updates.length, 0);
  assert.match(errors[0]!, /^Contents of config file 'musiconhold\.conf' are invalid and cannot be parsed/);
  assert.match(errors[1]!, /^Unable to load config file 'musiconhold\.conf'/);
});

test('indications hands the plane the zones of indications.conf (a new country among the built-in ones)', () => {
  write('indications.conf', '[general]\ncountry=zz\n[zz]\ndescription=Test\nring=440/1000,0/3000\n');
  indicationsReloader(plane, dir, log)();
  const sent = updates[0]?.indications;
  assert.equal(sent?.country, 'zz');
  assert.ok(sent?.zones.has('zz'));
  assert.ok(sent?.zones.has('us'));
});

test('res_rtp_asterisk.so replaces the fields of the RtpConfig object the drivers hold', () => {
  write('rtp.conf', '[general]\nrtpstart=10000\nrtpend=20000\n');
  const live = loadConfig(dir).rtp;
  write('rtp.conf', '[general]\nrtpstart=40000\nrtpend=40100\nstrictrtp=no\n');
  rtpReloader(live, dir, log)();
  assert.equal(live.rtpStart, 40000);
  assert.equal(live.rtpEnd, 40100);
  assert.equal(live.strictRtp, false);
  write('rtp.conf', '[general\nrtpstart=50000\n');
  rtpReloader(live, dir, log)();
  assert.equal(live.rtpStart, 40000);
});

test('readForReload: whole-file mistakes make a file unusable; a line without = only loses that line', () => {
  const kinds = (text: string): string => {
    write('x.conf', text);
    return readForReload(dir, 'x.conf').kind;
  };
  assert.equal(kinds('[a]\nkey=value\n'), 'ok');
  assert.equal(kinds('[a]\nno equals sign\nkey=value\n'), 'ok');
  assert.equal(kinds('[a\nkey=value\n'), 'invalid');
  assert.equal(kinds('[a](missing)\nkey=value\n'), 'invalid');
  assert.equal(kinds('key=value\n[a]\n'), 'invalid');
  assert.equal(kinds('[a]\n#include nowhere.conf\n'), 'invalid');
  assert.equal(readForReload(dir, 'absent.conf').kind, 'missing');
});
