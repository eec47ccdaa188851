import WebSocket from 'ws';
import type { TestServer } from './server.js';

export interface AriEvent {
  type: string;
  application: string;
  channel?: {
    id: string;
    state: string;
    dialplan: { context: string; exten: string; priority: number; app_name: string };
  };
  [key: string]: any;
}

/** A raw events WebSocket that collects every event and can wait for one. */
export class EventSocket {
  readonly events: AriEvent[] = [];
  #waiters: { pred: (e: AriEvent) => boolean; resolve: (e: AriEvent) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const event = JSON.parse(data.toString()) as AriEvent;
      this.events.push(event);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(event)) return true;
        w.resolve(event);
        return false;
      });
    });
  }

  static async open(server: TestServer, apps: string, extra = ''): Promise<EventSocket> {
    const url = `${server.url.replace('http', 'ws')}/ari/events?app=${apps}&api_key=asterisk:asterisk${extra}`;
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new EventSocket(ws);
  }

  /** The first event (already received or to come) matching `pred`; rejects after `ms`. */
  wait(pred: (e: AriEvent) => boolean, ms = 5000): Promise<AriEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    const wanted = new Error(`event not received in ${ms} ms: ${pred.toString().slice(0, 160)}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(wanted), ms);
      this.#waiters.push({
        pred,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /** Types of the events about one channel, in arrival order. */
  typesFor(channelId: string): string[] {
    return this.events.filter((e) => e.channel?.id === channelId).map((e) => e.type);
  }

  close(): void {
    this.ws.terminate();
  }
}

/** An ARI request with Basic auth; JSON bodies are sent as application/json. */
export async function ari(
  server: TestServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any; text: string; headers: Headers }> {
  const init: RequestInit = { method, headers: { Authorization: server.auth, ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    if (typeof body !== 'string') (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
  }
  const r = await fetch(server.ariBase + path, init);
  const text = await r.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, json, text, headers: r.headers };
}

/** A mixing bridge holding `ids` (POST /bridges, then addChannel); fails unless the add answers 204. */
export async function mixingBridge(server: TestServer, ids: readonly string[]): Promise<string> {
  const made = await ari(server, 'POST', '/bridges?type=mixing');
  const id = (made.json as { id: string }).id;
  const added = await ari(server, 'POST', `/bridges/${id}/addChannel?channel=${ids.join(',')}`);
  if (added.status !== 204) throw new Error(`addChannel ${ids.join(',')}: ${added.status} ${added.text}`);
  return id;
}
