// Measures of real audio for media tests: tone power (Goertzel), loudness, silence, and normalised
// cross-correlation against a reference file; Debian's sound files are read with the product's own loader only
// where the test is not about that loader (sox decodes them otherwise).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const SOUNDS = '/usr/share/asterisk/sounds';
export const MOH_DIR = '/usr/share/asterisk/moh';
export const hasSox = spawnSync('sox', ['--version']).status === 0;
export const hasSounds = existsSync(join(SOUNDS, 'en', 'hello-world.wav'));
export const hasMoh = existsSync(MOH_DIR);

/** A sine of `freqHz` at 8 kHz. */
export function sine(freqHz: number, samples: number, amplitude = 8000, rate = 8000): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freqHz * i) / rate));
  return out;
}

/** Relative power of `freqHz` in `x` (Goertzel), normalised by the signal's energy: ~1 for a pure tone. */
export function toneRatio(x: Int16Array, freqHz: number, rate = 8000): number {
  const w = (2 * Math.PI * freqHz) / rate;
  const c = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i]! + c * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += x[i]! * x[i]!;
  }
  const power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (x.length * energy);
}

/** Root mean square of the samples. */
export function rms(x: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return x.length === 0 ? 0 : Math.sqrt(sum / x.length);
}

/** Whether a stretch is silence: µ-law's quiet floor is a few counts, speech and music are hundreds or more. */
export function isSilent(x: Int16Array, threshold = 64): boolean {
  return rms(x) < threshold;
}

/**
 * The best normalised cross-correlation of `heard` against `reference` over lags 0…maxLag (heard delayed):
 * 1 for identical signals, ≥ 0.9 for the same audio after a G.711 round trip.
 */
export function bestCorrelation(reference: Int16Array, heard: Int16Array, maxLag: number): number {
  let best = 0;
  for (let lag = 0; lag <= maxLag; lag++) {
    const n = Math.min(reference.length, heard.length - lag);
    if (n <= 0) break;
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      const a = reference[i]!;
      const b = heard[i + lag]!;
      xy += a * b;
      xx += a * a;
      yy += b * b;
    }
    const c = xx === 0 || yy === 0 ? 0 : xy / Math.sqrt(xx * yy);
    if (c > best) best = c;
  }
  return best;
}

const SOX_MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/** A wav's samples as sox decodes them (16-bit, the file's rate). */
export function soxSamples(path: string, rate = 8000): Int16Array {
  // A music-on-hold file decodes to several MB: more than spawnSync's default 1 MiB of output.
  const r = spawnSync(
    'sox',
    [path, '-t', 'raw', '-e', 'signed', '-b', '16', '-L', '-r', String(rate), '-c', '1', '-'],
    {
      maxBuffer: SOX_MAX_OUTPUT_BYTES,
    },
  );
  if (r.status !== 0) throw new Error(`sox failed on ${path}: ${String(r.stderr)}`);
  const raw = r.stdout;
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length - (raw.length % 2)));
}
