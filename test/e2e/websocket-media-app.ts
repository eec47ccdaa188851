// The app end of a WebSocket media channel for end-to-end tests: a raw `ws` socket (the app connecting to
// `/media/<id>`, or the socket a client-mode channel opened to the test's own server) that records every message
// with its arrival time, waits for TEXT events, and encodes and decodes the channel's audio.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { createFrameCoder, type AudioCodecName } from '../../src/media/codecs/audio-codecs.js';
import { ari, type AriEvent, type EventSocket } from '../helpers/ari.js';
import type { TestServer } from '../helpers/server.js';

export interface Timed<T> {
  readonly at: number;
  readonly data: T;
}

export class MediaApp {
  readonly texts: Timed<string>[] = [];
  readonly frames: Timed<Buffer>[] = [];
  closeCode: number | undefined;
  readonly #closed: Promise<number>;
  #waiters: { pred: (t: string) => boolean; resolve: (t: Timed<string>) => void }[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const at = performance.now();
      if (isBinary) {
        this.frames.push({ at, data });
        return;
      }
      const text = { at, data: data.toString('utf8') };
      this.texts.push(text);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(text.data)) return true;
        w.resolve(text);
        return false;
      });
    });
    this.#closed = new Promise((resolve) =>
      ws.on('close', (code: number) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  /** Connect to `url`; rejects with the HTTP status of a refused handshake. */
  static async connect(url: string, protocols?: string[]): Promise<MediaApp> {
    const ws = new WebSocket(url, protocols);
    const app = new MediaApp(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return app;
  }

  /** The first TEXT message matching `pred`, among those from index `from` on (received or to come). */
  waitText(pred: (text: string) => boolean, ms = 5000, from = 0): Promise<Timed<string>> {
    const seen = this.texts.slice(from).find((t) => pred(t.data));
    if (seen) return Promise.resolve(seen);
    const wanted = new Error(`media text not received in ${ms} ms: ${pred.toString().slice(0, 120)}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(wanted), ms);
      this.#waiters.push({
        pred,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      });
    });
  }

  /** A JSON event by name, among the messages from index `from` on. */
  async waitEvent(event: string, ms = 5000, from = 0): Promise<Timed<any>> {
    const t = await this.waitText((text) => text.startsWith('{') && JSON.parse(text).event === event, ms, from);
    return { at: t.at, data: JSON.parse(t.data) };
  }

  /** Send a JSON command and wait for the next `event` after it. */
  async ask(command: string, event: string, ms = 5000): Promise<Timed<any>> {
    const from = this.texts.length;
    this.send(JSON.stringify({ command }));
    return this.waitEvent(event, ms, from);
  }

  waitClose(ms = 5000): Promise<number> {
    return Promise.race([
      this.#closed,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('socket not closed')), ms)),
    ]);
  }

  send(data: string | Uint8Array): number {
    this.ws.send(data);
    return performance.now();
  }

  /** Everything received as audio from frame `from` on, decoded. */
  heard(codec: AudioCodecName, from = 0): Int16Array {
    return decode(codec, Buffer.concat(this.frames.slice(from).map((f) => f.data)));
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Samples as the socket carries them: slin little-endian, the others in their codec. */
export function encode(codec: AudioCodecName, samples: Int16Array): Buffer {
  if (codec === 'slin' || codec === 'slin16') {
    const out = Buffer.alloc(samples.length * 2);
    samples.forEach((v, i) => out.writeInt16LE(v, 2 * i));
    return out;
  }
  const coder = createFrameCoder(codec);
  const out = Buffer.alloc(coder.bytesFor(samples.length));
  return out.subarray(0, coder.encode(samples, out));
}

export function decode(codec: AudioCodecName, bytes: Buffer): Int16Array {
  if (codec === 'slin' || codec === 'slin16') {
    const out = new Int16Array(bytes.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = bytes.readInt16LE(2 * i);
    return out;
  }
  const coder = createFrameCoder(codec);
  const out = new Int16Array(coder.samplesIn(bytes.length));
  return out.subarray(0, coder.decode(bytes, out));
}

/** Originate `WebSocket/INCOMING/<options>` into `app`; its id and the connection id the app must use. */
export async function originateIncoming(
  server: TestServer,
  app: string,
  options: string,
  extra = '',
): Promise<{ id: string; connectionId: string; name: string }> {
  const endpoint = encodeURIComponent(`WebSocket/INCOMING/${options}`);
  const made = await ari(server, 'POST', `/channels?endpoint=${endpoint}&app=${app}${extra}`);
  if (made.status !== 200) throw new Error(`originate: ${made.status} ${made.text}`);
  const variable = await ari(
    server,
    'GET',
    `/channels/${made.json.id}/variable?variable=MEDIA_WEBSOCKET_CONNECTION_ID`,
  );
  return { id: made.json.id, connectionId: variable.json.value, name: made.json.name };
}

/** The app's media URL for a connection id. */
export function mediaUrl(server: TestServer, connectionId: string): string {
  return `${server.url.replace('http', 'ws')}${server.app.config.http.prefix}/media/${connectionId}`;
}

/** The StasisStart of `channelId`. */
export function stasisStart(events: EventSocket, channelId: string, ms = 5000): Promise<AriEvent> {
  return events.wait((e) => e.type === 'StasisStart' && e.channel?.id === channelId, ms);
}
