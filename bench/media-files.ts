/**
 * Media file layer, per 20 ms frame (the hot paths) and per cold operation:
 *   resample.down.320 / resample.up.160   one frame through a stream's converter, reused output
 *   file.encode.<format>.160             one frame encoded for a recording into a reused buffer
 *   file.load.hello-world.wav            loadAudioFile of a 1.4 s prompt (ops/s = prompts decoded per second)
 *   sounds.scan                          SoundIndex scan of the sounds folder (Debian's 700+ files when present)
 *
 *   node --expose-gc --import tsx bench/media-files.ts [--warmup-ms 500 --run-ms 3000]
 */
import { existsSync } from 'node:fs';
import { FileEncoder } from '../src/media/formats/file-codec.js';
import { resolveSupportedFormat } from '../src/media/formats/format-table.js';
import { loadAudioFile } from '../src/media/formats/load-audio-file.js';
import { Downsampler, Upsampler } from '../src/media/resample.js';
import { scanSounds } from '../src/media/sounds/sound-index.js';
import { measure, measureOptionsFromArgv } from './rtp-harness.js';

const opts = measureOptionsFromArgv();
const tone = (n: number, rate: number) =>
  new Int16Array(n).map((_, i) => Math.round(12000 * Math.sin((2 * Math.PI * 440 * i) / rate)));

const wide = tone(320, 16000);
const narrow = tone(160, 8000);
const down = new Downsampler();
const up = new Upsampler();
const out = new Int16Array(320);
console.log(JSON.stringify(measure('resample.down.320', () => down.process(wide, out), { batch: 100, ...opts })));
console.log(JSON.stringify(measure('resample.up.160', () => up.process(narrow, out), { batch: 100, ...opts })));

const bytes = new Uint8Array(1024);
for (const name of ['wav', 'pcm', 'gsm']) {
  const encoder = new FileEncoder(resolveSupportedFormat(name)!);
  console.log(JSON.stringify(measure(`file.encode.${name}.160`, () => encoder.encode(narrow, bytes, 0), opts)));
}

// Cold paths are async: time them with a plain loop.
async function timeAsync(name: string, fn: () => Promise<unknown>, runs: number): Promise<void> {
  for (let i = 0; i < Math.min(10, runs); i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  const ns = Number(process.hrtime.bigint() - start) / runs;
  console.log(JSON.stringify({ name, ops_per_s: Math.round(1e9 / ns), ns_per_op: Math.round(ns) }));
}

const PROMPT = '/usr/share/asterisk/sounds/en/hello-world.wav';
if (existsSync(PROMPT)) await timeAsync('file.load.hello-world.wav', () => loadAudioFile(PROMPT, 'wav'), 500);
await timeAsync('sounds.scan', () => scanSounds('/usr/share/asterisk/sounds'), 20);
