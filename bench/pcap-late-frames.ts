/**
 * The late-frame figures of the media benchmarks, computed from a packet capture instead of the load client's
 * receive times: a cross-check that tells the server's lateness from the client's own. On loopback the kernel
 * stamps a packet while the sender's sendmsg() runs, so the capture times are the server's send times, whatever
 * the receiving client's event loop was doing.
 *
 *   tcpdump -i lo -s 80 -w /tmp/rtp.pcap 'udp dst portrange 50000-59999' &   # during a benchmark window
 *   node --import tsx bench/pcap-late-frames.ts /tmp/rtp.pcap [--from S] [--to S] [--dst-ports 50000-59999]
 *
 * Every UDP flow (source port → destination port) that carries RTP version 2 with payload type 0 or 8 is a
 * stream; --src-ports / --dst-ports keep the flows whose ports are in the range (the load generator's RTP
 * sockets use 50000–59999, so `--dst-ports 50000-59999` is what the server sent). A payload that still holds a
 * sender's frame marker (a relayed frame; capture at least 80 bytes) gives the delay from its due time to its
 * capture (`e2e_ms`), and, taking out the lag its sender wrote into the marker, its time in the server alone
 * (`relay_ms`: capture of the server's send minus the caller's send). --from/--to are seconds after the first packet. Prints one JSON line with the same fields
 * as a benchmark window.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { windowReport } from './lib/rtp-load.js';
import { relayDelayMs, relayHeldMs } from './lib/rtp-load-packets.js';
import { StreamRecorder, WindowTotals } from './lib/rtp-streams.js';
import { printJson } from './lib/stats.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string', default: '0' },
    to: { type: 'string', default: '1e9' },
    'src-ports': { type: 'string' },
    'dst-ports': { type: 'string' },
  },
});
const file = positionals[0];
if (!file) throw new Error('usage: pcap-late-frames.ts FILE.pcap [--from S] [--to S] [--src-ports A-B]');

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_LINUX_SLL = 113;

interface Packet {
  atMs: number;
  flow: number;
  seq: number;
  ts: number;
  ssrc: number;
  e2eMs: number;
  heldMs: number;
}

function range(raw: string | undefined): [number, number] {
  return (raw ?? '0-65535').split('-').map(Number) as [number, number];
}

function readPcap(buf: Buffer): Packet[] {
  const magic = buf.readUInt32LE(0);
  if (magic !== PCAP_MICRO && magic !== PCAP_NANO) throw new Error(`${file}: not a little-endian pcap file`);
  const divisor = magic === PCAP_NANO ? 1e6 : 1e3;
  const link = buf.readUInt32LE(20);
  const linkLen = link === LINKTYPE_ETHERNET ? 14 : link === LINKTYPE_LINUX_SLL ? 16 : -1;
  if (linkLen < 0) throw new Error(`${file}: link type ${link} (expected Ethernet or Linux cooked)`);
  const [lo, hi] = range(values['src-ports']);
  const [dlo, dhi] = range(values['dst-ports']);
  const out: Packet[] = [];
  for (let at = 24; at + 16 <= buf.length;) {
    const atMs = buf.readUInt32LE(at) * 1000 + buf.readUInt32LE(at + 4) / divisor;
    const caplen = buf.readUInt32LE(at + 8);
    const p = at + 16 + linkLen;
    at += 16 + caplen;
    if (caplen < linkLen + 20 + 8 + 12 || buf[p]! >> 4 !== 4 || buf[p + 9] !== 17) continue; // IPv4, UDP
    const udp = p + (buf[p]! & 0x0f) * 4;
    const rtp = udp + 8;
    if (rtp + 12 > at) continue;
    const src = buf.readUInt16BE(udp);
    const dst = buf.readUInt16BE(udp + 2);
    if (src < lo || src > hi || dst < dlo || dst > dhi) continue;
    if (buf[rtp]! >> 6 !== 2) continue;
    const pt = buf[rtp + 1]! & 0x7f;
    if (pt !== 0 && pt !== 8) continue;
    const e2eMs = relayDelayMs(buf.subarray(rtp, at), atMs);
    out.push({
      atMs,
      flow: src * 65536 + dst,
      seq: buf.readUInt16BE(rtp + 2),
      ts: buf.readUInt32BE(rtp + 4),
      ssrc: buf.readUInt32BE(rtp + 8),
      e2eMs,
      heldMs: relayHeldMs(buf.subarray(rtp, at), e2eMs),
    });
  }
  return out;
}

const packets = readPcap(readFileSync(file));
if (packets.length === 0) throw new Error(`${file}: no G.711 RTP packets`);
const first = packets[0]!.atMs;
const fromMs = first + Number(values.from) * 1000;
const toMs = Math.min(first + Number(values.to) * 1000, packets.at(-1)!.atMs + 1);
const flows = new Map<number, number>();
const perFlow: number[] = [];
for (const p of packets) {
  if (!flows.has(p.flow)) flows.set(p.flow, flows.size);
  const c = flows.get(p.flow)!;
  perFlow[c] = (perFlow[c] ?? 0) + 1;
}
const recorder = new StreamRecorder(flows.size, Math.max(...perFlow));
recorder.start(first);
for (const p of packets) recorder.add(flows.get(p.flow)!, p.atMs, p.seq, p.ts, p.ssrc, p.e2eMs, p.heldMs);
const totals = new WindowTotals();
for (let c = 0; c < flows.size; c++) recorder.analyze(c, fromMs, toMs, totals);
const seconds = (toMs - fromMs) / 1000;
printJson({
  name: 'pcap-late-frames',
  file,
  seconds: Math.round(seconds * 100) / 100,
  flows: flows.size,
  ...windowReport(
    {
      ...totals.received('pcap'),
      sendTicks: 0,
      sendTicksLate: 0,
      sendMaxLateMs: 0,
      sent: 0,
    },
    seconds,
  ),
});
