import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConf } from '../../src/config/conf-parser.js';
import { parseIndicationsConfig } from '../../src/config/indications-config.js';
import { BUILTIN_INDICATIONS } from '../../src/media/tones/builtin-tone-zones.js';

const parse = (text: string) => parseIndicationsConfig(parseConf(text, { file: 'indications.conf' }));

test('no file: the built-in zones with us as the default', () => {
  const { indications, errors } = parse('');
  assert.deepEqual(errors, []);
  assert.equal(indications.country, 'us');
  assert.deepEqual(indications.zones, BUILTIN_INDICATIONS.zones);
});

test('a zone in the file replaces the built-in one entirely; other zones stay; [general] picks the default', () => {
  const { indications, errors } = parse(
    [
      '[general]',
      'country=UK',
      '[uk]',
      'description = United Kingdom (test)',
      'ringcadence = 400,200,400,2000',
      'dial = 350+440',
      'busy = 400/375,0/375   ; engaged',
      '[xx]',
      'description = Nowhere',
      'ringcadence = 1000, 4000',
      'Dial = 425',
      'beep = !1000/200',
    ].join('\n'),
  );
  assert.deepEqual(errors, []);
  assert.equal(indications.country, 'uk');
  const uk = indications.zones.get('uk')!;
  assert.equal(uk.description, 'United Kingdom (test)');
  assert.deepEqual([...uk.tones.keys()], ['dial', 'busy']); // no built-in ring any more
  assert.equal(uk.tones.get('busy'), '400/375,0/375');
  const xx = indications.zones.get('xx')!;
  assert.deepEqual(xx.ringcadence, [1000, 4000]);
  assert.deepEqual([...xx.tones], [['dial', '425'], ['beep', '!1000/200']]); // prettier-ignore
  assert.equal(indications.zones.get('de'), BUILTIN_INDICATIONS.zones.get('de'));
});

test('a zone without a description or without tones is invalid and ignored', () => {
  const { indications, errors } = parse('[de]\ndial=425\n[yy]\ndescription=Empty\nringcadence=1000\n');
  assert.deepEqual(
    errors.map((e) => [e.line, e.message]),
    [
      [2, "Indication country 'de' is invalid"],
      [4, "Indication country 'yy' is invalid"],
    ],
  );
  assert.equal(indications.zones.get('de'), BUILTIN_INDICATIONS.zones.get('de'));
  assert.equal(indications.zones.has('yy'), false);
});

test('ringcadence skips items that do not start with a digit and appends across lines', () => {
  const { indications, errors } = parse('[zz]\ndescription=Z\nringcadence=2000ms, x, 4000\nringcadence=500\ndial=425\n'); // prettier-ignore
  assert.deepEqual(indications.zones.get('zz')?.ringcadence, [2000, 4000, 500]);
  assert.deepEqual(errors.map((e) => [e.line, e.message]), [[3, "Invalid ringcadence given 'x'."]]); // prettier-ignore
});

test('a later tone of the same name replaces the earlier; a repeated section adds to its zone', () => {
  const { indications } = parse('[zz]\ndescription=Z\nbusy=1\nring=2\n[other](!)\nbusy=9\n[zz]\nbusy=3\n');
  assert.deepEqual([...indications.zones.get('zz')!.tones], [['ring', '2'], ['busy', '3']]); // prettier-ignore
  assert.equal(indications.zones.has('other'), false, 'templates are not zones');
});

test('an unknown default country keeps the old default; tone lists that would not play are reported but kept', () => {
  const { indications, errors } = parse('[general]\ncountry=qq\n[zz]\ndescription=Z\nbusy=busy\nring=440,x\n');
  assert.equal(indications.country, 'us');
  assert.equal(indications.zones.get('zz')?.tones.get('busy'), 'busy');
  assert.deepEqual(
    errors.map((e) => e.line),
    [5, 6, 2],
  );
  assert.match(errors[0]!.message, /Tone 'busy' will not play/);
  assert.match(errors[1]!.message, /skipped 'x'/);
  assert.match(errors[2]!.message, /default country/);
});
