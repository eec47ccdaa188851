import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DtmfDetector } from '../../src/media/dtmf-detector.js';
import { DBM0_PEAK, DTMF_KEYS, DtmfToneGenerator, type DtmfToneLevels } from '../../src/media/dtmf-tones.js';
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from '../../src/media/codecs/g711.js';

type Codec = 'ulaw' | 'alaw' | undefined;
type Step = readonly [digit: string | null, ms: number];

/** Key presses and pauses as 8 kHz PCM, made with the generator frame by frame. */
function keypad(steps: readonly Step[], levels?: DtmfToneLevels): Int16Array {
  const g = new DtmfToneGenerator(levels);
  const total = steps.reduce((n, [, ms]) => n + ms * 8, 0);
  const out = new Int16Array(total);
  const frame = new Int16Array(160);
  let at = 0;
  for (const [digit, ms] of steps) {
    if (digit === null) g.stop();
    else assert.ok(g.start(digit));
    for (let left = ms * 8; left > 0;) {
      const n = Math.min(160, left);
      g.fill(frame, n);
      out.set(frame.subarray(0, n), at);
      at += n;
      left -= n;
    }
  }
  return out;
}

/** Feeds `pcm` plus 200 ms of silence in 20 ms frames, through G.711 if asked; returns the events. */
function detect(pcm: Int16Array, codec?: Codec): string[] {
  const events: string[] = [];
  const det = new DtmfDetector({
    onDigitBegin: (d) => events.push(`+${d}`),
    onDigitEnd: (d, ms) => events.push(`-${d}:${ms}`),
  });
  const padded = new Int16Array(pcm.length + 1600);
  padded.set(pcm);
  const frame = new Int16Array(160);
  const coded = new Uint8Array(160);
  for (let at = 0; at < padded.length; at += 160) {
    const n = Math.min(160, padded.length - at);
    frame.set(padded.subarray(at, at + n));
    if (codec === 'ulaw') {
      encodeUlaw(frame, coded, n);
      decodeUlaw(coded, frame, n);
    } else if (codec === 'alaw') {
      encodeAlaw(frame, coded, n);
      decodeAlaw(coded, frame, n);
    }
    det.push(frame, n);
  }
  return events;
}

/** Asserts the events are exactly begin/end for each key of `keys`, each lasting `ms` ± 20 ms. */
function assertKeys(events: string[], keys: string, ms: number): void {
  assert.equal(events.length, 2 * keys.length, events.join(' '));
  for (let i = 0; i < keys.length; i++) {
    assert.equal(events[2 * i], `+${keys[i]}`, events.join(' '));
    const [name, duration] = events[2 * i + 1]!.split(':');
    assert.equal(name, `-${keys[i]}`, events.join(' '));
    assert.ok(Math.abs(Number(duration) - ms) <= 20, `${keys[i]}: ${duration} ms, want ${ms} ± 20`);
  }
}

/** xorshift32, so noise is the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function sines(ms: number, parts: readonly (readonly [hz: number, dbm0: number])[]): Int16Array {
  const out = new Int16Array(ms * 8);
  for (let n = 0; n < out.length; n++) {
    let v = 0;
    for (const [hz, dbm0] of parts) v += DBM0_PEAK * Math.pow(10, dbm0 / 20) * Math.sin((2 * Math.PI * hz * n) / 8000);
    out[n] = Math.round(v);
  }
  return out;
}

for (const codec of [undefined, 'ulaw', 'alaw'] as const) {
  const via = codec ? ` through ${codec === 'ulaw' ? 'µ-law' : 'A-law'}` : '';
  test(`every key is detected once with its duration${via}`, () => {
    for (const k of DTMF_KEYS) {
      for (const ms of [40, 60, 100, 250])
        assertKeys(
          detect(
            keypad([
              [null, 30],
              [k, ms],
            ]),
            codec,
          ),
          k,
          ms,
        );
    }
  });

  test(`"123#" with 50 ms gaps, and 40 ms keys with 40 ms gaps, come out in order${via}`, () => {
    const slow = keypad(
      ['1', '2', '3', '#'].flatMap((k): Step[] => [
        [k, 70],
        [null, 50],
      ]),
    );
    assertKeys(detect(slow, codec), '123#', 70);
    const fast = keypad(
      [...'147*2580369#ABCD'].flatMap((k): Step[] => [
        [k, 40],
        [null, 40],
      ]),
    );
    assertKeys(detect(fast, codec), '147*2580369#ABCD', 40);
  });
}

test('a repeated key needs the pause between presses and is reported twice', () => {
  assertKeys(
    detect(
      keypad([
        ['5', 80],
        [null, 40],
        ['5', 80],
      ]),
    ),
    '55',
    80,
  );
});

test('a key followed directly by another ends the first and begins the second', () => {
  const events = detect(
    keypad([
      ['1', 100],
      ['9', 100],
    ]),
  );
  assert.deepEqual(
    events.map((e) => e.split(':')[0]),
    ['+1', '-1', '+9', '-9'],
  );
});

test('a key is detected wherever the 20 ms framing falls and at any sample offset', () => {
  for (let offset = 0; offset < 160; offset += 17) {
    const pcm = new Int16Array(offset + 800);
    pcm.set(keypad([['8', 100]]), offset);
    assertKeys(detect(pcm, 'ulaw'), '8', 100);
  }
});

test('levels from −25 to +1 dBm0 per tone are detected; −36 dBm0 is not', () => {
  for (const dbm0 of [-25, -15, -7, 1]) {
    assertKeys(detect(keypad([['0', 100]], { lowDbm0: dbm0, highDbm0: dbm0 }), 'alaw'), '0', 100);
  }
  assert.deepEqual(detect(keypad([['0', 100]], { lowDbm0: -36, highDbm0: -36 }), 'ulaw'), []);
});

test('twist within limits is accepted (low 6 dB over high, high 3 dB over low)', () => {
  assertKeys(detect(keypad([['3', 100]], { lowDbm0: -7, highDbm0: -13 }), 'ulaw'), '3', 100);
  assertKeys(detect(keypad([['3', 100]], { lowDbm0: -10, highDbm0: -7 }), 'ulaw'), '3', 100);
});

test('twist beyond limits is rejected (low 10 dB over high, high 6 dB over low)', () => {
  assert.deepEqual(detect(keypad([['3', 200]], { lowDbm0: -7, highDbm0: -17 })), []);
  assert.deepEqual(detect(keypad([['3', 200]], { lowDbm0: -13, highDbm0: -7 })), []);
});

test('tones 1.5 % off the Q.23 frequencies are still detected (Q.24 acceptance)', () => {
  for (const k of [-0.015, 0.015]) {
    const pcm = sines(100, [
      [852 * (1 + k), -7],
      [1336 * (1 + k), -5],
    ]);
    assertKeys(detect(pcm, 'ulaw'), '8', 100);
  }
});

test('silence and G.711 idle noise give no digits', () => {
  assert.deepEqual(detect(new Int16Array(8000)), []);
  assert.deepEqual(detect(new Int16Array(8000), 'ulaw'), []);
  const rand = prng(7);
  const idle = Int16Array.from({ length: 8000 }, () => Math.round((rand() - 0.5) * 24));
  assert.deepEqual(detect(idle, 'ulaw'), []);
  assert.deepEqual(detect(idle, 'alaw'), []);
});

test('white noise at any level gives no digits', () => {
  for (const amplitude of [300, 3000, 20000]) {
    const rand = prng(amplitude);
    const noise = Int16Array.from({ length: 16000 }, () => Math.round((rand() * 2 - 1) * amplitude));
    assert.deepEqual(detect(noise, 'ulaw'), [], `amplitude ${amplitude}`);
  }
});

test('single tones give no digits: 1 kHz, 697 Hz alone, 1209 Hz alone', () => {
  for (const hz of [1000, 697, 941, 1209, 1633]) assert.deepEqual(detect(sines(500, [[hz, -3]]), 'ulaw'), [], `${hz}`);
});

test('a chord of two row tones or of three tones gives no digits', () => {
  assert.deepEqual(
    detect(
      sines(300, [
        [697, -7],
        [770, -7],
        [1209, -5],
      ]),
    ),
    [],
  );
  assert.deepEqual(
    detect(
      sines(300, [
        [697, -7],
        [1209, -5],
        [1336, -5],
      ]),
    ),
    [],
  );
});

test('speech-like sound (gliding voiced harmonics with formants) gives no digits', () => {
  const rand = prng(42);
  const pcm = new Int16Array(8000 * 4);
  let phase = 0;
  for (let n = 0; n < pcm.length; n++) {
    const f0 = 110 + 60 * Math.sin((2 * Math.PI * n) / 6000) + 20 * Math.sin((2 * Math.PI * n) / 1700);
    phase += (2 * Math.PI * f0) / 8000;
    let v = 0;
    for (let h = 1; h * f0 < 3600; h++) {
      const f = h * f0;
      // Formants near 500, 1500 and 2500 Hz shape the harmonic amplitudes.
      const gain =
        1 / (1 + ((f - 500) / 150) ** 2) + 0.6 / (1 + ((f - 1500) / 200) ** 2) + 0.3 / (1 + ((f - 2500) / 250) ** 2);
      v += gain * Math.sin(h * phase);
    }
    const envelope = 0.5 + 0.5 * Math.sin((2 * Math.PI * n) / 2400); // syllables
    pcm[n] = Math.round(6000 * envelope * v + (rand() - 0.5) * 400);
  }
  assert.deepEqual(detect(pcm, 'ulaw'), []);
});

const hasSox = (() => {
  try {
    execFileSync('which', ['sox'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test(
  'a dual tone synthesised by sox is detected like the generator’s',
  { skip: !hasSox && 'sox not installed' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dtmf-'));
    try {
      for (const [key, low, high] of [
        ['1', 697, 1209],
        ['#', 941, 1477],
        ['C', 852, 1633],
      ] as const) {
        const file = join(dir, 'tone.raw');
        execFileSync('sox', [
          ...['-n', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '1', file],
          ...['synth', '0.1', 'sin', String(low), 'sin', String(high), 'remix', '-', 'gain', '-n', '-6'],
        ]);
        const raw = readFileSync(file);
        const pcm = new Int16Array(raw.length / 2);
        for (let i = 0; i < pcm.length; i++) pcm[i] = raw.readInt16LE(2 * i);
        assertKeys(detect(pcm, 'ulaw'), key, 100);
        assertKeys(detect(keypad([[key, 100]]), 'ulaw'), key, 100);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
