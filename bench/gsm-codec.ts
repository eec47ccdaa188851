/**
 * gsm.encode / gsm.decode: one 20 ms GSM 06.10 frame (160 samples ↔ 33 bytes) through a long-lived encoder or
 * decoder, as a call leg does, into reused buffers. The input is 1 s of synthetic voiced "speech" (a 140 Hz
 * pulse train through two formant-like resonances, syllable envelope, a little noise), cycled frame by frame,
 * so the LTP search and RPE quantiser see realistic work.
 *
 *   node --import tsx bench/gsm-codec.ts [--warmup-ms 500 --run-ms 3000]      (add --expose-gc for heap bytes)
 */
import { GSM_FRAME_BYTES, GSM_FRAME_SAMPLES, GsmDecoder, GsmEncoder } from '../src/media/codecs/gsm/index.js';
import { measure, measureOptionsFromArgv, type MeasureResult } from './rtp-harness.js';

const FRAMES = 50;
const SAMPLE_RATE = 8000;

function voicedSpeech(): Int16Array {
  const pcm = new Int16Array(FRAMES * GSM_FRAME_SAMPLES);
  let seed = 12345;
  let y1 = 0;
  let y2 = 0;
  let z1 = 0;
  let z2 = 0;
  const resonator = (f: number, r: number): [number, number] => [
    2 * r * Math.cos((2 * Math.PI * f) / SAMPLE_RATE),
    -r * r,
  ];
  const [a1, a2] = resonator(700, 0.97);
  const [b1, b2] = resonator(1200, 0.95);
  for (let n = 0; n < pcm.length; n++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const excitation = (n % Math.round(SAMPLE_RATE / 140) === 0 ? 1 : 0) + ((seed >>> 16) / 65536 - 0.5) * 0.05;
    const y = excitation + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    const z = y + b1 * z1 + b2 * z2;
    z2 = z1;
    z1 = z;
    const envelope = 0.3 + 0.7 * Math.abs(Math.sin((Math.PI * n) / 2000));
    pcm[n] = Math.max(-32768, Math.min(32767, Math.round(z * envelope * 400)));
  }
  return pcm;
}

const speech = voicedSpeech();
const frames: Int16Array[] = [];
for (let f = 0; f < FRAMES; f++) frames.push(speech.subarray(f * GSM_FRAME_SAMPLES, (f + 1) * GSM_FRAME_SAMPLES));

const encoded = new Uint8Array(FRAMES * GSM_FRAME_BYTES);
const primer = new GsmEncoder();
for (let f = 0; f < FRAMES; f++) primer.encode(frames[f]!, encoded, f * GSM_FRAME_BYTES);

const options = { batch: 100, ...measureOptionsFromArgv() };

const encoder = new GsmEncoder();
const out = new Uint8Array(GSM_FRAME_BYTES);
let encodeAt = 0;
report(
  measure(
    'gsm.encode',
    () => {
      encoder.encode(frames[encodeAt]!, out, 0);
      encodeAt = encodeAt === FRAMES - 1 ? 0 : encodeAt + 1;
    },
    options,
  ),
);

const decoder = new GsmDecoder();
const pcm = new Int16Array(GSM_FRAME_SAMPLES);
let decodeAt = 0;
report(
  measure(
    'gsm.decode',
    () => {
      decoder.decode(encoded, decodeAt * GSM_FRAME_BYTES, pcm);
      decodeAt = decodeAt === FRAMES - 1 ? 0 : decodeAt + 1;
    },
    options,
  ),
);

/** The harness's result in per-frame words; one JSON line per function. */
function report(r: MeasureResult): void {
  const line: Record<string, number | string> = { name: r.name, ns_per_frame: r.ns_per_op, frames_per_s: r.ops_per_s };
  if (r.heap_bytes_per_op !== undefined) line.heap_bytes_per_frame = r.heap_bytes_per_op;
  console.log(JSON.stringify(line));
}
