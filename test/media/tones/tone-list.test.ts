import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isToneListError, midiNoteHz, parseToneList, type TonePart } from '../../../src/media/tones/tone-list.js';

const part = (freq1Hz: number, freq2Hz = 0, durationMs = 0, modulate = false): TonePart => ({
  freq1Hz,
  freq2Hz,
  modulate,
  durationMs,
});

type Case = readonly [text: string, parts: readonly TonePart[], repeatFrom: number, skipped?: readonly string[]];

const CASES: readonly Case[] = [
  ['350+440', [part(350, 440)], 0],
  ['!350+440/100,!0/100', [part(350, 440, 100), part(0, 0, 100)], -1],
  ['480+620/500,0/500', [part(480, 620, 500), part(0, 0, 500)], 0],
  ['!425/100,!0/100,425', [part(425, 0, 100), part(0, 0, 100), part(425)], 2],
  ['425*25/400,0/200', [part(425, 25, 400, true), part(0, 0, 200)], 0],
  ['600*120', [part(600, 120, 0, true)], 0],
  ['950/330', [part(950, 0, 330)], 0],
  // MIDI notes: A4 = 69 = 440 Hz; both frequencies of an element must be notes.
  ['M69+M81/200', [part(440, 880, 200)], 0],
  ['M60', [part(261)], 0],
  ['M69*M57', [part(440, 220, 0, true)], 0],
  ['M69+81', [part(440)], 0],
  ['M128/100', [part(0, 0, 100)], 0],
  // What sscanf leaves: text after a complete element, blanks before a number, a missing second frequency.
  ['425/500ms', [part(425, 0, 500)], 0],
  ['  440/ 100 , 0/100 ', [part(440, 0, 100), part(0, 0, 100)], 0],
  ['440 / 100', [part(440)], 0],
  ['350+', [part(350)], 0],
  ['350+x/100', [part(350)], 0],
  // `|` separates when present, so the commas are then trailing text of the second element.
  ['440/100|480/100,0/100', [part(440, 0, 100), part(480, 0, 100)], 0],
  // The list stops at its first empty element.
  ['440,,480', [part(440)], 0],
  ['440/100,0/100,', [part(440, 0, 100), part(0, 0, 100)], 0],
  // Bad elements are skipped; the repeat position is set before parsing, so it lands on the next good one.
  ['bogus,440', [part(440)], 0, ['bogus']],
  ['!440/100,bogus,!0/100', [part(440, 0, 100), part(0, 0, 100)], 1, ['bogus']],
  ['!440/100,bogus', [part(440, 0, 100)], -1, ['bogus']],
  ['-440,480', [part(480)], 0, ['-440']],
  ['4294967296,480', [part(480)], 0, ['4294967296']],
];

for (const [text, parts, repeatFrom, skipped = []] of CASES) {
  test(`tone list '${text}'`, () => {
    const list = parseToneList(text);
    assert.ok(!isToneListError(list), JSON.stringify(list));
    assert.deepEqual(list, { parts, repeatFrom, skipped });
  });
}

const BAD: readonly [name: string, text: string][] = [
  ['empty', ''],
  ['empty first element', ',440'],
  ['only blanks', '   '],
  ['a word', 'busy'],
  ['lower-case m', 'm69'],
  ['only bad elements', 'x,y/100'],
];

for (const [name, text] of BAD) {
  test(`a tone list with no valid part is an error value, not a throw: ${name}`, () => {
    const list = parseToneList(text);
    assert.ok(isToneListError(list));
    assert.match(list.error, /no valid tone parts/);
  });
}

test('MIDI notes are the equal-tempered pitch rounded down, 0 Hz outside 0–127', () => {
  assert.deepEqual(
    [0, 1, 21, 57, 60, 61, 69, 81, 108, 127, 128, -1].map(midiNoteHz),
    [8, 8, 27, 220, 261, 277, 440, 880, 4186, 12543, 0, 0],
  );
});
