/**
 * SIP calls into a Stasis app at rising rates: sipp (bench/scenarios/uac-stasis.xml) calls extension `stasis`, the
 * dialplan sends it to Stasis(bench-sip), and this process — the ARI app — answers each channel on StasisStart and
 * hangs it up after --hold-ms. One JSON line per rate, then a summary with the highest rate that had zero failed
 * calls. Stops at the first rate with failures or that sipp could not sustain.
 *
 *   node --import tsx bench/sip-call-rate.ts [--rates 50,100,200,400,800] [--seconds 20] [--hold-ms 100]
 */
import WebSocket from 'ws';
import { AriHttp, isOk, reasonOf, type AriResponse } from './lib/ari-client.js';
import { col, startSippLoad, type SippStatRow } from './lib/sipp.js';
import { note, nowMs, p50p99, printJson, round, Samples, Tally } from './lib/stats.js';
import { clientSample, cpuPercent, OtherLoad, openTarget, parseBenchArgs, type Target } from './lib/target.js';

const USAGE = `
node --import tsx bench/sip-call-rate.ts [options]
  --rates R,R,...     calls per second, one step each, in order (default 50,100,200,400,800,1200)
  --seconds S         seconds of calls per step (default 20); a step places rate × S calls
  --hold-ms MS        the app hangs up this long after its answer succeeded (default 100)
  --limit N           sipp -l: calls up at once (default 3000)
  --service X         the extension sipp dials (default stasis)
  --app A             the Stasis application (default bench-sip)
  --keep-going        run every rate even after one failed
The server's dialplan must send the service into the app. Our own server gets, in the context of its
anonymous endpoint:  exten => stasis,1,Stasis(bench-sip)
`;

const args = parseBenchArgs(
  {
    rates: { type: 'string', default: '50,100,200,400,800,1200' },
    seconds: { type: 'string', default: '20' },
    'hold-ms': { type: 'string', default: '100' },
    limit: { type: 'string', default: '3000' },
    service: { type: 'string', default: 'stasis' },
    app: { type: 'string', default: 'bench-sip' },
    'keep-going': { type: 'boolean', default: false },
  },
  USAGE,
);

function positive(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} ${raw}: expected a positive number`);
  return n;
}
const rates = args.rates.split(',').map((s) => positive('rates', s));
const seconds = positive('seconds', args.seconds);
const holdMs = Number(args['hold-ms']) || 0;
const limit = positive('limit', args.limit);

/** The ARI side: answers every channel that enters the app, hangs it up `holdMs` later. */
class StasisApp {
  readonly failures = new Tally();
  readonly answerMs = new Samples();
  started = 0;
  answered = 0;
  hungUp = 0;
  resets = 0;
  lost: string | undefined;
  #closing = false;

  private constructor(
    private readonly ws: WebSocket,
    private readonly http: AriHttp,
  ) {
    ws.on('message', (data: Buffer) => this.#onMessage(data));
    ws.on('close', () => {
      if (!this.#closing) this.lost ??= 'events WebSocket closed by the server';
    });
    ws.on('error', (err) => (this.lost ??= err.message));
  }

  static open(target: Target, app: string): Promise<StasisApp> {
    const key = encodeURIComponent(`${target.user}:${target.password}`);
    const url = `${target.base.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}&api_key=${key}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: 5000, perMessageDeflate: false });
      ws.once('open', () => resolve(new StasisApp(ws, new AriHttp(target, 64))));
      ws.once('error', (err) => reject(new Error(`events WebSocket ${url}: ${err.message}`)));
    });
  }

  reset(): void {
    this.started = this.answered = this.hungUp = this.resets = 0;
    this.answerMs.clear();
  }

  close(): void {
    this.#closing = true;
    this.ws.close();
    this.http.close();
  }

  #onMessage(data: Buffer): void {
    let event: { type?: string; channel?: { id?: string } };
    try {
      event = JSON.parse(data.toString('utf8')) as typeof event;
    } catch {
      return;
    }
    if (event.type === 'StasisStart' && typeof event.channel?.id === 'string') void this.#handle(event.channel.id);
  }

  #request(method: string, path: string): Promise<AriResponse> {
    return this.http.requestRetryingReset(method, path, () => this.resets++);
  }

  async #handle(id: string): Promise<void> {
    this.started++;
    const path = `/channels/${encodeURIComponent(id)}`;
    const t0 = nowMs();
    const answer = await this.#request('POST', `${path}/answer`);
    if (!isOk(answer)) {
      this.failures.add(`answer:${reasonOf(answer)}`);
      await this.#request('DELETE', path);
      return;
    }
    this.answerMs.add(nowMs() - t0);
    this.answered++;
    if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
    const hangup = await this.#request('DELETE', path);
    if (!isOk(hangup)) return this.failures.add(`hangup:${reasonOf(hangup)}`);
    this.hungUp++;
  }
}

/** sipp's ElapsedTime(C), `HH:MM:SS:mmmuuu` in 3.6 — seconds. */
function elapsedS(row: SippStatRow | undefined): number | null {
  const parts = row?.['ElapsedTime(C)']?.split(':');
  if (!parts || parts.length < 3) return null;
  const [h, m, s, frac] = parts;
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + (frac ? Number(`0.${frac}`) : 0);
}

async function step(target: Target, app: StasisApp, rate: number): Promise<Record<string, unknown>> {
  const calls = Math.round(rate * seconds);
  const failuresBefore = app.failures.total;
  app.reset();
  let maxRss: number | null = null;
  const before = target.sample();
  if (before) maxRss = before.rssMb;
  const client = clientSample();
  const other = new OtherLoad(target);
  const t0 = nowMs();
  const sipp = await startSippLoad({
    scenario: 'uac-stasis.xml',
    remote: target.sip,
    service: args.service,
    calls,
    rate,
    limit,
    killAfterS: seconds * 2 + 60,
  });
  let peakCalls = 0;
  const sampler = setInterval(() => {
    const s = target.sample();
    if (s) maxRss = Math.max(maxRss ?? 0, s.rssMb);
    peakCalls = Math.max(peakCalls, col(sipp.latest(), 'CurrentCall'));
  }, 1000);
  const result = await sipp.done;
  clearInterval(sampler);
  const elapsedMs = nowMs() - t0;
  const after = target.sample();
  const rows = result.rows;
  const last = rows.at(-1);
  const createdAt = elapsedS(rows.find((r) => col(r, 'TotalCallCreated') >= calls));
  const created = col(last, 'TotalCallCreated');
  const successful = col(last, 'SuccessfulCall(C)');
  const failedSipp = col(last, 'FailedCall(C)');
  const ariFailures = app.failures.total - failuresBefore;
  const failed = Math.max(failedSipp, calls - successful) + ariFailures;
  // sipp places the calls of a step over `seconds`; it runs behind when it (or the server) cannot keep up.
  const achieved = createdAt === null ? null : calls / createdAt;
  const setup = new Samples();
  for (const v of result.setupMs) setup.add(v);
  if (failed > 0 || result.code !== 0) {
    note(`rate ${rate}: sipp exit ${result.code}, ARI failures ${JSON.stringify(app.failures)}`);
    if (result.errors) note(`sipp errors (tail):\n${result.errors.slice(-1500)}`);
  }
  return {
    name: 'sip-call-rate',
    rate,
    seconds,
    hold_ms: holdMs,
    calls,
    created,
    successful,
    failed,
    failed_sipp: failedSipp,
    failed_ari: ariFailures,
    failed_by_reason: {
      unexpected_msg: col(last, 'FailedUnexpectedMessage(C)'),
      timeout_recv: col(last, 'FailedTimeoutOnRecv(C)'),
      max_udp_retrans: col(last, 'FailedMaxUDPRetrans(C)'),
      call_rejected: col(last, 'FailedCallRejected(C)'),
    },
    retransmissions: col(last, 'Retransmissions(C)'),
    achieved_cps: round(achieved, 1),
    kept_rate: achieved !== null && achieved >= rate * 0.95,
    peak_concurrent: peakCalls,
    stasis_start: app.started,
    ari_connection_resets: app.resets,
    setup_ms: p50p99(setup),
    answer_ms: p50p99(app.answerMs),
    server_cpu_pct: round(cpuPercent(before, after), 1),
    server_rss_start_mb: round(before?.rssMb ?? null, 1),
    server_rss_max_mb: round(maxRss, 1),
    client_cpu_pct: round(cpuPercent(client, clientSample()), 1),
    other_cpu_pct: round(other.percent(), 1),
    wall_s: round(elapsedMs / 1000, 1),
  };
}

async function channelsLeft(target: Target): Promise<number | string> {
  const http = new AriHttp(target, 1);
  try {
    const res = await http.request('GET', '/channels');
    return isOk(res) ? (JSON.parse(res.body) as unknown[]).length : reasonOf(res);
  } finally {
    http.close();
  }
}

async function main(): Promise<void> {
  const target = await openTarget(args, {
    dialplan: `exten => ${args.service},1,Stasis(${args.app})\nexten => echo,1,Answer()\n same => n,Echo()`,
  });
  let best: number | null = null;
  let stoppedBecause = 'all rates passed';
  const steps: Record<string, unknown>[] = [];
  try {
    const app = await StasisApp.open(target, args.app);
    try {
      for (const rate of rates) {
        note(`sip-call-rate: ${rate} calls/s for ${seconds} s to ${target.sip.host}:${target.sip.port}`);
        const r = await step(target, app, rate);
        printJson(r);
        steps.push(r);
        if (app.lost) note(`ARI events: ${app.lost}`);
        await new Promise((res) => setTimeout(res, 2000));
        const left = await channelsLeft(target);
        if (left !== 0) note(`channels left on the server after rate ${rate}: ${left}`);
        const ok = r.failed === 0 && r.kept_rate === true;
        if (ok) best = Math.max(best ?? 0, rate);
        if (!ok && !args['keep-going']) {
          stoppedBecause = r.failed !== 0 ? `failures at ${rate}/s` : `sipp could not keep ${rate}/s`;
          break;
        }
      }
    } finally {
      app.close();
    }
  } finally {
    await target.close();
  }
  const bestStep = steps.find((s) => s.rate === best);
  printJson({
    name: 'sip-call-rate-summary',
    max_cps_zero_failures: best,
    stopped_because: stoppedBecause,
    setup_ms_at_max: bestStep?.setup_ms ?? null,
    server_cpu_pct_at_max: bestStep?.server_cpu_pct ?? null,
    server_rss_max_mb_at_max: bestStep?.server_rss_max_mb ?? null,
    seconds,
    hold_ms: holdMs,
  });
}

main().catch((err: Error) => {
  note(`sip-call-rate failed: ${err.message}`);
  process.exitCode = 1;
});
