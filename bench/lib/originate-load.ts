/**
 * A control-plane load at a fixed rate, beside a media benchmark: originate cycles on Local channels as in
 * originate-cycle.ts (POST /channels → StasisStart → answer → DELETE → StasisEnd), started `ratePerS` times a
 * second whatever the previous ones are doing (at most `maxInFlight` at once: the rest count as `skipped`).
 */
import { sweepApp } from './ari-app.js';
import { AriEvents, AriHttp, channelIdOf, isOk, reasonOf } from './ari-client.js';
import { nowMs, p50p99, round, Samples, Tally, type P50P99 } from './stats.js';
import type { Target } from './target.js';

export interface OriginateLoadOptions {
  ratePerS: number;
  endpoint?: string;
  app?: string;
  stepTimeoutMs?: number;
  maxInFlight?: number;
}

export interface OriginateLoadReport {
  rate: number;
  seconds: number;
  started: number;
  cycles: number;
  cycles_per_s: number;
  failed: number;
  failed_by_reason: Record<string, number>;
  skipped: number;
  stasisstart_ms: P50P99;
  cycle_ms: P50P99;
  /** POST /channels/{id}/answer round trips: how fast plain ARI requests are answered under the media load. */
  answer_ms: P50P99;
  /** Channels of failed cycles found still in the app afterwards (and hung up). */
  leftover_channels: number;
}

export class OriginateLoad {
  readonly #stasisStart = new Samples();
  readonly #cycle = new Samples();
  readonly #answer = new Samples();
  readonly #failures = new Tally();
  #started = 0;
  #cycles = 0;
  #skipped = 0;
  #inFlight = 0;
  #timer: NodeJS.Timeout | undefined;
  #t0 = 0;
  #stoppedAt = 0;
  readonly #path: string;
  readonly #timeout: number;

  private constructor(
    private readonly http: AriHttp,
    private readonly events: AriEvents,
    private readonly opts: OriginateLoadOptions,
  ) {
    const endpoint = opts.endpoint ?? 'Local/park@default';
    this.#path = `/channels?endpoint=${encodeURIComponent(endpoint)}&app=${encodeURIComponent(opts.app ?? 'bench-originate')}`;
    this.#timeout = opts.stepTimeoutMs ?? 5_000;
  }

  /** Opens the app's WebSocket now (so StasisStart has a subscriber); `start()` begins the load. */
  static async open(target: Target, opts: OriginateLoadOptions): Promise<OriginateLoad> {
    const events = await AriEvents.open(target, opts.app ?? 'bench-originate');
    return new OriginateLoad(new AriHttp(target, opts.maxInFlight ?? 400), events, opts);
  }

  start(): void {
    this.#t0 = nowMs();
    const tick = (): void => {
      const due = Math.floor(((nowMs() - this.#t0) / 1000) * this.opts.ratePerS);
      while (this.#started + this.#skipped < due) {
        if (this.#inFlight >= (this.opts.maxInFlight ?? 400)) {
          this.#skipped++;
          continue;
        }
        this.#started++;
        this.#inFlight++;
        void this.#cycle1().finally(() => this.#inFlight--);
      }
      this.#timer = setTimeout(tick, 5);
    };
    tick();
  }

  /** Stops starting cycles, waits for those in flight, reports. */
  async stop(): Promise<OriginateLoadReport> {
    clearTimeout(this.#timer);
    this.#stoppedAt = nowMs();
    const end = nowMs() + 3 * this.#timeout;
    while (this.#inFlight > 0 && nowMs() < end) await new Promise((r) => setTimeout(r, 20));
    const leftover = this.#failures.total > 0 ? await sweepApp(this.http, this.opts.app ?? 'bench-originate') : 0;
    const seconds = (this.#stoppedAt - this.#t0) / 1000;
    return {
      rate: this.opts.ratePerS,
      seconds: round(seconds, 2),
      started: this.#started,
      cycles: this.#cycles,
      cycles_per_s: round(this.#cycles / seconds, 1),
      failed: this.#failures.total,
      failed_by_reason: this.#failures.toJSON(),
      skipped: this.#skipped,
      stasisstart_ms: p50p99(this.#stasisStart),
      cycle_ms: p50p99(this.#cycle),
      answer_ms: p50p99(this.#answer),
      leftover_channels: leftover,
    };
  }

  close(): void {
    this.events.close();
    this.http.close();
  }

  async #cycle1(): Promise<void> {
    const t0 = nowMs();
    const post = await this.http.request('POST', this.#path, this.#timeout);
    const id = isOk(post) ? channelIdOf(post) : undefined;
    if (id === undefined) return this.#failures.add(`originate:${isOk(post) ? 'no id' : reasonOf(post)}`);
    const path = `/channels/${encodeURIComponent(id)}`;
    const fail = async (reason: string): Promise<void> => {
      this.#failures.add(reason);
      await this.http.request('DELETE', path, this.#timeout);
    };
    const startedAt = await this.events.wait('StasisStart', id, this.#timeout);
    if (startedAt === null) return fail('StasisStart:timeout');
    const a0 = nowMs();
    const answer = await this.http.request('POST', `${path}/answer`, this.#timeout);
    if (!isOk(answer)) return fail(`answer:${reasonOf(answer)}`);
    this.#answer.add(nowMs() - a0);
    const hangup = await this.http.request('DELETE', path, this.#timeout);
    if (!isOk(hangup)) return fail(`hangup:${reasonOf(hangup)}`);
    const endedAt = await this.events.wait('StasisEnd', id, this.#timeout);
    if (endedAt === null) return this.#failures.add('StasisEnd:timeout');
    this.#stasisStart.add(startedAt - t0);
    this.#cycle.add(endedAt - t0);
    this.#cycles++;
  }
}
