import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALAW_DECODE,
  ULAW_DECODE,
  alawDecodeSample,
  alawEncodeSample,
  decodeAlaw,
  decodeUlaw,
  encodeAlaw,
  encodeUlaw,
  ulawDecodeSample,
  ulawEncodeSample,
} from '../../src/media/codecs/g711.js';

test('every µ-law code decodes and re-encodes to itself, except −0 (0x7F) which becomes +0 (0xFF)', () => {
  for (let c = 0; c < 256; c++) {
    assert.equal(ulawEncodeSample(ULAW_DECODE[c]!), c === 0x7f ? 0xff : c, `code 0x${c.toString(16)}`);
  }
});

test('every A-law code decodes and re-encodes to itself', () => {
  for (let c = 0; c < 256; c++) assert.equal(alawEncodeSample(ALAW_DECODE[c]!), c, `code 0x${c.toString(16)}`);
});

// [code, linear] pairs from ITU-T G.711 tables / Sun g711.c (as used by sox).
const ULAW_KNOWN: [number, number][] = [
  [0xff, 0],
  [0x7f, 0],
  [0x00, -32124],
  [0x80, 32124],
  [0xfe, 8],
  [0x7e, -8],
  [0xf0, 120],
  [0xef, 132],
  [0xa2, 7420], // segment 5: ((13 << 3) + 132) << 5 − 132
];
const ALAW_KNOWN: [number, number][] = [
  [0xd5, 8],
  [0x55, -8],
  [0xd4, 24],
  [0xaa, 32256],
  [0x2a, -32256],
  [0xc5, 264],
];

for (const [code, linear] of ULAW_KNOWN) {
  test(`µ-law 0x${code.toString(16).padStart(2, '0')} decodes to ${linear}`, () => {
    assert.equal(ulawDecodeSample(code), linear);
  });
}
for (const [code, linear] of ALAW_KNOWN) {
  test(`A-law 0x${code.toString(16).padStart(2, '0')} decodes to ${linear}`, () => {
    assert.equal(alawDecodeSample(code), linear);
  });
}

test('encoding clips at the extremes and maps silence to the idle codes', () => {
  assert.equal(ulawEncodeSample(0), 0xff);
  assert.equal(ulawEncodeSample(-1), 0x7e); // −1 >> 2 = −1 on the 14-bit scale: a negative step, not −0
  assert.equal(ulawEncodeSample(32767), 0x80);
  assert.equal(ulawEncodeSample(-32768), 0x00);
  assert.equal(alawEncodeSample(0), 0xd5);
  assert.equal(alawEncodeSample(-1), 0x55);
  assert.equal(alawEncodeSample(32767), 0xaa);
  assert.equal(alawEncodeSample(-32768), 0x2a);
});

test('block encode/decode write into caller buffers at an offset and match the per-sample functions', () => {
  const pcm = new Int16Array(160);
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(12000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
  const u = Buffer.alloc(170, 0xee);
  const a = Buffer.alloc(170, 0xee);
  encodeUlaw(pcm, u, 160, 10);
  encodeAlaw(pcm, a, 160, 10);
  assert.equal(u[9], 0xee);
  for (let i = 0; i < 160; i++) {
    assert.equal(u[10 + i], ulawEncodeSample(pcm[i]!));
    assert.equal(a[10 + i], alawEncodeSample(pcm[i]!));
  }
  const back = new Int16Array(160);
  decodeUlaw(u.subarray(10), back, 160);
  for (let i = 0; i < 160; i++) assert.ok(Math.abs(back[i]! - pcm[i]!) <= 1024, `µ-law sample ${i}`);
  decodeAlaw(a.subarray(10), back, 160);
  for (let i = 0; i < 160; i++) assert.ok(Math.abs(back[i]! - pcm[i]!) <= 1024, `A-law sample ${i}`);
  assert.throws(() => encodeUlaw(pcm, Buffer.alloc(100)), RangeError);
});

function hasSox(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v sox'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

for (const [encoding, encode] of [
  ['mu-law', encodeUlaw],
  ['a-law', encodeAlaw],
] as const) {
  const skip = hasSox() ? false : 'sox is not installed (command -v sox found nothing); not installed by the tests';
  test(`a 440 Hz sine encodes byte for byte like sox -e ${encoding}`, { skip }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'g711-'));
    try {
      const pcm = new Int16Array(8000);
      for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(30000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
      const input = join(dir, 'in.s16'),
        output = join(dir, 'out.raw');
      writeFileSync(input, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      // -D: no dither, or sox would add noise when going from 16 to 14/13 significant bits.
      const inFmt = ['-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '1', '-L'];
      execFileSync('sox', ['-D', '-V1', ...inFmt, input, '-t', 'raw', '-e', encoding, '-b', '8', output]);
      const expected = readFileSync(output);
      const ours = Buffer.alloc(pcm.length);
      encode(pcm, ours);
      assert.deepEqual(ours, expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('transcodeG711 gives what decoding and encoding in the other law gives, for all 256 codes both ways', async () => {
  const g = await import('../../src/media/codecs/g711.js');
  const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
  const pcm = new Int16Array(256);
  for (const [from, to] of [
    ['ulaw', 'alaw'],
    ['alaw', 'ulaw'],
  ] as const) {
    g.decodeG711(from, codes, pcm);
    const expected = new Uint8Array(256);
    g.encodeG711(to, pcm, expected);
    const got = new Uint8Array(256);
    g.transcodeG711(from, codes, got);
    assert.deepEqual(got, expected, `${from} → ${to}`);
  }
  assert.throws(() => g.transcodeG711('ulaw', codes, new Uint8Array(10)), RangeError);
});
