/**
 * The floor under any RTP relay written on Node's `dgram`, on this machine: the CPU one thread spends to receive
 * a datagram (epoll wake, recvmsg, Node's buffer and `rinfo`, the JS callback) and to send one (Socket.send,
 * sendmsg and the loopback delivery the kernel charges to the sender), each measured alone in a worker thread.
 * No server is involved: N sender sockets each send a 172-byte datagram (µ-law 20 ms RTP) every 20 ms to N
 * receiver sockets, the sends spread over the 20 ms as the RTP load generator spreads them. The figures bound
 * from below what the bridge benchmark can show: a relayed packet costs a server one receive and one send, and the
 * load generator one send (plus one receive per packet it reads).
 *
 *   node --import tsx bench/udp-floor.ts [--streams 1000] [--seconds 10]
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { printJson, round } from './lib/stats.js';
import { parseBenchArgs } from './lib/target.js';

const USAGE = `
node --import tsx bench/udp-floor.ts [options]
  --streams N     sockets on each side, one 20 ms stream each (default 1000)
  --seconds S     measured seconds after a 2 s warm-up (default 10)`;

const FRAME_MS = 20;
/** An RTP header and 20 ms of µ-law. */
const DATAGRAM_BYTES = 172;
/** Sends spread over the 20 ms in this many slots, as bench/lib/rtp-send-clock.ts does. */
const SLOTS = 4;
const WARMUP_MS = 2_000;
const TICKS_PER_S = 100; // USER_HZ

interface Role {
  readonly role: 'send' | 'receive';
  readonly streams: number;
  /** The receivers' ports, for the sender (each side binds ephemeral ports: the receiver's first). */
  readonly ports: readonly number[];
  readonly seconds: number;
}

interface RoleResult {
  readonly role: Role['role'];
  readonly datagrams: number;
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

async function runRole(role: Role): Promise<RoleResult> {
  const sockets: Socket[] = [];
  let datagrams = 0;
  let counting = false;
  for (let i = 0; i < role.streams; i++) {
    const socket = createSocket({ type: 'udp4', lookup: literal });
    socket.on('error', () => undefined);
    if (role.role === 'receive') {
      socket.on('message', () => {
        if (counting) datagrams++;
      });
    }
    await bindTo(socket, 0);
    sockets.push(socket);
  }
  parentPort!.postMessage(sockets.map((s) => s.address().port));
  await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
  let timer: NodeJS.Timeout | undefined;
  if (role.role === 'send') {
    const payload = Buffer.alloc(DATAGRAM_BYTES, 0xff);
    let slot = 0;
    timer = setInterval(() => {
      for (let i = slot; i < sockets.length; i += SLOTS) {
        sockets[i]!.send(payload, role.ports[i], '127.0.0.1');
        if (counting) datagrams++;
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
  for (const socket of sockets) socket.close();
  return { role: role.role, datagrams, userMs: to.user - from.user, sysMs: to.sys - from.sys };
}

function perDatagram(r: RoleResult, seconds: number): Record<string, number> {
  const n = Math.max(1, r.datagrams);
  return {
    per_s: Math.round(r.datagrams / seconds),
    cpu_pct: round(((r.userMs + r.sysMs) / (seconds * 1000)) * 100, 1),
    us: round(((r.userMs + r.sysMs) * 1000) / n, 2),
    user_us: round((r.userMs * 1000) / n, 2),
    sys_us: round((r.sysMs * 1000) / n, 2),
  };
}

async function main(): Promise<void> {
  const args = parseBenchArgs(
    {
      streams: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
    },
    USAGE,
  );
  const streams = Number(args.streams);
  const seconds = Number(args.seconds);
  if (!(Number.isInteger(streams) && streams > 0 && streams <= 10_000)) throw new Error('--streams: 1 to 10000');
  if (!(seconds > 0 && seconds <= 120)) throw new Error('--seconds: more than 0, at most 120');
  // Run from TypeScript under tsx: the workers register its loader first (as rtp-load.ts does).
  const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const start = async (role: Role['role'], ports: readonly number[]): Promise<[Worker, number[]]> => {
    const worker = new Worker(bootstrap, { eval: true, workerData: { role, streams, ports, seconds } satisfies Role });
    return [worker, await new Promise<number[]>((r) => worker.once('message', r))];
  };
  const [receiver, ports] = await start('receive', []);
  const [sender] = await start('send', ports);
  const workers = [receiver, sender];
  const results = workers.map((w) => new Promise<RoleResult>((r) => w.once('message', r)));
  for (const w of workers) w.postMessage('go');
  const [received, sent] = await Promise.all(results);
  await Promise.all(workers.map((w) => w.terminate()));
  const recv = perDatagram(received!, seconds);
  const send = perDatagram(sent!, seconds);
  const relayUs = recv.us! + send.us!;
  printJson({
    name: 'udp-floor',
    node: process.version,
    streams,
    seconds,
    datagram_bytes: DATAGRAM_BYTES,
    receive: recv,
    send,
    lost_pct: round(Math.max(0, 1 - received!.datagrams / Math.max(1, sent!.datagrams)) * 100, 3),
    // A two-party bridged call relays 2 × 50 packets a second, each one receive and one send.
    relayed_packet_us: round(relayUs, 2),
    bridged_pairs_per_core: Math.floor(1e6 / (2 * (1000 / FRAME_MS) * relayUs)),
  });
}

if (isMainThread) {
  main().catch((err: Error) => {
    process.stderr.write(`udp-floor: ${err.message}\n`);
    process.exitCode = 1;
  });
} else {
  void runRole(workerData as Role).then((result) => parentPort!.postMessage(result));
}
