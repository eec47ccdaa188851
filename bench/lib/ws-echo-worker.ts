/**
 * One thread of the WebSocket media "bot" the websocket-media benchmark runs: it connects to the server's media
 * WebSockets (`/media/<connection id>`, server mode) or takes the connections the server dials (client mode: a
 * listening socket named by a websocket_client.conf connection), and for every binary message (a 20 ms µ-law frame of the SIP caller) it
 * reads the caller's frame marker to time the one-way delay SIP → WebSocket, then sends the same bytes back at
 * once, as a voice bot answering with audio would. Text messages (MEDIA_START, XOFF/XON…) are counted only.
 * Delays go into a preallocated histogram of 0.1 ms bins (nothing allocated per message).
 */
import { parentPort } from 'node:worker_threads';
import WebSocket, { WebSocketServer } from 'ws';
import { readMarker } from './frame-marker.js';

export type ToEchoWorker =
  | { readonly op: 'connect'; readonly url: string; readonly req: number }
  | { readonly op: 'listen'; readonly port: number; readonly req: number }
  | { readonly op: 'record'; readonly on: boolean }
  | { readonly op: 'report'; readonly req: number }
  | { readonly op: 'close' };

export type FromEchoWorker =
  | { readonly op: 'connected'; readonly req: number; readonly error?: string }
  | { readonly op: 'listening'; readonly req: number; readonly port?: number; readonly error?: string }
  | { readonly op: 'report'; readonly req: number; readonly report: EchoReport };

export interface EchoReport {
  open: number;
  closedByServer: number;
  binaryIn: number;
  binaryOut: number;
  textIn: number;
  withoutMarker: number;
  /** Bins of 0.1 ms; the last bin holds everything from 500 ms on. */
  hist: number[];
}

const BIN_MS = 0.1;
const BINS = 5001;
const hist = new Uint32Array(BINS);
const counts = { open: 0, closedByServer: 0, binaryIn: 0, binaryOut: 0, textIn: 0, withoutMarker: 0 };
const sockets = new Set<WebSocket>();
let recording = false;
let closing = false;
let server: WebSocketServer | undefined;

function onBinary(ws: WebSocket, data: Buffer): void {
  const now = performance.timeOrigin + performance.now();
  if (recording) {
    counts.binaryIn++;
    const k = readMarker(data, 0);
    if (k < 0) counts.withoutMarker++;
    else {
      const whole = Math.floor(now);
      const delay = (((whole >>> 0) - k) | 0) + (now - whole);
      hist[Math.min(BINS - 1, Math.max(0, Math.round(delay / BIN_MS)))]!++;
    }
  }
  ws.send(data, { binary: true });
  if (recording) counts.binaryOut++;
}

/** Echo and count on an open socket, whichever side opened it. */
function serve(ws: WebSocket): void {
  counts.open++;
  sockets.add(ws);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) onBinary(ws, data);
    else if (recording) counts.textIn++;
  });
  ws.on('close', () => {
    sockets.delete(ws);
    if (!closing) counts.closedByServer++;
  });
}

function connect(url: string, req: number): void {
  const ws = new WebSocket(url, 'media', { perMessageDeflate: false, handshakeTimeout: 10_000 });
  let opened = false;
  ws.on('open', () => {
    opened = true;
    serve(ws);
    parentPort!.postMessage({ op: 'connected', req } satisfies FromEchoWorker);
  });
  ws.on('error', (err) => {
    if (!opened) parentPort!.postMessage({ op: 'connected', req, error: err.message } satisfies FromEchoWorker);
  });
}

/** Client mode: the server dials this socket once per media channel, offering subprotocol `media`. */
function listen(port: number, req: number): void {
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
  wss.on('listening', () => {
    server = wss;
    const address = wss.address();
    const bound = typeof address === 'object' && address !== null ? address.port : port;
    parentPort!.postMessage({ op: 'listening', req, port: bound } satisfies FromEchoWorker);
  });
  wss.on('error', (err) => parentPort!.postMessage({ op: 'listening', req, error: err.message } satisfies FromEchoWorker)); // prettier-ignore
  wss.on('connection', (ws) => serve(ws));
}

parentPort!.on('message', (m: ToEchoWorker) => {
  switch (m.op) {
    case 'connect':
      return connect(m.url, m.req);
    case 'listen':
      return listen(m.port, m.req);
    case 'record':
      recording = m.on;
      return;
    case 'report':
      parentPort!.postMessage({ op: 'report', req: m.req, report: { ...counts, hist: Array.from(hist) } } satisfies FromEchoWorker); // prettier-ignore
      return;
    case 'close':
      closing = true;
      for (const ws of sockets) ws.terminate();
      server?.close();
      parentPort!.close();
      return;
  }
});
