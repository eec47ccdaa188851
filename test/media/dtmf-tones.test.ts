import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DBM0_PEAK,
  DTMF_COL_HZ,
  DTMF_KEYS,
  DTMF_ROW_HZ,
  DtmfToneGenerator,
  dtmfKeyIndex,
} from '../../src/media/dtmf-tones.js';

/** Amplitude of the `hz` component of `x` (8 kHz), by correlation over a whole number of seconds. */
function amplitudeAt(x: Int16Array, hz: number): number {
  let re = 0;
  let im = 0;
  for (let n = 0; n < x.length; n++) {
    const w = (2 * Math.PI * hz * n) / 8000;
    re += x[n]! * Math.cos(w);
    im += x[n]! * Math.sin(w);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

function generate(digit: string, samples: number, frame = 160): Int16Array {
  const g = new DtmfToneGenerator();
  assert.ok(g.start(digit));
  const out = new Int16Array(samples);
  const buf = new Int16Array(frame);
  for (let at = 0; at < samples; at += frame) {
    const n = Math.min(frame, samples - at);
    g.fill(buf, n);
    out.set(buf.subarray(0, n), at);
  }
  return out;
}

test('start accepts the 16 Q.23 keys (A-D in either case) and refuses anything else', () => {
  const g = new DtmfToneGenerator();
  for (const k of DTMF_KEYS) assert.equal(g.start(k), true, k);
  for (const k of 'abcd') {
    assert.equal(g.start(k), true, k);
    assert.equal(g.digit, k.toUpperCase());
  }
  g.stop();
  for (const k of ['', 'E', '11', ' ', 'x', '+']) assert.equal(g.start(k), false, JSON.stringify(k));
  assert.equal(g.isActive, false);
  assert.equal(dtmfKeyIndex('#'), 14);
});

test('each key is its Q.23 row and column tone at −7 dBm0 and −5 dBm0 and nothing at the other six', () => {
  for (const k of DTMF_KEYS) {
    const x = generate(k, 8000); // 1 s: every Q.23 frequency completes whole cycles
    const i = dtmfKeyIndex(k)!;
    const row = DTMF_ROW_HZ[i >> 2]!;
    const col = DTMF_COL_HZ[i & 3]!;
    const lowDb = 20 * Math.log10(amplitudeAt(x, row) / DBM0_PEAK);
    const highDb = 20 * Math.log10(amplitudeAt(x, col) / DBM0_PEAK);
    assert.ok(Math.abs(lowDb + 7) < 0.05, `${k}: low tone ${lowDb.toFixed(2)} dBm0`);
    assert.ok(Math.abs(highDb + 5) < 0.05, `${k}: high tone ${highDb.toFixed(2)} dBm0`);
    for (const f of [...DTMF_ROW_HZ, ...DTMF_COL_HZ]) {
      if (f === row || f === col) continue;
      assert.ok(amplitudeAt(x, f) < 5, `${k}: ${f} Hz present`);
    }
  }
});

test('levels are configurable and a too-loud pair clips instead of wrapping around', () => {
  const quiet = new DtmfToneGenerator({ lowDbm0: -20, highDbm0: -20 });
  quiet.start('5');
  const x = new Int16Array(8000);
  quiet.fill(x, 8000);
  assert.ok(Math.abs(20 * Math.log10(amplitudeAt(x, 770) / DBM0_PEAK) + 20) < 0.05);
  const loud = new DtmfToneGenerator({ lowDbm0: 3, highDbm0: 3 });
  loud.start('D');
  loud.fill(x, 8000);
  const amp = DBM0_PEAK * Math.pow(10, 3 / 20);
  for (let n = 0; n < x.length; n++) {
    const t = (2 * Math.PI * n) / 8000;
    const want = Math.max(-32768, Math.min(32767, amp * (Math.sin(t * 941) + Math.sin(t * 1633))));
    assert.ok(Math.abs(x[n]! - want) <= 1, `@${n}: ${x[n]} vs ${want}`);
  }
  assert.ok(x.includes(32767) && x.includes(-32768));
});

test('the phase is continuous across frames: any framing yields the one-shot waveform', () => {
  for (const k of '1#D') {
    const whole = generate(k, 4000, 4000);
    for (const frame of [160, 80, 37, 1]) {
      const framed = generate(k, 4000, frame);
      for (let n = 0; n < whole.length; n++) assert.ok(Math.abs(framed[n]! - whole[n]!) <= 1, `${k}/${frame} @${n}`);
    }
    // And the one-shot waveform is the analytic dual sine started at phase zero.
    const i = dtmfKeyIndex(k)!;
    const la = DBM0_PEAK * Math.pow(10, -7 / 20);
    const ha = DBM0_PEAK * Math.pow(10, -5 / 20);
    for (let n = 0; n < whole.length; n++) {
      const t = (2 * Math.PI * n) / 8000;
      const want = la * Math.sin(t * DTMF_ROW_HZ[i >> 2]!) + ha * Math.sin(t * DTMF_COL_HZ[i & 3]!);
      assert.ok(Math.abs(whole[n]! - want) <= 1, `${k} @${n}`);
    }
  }
});

test('no step at 20 ms frame boundaries: the second difference stays within the analytic bound', () => {
  // |x''| of a·sin(ωn) is at most a·(2·sin(ω/2))²; a phase jump at a frame boundary would exceed it.
  const x = generate('9', 1600);
  const la = DBM0_PEAK * Math.pow(10, -7 / 20);
  const ha = DBM0_PEAK * Math.pow(10, -5 / 20);
  const bound =
    la * (2 * Math.sin((Math.PI * 852) / 8000)) ** 2 + ha * (2 * Math.sin((Math.PI * 1477) / 8000)) ** 2 + 4;
  for (let n = 2; n < x.length; n++) {
    const d2 = Math.abs(x[n]! - 2 * x[n - 1]! + x[n - 2]!);
    assert.ok(d2 <= bound, `@${n}: ${d2} > ${bound.toFixed(0)}`);
  }
});

test('inactive output is silence; stop takes effect on the next fill; restart begins at phase zero', () => {
  const g = new DtmfToneGenerator();
  const buf = new Int16Array(160).fill(1234);
  g.fill(buf);
  assert.ok(buf.every((v) => v === 0));
  g.start('7');
  g.fill(buf);
  assert.ok(buf.some((v) => v !== 0));
  g.stop();
  buf.fill(99);
  g.fill(buf, 100);
  assert.ok(buf.subarray(0, 100).every((v) => v === 0));
  assert.ok(
    buf.subarray(100).every((v) => v === 99),
    'fill writes only `count` samples',
  );
  g.start('7');
  g.fill(buf);
  assert.equal(buf[0], 0);
  assert.throws(() => g.fill(buf, 161), RangeError);
});
