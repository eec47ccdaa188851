/**
 * Test helpers for comparing the GSM codec with sox (whose `.gsm` handler is libgsm, the reference
 * implementation): sox discovery, raw 16-bit conversions, and whole-stream encode/decode with our codec.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GSM_FRAME_BYTES, GSM_FRAME_SAMPLES, GsmDecoder, GsmEncoder } from '../../../src/media/codecs/gsm/index.js';

export const SOUNDS_DIR = '/usr/share/asterisk/sounds/en';
export const MOH_DIR = '/usr/share/asterisk/moh';

export const hasSox = (() => {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export const hasSounds = existsSync(`${SOUNDS_DIR}/hello-world.gsm`) && existsSync(`${SOUNDS_DIR}/hello-world.wav`);

const RAW_S16 = ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-r', '8000', '-c', '1'];
const MAX_BUFFER = 1 << 28;

/**
 * Runs sox in its repeatable mode (`-R`: the same dither and noise on every run), so that a test's signal is the
 * same on every run. Fresh randomness once found a difference (about one clipped square wave in 400: LTP lags
 * within rounding of each other, which libgsm decides in single precision); that signal is kept as a fixture.
 */
export function sox(args: string[]): Buffer {
  return execFileSync('sox', ['-R', ...args], { maxBuffer: MAX_BUFFER, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** sox's decoding of any audio file (a `.gsm` goes through libgsm) as 8 kHz mono signed 16-bit samples. */
export function soxToPcm(file: string): Int16Array {
  return bytesToPcm(sox([file, ...RAW_S16, '-']));
}

/** sox's (libgsm's) `.gsm` encoding of a file; a last partial frame is padded with zeros. */
export function soxToGsm(file: string): Buffer {
  return sox([file, '-t', 'gsm', '-']);
}

/** Little-endian 16-bit bytes as samples (copied, so alignment does not matter). */
export function bytesToPcm(bytes: Uint8Array): Int16Array {
  const pcm = new Int16Array(bytes.length >> 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < pcm.length; i++) pcm[i] = view.getInt16(2 * i, true);
  return pcm;
}

/** Decodes every whole frame of a `.gsm` stream with one GsmDecoder; throws if a frame is refused. */
export function decodeStream(gsm: Uint8Array): Int16Array {
  const frames = Math.floor(gsm.length / GSM_FRAME_BYTES);
  const pcm = new Int16Array(frames * GSM_FRAME_SAMPLES);
  const decoder = new GsmDecoder();
  const out = new Int16Array(GSM_FRAME_SAMPLES);
  for (let f = 0; f < frames; f++) {
    if (!decoder.decode(gsm, f * GSM_FRAME_BYTES, out)) throw new Error(`frame ${f} refused`);
    pcm.set(out, f * GSM_FRAME_SAMPLES);
  }
  return pcm;
}

/** Encodes samples with one GsmEncoder, zero-padding the last frame as sox does. */
export function encodeStream(pcm: Int16Array): Uint8Array {
  const frames = Math.ceil(pcm.length / GSM_FRAME_SAMPLES);
  const gsm = new Uint8Array(frames * GSM_FRAME_BYTES);
  const encoder = new GsmEncoder();
  const frame = new Int16Array(GSM_FRAME_SAMPLES);
  for (let f = 0; f < frames; f++) {
    frame.fill(0);
    frame.set(pcm.subarray(f * GSM_FRAME_SAMPLES, (f + 1) * GSM_FRAME_SAMPLES));
    encoder.encode(frame, gsm, f * GSM_FRAME_BYTES);
  }
  return gsm;
}

/** Index of the first differing element, or −1 (the assertion message then says where, not 100 k numbers). */
export function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** Deterministic 32-bit PRNG (mulberry32) for fuzz inputs that must be the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
