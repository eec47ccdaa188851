import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fileExtension,
  formatByName,
  formatForExtension,
  recordingContentType,
  resolveSupportedFormat,
  supportedFileFormats,
} from '../../../src/media/formats/format-table.js';

test("the supported formats carry Asterisk's names, extensions, codecs and rates", () => {
  const rows = supportedFileFormats().map((f) => [f.name, f.extensions.join('|'), f.codec, f.sampleRate]);
  assert.deepEqual(rows, [
    ['gsm', 'gsm', 'gsm', 8000],
    ['alaw', 'alaw|al|alw', 'alaw', 8000],
    ['pcm', 'pcm|ulaw|ul|mu|ulw', 'ulaw', 8000],
    ['sln', 'sln|slin|raw', 'slin', 8000],
    ['sln16', 'sln16', 'slin16', 16000],
    ['wav16', 'wav16', 'slin16', 16000],
    ['wav', 'wav', 'slin', 8000],
  ]);
});

test('extensions map to their format, case-sensitively (.WAV is wav49, GSM in RIFF)', () => {
  assert.equal(formatForExtension('ulaw')?.name, 'pcm');
  assert.equal(formatForExtension('mu')?.name, 'pcm');
  assert.equal(formatForExtension('raw')?.name, 'sln');
  assert.equal(formatForExtension('wav16')?.name, 'wav16');
  assert.equal(formatForExtension('WAV')?.name, 'wav49');
  assert.equal(formatForExtension('WAV')?.isSupported, false);
  assert.equal(formatForExtension('g729')?.codec, 'g729');
  assert.equal(formatForExtension('mp3'), undefined);
  assert.equal(formatByName('ulaw'), undefined, "µ-law's format is named pcm");
});

test('a caller may name a format by extension or by Asterisk name; unsupported ones resolve to nothing', () => {
  assert.equal(resolveSupportedFormat('ulaw')?.name, 'pcm');
  assert.equal(resolveSupportedFormat('pcm')?.name, 'pcm');
  assert.equal(resolveSupportedFormat('sln16')?.sampleRate, 16000);
  assert.equal(resolveSupportedFormat('g722'), undefined);
  assert.equal(resolveSupportedFormat('nonsense'), undefined);
});

test('a stored recording is served as audio/<its extension>, as Asterisk does', () => {
  assert.equal(recordingContentType('wav'), 'audio/wav');
  assert.equal(recordingContentType('ulaw'), 'audio/ulaw');
  assert.equal(recordingContentType('sln16'), 'audio/sln16');
  assert.equal(recordingContentType('gsm'), 'audio/gsm');
  assert.equal(recordingContentType('h264'), 'video/h264');
  assert.equal(recordingContentType('mp3'), undefined);
});

test('the extension is what follows the last dot of the last path component', () => {
  assert.equal(fileExtension('hello-world.wav'), 'wav');
  assert.equal(fileExtension('digits/1.ulaw'), 'ulaw');
  assert.equal(fileExtension('a.b/c'), undefined);
  assert.equal(fileExtension('noext'), undefined);
});
