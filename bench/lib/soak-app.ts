/**
 * The Stasis application of the soak: each channel that enters it is answered, hears a prompt played over ARI,
 * and is hung up when PlaybackFinished arrives — the life of a short IVR call. Every step that goes wrong is counted
 * by reason; a call counts as completed only when all three requests succeeded and the playback ended `done`.
 */
import WebSocket from 'ws';
import { AriHttp, isOk, reasonOf, type AriResponse } from './ari-client.js';
import { Samples, Tally, nowMs } from './stats.js';
import type { Target } from './target.js';

interface AriEvent {
  type?: string;
  channel?: { id?: string };
  playback?: { id?: string; state?: string };
}

/** A playback that has not finished this long after it started is counted as stuck (the prompt is ~1.4 s). */
const PLAYBACK_STUCK_MS = 30_000;

export class SoakApp {
  readonly failures = new Tally();
  /** POST answer → 2xx (ms). */
  readonly answerMs = new Samples();
  /** POST play → PlaybackFinished (ms): the prompt's length plus the server's lateness. */
  readonly playMs = new Samples();
  started = 0;
  completed = 0;
  resets = 0;
  lost: string | undefined;
  #closing = false;
  #seq = 0;
  /** playback id → [channel id, time the play request was sent] */
  readonly #playing = new Map<string, [string, number]>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly http: AriHttp,
    private readonly media: string,
  ) {
    ws.on('message', (data: Buffer) => this.#onMessage(data));
    ws.on('close', () => {
      if (!this.#closing) this.lost ??= 'events WebSocket closed by the server';
    });
    ws.on('error', (err) => (this.lost ??= err.message));
  }

  static open(target: Target, app: string, media: string): Promise<SoakApp> {
    const key = encodeURIComponent(`${target.user}:${target.password}`);
    const url = `${target.base.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}&api_key=${key}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: 5000, perMessageDeflate: false });
      ws.once('open', () => resolve(new SoakApp(ws, new AriHttp(target, 64), media)));
      ws.once('error', (err) => reject(new Error(`events WebSocket ${url}: ${err.message}`)));
    });
  }

  /** Playbacks started and not finished (calls in the middle of their prompt). */
  get playing(): number {
    return this.#playing.size;
  }

  /** Playbacks older than PLAYBACK_STUCK_MS are dropped from the table and counted as failures. */
  sweepStuck(): void {
    const now = nowMs();
    for (const [id, [, at]] of this.#playing) {
      if (now - at < PLAYBACK_STUCK_MS) continue;
      this.#playing.delete(id);
      this.failures.add('playback-stuck');
    }
  }

  close(): void {
    this.#closing = true;
    this.ws.close();
    this.http.close();
  }

  #onMessage(data: Buffer): void {
    let event: AriEvent;
    try {
      event = JSON.parse(data.toString('utf8')) as AriEvent;
    } catch {
      return;
    }
    if (event.type === 'StasisStart' && typeof event.channel?.id === 'string') void this.#start(event.channel.id);
    else if (event.type === 'PlaybackFinished' && typeof event.playback?.id === 'string') {
      void this.#finish(event.playback.id, event.playback.state);
    }
  }

  #request(method: string, path: string): Promise<AriResponse> {
    return this.http.requestRetryingReset(method, path, () => this.resets++);
  }

  async #start(channelId: string): Promise<void> {
    this.started++;
    const path = `/channels/${encodeURIComponent(channelId)}`;
    const t0 = nowMs();
    const answer = await this.#request('POST', `${path}/answer`);
    if (!isOk(answer)) {
      this.failures.add(`answer:${reasonOf(answer)}`);
      await this.#request('DELETE', path);
      return;
    }
    this.answerMs.add(nowMs() - t0);
    const playbackId = `soak-${process.pid}-${++this.#seq}`;
    this.#playing.set(playbackId, [channelId, nowMs()]);
    const media = encodeURIComponent(this.media);
    const play = await this.#request('POST', `${path}/play/${playbackId}?media=${media}`);
    if (!isOk(play)) {
      this.#playing.delete(playbackId);
      this.failures.add(`play:${reasonOf(play)}`);
      await this.#request('DELETE', path);
    }
  }

  async #finish(playbackId: string, state: string | undefined): Promise<void> {
    const entry = this.#playing.get(playbackId);
    if (!entry) return;
    this.#playing.delete(playbackId);
    const [channelId, at] = entry;
    if (state !== 'done') this.failures.add(`playback:${state ?? 'no-state'}`);
    else this.playMs.add(nowMs() - at);
    const hangup = await this.#request('DELETE', `/channels/${encodeURIComponent(channelId)}`);
    if (!isOk(hangup)) return this.failures.add(`hangup:${reasonOf(hangup)}`);
    if (state === 'done') this.completed++;
  }
}
