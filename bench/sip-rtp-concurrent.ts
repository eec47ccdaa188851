/**
 * N concurrent SIP calls with G.711 audio both ways: sipp (bench/scenarios/uac-rtp.xml) ramps up N calls to
 * extension `echo` (Answer, Echo), each streaming µ-law from its own port every 20 ms (sipp's rtp_stream, looped),
 * the server sends every packet back. Once all N are up and a settle time has passed, a window of --seconds
 * measures the server's CPU and RSS, and GET /ari/channels/{id}/rtp_statistics on a sample of channels gives
 * packets received/sent, loss and jitter. Then sipp hangs every call up. One JSON line per N; each N gets a fresh
 * server when we start our own.
 *
 *   node --import tsx bench/sip-rtp-concurrent.ts [--calls 100,300,1000] [--seconds 10] [--ramp 50]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AriHttp, isOk, reasonOf } from './lib/ari-client.js';
import { col, startSippLoad } from './lib/sipp.js';
import { note, nowMs, p50p99, printJson, round, Samples } from './lib/stats.js';
import {
  clientSample,
  cpuPercent,
  OtherLoad,
  openTarget,
  parseBenchArgs,
  sampleProcess,
  type ProcessSample,
} from './lib/target.js';

const USAGE = `
node --import tsx bench/sip-rtp-concurrent.ts [options]
  --calls N,N,...     concurrent calls, one run each (default 100,300,1000)
  --seconds S         measured window once all calls are up (default 10)
  --settle S          wait after the last call is up, before the window (default 3)
  --ramp R            calls per second while ramping up (default 50)
  --sample K          channels whose rtp_statistics are read (default 20)
  --service X         the extension sipp dials; it must answer and Echo() (default echo)
The server's dialplan must answer and echo the service. Our own server gets, in the context of its anonymous
endpoint:  exten => echo,1,Answer()  /  same => n,Echo()
`;

const args = parseBenchArgs(
  {
    calls: { type: 'string', default: '100,300,1000' },
    seconds: { type: 'string', default: '10' },
    settle: { type: 'string', default: '3' },
    ramp: { type: 'string', default: '50' },
    sample: { type: 'string', default: '20' },
    service: { type: 'string', default: 'echo' },
  },
  USAGE,
);

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} ${raw}: expected a positive number`);
  return n;
}
const counts = args.calls.split(',').map((s) => Math.round(positive('calls', s)));
const seconds = positive('seconds', args.seconds);
const settleS = Number(args.settle) || 0;
const ramp = positive('ramp', args.ramp);
const sampleSize = Math.round(positive('sample', args.sample));
const PACKETS_PER_S = 50; // 20 ms G.711 packets

/** One second of a 440 Hz tone as raw µ-law (G.711 PT 0), the file sipp's rtp_stream loops over. */
function writeUlawFile(dir: string): string {
  const bytes = Buffer.alloc(8000);
  for (let n = 0; n < bytes.length; n++) {
    const pcm = Math.round(8000 * Math.sin((2 * Math.PI * 440 * n) / 8000));
    // G.711 µ-law (ITU-T G.711, as in Sun's g711.c)
    const sign = pcm < 0 ? 0x80 : 0;
    let mag = Math.min(Math.abs(pcm), 32635) + 0x84;
    let exp = 7;
    for (let mask = 0x4000; (mag & mask) === 0 && exp > 0; mask >>= 1) exp--;
    const mant = (mag >> (exp + 3)) & 0x0f;
    mag = ~(sign | (exp << 4) | mant) & 0xff;
    bytes[n] = mag;
  }
  const path = join(dir, 'tone-440.ulaw');
  writeFileSync(path, bytes);
  return path;
}

interface RtpStat {
  txcount: number;
  rxcount: number;
  rxploss: number;
  rxjitter: number;
}

async function listChannels(http: AriHttp): Promise<{ id: string }[] | string> {
  const res = await http.request('GET', '/channels', 10_000);
  if (!isOk(res)) return `GET /channels: ${reasonOf(res)}`;
  return JSON.parse(res.body) as { id: string }[];
}

async function rtpStats(http: AriHttp, ids: string[]): Promise<Map<string, RtpStat>> {
  const out = new Map<string, RtpStat>();
  await Promise.all(
    ids.map(async (id) => {
      const res = await http.request('GET', `/channels/${encodeURIComponent(id)}/rtp_statistics`, 10_000);
      if (isOk(res)) out.set(id, JSON.parse(res.body) as RtpStat);
      else note(`rtp_statistics ${id}: ${reasonOf(res)} ${res.body.slice(0, 200)}`);
    }),
  );
  return out;
}

async function waitForChannels(http: AriHttp, n: number, timeoutMs: number, sippDone: () => boolean): Promise<number> {
  const until = nowMs() + timeoutMs;
  let count = 0;
  while (nowMs() < until && !sippDone()) {
    const list = await listChannels(http);
    count = typeof list === 'string' ? count : list.length;
    if (count >= n) return count;
    await new Promise((r) => setTimeout(r, 500));
  }
  return count;
}

async function run(n: number, audio: string): Promise<Record<string, unknown>> {
  const target = await openTarget(args);
  const http = new AriHttp(target, 32);
  try {
    const idle = target.sample();
    const rampS = n / ramp;
    const holdMs = Math.ceil((rampS + settleS + seconds + 5) * 1000);
    note(`sip-rtp-concurrent: ${n} calls at ${ramp}/s, window ${seconds} s, each call ${holdMs / 1000} s`);
    const sipp = await startSippLoad({
      scenario: 'uac-rtp.xml',
      remote: target.sip,
      service: args.service,
      calls: n,
      rate: ramp,
      limit: n,
      mediaPort: 42000,
      vars: { holdms: String(holdMs) },
      inline: { audio },
      killAfterS: Math.ceil(rampS * 2 + holdMs / 1000 + 60),
      extraArgs: ['-rtp_threadtasks', '50'],
    });
    let finished = false;
    void sipp.done.then(() => (finished = true));
    const up = await waitForChannels(http, n, (rampS + 20) * 1000, () => finished);
    if (up < n) note(`only ${up} of ${n} channels came up`);
    await new Promise((r) => setTimeout(r, settleS * 1000));

    const list = await listChannels(http);
    const ids = typeof list === 'string' ? [] : list.map((c) => c.id);
    const sample = ids
      .filter((_, i) => i % Math.max(1, Math.floor(ids.length / sampleSize)) === 0)
      .slice(0, sampleSize);
    let maxRss: number | null = null;
    const track = (s: ProcessSample | null): ProcessSample | null => {
      if (s) maxRss = Math.max(maxRss ?? 0, s.rssMb);
      return s;
    };
    // The counters' own interval: from the middle of the first round of requests to the middle of the second.
    let t = nowMs();
    const statsBefore = await rtpStats(http, sample);
    const statsBeforeAt = (t + nowMs()) / 2;
    const before = track(target.sample());
    const sippBefore = sipp.pid === undefined ? null : sampleProcess(sipp.pid);
    const client = clientSample();
    const other = new OtherLoad(target);
    const sampler = setInterval(() => track(target.sample()), 1000);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(sampler);
    const after = track(target.sample());
    const sippAfter = sipp.pid === undefined ? null : sampleProcess(sipp.pid);
    const otherPct = other.percent();
    const clientPct = cpuPercent(client, clientSample());
    t = nowMs();
    const statsAfter = await rtpStats(http, sample);
    const statsS = ((t + nowMs()) / 2 - statsBeforeAt) / 1000;
    const windowS = before && after ? (after.atMs - before.atMs) / 1000 : seconds;
    const upInWindow = col(sipp.latest(), 'CurrentCall');

    let rx = 0;
    let tx = 0;
    let lost = 0;
    let measured = 0;
    const jitterMs = new Samples();
    for (const id of sample) {
      const a = statsBefore.get(id);
      const b = statsAfter.get(id);
      if (!a || !b) continue;
      measured++;
      rx += b.rxcount - a.rxcount;
      tx += b.txcount - a.txcount;
      lost += b.rxploss - a.rxploss;
      jitterMs.add(b.rxjitter * 1000);
    }
    const expected = measured * PACKETS_PER_S * statsS;

    const result = await sipp.done;
    const last = result.rows.at(-1);
    const successful = col(last, 'SuccessfulCall(C)');
    const failed = Math.max(col(last, 'FailedCall(C)'), n - successful);
    if (failed > 0 || result.code !== 0) {
      note(`${n} calls: sipp exit ${result.code}`);
      if (result.errors) note(`sipp errors (tail):\n${result.errors.slice(-1500)}`);
    }
    const setup = new Samples();
    for (const v of result.setupMs) setup.add(v);
    const cpu = cpuPercent(before, after);
    const jitterSorted = jitterMs.sorted();
    return {
      name: 'sip-rtp-concurrent',
      calls: n,
      channels_up: up,
      sipp_current_calls: upInWindow,
      seconds: round(windowS, 2),
      failed,
      setup_ms: p50p99(setup),
      server_cpu_pct: round(cpu, 1),
      calls_per_core: cpu ? Math.round((n / cpu) * 100) : null,
      server_rss_idle_mb: round(idle?.rssMb ?? null, 1),
      server_rss_mb: round(maxRss, 1),
      rss_per_call_kb: idle && maxRss !== null ? round(((maxRss - idle.rssMb) * 1024) / n, 1) : null,
      sampled_channels: measured,
      rx_pps_per_call: measured ? round(rx / measured / statsS, 1) : null,
      tx_pps_per_call: measured ? round(tx / measured / statsS, 1) : null,
      rx_vs_expected_pct: expected ? round((rx / expected) * 100, 2) : null,
      tx_vs_rx_pct: rx ? round((tx / rx) * 100, 2) : null,
      rx_lost: lost,
      rx_jitter_ms: {
        p50: round(jitterSorted[Math.floor(jitterSorted.length / 2)] ?? null, 2),
        max: round(jitterSorted.at(-1) ?? null, 2),
      },
      sipp_cpu_pct: round(cpuPercent(sippBefore, sippAfter), 1),
      client_cpu_pct: round(clientPct, 1),
      other_cpu_pct: round(otherPct, 1),
    };
  } finally {
    http.close();
    await target.close();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-audio-'));
  try {
    const audio = writeUlawFile(dir);
    for (const n of counts) printJson(await run(n, audio));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  note(`sip-rtp-concurrent failed: ${err.message}`);
  process.exitCode = 1;
});
