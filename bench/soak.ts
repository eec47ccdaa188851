/**
 * The soak: SIP calls (sipp, bench/scenarios/uac-stasis.xml) into a Stasis app that answers, plays a prompt over ARI
 * and hangs up when the playback has finished, for a long time at a steady rate — by default 80 % of the highest
 * rate this same run measured with zero failed calls. Once a minute the server's heap is measured after a forced
 * full collection (through the V8 inspector, so the server runs unchanged) together with its RSS and CPU; the
 * summary compares the last heap figure taken under load with the first five minutes' mean and counts every
 * failed call.
 *
 *   node --import tsx bench/soak.ts [--minutes 60] [--rate R | --measure-rates 100,200,300,...] [--media sound:hello-world]
 *
 * Our own server only (it is started with --inspect on loopback); not part of the test command.
 */
import { InspectorHeap, type HeapAfterGc } from './lib/inspector-heap.js';
import { col, startSippLoad, type SippLoad } from './lib/sipp.js';
import { SoakApp } from './lib/soak-app.js';
import { note, nowMs, p50p99, printJson, round } from './lib/stats.js';
import { clientSample, cpuPercent, freePort, openTarget, parseBenchArgs, type Target } from './lib/target.js';
import { measureRate } from './lib/soak-measure.js';

const USAGE = `
node --import tsx bench/soak.ts [options]
  --minutes M          length of the soak (default 60)
  --rate R             calls per second; without it the run first measures (see --measure-rates) and soaks at
                       --fraction of the highest rate with zero failed calls
  --measure-rates R,.. rates tried before the soak, --measure-seconds each (default 100,200,300,400,500,600,700,800)
  --measure-seconds S  (default 30)
  --fraction F         of the measured rate (default 0.8)
  --media M            what the app plays to each call (default sound:hello-world, 1.4 s)
  --sample-seconds S   how often memory is measured (default 60)
  --baseline-minutes B the first minutes whose heap is the reference (default 5)
`;

const args = parseBenchArgs(
  {
    minutes: { type: 'string', default: '60' },
    rate: { type: 'string' },
    'measure-rates': { type: 'string', default: '100,200,300,400,500,600,700,800' },
    'measure-seconds': { type: 'string', default: '30' },
    fraction: { type: 'string', default: '0.8' },
    media: { type: 'string', default: 'sound:hello-world' },
    'sample-seconds': { type: 'string', default: '60' },
    'baseline-minutes': { type: 'string', default: '5' },
  },
  USAGE,
);

const APP = 'bench-soak';
const SERVICE = 'soak';
/** sipp -l: far above what a steady rate keeps up at once, so that a slow server shows as failures, not a cap. */
const CALL_LIMIT = 5000;
/** Time for the last calls to end after sipp placed them (prompt + hangup + sipp's time-wait). */
const DRAIN_S = 60;
/**
 * How long after the last call an idle heap figure is taken. The SIP transactions of ended calls outlive them:
 * an INVITE server transaction stays in Accepted for Timer L (64×T1 = 32 s, RFC 6026), a non-INVITE one in
 * Completed for Timer J (32 s over UDP). Measured sooner, "idle" still holds the last 32 s of calls.
 */
const SIP_LINGER_MS = 40_000;

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} ${raw}: expected a positive number`);
  return n;
}

interface Sample {
  minute: number;
  heap: HeapAfterGc;
  rssMb: number | null;
}

async function soak(
  target: Target,
  app: SoakApp,
  heapProbe: InspectorHeap,
  rate: number,
  afterMeasure: boolean,
): Promise<void> {
  const minutes = positive('minutes', args.minutes);
  const sampleS = positive('sample-seconds', args['sample-seconds']);
  const baselineMin = positive('baseline-minutes', args['baseline-minutes']);
  const calls = Math.round(rate * minutes * 60);
  note(`soak: ${rate} calls/s for ${minutes} min (${calls} calls), playing ${args.media}`);
  const start = target.sample();
  const client0 = clientSample();
  const completedBefore = app.completed;
  const failuresBefore = app.failures.total;
  // After a measure phase, the first figure waits for that phase's transactions to end, as the last one does.
  if (afterMeasure) await new Promise((r) => setTimeout(r, SIP_LINGER_MS));
  const first = await heapProbe.afterGc();
  printJson({ name: 'soak-sample', minute: 0, heap_after_gc_mb: first.heapUsedMb, rss_mb: start?.rssMb ?? null });
  const t0 = nowMs();
  const sipp: SippLoad = await startSippLoad({
    scenario: 'uac-stasis.xml',
    remote: target.sip,
    service: SERVICE,
    calls,
    rate,
    limit: CALL_LIMIT,
    killAfterS: minutes * 60 + DRAIN_S + 60,
  });
  const samples: Sample[] = [];
  let prev = start;
  let sampling = false;
  const timer = setInterval(() => {
    if (sampling) return;
    sampling = true;
    void (async () => {
      app.sweepStuck();
      const heap = await heapProbe.afterGc().catch((err: Error) => (note(`heap: ${err.message}`), null));
      const now = target.sample();
      const row = sipp.latest();
      const minute = round((nowMs() - t0) / 60_000, 2);
      if (heap) samples.push({ minute, heap, rssMb: now?.rssMb ?? null });
      printJson({
        name: 'soak-sample',
        minute,
        heap_after_gc_mb: heap?.heapUsedMb ?? null,
        external_mb: heap?.externalMb ?? null,
        rss_mb: round(now?.rssMb ?? null, 1),
        server_cpu_pct: round(cpuPercent(prev, now), 1),
        sipp_created: col(row, 'TotalCallCreated'),
        sipp_successful: col(row, 'SuccessfulCall(C)'),
        sipp_failed: col(row, 'FailedCall(C)'),
        calls_up: col(row, 'CurrentCall'),
        app_completed: app.completed - completedBefore,
        app_failures: app.failures.total - failuresBefore,
        playing: app.playing,
        answer_ms: p50p99(app.answerMs),
        play_ms: p50p99(app.playMs),
      });
      app.answerMs.clear();
      app.playMs.clear();
      prev = now;
      sampling = false;
    })();
  }, sampleS * 1000);
  const result = await sipp.done;
  clearInterval(timer);
  const end = target.sample();
  const last = result.rows.at(-1);
  const successful = col(last, 'SuccessfulCall(C)');
  const failedSipp = col(last, 'FailedCall(C)');
  await new Promise((r) => setTimeout(r, 2000));
  app.sweepStuck();
  await new Promise((r) => setTimeout(r, SIP_LINGER_MS - 2000));
  const final = await heapProbe.afterGc();
  const baseline = samples.filter((s) => s.minute <= baselineMin);
  const baseHeap = baseline.length ? baseline.reduce((a, s) => a + s.heap.heapUsedMb, 0) / baseline.length : null;
  // The last sample taken under load is compared with the baseline (same number of calls up); `final` is idle.
  const lastLoaded = samples.at(-1)?.heap.heapUsedMb ?? null;
  const growthPct = baseHeap && lastLoaded !== null ? ((lastLoaded - baseHeap) / baseHeap) * 100 : null;
  const failedApp = app.failures.total - failuresBefore;
  // A call the app failed (a request that went wrong) fails at sipp too: count each call once.
  const failed = Math.max(failedSipp, calls - successful, failedApp);
  if (failed > 0) note(`failures: sipp ${failedSipp}, app ${JSON.stringify(app.failures)}\n${result.errors}`);
  printJson({
    name: 'soak-summary',
    rate,
    minutes,
    media: args.media,
    calls,
    successful,
    completed_by_app: app.completed - completedBefore,
    failed,
    failed_sipp: failedSipp,
    failed_app: failedApp,
    failed_app_by_reason: app.failures,
    retransmissions: col(last, 'Retransmissions(C)'),
    ari_connection_resets: app.resets,
    heap_after_gc_first_mb: first.heapUsedMb,
    heap_after_gc_baseline_mb: round(baseHeap, 1),
    heap_after_gc_last_loaded_mb: lastLoaded,
    heap_after_gc_idle_end_mb: final.heapUsedMb,
    heap_growth_pct: round(growthPct, 1),
    heap_flat: growthPct !== null && growthPct <= 10,
    heap_max_mb: Math.max(...samples.map((s) => s.heap.heapUsedMb)),
    rss_start_mb: round(start?.rssMb ?? null, 1),
    rss_end_mb: round(end?.rssMb ?? null, 1),
    rss_max_mb: round(Math.max(...samples.map((s) => s.rssMb ?? 0)), 1),
    server_cpu_pct: round(cpuPercent(start, end), 1),
    client_cpu_pct: round(cpuPercent(client0, clientSample()), 1),
    wall_s: round((nowMs() - t0) / 1000, 1),
    sipp_exit: result.code,
  });
}

async function main(): Promise<void> {
  if (args.target !== undefined) throw new Error('the soak starts its own server (it needs --inspect on it)');
  const inspectPort = await freePort();
  const extra = process.env['SWITCHYARD_BENCH_NODE_ARGS'] ?? '';
  process.env['SWITCHYARD_BENCH_NODE_ARGS'] = `${extra} --inspect=127.0.0.1:${inspectPort}`.trim();
  const target = await openTarget(args, { dialplan: `exten => ${SERVICE},1,Stasis(${APP})` });
  try {
    const heapProbe = await InspectorHeap.open('127.0.0.1', inspectPort);
    const app = await SoakApp.open(target, APP, args.media);
    try {
      let rate = args.rate === undefined ? undefined : positive('rate', args.rate);
      const measured = rate === undefined;
      if (rate === undefined) {
        const rates = args['measure-rates'].split(',').map((r) => positive('measure-rates', r));
        const best = await measureRate(
          target,
          app,
          SERVICE,
          rates,
          positive('measure-seconds', args['measure-seconds']),
        );
        if (best === null) throw new Error(`no rate in ${rates.join(',')} ran without failures`);
        rate = Math.floor(best * positive('fraction', args.fraction));
      }
      await soak(target, app, heapProbe, rate, measured);
      if (app.lost) note(`ARI events: ${app.lost}`);
    } finally {
      app.close();
      heapProbe.close();
    }
  } finally {
    await target.close();
  }
}

main().catch((err: Error) => {
  note(`soak failed: ${err.message}`);
  process.exitCode = 1;
});
