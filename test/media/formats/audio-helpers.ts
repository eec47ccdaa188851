// Shared by the media file tests: sox, the Debian sound files, tones and signal measures.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasSox = spawnSync('sox', ['--version']).status === 0;
export const SOUNDS_EN = '/usr/share/asterisk/sounds/en';
export const hasSounds =
  existsSync(join(SOUNDS_EN, 'hello-world.wav')) && existsSync(join(SOUNDS_EN, 'hello-world.gsm'));

/** sox's options that describe a headerless file of each raw format at a rate. */
export function soxType(format: string, rate: number): string[] {
  switch (format) {
    case 'pcm':
    case 'ulaw':
      return ['-t', 'ul', '-r', String(rate), '-c', '1'];
    case 'alaw':
      return ['-t', 'al', '-r', String(rate), '-c', '1'];
    case 'gsm':
      return ['-t', 'gsm'];
    case 'sln':
    case 'sln16':
      return ['-t', 'raw', '-e', 'signed', '-b', '16', '-L', '-r', String(rate), '-c', '1'];
    default:
      return ['-t', 'wav'];
  }
}

/** Decodes a file with sox into 16-bit samples. */
export function soxDecode(path: string, format: string, rate: number): Int16Array {
  const raw = execFileSync('sox', [...soxType(format, rate), path, '-t', 'raw', '-e', 'signed', '-b', '16', '-L', '-']);
  return new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length - (raw.length % 2)));
}

/** Runs sox with arguments; returns its stderr (sox prints `stat` and warnings there). */
export function sox(args: string[]): string {
  const r = spawnSync('sox', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sox ${args.join(' ')} failed: ${r.stderr}`);
  return r.stderr;
}

/** `sox --i` of a file (what soxi prints); throws when sox cannot read it. */
export function soxInfo(path: string): string {
  const r = spawnSync('sox', ['--i', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sox --i ${path} failed: ${r.stderr}`);
  return r.stdout;
}

export function tone(freqHz: number, rate: number, count: number, amplitude = 10000): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freqHz * i) / rate));
  return out;
}

/** Amplitude of the `freqHz` component of x[skip…] (a single-bin DFT, Goertzel's result). */
export function amplitudeAt(x: Int16Array, freqHz: number, rate: number, skip = 0): number {
  let re = 0;
  let im = 0;
  for (let i = skip; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * freqHz * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * freqHz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (x.length - skip);
}

export const dB = (ratio: number): number => 20 * Math.log10(ratio);

/** Largest normalised cross-correlation of a and b over lags −maxLag…maxLag. */
export function maxCorrelation(a: Int16Array, b: Int16Array, maxLag: number): number {
  let best = -1;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = Math.max(0, -lag); i < a.length && i + lag < b.length; i++) {
      const x = a[i]!;
      const y = b[i + lag]!;
      ab += x * y;
      aa += x * x;
      bb += y * y;
    }
    if (aa > 0 && bb > 0) best = Math.max(best, ab / Math.sqrt(aa * bb));
  }
  return best;
}

/** A temporary folder removed by the returned function. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
