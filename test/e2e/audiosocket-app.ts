// An AudioSocket app for end-to-end tests: a TCP server on 127.0.0.1 that Switchyard's AudioSocket channels
// connect to. Each connection keeps every message it receives with its arrival time, and can send audio (paced
// in 20 ms chunks, or in bursts), digits, errors and a hangup. It reads and writes the wire format itself (kind,
// 16-bit big-endian length, little-endian PCM), independently of the product's framer.
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export const KIND = { HANGUP: 0x00, UUID: 0x01, DTMF: 0x03, SLIN: 0x10, SLIN16: 0x12, ERROR: 0xff } as const;

export interface AppMessage {
  readonly kind: number;
  readonly payload: Buffer;
  /** performance.now() at arrival. */
  readonly at: number;
}

async function until<T>(find: () => T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One message as bytes. */
export function message(kind: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.alloc(3 + payload.length);
  out[0] = kind;
  out.writeUInt16BE(payload.length, 1);
  out.set(payload, 3);
  return out;
}

/** Samples as little-endian PCM. */
export function pcmLe(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => out.writeInt16LE(s, 2 * i));
  return out;
}

export class AppConnection {
  readonly messages: AppMessage[] = [];
  #pending = Buffer.alloc(0);
  isClosed = false;
  readonly closed: Promise<unknown>;

  constructor(readonly socket: Socket) {
    this.closed = once(socket, 'close').then(() => (this.isClosed = true));
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      let buf = Buffer.concat([this.#pending, chunk]);
      while (buf.length >= 3 && buf.length >= 3 + buf.readUInt16BE(1)) {
        const end = 3 + buf.readUInt16BE(1);
        this.messages.push({ kind: buf[0]!, payload: Buffer.from(buf.subarray(3, end)), at: performance.now() });
        buf = buf.subarray(end);
      }
      this.#pending = Buffer.from(buf);
    });
  }

  /** Wait until `n` messages matching `pred` have arrived; they are returned. */
  waitFor(pred: (m: AppMessage) => boolean, n = 1, ms = 5000): Promise<AppMessage[]> {
    return until(
      () => {
        const found = this.messages.filter(pred);
        return found.length >= n ? found : undefined;
      },
      ms,
      `${n} messages matching ${pred.toString()}`,
    );
  }

  /** The audio of the messages of `kind` from message index `from` on, decoded. */
  audio(kind: number, from = 0): Int16Array {
    const parts = this.messages.slice(from).filter((m) => m.kind === kind);
    const out = new Int16Array(parts.reduce((n, m) => n + (m.payload.length >> 1), 0));
    let at = 0;
    for (const m of parts) for (let i = 0; i + 1 < m.payload.length; i += 2) out[at++] = m.payload.readInt16LE(i);
    return out;
  }

  /** Send `samples` in chunks of `chunkMs` every `chunkMs` (real time, on a schedule that does not drift). */
  async sendAudio(kind: number, samples: Int16Array, rate: number, chunkMs = 20): Promise<void> {
    const chunk = (rate / 1000) * chunkMs;
    const start = performance.now();
    for (let i = 0, n = 0; i < samples.length; i += chunk, n++) {
      this.socket.write(message(kind, pcmLe(samples.subarray(i, Math.min(i + chunk, samples.length)))));
      const wait = start + (n + 1) * chunkMs - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }
}

export class AudioSocketApp {
  readonly connections: AppConnection[] = [];

  private constructor(readonly server: Server) {
    server.on('connection', (socket) => this.connections.push(new AppConnection(socket)));
  }

  static async start(): Promise<AudioSocketApp> {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return new AudioSocketApp(server);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The `n`th connection (0-based), once it has come. */
  connection(n: number, ms = 5000): Promise<AppConnection> {
    return until(() => this.connections[n], ms, `connection ${n}`);
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }
}

/** A port where nothing listens (a server's, closed again). */
export async function closedPort(): Promise<number> {
  const app = await AudioSocketApp.start();
  const port = app.port;
  await app.close();
  return port;
}
