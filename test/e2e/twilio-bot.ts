// A bot for end-to-end tests that speaks only Twilio Media Streams' messages, as a bot written for Twilio does: it
// waits for `connected` and `start`, takes the streamSid from `start`, decodes the base64 µ-law of `media`, and
// sends `media` (in chunks of any sizes), `mark` and `clear` with that streamSid. Every message is recorded as
// parsed JSON with its arrival time. It either listens for Switchyard to dial it (client mode: `BotServer`) or
// dials `/media/<connection id>` itself (server mode: `TwilioBot.connect`).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import WebSocket, { WebSocketServer } from 'ws';
import { createFrameCoder } from '../../src/media/codecs/audio-codecs.js';

export interface Timed<T> {
  readonly at: number;
  readonly data: T;
}

/** A message from Switchyard, as JSON (Twilio's messages are objects with an `event`). */
export type TwilioMessage = { readonly event: string; readonly [field: string]: any };

const ulaw = createFrameCoder('ulaw');

export class TwilioBot {
  readonly messages: Timed<TwilioMessage>[] = [];
  /** Messages that were not JSON TEXT (there must be none). */
  readonly strays: (string | Buffer)[] = [];
  closeCode: number | undefined;
  readonly #closed: Promise<number>;
  #waiters: { pred: (m: TwilioMessage) => boolean; resolve: (m: Timed<TwilioMessage>) => void }[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      const at = performance.now();
      let message: TwilioMessage;
      try {
        message = JSON.parse(data.toString('utf8')) as TwilioMessage;
        if (isBinary || typeof message.event !== 'string') throw new Error('not a Twilio message');
      } catch {
        this.strays.push(isBinary ? data : data.toString('utf8'));
        return;
      }
      const timed = { at, data: message };
      this.messages.push(timed);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.pred(message)) return true;
        w.resolve(timed);
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

  /** Server mode: the bot connects to `url`; rejects with the HTTP status of a refused handshake. */
  static async connect(url: string): Promise<TwilioBot> {
    const ws = new WebSocket(url);
    const bot = new TwilioBot(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return bot;
  }

  /** The first message of `event` matching `pred`, among those from index `from` on (received or to come). */
  waitFor(
    event: string,
    pred: (m: TwilioMessage) => boolean = () => true,
    ms = 5000,
    from = 0,
  ): Promise<Timed<TwilioMessage>> {
    const match = (m: TwilioMessage): boolean => m.event === event && pred(m);
    const seen = this.messages.slice(from).find((t) => match(t.data));
    if (seen) return Promise.resolve(seen);
    const wanted = new Error(`no ${event} message in ${ms} ms`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(wanted), ms);
      this.#waiters.push({
        pred: match,
        resolve: (t) => {
          clearTimeout(timer);
          resolve(t);
        },
      });
    });
  }

  /** The streamSid of the `start` message (what a Twilio bot sends back with everything). */
  get streamSid(): string {
    const start = this.messages.find((m) => m.data.event === 'start');
    if (start === undefined) throw new Error('no start message yet');
    return start.data.streamSid as string;
  }

  /** The `media` messages from message index `from` on. */
  media(from = 0): Timed<TwilioMessage>[] {
    return this.messages.slice(from).filter((m) => m.data.event === 'media');
  }

  /** The caller's audio heard from message index `from` on: every media payload, decoded in order. */
  heard(from = 0): Int16Array {
    const bytes = Buffer.concat(this.media(from).map((m) => Buffer.from(m.data.media.payload as string, 'base64')));
    const out = new Int16Array(ulaw.samplesIn(bytes.length));
    return out.subarray(0, ulaw.decode(bytes, out));
  }

  /** Send `samples` (8 kHz) as µ-law `media` messages, cut in turn into the sizes of `chunks`; the time sent. */
  sendAudio(samples: Int16Array, chunks: readonly number[] = [160]): number {
    const bytes = Buffer.alloc(ulaw.bytesFor(samples.length));
    ulaw.encode(samples, bytes);
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const size = chunks[i % chunks.length]!;
      this.#send({ event: 'media', streamSid: this.streamSid, media: { payload: bytes.toString('base64', at, Math.min(at + size, bytes.length)) } }); // prettier-ignore
      at += size;
    }
    return performance.now();
  }

  mark(name: string): number {
    this.#send({ event: 'mark', streamSid: this.streamSid, mark: { name } });
    return performance.now();
  }

  clear(): number {
    this.#send({ event: 'clear', streamSid: this.streamSid });
    return performance.now();
  }

  waitClose(ms = 5000): Promise<number> {
    return Promise.race([
      this.#closed,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('socket not closed')), ms)),
    ]);
  }

  close(code = 1000): void {
    this.ws.close(code);
  }

  terminate(): void {
    this.ws.terminate();
  }

  #send(message: object): void {
    this.ws.send(JSON.stringify(message));
  }
}

/** Where Switchyard dials bots in client mode: a WebSocket server on 127.0.0.1 taking any path. */
export class BotServer {
  readonly bots: { bot: TwilioBot; req: IncomingMessage }[] = [];
  #arrived: (() => void) | undefined;

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
  ) {
    wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
      this.bots.push({ bot: new TwilioBot(ws), req });
      this.#arrived?.();
    });
  }

  static async listen(): Promise<BotServer> {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    return new BotServer(http, wss);
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The next bot connection Switchyard makes (call before the request that makes it). */
  next(ms = 5000): Promise<{ bot: TwilioBot; req: IncomingMessage }> {
    const count = this.bots.length;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection to the bot in ${ms} ms`)), ms);
      this.#arrived = () => {
        if (this.bots.length <= count) return;
        clearTimeout(timer);
        resolve(this.bots[count]!);
      };
    });
  }

  close(): void {
    for (const { bot } of this.bots) bot.terminate();
    this.wss.close();
    this.http.close();
  }
}
