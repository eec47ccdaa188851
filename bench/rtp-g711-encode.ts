/**
 * g711.ulaw.encode: encodeUlaw of one 20 ms frame (160 samples at 8 kHz) into a reused payload buffer.
 *
 *   node --import tsx bench/rtp-g711-encode.ts [--warmup-ms 500 --run-ms 3000]
 */
import { encodeUlaw } from '../src/media/codecs/g711.js';
import { measure, measureOptionsFromArgv } from './rtp-harness.js';

const pcm = new Int16Array(160);
for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(20000 * Math.sin((2 * Math.PI * 440 * i) / 8000));
const payload = Buffer.alloc(160);

console.log(
  JSON.stringify(
    measure('g711.ulaw.encode.160', () => encodeUlaw(pcm, payload, 160), { batch: 100, ...measureOptionsFromArgv() }),
  ),
);
