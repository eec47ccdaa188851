/**
 * REST throughput and memory per channel, as in baseline.md: hold 100 Local channels in a Stasis app, then
 * `GET /ari/channels` at concurrency 16 for 10 s (autocannon); the same with no channels and for
 * `GET /ari/asterisk/ping`. Server RSS before and with the channels gives `rss_per_100_channels_mb`.
 *
 *   node --import tsx bench/rest-channels.ts [--channels 100] [--connections 16] [--seconds 10] [--target URL]
 */
import autocannon from 'autocannon';
import { AriEvents, AriHttp, channelIdOf, isOk, reasonOf } from './lib/ari-client.js';
import { note, percentile, printJson, round, Samples, Tally } from './lib/stats.js';
import { clientSample, cpuPercent, OtherLoad, openTarget, parseBenchArgs, type Target } from './lib/target.js';

const USAGE = `
node --import tsx bench/rest-channels.ts [options]
  --channels N      Local channels held in Stasis for the big GET /channels (default 100)
  --connections C   concurrent connections (default 16)
  --seconds S       measured seconds per request kind (default 10)
  --warmup S        unmeasured seconds before each measurement (default 2)
  --endpoint E      originate endpoint (default Local/park@default)
  --app A           Stasis application name (default bench-rest)
`;

const args = parseBenchArgs(
  {
    channels: { type: 'string', default: '100' },
    connections: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    endpoint: { type: 'string', default: 'Local/park@default' },
    app: { type: 'string', default: 'bench-rest' },
  },
  USAGE,
);

function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} ${raw}: expected a positive integer`);
  return n;
}

const channelCount = positiveInt('channels', args.channels);
const connections = positiveInt('connections', args.connections);
const seconds = positiveInt('seconds', args.seconds);
const warmupSeconds = Number(args.warmup) || 0;
const STEP_TIMEOUT_MS = 10_000;
const SETTLE_MS = 1_000;
const WARMUP_CHANNELS = 10;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Originate `count` channels into the app and wait for their StasisStart; returns the ids that got there. */
async function hold(http: AriHttp, events: AriEvents, count: number): Promise<string[]> {
  const failures = new Tally();
  const path = `/channels?endpoint=${encodeURIComponent(args.endpoint)}&app=${encodeURIComponent(args.app)}`;
  const one = async (): Promise<string | undefined> => {
    const res = await http.request('POST', path, STEP_TIMEOUT_MS);
    const id = isOk(res) ? channelIdOf(res) : undefined;
    if (id === undefined) return void failures.add(`originate:${isOk(res) ? 'no id' : reasonOf(res)}`);
    if ((await events.wait('StasisStart', id, STEP_TIMEOUT_MS)) !== null) return id;
    failures.add('StasisStart:timeout');
    await http.request('DELETE', `/channels/${encodeURIComponent(id)}`, STEP_TIMEOUT_MS);
    return undefined;
  };
  const ids = (await Promise.all(Array.from({ length: count }, one))).filter((id) => id !== undefined);
  if (failures.total) note(`holding ${count} channels: failures ${JSON.stringify(failures)}`);
  return ids;
}

/** DELETE each channel and wait for its StasisEnd. */
async function release(http: AriHttp, events: AriEvents, ids: readonly string[]): Promise<void> {
  const failures = new Tally();
  await Promise.all(
    ids.map(async (id) => {
      const ended = events.wait('StasisEnd', id, STEP_TIMEOUT_MS);
      const res = await http.request('DELETE', `/channels/${encodeURIComponent(id)}`, STEP_TIMEOUT_MS);
      if (!isOk(res)) failures.add(`hangup:${reasonOf(res)}`);
      if ((await ended) === null) failures.add('StasisEnd:timeout');
    }),
  );
  if (failures.total) note(`hanging up ${ids.length} channels: failures ${JSON.stringify(failures)}`);
  events.forgetEarly();
}

interface CannonFigures {
  req_per_s: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  non2xx: number;
  errors: number;
  server_cpu_pct: number | null;
  /** Near 100 the figure is bounded by this (single-threaded) client, not by the server. */
  client_cpu_pct: number | null;
  /** CPU of other processes on the machine meanwhile (100 = one core); see OtherLoad. */
  other_cpu_pct: number | null;
}

/**
 * `connections` keep-alive connections hammering one GET for `forSeconds`. Latencies come from the `response`
 * event (float ms) rather than autocannon's histogram, which rounds to whole milliseconds.
 */
async function cannon(target: Target, path: string, forSeconds: number): Promise<CannonFigures> {
  const latencies = new Samples();
  const instance = autocannon({
    url: `${target.ariBase}${path}`,
    connections,
    duration: forSeconds,
    timeout: 5,
    headers: { authorization: target.authorization },
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status >= 200 && status < 300) latencies.add(ms);
  });
  const serverBefore = target.sample();
  const clientBefore = clientSample();
  const otherLoad = new OtherLoad(target);
  const result = await instance;
  const otherCpu = otherLoad.percent();
  const serverCpu = cpuPercent(serverBefore, target.sample());
  const clientCpu = cpuPercent(clientBefore, clientSample());
  const sorted = latencies.sorted();
  return {
    req_per_s: round(result.requests.total / result.duration, 0),
    p50_ms: round(percentile(sorted, 50), 3),
    p99_ms: round(percentile(sorted, 99), 3),
    non2xx: result.non2xx,
    errors: result.errors,
    server_cpu_pct: round(serverCpu, 1),
    client_cpu_pct: round(clientCpu, 1),
    other_cpu_pct: round(otherCpu, 1),
  };
}

async function measureGet(target: Target, path: string): Promise<CannonFigures> {
  if (warmupSeconds > 0) await cannon(target, path, warmupSeconds);
  return cannon(target, path, seconds);
}

/** How many channels GET /channels lists (a Local channel is two) and the body's size. */
async function listing(http: AriHttp): Promise<{ listed_channels: number | null; body_bytes: number | null }> {
  const res = await http.request('GET', '/channels');
  if (!isOk(res)) return { listed_channels: null, body_bytes: null };
  let listed: number | null = null;
  try {
    listed = (JSON.parse(res.body) as unknown[]).length;
  } catch {
    note('GET /channels: body is not JSON');
  }
  return { listed_channels: listed, body_bytes: Buffer.byteLength(res.body) };
}

/** Median of five RSS readings 200 ms apart: a single one catches the heap mid-way through a GC cycle. */
async function rssMb(target: Target): Promise<number | null> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (i) await sleep(200);
    const s = target.sample();
    if (s) readings.push(s.rssMb);
  }
  return percentile(
    readings.sort((a, b) => a - b),
    50,
  );
}

async function main(): Promise<void> {
  const target = await openTarget(args);
  try {
    const http = new AriHttp(target, 16);
    const events = await AriEvents.open(target, args.app);
    try {
      const idleRss = await rssMb(target);
      // A few channels first: they pay for compiling the code paths. Only a few, because a heap that grew to
      // hold a full round is not given back, and the second round would then look free.
      note(`rest-channels: warm-up round of ${WARMUP_CHANNELS} channels against ${target.base}`);
      await release(http, events, await hold(http, events, Math.min(WARMUP_CHANNELS, channelCount)));
      await sleep(SETTLE_MS);

      const beforeRss = await rssMb(target);
      const ids = await hold(http, events, channelCount);
      await sleep(SETTLE_MS);
      const withRss = await rssMb(target);
      const perHundred =
        beforeRss !== null && withRss !== null && ids.length > 0 ? ((withRss - beforeRss) * 100) / ids.length : null;

      note(`GET /ari/channels with ${ids.length} channels, ${connections} connections, ${seconds} s`);
      const shape = await listing(http);
      printJson({
        name: 'rest-channels',
        channels: ids.length,
        concurrency: connections,
        ...(await measureGet(target, '/channels')),
        ...shape,
        server_rss_idle_mb: round(idleRss, 1),
        server_rss_before_mb: round(beforeRss, 1),
        server_rss_with_channels_mb: round(withRss, 1),
        rss_per_100_channels_mb: round(perHundred, 2),
      });
      await release(http, events, ids);
      if (events.lost) note(`events WebSocket lost: ${events.lost}`);

      note(`GET /ari/channels with no channels`);
      const emptyShape = await listing(http);
      printJson({
        name: 'rest-channels',
        channels: 0,
        concurrency: connections,
        ...(await measureGet(target, '/channels')),
        ...emptyShape,
      });
      note(`GET /ari/asterisk/ping`);
      printJson({
        name: 'rest-ping',
        channels: 0,
        concurrency: connections,
        ...(await measureGet(target, '/asterisk/ping')),
      });
    } finally {
      events.close();
      http.close();
    }
  } finally {
    await target.close();
  }
}

main().catch((err: Error) => {
  note(`rest-channels failed: ${err.message}`);
  process.exitCode = 1;
});
