/**
 * Overload (operations issue, admission control): `--inflight` originate requests kept in flight for `--seconds`
 * (each channel enters a Stasis app run here and stays: Local/park, Answer + Wait), while a side client opens a
 * fresh connection every `--probe-ms` and times `GET /ari/asterisk/ping`. Our own server gets asterisk.conf
 * `maxcalls` (`--maxcalls`, 0 = none): once reached, originates are refused at once (500 Allocation failed) and
 * the server stays responsive. Prints one JSON line: the ping latency (p50/p99/max), originates accepted, refused
 * and failed, channels at the end, the server's RSS and CPU.
 *
 *   node --import tsx bench/overload.ts [--inflight 500] [--seconds 20] [--maxcalls 2000]
 *   node --import tsx bench/overload.ts --target http://127.0.0.1:8090 --pid N   (its dialplan needs `park`)
 */
import http from 'node:http';
import { AriApp, sweepApp } from './lib/ari-app.js';
import { AriHttp } from './lib/ari-client.js';
import { note, percentile, printJson, round, Samples } from './lib/stats.js';
import { openTarget, parseBenchArgs, type Target } from './lib/target.js';

const USAGE = `
node --import tsx bench/overload.ts [options]
  --inflight N     originate requests kept in flight (default 500)
  --seconds S      how long the overload lasts (default 20)
  --maxcalls M     our own server's asterisk.conf maxcalls (default 2000; 0 = no limit)
  --probe-ms P     a ping on a fresh connection every P ms (default 50)
  --endpoint E     what is originated (default Local/park@bench; with --target e.g. Local/park@default)
  --app A          the Stasis application the channels enter (default overload)
`;

const args = parseBenchArgs(
  {
    inflight: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    maxcalls: { type: 'string', default: '2000' },
    'probe-ms': { type: 'string', default: '50' },
    endpoint: { type: 'string' },
    app: { type: 'string', default: 'overload' },
  },
  USAGE,
);
const inflight = Number(args.inflight);
const seconds = Number(args.seconds);
const maxcalls = Number(args.maxcalls);
const probeMs = Number(args['probe-ms']);
const endpoint = args.endpoint ?? (args.target === undefined ? 'Local/park@bench' : 'Local/park@default');
const PROBE_TIMEOUT_MS = 10_000;

/** One ping on a new TCP connection (no keep-alive): ms until the whole answer is in, or null on failure. */
function probe(target: Target): Promise<number | null> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get(
      `${target.ariBase}/asterisk/ping`,
      { agent: false, headers: { authorization: target.authorization, connection: 'close' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : null));
      },
    );
    req.setTimeout(PROBE_TIMEOUT_MS, () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

async function main(): Promise<void> {
  const target = await openTarget(args, {
    dialplan: 'exten => park,1,Answer()\n same => n,Wait(300)',
    files: maxcalls > 0 ? { 'asterisk.conf': `[options]\nmaxcalls = ${maxcalls}\n` } : {},
  });
  const app = await AriApp.open(target, args.app);
  const client = new AriHttp(target, inflight);
  const counts = { accepted: 0, refused: 0, failed: 0 };
  const pings = new Samples();
  let pingFailures = 0;
  const idle = target.sample();
  const end = performance.now() + seconds * 1000;
  try {
    note(`overload: ${inflight} originates in flight for ${seconds} s${maxcalls > 0 ? `, maxcalls ${maxcalls}` : ''}`);
    const path = `/channels?endpoint=${encodeURIComponent(endpoint)}&app=${encodeURIComponent(args.app)}`;
    const worker = async (): Promise<void> => {
      while (performance.now() < end) {
        const r = await client.request('POST', path, 30_000);
        if (r.status === 200) counts.accepted++;
        else if (r.status === 500) counts.refused++;
        else counts.failed++;
      }
    };
    const prober = async (): Promise<void> => {
      while (performance.now() < end) {
        const next = performance.now() + probeMs;
        const ms = await probe(target);
        if (ms === null) pingFailures++;
        else pings.add(ms);
        await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
      }
    };
    await Promise.all([...Array.from({ length: inflight }, worker), prober()]);
    const loaded = target.sample();
    const sorted = pings.sorted();
    const channels = await client.request('GET', '/channels', 60_000);
    const alive = channels.status === 200 ? (JSON.parse(channels.body) as unknown[]).length : null;
    note('overload: hanging up');
    const swept = await sweepApp(client, args.app);
    printJson({
      name: 'overload',
      inflight,
      seconds,
      maxcalls: maxcalls > 0 ? maxcalls : null,
      originates: { ...counts, per_s: round(counts.accepted / seconds, 1) },
      stasis_start: app.count('StasisStart'),
      channels_at_end: alive,
      hung_up_after: swept,
      ping_fresh_connection_ms: {
        count: sorted.length,
        failed: pingFailures,
        p50: round(percentile(sorted, 50), 1),
        p99: round(percentile(sorted, 99), 1),
        max: round(sorted.length ? sorted[sorted.length - 1]! : null, 1),
      },
      server_rss_idle_mb: round(idle?.rssMb ?? null, 1),
      server_rss_mb: round(loaded?.rssMb ?? null, 1),
    });
  } finally {
    app.close();
    client.close();
    await target.close();
  }
}

main().catch((err: Error) => {
  note(`overload failed: ${err.stack ?? err.message}`);
  process.exitCode = 1;
});
