/**
 * rtp.parse: parseRtp on a 172-byte PCMU packet (12-byte header + 160 payload bytes) into one reused object.
 *
 *   node --import tsx bench/rtp-parse.ts [--warmup-ms 500 --run-ms 3000]
 *   node --expose-gc --import tsx bench/rtp-parse.ts      # adds heap_bytes_per_op
 */
import { createRtpPacket, parseRtp, writeRtp, rtpSize } from '../src/rtp/packet.js';
import { measure, measureOptionsFromArgv } from './rtp-harness.js';

const p = createRtpPacket();
p.marker = true;
p.sequenceNumber = 4242;
p.timestamp = 672000;
p.ssrc = 0x5eed1234;
p.payload = Buffer.alloc(160, 0xff);
const packet = Buffer.alloc(rtpSize(p));
writeRtp(p, packet, 0);

const out = createRtpPacket();
console.log(JSON.stringify(measure('rtp.parse', () => parseRtp(packet, out), measureOptionsFromArgv())));
