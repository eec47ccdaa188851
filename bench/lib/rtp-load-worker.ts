/**
 * One worker thread of the RTP load generator: a SIP/UDP socket for its share of the calls and one RTP socket
 * per call (connected to the server's RTP port once answered, so the kernel demultiplexes and nothing is looked
 * up per packet). One 20 ms timer sends every call's µ-law frame in a batch; each received packet's arrival,
 * sequence, timestamp and SSRC go into typed arrays (rtp-streams.ts). Controlled by rtp-load.ts over messages.
 */
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type {
  CallCounts,
  LoadCommand,
  LoadEvent,
  LoadWindow,
  LoadWorkerData,
  WindowStats,
} from './rtp-load-protocol.js';
import {
  ackMessage,
  byeMessage,
  inviteMessage,
  newBranch,
  okResponse,
  parseSip,
  type SipDialog,
} from './rtp-load-sip.js';
import type { SipMessage } from './rtp-load-sip.js';
import { StreamRecorder, WindowTotals } from './rtp-streams.js';
import { SendClock, SLOTS } from './rtp-send-clock.js';
import { isG711, payloadOffset, relayDelayMs, relayHeldMs, RtpOut } from './rtp-load-packets.js';

const data = workerData as LoadWorkerData;
process.noDeprecation = true; // DEP0112 (dgram _handle), see newCall
const port = parentPort!;
const LOCAL_HOST = '127.0.0.1';
/** The client's RTP ports: 50000–59999, 2 500 a worker (see bindInRange). */
const RTP_PORTS = { first: 50_000, perWorker: 2_500 } as const;
/** RFC 3261 §17.1.1.2 Timer A starts at T1 and doubles; Timer E caps at T2. */
const T1_MS = 500;
const T2_MS = 4000;
const ANSWER_TIMEOUT_MS = 30_000;
const BYE_TIMEOUT_MS = 32_000;

type CallState = 'idle' | 'inviting' | 'up' | 'byeing' | 'ended' | 'failed';

interface Call {
  readonly c: number;
  readonly dialog: SipDialog;
  readonly rtp: Socket;
  state: CallState;
  branch: string;
  invite: string;
  timer: NodeJS.Timeout | undefined;
  retransmitMs: number;
  answeredAt: number;
  endedAt: number;
  sending: boolean;
  /** Reads and analyses what it receives. */
  measured: boolean;
  readonly out: RtpOut;
}

const absNow = (): number => performance.timeOrigin + performance.now();
const threadId = (): number => {
  try {
    return Number(readFileSync('/proc/thread-self/stat', 'utf8').split(' ', 1)[0]);
  } catch {
    return 0;
  }
};

const sip = createSocket('udp4');
const calls: Call[] = [];
const byCallId = new Map<string, Call>();
let recorder: StreamRecorder | undefined;
let recording = false;
let sendAll = false;
const counts = {
  placed: 0,
  answered: 0,
  failed: {} as Record<string, number>,
  endedByServer: 0,
  ended: 0,
  received: 0,
  sent: 0,
  otherPackets: 0,
};
let hangingUp = false;
let exten = '';

const clock = new SendClock((k, slot) => {
  let sent = 0;
  for (let c = slot; c < calls.length; c += SLOTS) {
    const call = calls[c];
    if (call?.state === 'up' && (call.sending || sendAll)) {
      call.out.send(k, clock.dueMark(k, slot), absNow());
      counts.sent++;
      sent++;
    }
  }
  return sent;
});

const post = (event: LoadEvent): void => port.postMessage(event);
const sipSend = (text: string): void => sip.send(text, data.sipPort, data.sipHost);

function snapshot(): CallCounts {
  let up = 0;
  for (const call of calls) if (call.state === 'up') up++;
  return { ...counts, failed: { ...counts.failed }, up, overflow: recorder?.overflow ?? 0 };
}

function fail(call: Call, reason: string): void {
  clearTimeout(call.timer);
  call.state = 'failed';
  call.endedAt = absNow();
  counts.failed[reason] = (counts.failed[reason] ?? 0) + 1;
  call.rtp.close();
}

function end(call: Call): void {
  clearTimeout(call.timer);
  call.state = 'ended';
  call.endedAt = absNow();
  counts.ended++;
  call.rtp.close();
}

/**
 * The call's RTP socket takes the next free port of this worker's share of RTP_PORTS, so that a capture can tell
 * the client's streams from the server's by port (pcap-late-frames.ts --dst-ports); any port when all are taken.
 */
let nextPort = RTP_PORTS.first + data.index * RTP_PORTS.perWorker;
async function bindInRange(socket: Socket): Promise<void> {
  const end = RTP_PORTS.first + (data.index + 1) * RTP_PORTS.perWorker;
  while (nextPort < end) {
    const port = nextPort++;
    const ok = await new Promise<boolean>((resolve) => {
      const onError = (): void => resolve(false);
      socket.once('error', onError);
      socket.bind(port, LOCAL_HOST, () => {
        socket.off('error', onError);
        resolve(true);
      });
    });
    if (ok) return;
  }
  await new Promise<void>((resolve) => socket.bind(0, LOCAL_HOST, resolve));
}

async function newCall(c: number, measured: boolean): Promise<Call> {
  const rtp = createSocket('udp4');
  await bindInRange(rtp);
  // An unmeasured call stops reading: its socket buffer fills and the kernel drops the rest, so receiving costs
  // this client nothing. (`_handle` is Node's deprecated handle accessor; recvStop is libuv's uv_udp_recv_stop.)
  if (!measured) (rtp as unknown as { _handle: { recvStop(): number } })._handle.recvStop();
  const callId = `bench-${data.index}-${c}-${Math.floor(Math.random() * 1e12).toString(36)}`;
  const call: Call = {
    c,
    dialog: {
      callId,
      fromTag: `b${c.toString(36)}`,
      toTag: '',
      remoteTarget: `sip:${exten}@${data.sipHost}:${data.sipPort}`,
      exten,
    },
    rtp,
    state: 'idle',
    branch: newBranch(),
    invite: '',
    timer: undefined,
    retransmitMs: T1_MS,
    answeredAt: 0,
    endedAt: 0,
    sending: false,
    measured,
    out: new RtpOut(rtp),
  };
  rtp.on('message', (msg: Buffer) => onRtp(call, msg));
  rtp.on('error', () => undefined);
  byCallId.set(callId, call);
  return call;
}

function onRtp(call: Call, msg: Buffer): void {
  if (!isG711(msg)) {
    counts.otherPackets++;
    return;
  }
  counts.received++;
  if (!recording) return;
  const now = absNow();
  const seq = msg.readUInt16BE(2);
  const payload = payloadOffset(msg);
  const delay = relayDelayMs(msg, now, payload);
  recorder!.add(call.c, now, seq, msg.readUInt32BE(4), msg.readUInt32BE(8), delay, relayHeldMs(msg, delay, payload));
}

function sendInvite(call: Call): void {
  sipSend(call.invite);
  call.timer = setTimeout(() => {
    if (call.state !== 'inviting') return;
    call.retransmitMs *= 2;
    sendInvite(call);
  }, call.retransmitMs);
}

async function place(c: number, send: boolean, measured: boolean): Promise<void> {
  const call = await newCall(c, measured);
  call.measured = measured;
  calls[c] = call;
  call.sending = send;
  call.state = 'inviting';
  call.invite = inviteMessage(call.dialog, { host: LOCAL_HOST, port: sip.address().port }, call.branch, call.rtp.address().port); // prettier-ignore
  counts.placed++;
  sendInvite(call);
  setTimeout(() => {
    if (call.state === 'inviting') fail(call, 'no-answer');
  }, ANSWER_TIMEOUT_MS).unref();
}

function onInviteResponse(call: Call, msg: SipMessage): void {
  const local = { host: LOCAL_HOST, port: sip.address().port };
  if (msg.status! < 200) {
    clearTimeout(call.timer); // §17.1.1.2: a provisional response stops retransmissions
    return;
  }
  if (msg.status! >= 300) {
    if (call.state === 'inviting') {
      call.dialog.toTag = msg.toTag;
      sipSend(ackMessage(call.dialog, local, call.branch));
      fail(call, `status-${msg.status}`);
    }
    return;
  }
  if (call.state !== 'inviting') {
    // A retransmitted 2xx: our ACK was lost (§13.2.2.4).
    if (call.state === 'up') sipSend(ackMessage(call.dialog, local, newBranch()));
    return;
  }
  clearTimeout(call.timer);
  call.dialog.toTag = msg.toTag;
  if (msg.contact) call.dialog.remoteTarget = msg.contact;
  sipSend(ackMessage(call.dialog, local, newBranch()));
  if (msg.mediaPort === undefined) {
    fail(call, 'no-sdp');
    return;
  }
  call.state = 'up';
  call.answeredAt = absNow();
  counts.answered++;
  call.rtp.connect(msg.mediaPort, msg.mediaHost === '0.0.0.0' ? data.sipHost : (msg.mediaHost ?? data.sipHost));
}

function onSip(buf: Buffer): void {
  const msg = parseSip(buf.toString('latin1'));
  if (!msg) return;
  const call = byCallId.get(msg.callId);
  if (msg.status === undefined) {
    // The server's request: BYE ends the call; anything else (OPTIONS, re-INVITE, UPDATE) gets a plain 200.
    sipSend(okResponse(msg));
    if (msg.method === 'BYE' && call && (call.state === 'up' || call.state === 'byeing')) {
      if (!hangingUp) counts.endedByServer++;
      end(call);
    }
    return;
  }
  if (!call) return;
  if (msg.method === 'INVITE') onInviteResponse(call, msg);
  else if (msg.method === 'BYE' && msg.status >= 200 && call.state === 'byeing') end(call);
}

function sendBye(call: Call): void {
  if (call.state !== 'up' && call.state !== 'byeing') return;
  const first = call.state === 'up';
  call.state = 'byeing';
  if (first) {
    call.branch = newBranch();
    call.retransmitMs = T1_MS;
    setTimeout(() => {
      if (call.state === 'byeing') fail(call, 'bye-timeout');
    }, BYE_TIMEOUT_MS).unref();
  }
  sipSend(byeMessage(call.dialog, { host: LOCAL_HOST, port: sip.address().port }, call.branch));
  call.timer = setTimeout(() => {
    call.retransmitMs = Math.min(call.retransmitMs * 2, T2_MS);
    sendBye(call);
  }, call.retransmitMs);
}

/** Runs `action(i)` for i in [0, total) at `ratePerS`, checking every 10 ms; resolves when all have run. */
function paced(total: number, ratePerS: number, action: (i: number) => void): Promise<void> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let done = 0;
    const step = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * ratePerS) + 1);
      while (done < due) action(done++);
      if (done >= total) resolve();
      else setTimeout(step, 10);
    };
    step();
  });
}

function analyze(windows: readonly LoadWindow[]): WindowStats[] {
  return windows.map((w) => {
    const totals = new WindowTotals();
    for (const call of calls) {
      if (!call?.measured || call.answeredAt === 0 || call.answeredAt > w.fromMs) continue;
      if (call.endedAt !== 0 && call.endedAt < w.toMs) continue;
      recorder?.analyze(call.c, w.fromMs, w.toMs, totals);
    }
    return {
      ...totals.received(w.name),
      ...clock.stats(w),
    };
  });
}

async function onCommand(cmd: LoadCommand): Promise<void> {
  switch (cmd.op) {
    case 'dial': {
      exten = cmd.exten;
      recorder = new StreamRecorder(cmd.calls, cmd.capacity);
      const progress = setInterval(() => post({ ev: 'progress', index: data.index, counts: snapshot() }), 1000);
      await paced(cmd.calls, cmd.ratePerS, (c) => void place(c, cmd.send, c % cmd.measureEvery === 0));
      // Every call answered, failed or timed out.
      while (calls.some((call) => call?.state === 'inviting' || call?.state === 'idle') || calls.length < cmd.calls) {
        await new Promise((r) => setTimeout(r, 50));
      }
      clearInterval(progress);
      post({ ev: 'dialed', index: data.index, counts: snapshot() });
      return;
    }
    case 'send':
      sendAll = cmd.on;
      return;
    case 'record':
      if (cmd.on) recorder?.start(absNow());
      recording = cmd.on;
      clock.recording = cmd.on;
      return;
    case 'analyze':
      post({ ev: 'analysis', index: data.index, windows: analyze(cmd.windows), counts: snapshot() });
      return;
    case 'hangup': {
      hangingUp = true;
      const up = calls.filter((call) => call?.state === 'up');
      for (const call of calls) if (call?.state === 'inviting') fail(call, 'unanswered-at-hangup');
      await paced(up.length, cmd.ratePerS, (i) => sendBye(up[i]!));
      while (calls.some((call) => call?.state === 'byeing')) await new Promise((r) => setTimeout(r, 50));
      post({ ev: 'hungup', index: data.index, counts: snapshot() });
      return;
    }
    case 'close':
      clock.stop();
      for (const call of calls) {
        clearTimeout(call?.timer);
        if (call?.state === 'up' || call?.state === 'byeing' || call?.state === 'inviting') call.rtp.close();
      }
      sip.close();
      port.close();
      return;
  }
}

sip.on('message', onSip);
sip.on('error', (err) => post({ ev: 'error', index: data.index, message: `SIP socket: ${err.message}` }));
sip.bind(0, LOCAL_HOST, () => {
  clock.start();
  port.on('message', (cmd: LoadCommand) => {
    onCommand(cmd).catch((err: Error) => post({ ev: 'error', index: data.index, message: err.stack ?? err.message }));
  });
  post({ ev: 'ready', index: data.index, tid: threadId() });
});
