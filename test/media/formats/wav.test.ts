import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWavLayout, wavHeader } from '../../../src/media/formats/wav.js';
import { decodeFileBytes } from '../../../src/media/formats/load-audio-file.js';
import { resolveSupportedFormat } from '../../../src/media/formats/format-table.js';
import { SOUNDS_EN, hasSounds, hasSox, soxDecode, soxInfo, tempDir } from './audio-helpers.js';

const WAV = resolveSupportedFormat('wav')!;

/** A wav file from parts: header fields can be overridden, extra chunks put before or after the data. */
function wavBytes(opts: {
  samples?: number[];
  rate?: number;
  channels?: number;
  bits?: number;
  tag?: number;
  dataSize?: number;
  before?: Uint8Array[];
  after?: Uint8Array[];
}): Uint8Array {
  const samples = Int16Array.from(opts.samples ?? [1, -2, 3, -4]);
  const data = new Uint8Array(samples.buffer);
  const head = wavHeader(8000, data.length);
  const v = new DataView(head.buffer);
  if (opts.rate !== undefined) v.setUint32(24, opts.rate, true);
  if (opts.channels !== undefined) v.setUint16(22, opts.channels, true);
  if (opts.bits !== undefined) v.setUint16(34, opts.bits, true);
  if (opts.tag !== undefined) v.setUint16(20, opts.tag, true);
  if (opts.dataSize !== undefined) v.setUint32(40, opts.dataSize, true);
  const fmtPart = head.subarray(0, 36);
  const dataHeader = head.subarray(36, 44);
  return Buffer.concat([fmtPart, ...(opts.before ?? []), dataHeader, data, ...(opts.after ?? [])]);
}

function chunk(id: string, body: number[]): Uint8Array {
  const b = Buffer.alloc(8 + body.length + (body.length & 1));
  b.write(id, 0, 'latin1');
  b.writeUInt32LE(body.length, 4);
  Buffer.from(body).copy(b, 8);
  return b;
}

function samplesOf(bytes: Uint8Array): number[] | string {
  const r = decodeFileBytes(bytes, WAV);
  return 'error' in r ? r.error : Array.from(r.samples);
}

test('wav layouts that other writers and crashes leave are read up to what is there', () => {
  const cases: [string, Uint8Array, number[]][] = [
    ['plain', wavBytes({}), [1, -2, 3, -4]],
    [
      'LIST and an odd-sized fact chunk before the data',
      wavBytes({ before: [chunk('LIST', [1, 2, 3, 4]), chunk('fact', [9, 9, 9])] }),
      [1, -2, 3, -4],
    ],
    ['data size 0 (Asterisk killed before close)', wavBytes({ dataSize: 0 }), [1, -2, 3, -4]],
    ['data size 0xFFFFFFFF (streaming writer)', wavBytes({ dataSize: 0xffffffff }), [1, -2, 3, -4]],
    ['data size beyond the end of the file', wavBytes({ dataSize: 1000 }), [1, -2, 3, -4]],
    ['a trailing half sample', Buffer.concat([wavBytes({ dataSize: 0 }), Buffer.from([7])]), [1, -2, 3, -4]],
    ['a chunk after the data is not audio', wavBytes({ after: [chunk('LIST', [5, 5, 5, 5])] }), [1, -2, 3, -4]],
    ['a 16 kHz header', wavBytes({ rate: 16000 }), [1, -2, 3, -4]],
  ];
  for (const [name, bytes, expected] of cases) assert.deepEqual(samplesOf(bytes), expected, name);
});

test('wav files that are not 16-bit mono PCM at 8 or 16 kHz are error values, never throws', () => {
  const cases: [string, Uint8Array, string][] = [
    ['stereo', wavBytes({ channels: 2 }), 'wav: not-mono'],
    ['8-bit', wavBytes({ bits: 8 }), 'wav: not-16-bit'],
    ['IEEE float', wavBytes({ tag: 3 }), 'wav: not-pcm'],
    ['44.1 kHz', wavBytes({ rate: 44100 }), 'wav: unsupported-rate'],
    ['empty file', new Uint8Array(0), 'wav: not-riff'],
    ['RIFF but not WAVE', Buffer.from('RIFF\x04\x00\x00\x00AVI '), 'wav: not-wave'],
    ['cut inside the fmt chunk', wavBytes({}).subarray(0, 30), 'wav: bad-fmt'],
    ['cut before the data chunk', wavBytes({}).subarray(0, 36), 'wav: no-data'],
    ['no fmt chunk', Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WAVE'), chunk('data', [0, 0])]), 'wav: no-fmt'],
    [
      'a chunk size running past the end',
      Buffer.concat([wavBytes({}).subarray(0, 12), Buffer.from('JUNK\xff\xff\xff\x7f', 'latin1')]),
      'wav: no-fmt',
    ],
  ];
  for (const [name, bytes, expected] of cases) assert.deepEqual(samplesOf(bytes), expected, name);
});

test('WAVE_FORMAT_EXTENSIBLE with the PCM sub-format is PCM', () => {
  const fmt = Buffer.alloc(8 + 40);
  fmt.write('fmt ', 0, 'latin1');
  fmt.writeUInt32LE(40, 4);
  fmt.writeUInt16LE(0xfffe, 8);
  fmt.writeUInt16LE(1, 10);
  fmt.writeUInt32LE(16000, 12);
  fmt.writeUInt32LE(32000, 16);
  fmt.writeUInt16LE(2, 20);
  fmt.writeUInt16LE(16, 22);
  fmt.writeUInt16LE(22, 24);
  fmt.writeUInt16LE(1, 8 + 24); // sub-format GUID starts with the PCM tag
  const bytes = Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WAVE', 'latin1'), fmt, chunk('data', [5, 0, 6, 0])]);
  const layout = parseWavLayout(bytes);
  assert.ok(!('error' in layout));
  assert.equal(layout.sampleRate, 16000);
  assert.deepEqual(samplesOf(bytes), [5, 6]);
});

test('the header written is what sox reads as 8 kHz 16-bit mono', { skip: !hasSox && 'sox not installed' }, () => {
  const { dir, cleanup } = tempDir('wav-');
  try {
    const path = join(dir, 'x.wav');
    writeFileSync(path, Buffer.concat([wavHeader(8000, 8), Buffer.from([1, 0, 2, 0, 3, 0, 4, 0])]));
    const info = soxInfo(path);
    assert.match(info, /Channels\s*: 1/);
    assert.match(info, /Sample Rate\s*: 8000/);
    assert.match(info, /Precision\s*: 16-bit/);
    assert.deepEqual(Array.from(soxDecode(path, 'wav', 8000)), [1, 2, 3, 4]);
  } finally {
    cleanup();
  }
});

test(
  'every Debian prompt reads sample for sample as sox reads it',
  { skip: (!hasSox && 'sox not installed') || (!hasSounds && 'Asterisk sound files not installed') },
  () => {
    for (const name of ['hello-world', 'vm-intro', 'demo-congrats', 'digits/1']) {
      const path = join(SOUNDS_EN, `${name}.wav`);
      const ours = decodeFileBytes(readFileSync(path), WAV);
      assert.ok(!('error' in ours), name);
      assert.deepEqual(ours.samples, soxDecode(path, 'wav', 8000), name);
    }
  },
);
