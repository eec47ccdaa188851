/**
 * The floor under any media server written on Node, on this machine: the CPU one thread spends to receive a
 * message and to send one, each side measured alone in a worker thread. UDP: a receive is an epoll wake,
 * recvmsg, Node's buffer and `rinfo` and the JS callback; a send is Socket.send, sendmsg and the loopback delivery
 * the kernel charges to the sender. TCP (`--transport tcp`, as a WebSocket media stream carries its frames): a
 * write and a read of one frame on a connection with Nagle off. No server is involved: N sender sockets each send
 * one 20 ms µ-law frame every 20 ms (a 172-byte RTP packet, or a 166-byte WebSocket frame: 6-byte header and 160
 * bytes) to N receivers, the sends spread over the 20 ms as the RTP load generator spreads them. The figures bound
 * from below what the media benchmarks can show: a relayed RTP packet costs a server one UDP receive and one send;
 * a WebSocket media frame each way costs it one UDP receive, one TCP write, one TCP read and one UDP send.
 *
 *   node --import tsx bench/io-floor.ts [--transport udp|tcp] [--streams 1000] [--seconds 10]
 */
import { createSocket, type Socket } from 'node:dgram';
import { createConnection, createServer, type Socket as TcpSocket } from 'node:net';
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { SLOTS } from './lib/rtp-send-clock.js';
import { printJson, round } from './lib/stats.js';
import { parseBenchArgs } from './lib/target.js';

const USAGE = `
node --import tsx bench/io-floor.ts [options]
  --transport T   udp (RTP datagrams, default) or tcp (WebSocket frames on connections)
  --streams N     sockets on each side, one 20 ms stream each (default 1000)
  --seconds S     measured seconds after a 2 s warm-up (default 10)`;

const FRAME_MS = 20;
/** An RTP header and 20 ms of µ-law; a WebSocket binary frame header (server to client) and the same 160 bytes. */
const MESSAGE_BYTES = { udp: 172, tcp: 166 } as const;
type Transport = keyof typeof MESSAGE_BYTES;
const WARMUP_MS = 2_000;
const TICKS_PER_S = 100; // USER_HZ

interface Role {
  readonly role: 'send' | 'receive';
  readonly transport: Transport;
  readonly streams: number;
  /** The receivers' ports, for the sender (each side binds ephemeral ports: the receiver's first). */
  readonly ports: readonly number[];
  readonly seconds: number;
}

interface RoleResult {
  readonly role: Role['role'];
  /** Messages sent, or received (TCP: bytes received ÷ the frame size, since reads may join frames). */
  readonly messages: number;
  /** Receive callbacks (UDP: one a datagram; TCP: one a read). */
  readonly reads: number;
  readonly userMs: number;
  readonly sysMs: number;
}

/** This thread's user and system CPU in ms (proc(5) fields 14 and 15 of /proc/thread-self/stat). */
function threadCpuMs(): { user: number; sys: number } {
  const stat = readFileSync('/proc/thread-self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: (Number(fields[11]) * 1000) / TICKS_PER_S, sys: (Number(fields[12]) * 1000) / TICKS_PER_S };
}

const bindTo = (socket: Socket, port: number): Promise<void> =>
  new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });

/** IP literals need no lookup: answer at once (what src/rtp/session/literal-lookup.ts does for RTP sockets). */
const literal = (host: string, _o: unknown, cb: (e: null, a: string, f: number) => void): void => cb(null, host, 4);

/** The sending side's sockets: send(i) sends stream i's frame. */
interface Senders {
  send(i: number, payload: Buffer): void;
  close(): void;
}

async function udpSide(role: Role, onRead: (bytes: number) => void): Promise<{ ports: number[]; side: Senders }> {
  const sockets: Socket[] = [];
  for (let i = 0; i < role.streams; i++) {
    const socket = createSocket({ type: 'udp4', lookup: literal });
    socket.on('error', () => undefined);
    if (role.role === 'receive') socket.on('message', (msg: Buffer) => onRead(msg.length));
    await bindTo(socket, 0);
    sockets.push(socket);
  }
  return {
    ports: sockets.map((s) => s.address().port),
    side: {
      send: (i, payload) => sockets[i]!.send(payload, role.ports[i], '127.0.0.1'),
      close: () => sockets.forEach((s) => s.close()),
    },
  };
}

async function tcpSide(role: Role, onRead: (bytes: number) => void): Promise<{ ports: number[]; side: Senders }> {
  const sockets: TcpSocket[] = [];
  const keep = (socket: TcpSocket): void => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    sockets.push(socket);
  };
  if (role.role === 'receive') {
    const server = createServer((socket) => {
      keep(socket);
      socket.on('data', (chunk: Buffer) => onRead(chunk.length));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    return { ports: [port], side: { send: () => undefined, close: () => server.close() } };
  }
  for (let i = 0; i < role.streams; i++) {
    const socket = createConnection(role.ports[0]!, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    keep(socket);
  }
  return {
    ports: [],
    side: {
      send: (i, payload) => void sockets[i]!.write(payload),
      close: () => sockets.forEach((s) => s.destroy()),
    },
  };
}

async function runRole(role: Role): Promise<RoleResult> {
  let bytes = 0;
  let reads = 0;
  let sent = 0;
  let counting = false;
  const onRead = (n: number): void => {
    if (!counting) return;
    bytes += n;
    reads++;
  };
  const { ports, side } = await (role.transport === 'udp' ? udpSide : tcpSide)(role, onRead);
  parentPort!.postMessage(ports);
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  if (role.role === 'send') {
    const payload = Buffer.alloc(MESSAGE_BYTES[role.transport], 0xff);
    let slot = 0;
    timer = setInterval(() => {
      for (let i = slot; i < role.streams; i += SLOTS) {
        side.send(i, payload);
        if (counting) sent++;
      }
      slot = (slot + 1) % SLOTS;
    }, FRAME_MS / SLOTS);
  }
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  counting = true;
  const from = threadCpuMs();
  await new Promise((r) => setTimeout(r, role.seconds * 1000));
  const to = threadCpuMs();
  counting = false;
  clearInterval(timer);
  side.close();
  const messages = role.role === 'send' ? sent : Math.round(bytes / MESSAGE_BYTES[role.transport]);
  return { role: role.role, messages, reads, userMs: to.user - from.user, sysMs: to.sys - from.sys };
}

/** CPU per message (a receive that joined k frames counts as k). */
function perMessage(r: RoleResult, seconds: number): Record<string, number> {
  const n = Math.max(1, r.messages);
  return {
    per_s: Math.round(r.messages / seconds),
    ...(r.role === 'receive' ? { reads_per_s: Math.round(r.reads / seconds) } : {}),
    cpu_pct: round(((r.userMs + r.sysMs) / (seconds * 1000)) * 100, 1),
    us: round(((r.userMs + r.sysMs) * 1000) / n, 2),
    user_us: round((r.userMs * 1000) / n, 2),
    sys_us: round((r.sysMs * 1000) / n, 2),
  };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(
    {
      transport: { type: 'string', default: 'udp' },
      streams: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
    },
    USAGE,
  );
  const transport = args.transport;
  if (transport !== 'udp' && transport !== 'tcp') throw new Error('--transport: udp or tcp');
  const streams = Number(args.streams);
  const seconds = Number(args.seconds);
  if (!(Number.isInteger(streams) && streams > 0 && streams <= 10_000)) throw new Error('--streams: 1 to 10000');
  if (!(seconds > 0 && seconds <= 120)) throw new Error('--seconds: more than 0, at most 120');
  // Run from TypeScript under tsx: the workers register its loader first (as rtp-load.ts does).
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const start = async (role: Role['role'], ports: readonly number[]): Promise<[Worker, number[]]> => {
    const worker = new Worker(bootstrap, {
      eval: true,
      workerData: { role, transport, streams, ports, seconds } satisfies Role,
    });
    return [worker, await new Promise<number[]>((r) => worker.once('message', r))];
  };
  const [receiver, ports] = await start('receive', []);
  const [sender] = await start('send', ports);
  const workers = [receiver, sender];
  const results = workers.map((w) => new Promise<RoleResult>((r) => w.once('message', r)));
  for (const w of workers) w.postMessage('go');
  const [received, sent] = await Promise.all(results);
  await Promise.all(workers.map((w) => w.terminate()));
  const recv = perMessage(received!, seconds);
  const send = perMessage(sent!, seconds);
  const bothUs = recv.us! + send.us!;
  printJson({
    name: 'io-floor',
    node: process.version,
    transport,
    streams,
    seconds,
    message_bytes: MESSAGE_BYTES[transport],
    receive: recv,
    send,
    lost_pct: round(Math.max(0, 1 - received!.messages / Math.max(1, sent!.messages)) * 100, 3),
    // UDP: a two-party bridged call relays 2 × 50 packets a second, each one receive and one send.
    ...(transport === 'udp'
      ? {
          relayed_packet_us: round(bothUs, 2),
          bridged_pairs_per_core: Math.floor(1e6 / (2 * (1000 / FRAME_MS) * bothUs)),
        }
      : { frame_write_and_read_us: round(bothUs, 2) }),
  });
}

if (isMainThread) {
  main().catch((err: Error) => {
    process.stderr.write(`io-floor: ${err.message}\n`);
    process.exitCode = 1;
  });
} else {
  void runRole(workerData as Role).then((result) => parentPort!.postMessage(result));
}
