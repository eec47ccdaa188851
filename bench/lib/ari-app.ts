/**
 * A Stasis application's events WebSocket with handlers by event type, for benchmarks that act on every
 * channel entering the app (answer, play, record, bridge) rather than waiting for known ids (ari-client.ts).
 */
import WebSocket from 'ws';
import { isOk, type AriHttp } from './ari-client.js';
import type { Target } from './target.js';

export interface AriEventJson {
  type: string;
  timestamp?: string;
  channel?: { id: string; name?: string; state?: string };
  playback?: { id: string; state?: string; target_uri?: string };
  recording?: { name: string; state?: string; duration?: number; cause?: string };
  bridge?: { id: string };
  [key: string]: unknown;
}

type Handler = (event: AriEventJson) => void;

export class AriApp {
  readonly #handlers = new Map<string, Handler[]>();
  /** Event types seen, for the stderr summary. */
  readonly counts = new Map<string, number>();
  lost: string | undefined;
  #closed = false;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => this.#onMessage(data as Buffer));
    ws.on('error', (err) => (this.lost ??= `error: ${err.message}`));
    ws.on('close', (code) => {
      if (!this.#closed) this.lost ??= `closed by the server: ${code}`;
    });
  }

  static open(target: Target, app: string, timeoutMs = 5_000): Promise<AriApp> {
    const apiKey = encodeURIComponent(`${target.user}:${target.password}`);
    const url = `${target.base.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}&api_key=${apiKey}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
      ws.once('open', () => resolve(new AriApp(ws)));
      ws.once('error', (err) => reject(new Error(`events WebSocket ${url}: ${err.message}`)));
    });
  }

  on(type: string, handler: Handler): void {
    const list = this.#handlers.get(type) ?? [];
    list.push(handler);
    this.#handlers.set(type, list);
  }

  count(type: string): number {
    return this.counts.get(type) ?? 0;
  }

  close(): void {
    this.#closed = true;
    this.ws.close();
  }

  #onMessage(data: Buffer): void {
    let event: AriEventJson;
    try {
      event = JSON.parse(data.toString('utf8')) as AriEventJson;
    } catch {
      return;
    }
    this.counts.set(event.type, (this.counts.get(event.type) ?? 0) + 1);
    for (const handler of this.#handlers.get(event.type) ?? []) handler(event);
  }
}

/** Resolves when `done()` holds (checked every 50 ms) or after `timeoutMs`; true when it held. */
export async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** Runs `task` over `items` with at most `concurrency` at once. */
export async function eachLimited<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

/**
 * Hangs up every channel still in Stasis(app) — the leftovers of requests that timed out before their channel id
 * came back — so that a loaded server does not carry them into the next step. Returns how many were found.
 */
export async function sweepApp(http: AriHttp, app: string): Promise<number> {
  const res = await http.request('GET', '/channels', 30_000);
  if (!isOk(res)) return 0;
  let list: { id: string; dialplan?: { app_name?: string; app_data?: string } }[];
  try {
    list = JSON.parse(res.body) as typeof list;
  } catch {
    return 0;
  }
  const mine = list.filter((c) => c.dialplan?.app_name === 'Stasis' && c.dialplan.app_data?.split(',')[0] === app);
  await eachLimited(mine, 16, async (c) => {
    await http.request('DELETE', `/channels/${encodeURIComponent(c.id)}`, 10_000);
  });
  return mine.length;
}
