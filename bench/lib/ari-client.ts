/**
 * A minimal ARI client for load: REST over keep-alive HTTP that never throws (failures come back as
 * `status: 0` with a reason), and the events WebSocket with per-channel waiters for StasisStart/StasisEnd.
 */
import http from 'node:http';
import WebSocket from 'ws';
import { nowMs } from './stats.js';
import type { Target } from './target.js';

export interface AriResponse {
  /** HTTP status; 0 when there was no response (`error` says why). */
  readonly status: number;
  readonly body: string;
  readonly error?: string;
}

export function isOk(res: AriResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

/** `404`, or `timeout` / `ECONNRESET` when no response came. */
export function reasonOf(res: AriResponse): string {
  return res.status ? String(res.status) : (res.error ?? 'error');
}

export class AriHttp {
  readonly agent: http.Agent;

  constructor(
    private readonly target: Target,
    maxSockets: number,
  ) {
    // FIFO: every pooled socket is used in turn, so none sits idle until the server's keep-alive timeout closes
    // it (15 s on both servers) — the moment a LIFO pool hands out a socket the server has just closed.
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' });
  }

  /**
   * `path` is relative to the ARI base, e.g. `/channels?endpoint=...`; `fresh` sends it on a new connection
   * instead of a pooled one.
   */
  request(method: string, path: string, timeoutMs = 5_000, fresh = false): Promise<AriResponse> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (res: AriResponse): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(res);
      };
      const req = http.request(
        `${this.target.ariBase}${path}`,
        { method, agent: fresh ? false : this.agent, headers: { authorization: this.target.authorization } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (err) => finish({ status: 0, body: '', error: errorCode(err) }));
        },
      );
      const timer = setTimeout(() => {
        finish({ status: 0, body: '', error: 'timeout' });
        req.destroy();
      }, timeoutMs);
      req.on('error', (err) => finish({ status: 0, body: '', error: errorCode(err) }));
      req.end();
    });
  }

  /**
   * `request`, sent once more when the server reset a reused keep-alive connection before answering (as browsers
   * and undici do) — on a new connection, since other pooled sockets may be closing at the same moment;
   * `onRetry` counts those.
   */
  async requestRetryingReset(method: string, path: string, onRetry: () => void): Promise<AriResponse> {
    const res = await this.request(method, path);
    if (res.status !== 0 || (res.error !== 'ECONNRESET' && res.error !== 'EPIPE')) return res;
    onRetry();
    return this.request(method, path, undefined, true);
  }

  close(): void {
    this.agent.destroy();
  }
}

function errorCode(err: Error): string {
  return (err as NodeJS.ErrnoException).code ?? err.message;
}

interface AriEvent {
  type?: string;
  channel?: { id?: string };
}

type WatchedType = 'StasisStart' | 'StasisEnd';

/**
 * The events WebSocket of one Stasis application. `wait('StasisStart', id)` resolves with the event's arrival
 * time (monotonic ms), or null after the timeout; events that arrive before anyone waits for them are kept,
 * since a StasisEnd may well overtake the 204 of the DELETE that caused it.
 */
export class AriEvents {
  readonly #waiters = new Map<string, (atMs: number | null) => void>();
  readonly #early = new Map<string, number>();
  #closed = false;
  /** Any event type seen, for the stderr summary. */
  readonly counts = new Map<string, number>();

  /** Set when the server closed the socket or it failed while we still used it. */
  lost: string | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => this.#onMessage(data));
    ws.on('error', (err) => (this.lost ??= `error: ${err.message}`));
    ws.on('close', (code, reason) => {
      if (!this.#closed) this.lost ??= `closed by the server: ${code} ${reason.toString()}`;
    });
  }

  static open(target: Target, app: string, timeoutMs = 5_000): Promise<AriEvents> {
    const apiKey = encodeURIComponent(`${target.user}:${target.password}`);
    const url = `${target.base.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}&api_key=${apiKey}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { handshakeTimeout: timeoutMs, perMessageDeflate: false });
      ws.once('open', () => resolve(new AriEvents(ws)));
      ws.once('error', (err) => reject(new Error(`events WebSocket ${url}: ${err.message}`)));
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`events WebSocket ${url}: HTTP ${res.statusCode ?? '?'}`)),
      );
    });
  }

  get isOpen(): boolean {
    return !this.#closed && this.ws.readyState === WebSocket.OPEN;
  }

  wait(type: WatchedType, channelId: string, timeoutMs: number): Promise<number | null> {
    const key = `${type} ${channelId}`;
    const early = this.#early.get(key);
    if (early !== undefined) {
      this.#early.delete(key);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(key);
        resolve(null);
      }, timeoutMs);
      this.#waiters.set(key, (atMs) => {
        clearTimeout(timer);
        resolve(atMs);
      });
    });
  }

  /** Forget events nobody waited for (channels of failed cycles). */
  forgetEarly(): void {
    this.#early.clear();
  }

  close(): void {
    this.#closed = true;
    this.ws.close();
  }

  #onMessage(data: WebSocket.RawData): void {
    const atMs = nowMs();
    let event: AriEvent;
    try {
      event = JSON.parse((data as Buffer).toString('utf8')) as AriEvent; // binaryType 'nodebuffer'
    } catch {
      this.counts.set('(not JSON)', (this.counts.get('(not JSON)') ?? 0) + 1);
      return;
    }
    const type = event.type ?? '(no type)';
    this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
    if ((type !== 'StasisStart' && type !== 'StasisEnd') || typeof event.channel?.id !== 'string') return;
    const key = `${type} ${event.channel.id}`;
    const waiter = this.#waiters.get(key);
    if (waiter) {
      this.#waiters.delete(key);
      waiter(atMs);
    } else {
      this.#early.set(key, atMs);
    }
  }
}

/** The channel id in a POST /channels response body, if any. */
export function channelIdOf(res: AriResponse): string | undefined {
  try {
    const id = (JSON.parse(res.body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
