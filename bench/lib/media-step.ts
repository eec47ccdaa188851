/**
 * The shape every media benchmark shares (media-playback, media-recording, bridge-calls): N SIP calls from the
 * RTP load generator into a Stasis app run here (it answers each), a benchmark-specific set-up (play, record,
 * bridge), measured windows — one quiet, one with a control-plane load of originate cycles beside it — then
 * the calls hung up. One result object per step; never asserts: failures are counted.
 */
import { AriHttp, isOk, reasonOf } from './ari-client.js';
import { AriApp, sweepApp, until } from './ari-app.js';
import { WindowProbe, type ProbeReport } from './media-probe.js';
import { OriginateLoad, type OriginateLoadReport } from './originate-load.js';
import { absNow, RtpLoad, windowReport } from './rtp-load.js';
import { note, round, Tally } from './stats.js';
import type { Target } from './target.js';

/** Options every media benchmark takes (merged into parseBenchArgs). */
export const MEDIA_OPTIONS = {
  ramp: { type: 'string', default: '100' },
  'client-workers': { type: 'string', default: '2' },
  exten: { type: 'string', default: 'bench-media' },
  app: { type: 'string', default: 'bench-media' },
  window: { type: 'string', default: '8' },
  settle: { type: 'string', default: '2' },
  'control-rate': { type: 'string', default: '200' },
  'control-endpoint': { type: 'string', default: 'Local/park@default' },
  'hangup-rate': { type: 'string', default: '400' },
  'media-workers': { type: 'string' },
  'media-placement': { type: 'string' },
  'media-scheduling': { type: 'string' },
  'measure-max': { type: 'string', default: '1000' },
} as const;

export const MEDIA_USAGE = `
  --ramp R             calls placed per second (default 100)
  --client-workers W   threads of the RTP load generator (default 2)
  --exten X            the extension the calls dial (default bench-media); it must run Stasis(<app>)
  --app A              the Stasis application (default bench-media)
  --window S           seconds per measured window (default 8)
  --settle S           seconds between set-up and the first window (default 2)
  --control-rate R     originate cycles/s beside the second window (default 200; 0 = no such window)
  --control-endpoint E the originate cycles' endpoint (default Local/park@default)
  --hangup-rate R      BYEs per second at the end (default 400)
  --media-workers N    our own server's media worker threads (default: its own, one per core)
  --media-placement P  our own server's placement of new channels: pack (its default) or spread
  --media-scheduling S our own server's media threads: normal (its default) or batch (SCHED_BATCH)
  --measure-max M      read and time at most about M calls (every n-th; default 1000): the others' packets
                       are dropped unread by the kernel, so receiving does not saturate this client
`;

export interface MediaArgs {
  ramp: string;
  'client-workers': string;
  exten: string;
  app: string;
  window: string;
  settle: string;
  'control-rate': string;
  'control-endpoint': string;
  'hangup-rate': string;
  'media-workers'?: string | undefined;
  'media-placement'?: string | undefined;
  'media-scheduling'?: string | undefined;
  'measure-max': string;
}

export function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} ${raw}: expected a positive number`);
  return n;
}

export function nonNegative(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} ${raw}: expected 0 or more`);
  return n;
}

/** The context of one step, given to the benchmark's hooks. */
export interface StepContext {
  readonly target: Target;
  readonly http: AriHttp;
  readonly app: AriApp;
  readonly load: RtpLoad;
  /** Channels that entered the app and were answered, in order. */
  readonly channels: string[];
  readonly failures: Tally;
}

export interface StepHooks {
  /** A call entered the app and was answered (while calls are still being placed). */
  answered?(ctx: StepContext, channelId: string): void;
  /** After every call is up: start the media work (play, record, bridge). Its result joins the output. */
  prepare(ctx: StepContext): Promise<Record<string, unknown>>;
  /** After the windows, before the calls are hung up (stop recordings, check files, count early ends). */
  finish?(ctx: StepContext, windowsEndMs: number): Promise<Record<string, unknown>>;
}

export interface StepOptions {
  name: string;
  calls: number;
  /** Calls send audio from their answer on. */
  send: boolean;
  /** Whether the server sends the calls audio (false: no receive figures are reported). Default true. */
  receive?: boolean;
  /** Also measure a window with the originate load (when --control-rate > 0). */
  controlWindow: boolean;
  extra?: Record<string, unknown>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runMediaStep(
  target: Target,
  args: MediaArgs,
  opts: StepOptions,
  hooks: StepHooks,
): Promise<Record<string, unknown>> {
  const windowS = positive('window', args.window);
  const settleS = nonNegative('settle', args.settle);
  const controlRate = nonNegative('control-rate', args['control-rate']);
  const ramp = positive('ramp', args.ramp);
  const http = new AriHttp(target, 64);
  const app = await AriApp.open(target, args.app);
  const failures = new Tally();
  const channels: string[] = [];
  let ended = 0;
  app.on('StasisStart', (e) => {
    const id = e.channel!.id;
    void http.request('POST', `/channels/${encodeURIComponent(id)}/answer`, 10_000).then((res) => {
      if (!isOk(res)) return failures.add(`answer:${reasonOf(res)}`);
      channels.push(id);
      hooks.answered?.(ctx, id);
    });
  });
  app.on('StasisEnd', () => ended++);
  const withControl = opts.controlWindow && controlRate > 0;
  const originate = withControl
    ? await OriginateLoad.open(target, { ratePerS: controlRate, endpoint: args['control-endpoint'] })
    : undefined;
  const load = await RtpLoad.start({ workers: Math.round(positive('client-workers', args['client-workers'])), sip: target.sip }); // prettier-ignore
  const ctx: StepContext = { target, http, app, load, channels, failures };
  try {
    const idle = target.sample();
    const measuredS = windowS * (withControl ? 2 : 1) + settleS + 4;
    const measureEvery = Math.max(1, Math.ceil(opts.calls / positive('measure-max', args['measure-max'])));
    const t0 = absNow();
    note(`${opts.name}: placing ${opts.calls} calls at ${ramp}/s to ${args.exten} (${load.workers} client threads)`);
    const dialed = await load.dial({
      calls: opts.calls,
      ratePerS: ramp,
      exten: args.exten,
      send: opts.send,
      capacity: Math.ceil(measuredS * 50 * 1.25) + 100,
      measureEvery,
    });
    await until(() => channels.length + failures.total >= dialed.answered, 10_000);
    const setupS = (absNow() - t0) / 1000;
    note(`${opts.name}: ${dialed.answered} answered, ${channels.length} in the app after ${round(setupS, 1)} s`);
    const prepared = await hooks.prepare(ctx);
    await sleep(settleS * 1000);

    load.record(true);
    await sleep(200);
    const windows: Record<string, ProbeReport & { fromMs: number; toMs: number; originate?: OriginateLoadReport }> = {};
    const measure = async (name: string): Promise<void> => {
      const fromMs = absNow();
      const probe = new WindowProbe(target, load.threadLabels);
      await sleep(windowS * 1000);
      windows[name] = { ...probe.end(), fromMs, toMs: absNow() };
    };
    note(`${opts.name}: measuring ${windowS} s${withControl ? ` quiet, then ${windowS} s with ${controlRate} originates/s` : ''}`); // prettier-ignore
    await measure('quiet');
    if (originate) {
      originate.start();
      await sleep(1000);
      await measure('control');
      windows.control!.originate = await originate.stop();
    }
    load.record(false);
    const windowsEnd = absNow();
    const names = Object.keys(windows);
    const analysis = await load.analyze(names.map((name) => ({ name, fromMs: windows[name]!.fromMs, toMs: windows[name]!.toMs }))); // prettier-ignore
    const finished = hooks.finish ? await hooks.finish(ctx, windowsEnd) : {};

    const stasisStarted = app.count('StasisStart');
    note(`${opts.name}: hanging up`);
    const hung = await load.hangup(positive('hangup-rate', args['hangup-rate']));
    await until(() => ended >= stasisStarted, 15_000);
    let leftover = 0;
    if (ended < stasisStarted) {
      note(`${opts.name}: ${stasisStarted - ended} channels without StasisEnd after the hangup`);
      leftover = await sweepApp(http, args.app);
    }

    const out: Record<string, unknown> = { name: opts.name, calls: opts.calls, ...opts.extra, measured_every: measureEvery }; // prettier-ignore
    const maxRss = Math.max(...names.map((n) => windows[n]!.server_rss_mb ?? 0));
    Object.assign(out, {
      answered: dialed.answered,
      in_app: channels.length,
      failed: opts.calls - dialed.answered + failures.total + hung.endedByServer,
      failed_by_reason: { ...dialed.failed, ...failures.toJSON(), ...(hung.endedByServer ? { 'ended-by-server': hung.endedByServer } : {}) }, // prettier-ignore
      setup_s: round(setupS, 1),
      ...prepared,
      ...finished,
      server_rss_idle_mb: round(idle?.rssMb ?? null, 1),
      server_rss_mb: maxRss ? round(maxRss, 1) : null,
      rss_per_call_kb: idle && maxRss ? round(((maxRss - idle.rssMb) * 1024) / opts.calls, 1) : null,
    });
    for (const [i, name] of names.entries()) {
      const { fromMs, toMs, ...probe } = windows[name]!;
      const rtp = windowReport(analysis.windows[i]!, (toMs - fromMs) / 1000, opts.receive ?? true);
      out[name] = { seconds: round((toMs - fromMs) / 1000, 2), ...rtp, ...probe };
    }
    if (leftover) out.leftover_channels = leftover;
    out.client_packets_not_kept = analysis.counts.overflow;
    out.client_other_packets = analysis.counts.otherPackets;
    if (load.errors.length) out.client_errors = load.errors.slice(0, 5);
    if (app.lost) out.events_socket = app.lost;
    return out;
  } finally {
    await load.close();
    originate?.close();
    app.close();
    http.close();
  }
}
