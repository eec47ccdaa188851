/**
 * The heap of a server started with `--inspect=127.0.0.1:PORT`, measured after a full garbage collection, through
 * the V8 inspector protocol (HeapProfiler.collectGarbage, then Runtime.evaluate of process.memoryUsage()). The
 * server needs no code of its own for this: a long benchmark asks for a collection the way a debugger would.
 */
import http from 'node:http';
import WebSocket from 'ws';

export interface HeapAfterGc {
  /** V8 heap in use after the collection (MB), the main thread's isolate. */
  heapUsedMb: number;
  heapTotalMb: number;
  /** Buffers and other memory held outside the heap by JS objects (MB). */
  externalMb: number;
  arrayBuffersMb: number;
}

const MB = 1024 * 1024;
const REPLY_TIMEOUT_MS = 30_000;

function getJson(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.setTimeout(5_000, () => req.destroy(new Error(`${url}: timeout`)));
    req.on('error', reject);
  });
}

/** One inspector session to the server's main thread; requests are answered in order of their ids. */
export class InspectorHeap {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      let msg: { id?: number; result?: unknown; error?: { message?: string } };
      try {
        msg = JSON.parse(data.toString('utf8')) as typeof msg;
      } catch {
        return;
      }
      const waiter = msg.id === undefined ? undefined : this.#pending.get(msg.id);
      if (!waiter || msg.id === undefined) return;
      this.#pending.delete(msg.id);
      if (msg.error) waiter.reject(new Error(msg.error.message ?? 'inspector error'));
      else waiter.resolve(msg.result);
    });
    ws.on('close', () => {
      for (const w of this.#pending.values()) w.reject(new Error('inspector session closed'));
      this.#pending.clear();
    });
  }

  /** Connect to the first target listed on http://host:port/json/list. */
  static async open(host: string, port: number): Promise<InspectorHeap> {
    const list = (await getJson(`http://${host}:${port}/json/list`)) as { webSocketDebuggerUrl?: string }[];
    const url = list[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error(`no inspector target on ${host}:${port}`);
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * MB });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new InspectorHeap(ws);
  }

  #call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${method}: no reply in ${REPLY_TIMEOUT_MS} ms`));
      }, REPLY_TIMEOUT_MS);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** A full collection, then the memory figures of the process's main isolate. */
  async afterGc(): Promise<HeapAfterGc> {
    await this.#call('HeapProfiler.collectGarbage');
    const result = (await this.#call('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result?: { value?: string } };
    const mem = JSON.parse(result.result?.value ?? '{}') as Partial<NodeJS.MemoryUsage>;
    const mb = (v: number | undefined): number => Math.round(((v ?? 0) / MB) * 10) / 10;
    return {
      heapUsedMb: mb(mem.heapUsed),
      heapTotalMb: mb(mem.heapTotal),
      externalMb: mb(mem.external),
      arrayBuffersMb: mb(mem.arrayBuffers),
    };
  }

  close(): void {
    this.ws.close();
  }
}
