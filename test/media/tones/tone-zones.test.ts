import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_INDICATIONS, BUILTIN_TONE_ZONES } from '../../../src/media/tones/builtin-tone-zones.js';
import { isToneListError, parseToneList } from '../../../src/media/tones/tone-list.js';
import { findToneZone, parseToneUri, resolveTone } from '../../../src/media/tones/tone-zones.js';

const first = (spec: string, countries: Parameters<typeof resolveTone>[1]) => {
  const l = resolveTone(spec, countries, BUILTIN_TONE_ZONES);
  assert.ok(!isToneListError(l), `${spec}: ${JSON.stringify(l)}`);
  return l.parts[0];
};

test('built-in zones include us, uk, de and fr with the usual tones, and us is the default', () => {
  assert.equal(BUILTIN_INDICATIONS.country, 'us');
  for (const country of ['us', 'uk', 'de', 'fr', 'au', 'es', 'it', 'jp', 'nl', 'us-old']) {
    const zone = findToneZone(BUILTIN_TONE_ZONES, country);
    assert.ok(zone, country);
    for (const name of ['dial', 'busy', 'ring', 'congestion', 'record', 'info', 'stutter']) {
      assert.ok(zone.tones.has(name), `${country} ${name}`);
    }
    for (const [name, text] of zone.tones) {
      const l = parseToneList(text);
      assert.ok(!isToneListError(l) && l.skipped.length === 0, `${country} ${name}: ${text}`);
    }
  }
});

test('each built-in ring tone follows its zone’s ring cadence', () => {
  for (const [country, zone] of BUILTIN_TONE_ZONES) {
    const l = parseToneList(zone.tones.get('ring')!);
    assert.ok(!isToneListError(l));
    assert.deepEqual(
      l.parts.map((p) => p.durationMs),
      zone.ringcadence,
      country,
    );
  }
});

test('the frequencies of the well-known tones', () => {
  assert.deepEqual(first('dial', 'us'), { freq1Hz: 350, freq2Hz: 440, modulate: false, durationMs: 0 });
  assert.deepEqual(first('busy', 'us'), { freq1Hz: 480, freq2Hz: 620, modulate: false, durationMs: 500 });
  assert.deepEqual(first('ring', 'uk'), { freq1Hz: 400, freq2Hz: 450, modulate: false, durationMs: 400 });
  assert.deepEqual(first('busy', 'uk'), { freq1Hz: 400, freq2Hz: 0, modulate: false, durationMs: 375 });
  assert.deepEqual(first('busy', 'de'), { freq1Hz: 425, freq2Hz: 0, modulate: false, durationMs: 480 });
  assert.deepEqual(first('ring', 'fr'), { freq1Hz: 440, freq2Hz: 0, modulate: false, durationMs: 1500 });
});

test('countries and tone names match case-insensitively', () => {
  assert.deepEqual(first('BUSY', 'DE'), first('busy', 'de'));
});

test('the first zone that exists is used: URI zone, then channel zone, then default', () => {
  assert.equal(first('busy', ['xx', 'de', 'us'])?.freq1Hz, 425);
  assert.equal(first('busy', [undefined, '', 'uk'])?.freq1Hz, 400);
});

test('a name the zone lacks is parsed as a tone list; so France has callwait, not callwaiting', () => {
  assert.equal(first('425/100,0/100', 'us')?.freq1Hz, 425);
  assert.equal(first('callwait', 'fr')?.durationMs, 300);
  const l = resolveTone('callwaiting', 'fr', BUILTIN_TONE_ZONES);
  assert.ok(isToneListError(l));
  assert.ok(isToneListError(resolveTone('', 'us', BUILTIN_TONE_ZONES)));
});

test('a tone URI splits at the first ; and only tonezone= may follow', () => {
  assert.deepEqual(parseToneUri('busy'), { indication: 'busy' });
  assert.deepEqual(parseToneUri('busy;tonezone=uk'), { indication: 'busy', tonezone: 'uk' });
  assert.deepEqual(parseToneUri('425/500,0/500;tonezone=de'), { indication: '425/500,0/500', tonezone: 'de' });
  assert.deepEqual(parseToneUri('busy;'), { indication: 'busy' });
  assert.deepEqual(parseToneUri('busy;zone=uk'), { error: 'Unexpected Tone URI component: zone=uk' });
  assert.ok('error' in parseToneUri('busy;TONEZONE=uk'));
});
