/**
 * SIGTERM as a process supervisor sends it, to the `switchyard` command in a child process with SIP calls (real
 * UDP, one with RTP through the RtpCall helper) and a Local channel in a Stasis bridge, an events WebSocket
 * counting events: new calls are refused (INVITE 503, originate 500), every channel is hung up with cause 16
 * and its events reach the app (StasisEnd, ChannelDestroyed, BridgeDestroyed), the BYEs' answers are awaited,
 * the WebSocket is closed with 1001, and the process exits 0 within 5 s. A second SIGTERM exits at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { RtpCall } from '../helpers/rtp-call.js';
import type { TestServer } from '../helpers/server.js';
import { freeUdpPort } from '../helpers/sipp.js';
import { ShutdownPeer } from './shutdown-peer.js';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
const AUTH = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');
const EXIT_LIMIT_MS = 5000;

const EXTENSIONS = `[default]
exten => stasis,1,Answer()
 same => n,Stasis(shut)
 same => n,Hangup()
exten => echo,1,Answer()
 same => n,Echo()
exten => park,1,Answer()
 same => n,Wait(300)
`;

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

interface Server {
  readonly base: string;
  readonly wsBase: string;
  readonly sipPort: number;
  readonly exited: Promise<number | null>;
  signal(name: NodeJS.Signals): void;
  output(): string;
  cleanup(): void;
}

async function startServer(): Promise<Server> {
  const [port, sipPort] = [await freeTcpPort(), await freeUdpPort()];
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-shutdown-'));
  writeFileSync(join(dir, 'http.conf'), `[general]\nenabled=yes\nbindaddr=127.0.0.1\nbindport=${port}\n`);
  writeFileSync(join(dir, 'ari.conf'), readFileSync(join(import.meta.dirname, '../../config/ari.conf')));
  writeFileSync(join(dir, 'extensions.conf'), EXTENSIONS);
  const pjsip = readFileSync(join(import.meta.dirname, '../../config/pjsip.conf'), 'utf8');
  writeFileSync(join(dir, 'pjsip.conf'), pjsip.replace(/bind = 127\.0\.0\.1:5060/, `bind = 127.0.0.1:${sipPort}`));
  writeFileSync(join(dir, 'rtp.conf'), '[general]\nrtpstart=26000\nrtpend=26999\n');
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--config-dir', dir, '--media-workers', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}/ari`;
  const server: Server = {
    base,
    wsBase: `ws://127.0.0.1:${port}/ari`,
    sipPort,
    exited,
    signal: (name) => child.kill(name),
    output: () => out,
    cleanup: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${base}/asterisk/ping`, { headers: { Authorization: AUTH } }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (up) return server;
    if (Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function post(server: Server, path: string): Promise<number> {
  const r = await fetch(server.base + path, { method: 'POST', headers: { Authorization: AUTH } });
  await r.arrayBuffer();
  return r.status;
}

/** An events WebSocket that keeps every event and how it was closed. */
async function openEvents(server: Server, app: string): Promise<{ events: any[]; closed: Promise<number> }> {
  const ws = new WebSocket(`${server.wsBase}/events?app=${app}&api_key=asterisk:asterisk`);
  const events: any[] = [];
  ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString())));
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { events, closed };
}

async function waitFor<T>(find: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('SIGTERM refuses new calls, hangs everything up with its events delivered, closes with 1001, exits 0', async () => {
  const server = await startServer();
  const peer = await ShutdownPeer.open(server.sipPort);
  let rtpCall: RtpCall | undefined;
  try {
    const app = await openEvents(server, 'shut');
    // A subscribeAll app sees every channel's and bridge's end; `shut` sees its channels' as Asterisk sends them.
    const watch = await openEvents(server, 'watch&subscribeAll=true');
    // Two SIP calls in Stasis (one with RTP), one SIP call in the dialplan, one Local channel in a bridge.
    const held = await peer.call('stasis');
    assert.equal(held.status, 200);
    rtpCall = await RtpCall.dial({ sip: { port: server.sipPort } } as TestServer, 'stasis');
    const echo = await peer.call('echo');
    assert.equal(echo.status, 200);
    assert.equal(await post(server, '/channels?endpoint=Local/park@default&app=shut&channelId=loc1'), 200);
    await waitFor(() => app.events.find((e) => e.type === 'StasisStart' && e.channel.id === 'loc1'), 'loc1 in Stasis');
    assert.equal(await post(server, '/bridges?bridgeId=br1&type=mixing'), 200);
    assert.equal(await post(server, '/bridges/br1/addChannel?channel=loc1'), 204);
    // Subscribed on its own, not only through its member (whose leaving ends that subscription).
    assert.equal(await post(server, '/applications/shut/subscription?eventSource=bridge:br1'), 200);
    const stasisStarts = await waitFor(() => {
      const s = app.events.filter((e) => e.type === 'StasisStart');
      return s.length === 3 ? s : undefined;
    }, 'three channels in Stasis');
    const sipIds = stasisStarts.map((e) => e.channel.id as string).filter((id) => id !== 'loc1');

    const signalled = Date.now();
    server.signal('SIGTERM');
    // The BYEs come; while the first stays unanswered, the server waits and refuses new calls.
    const bye = await peer.bye(held.callId);
    assert.match(bye, /^Reason: Q\.850;cause=16/m);
    const refused = await peer.call('echo');
    assert.equal(refused.status, 503, refused.response.split('\r\n')[0]);
    assert.equal(await post(server, '/channels?endpoint=Local/park@default&app=shut&channelId=loc2'), 500);
    peer.answer(bye);
    peer.answer(await peer.bye(echo.callId));

    assert.equal(await app.closed, 1001);
    assert.equal(await watch.closed, 1001);
    assert.equal(await server.exited, 0, server.output());
    assert.ok(Date.now() - signalled < EXIT_LIMIT_MS, `exited after ${Date.now() - signalled} ms`);

    // Every end reached the apps before the close frame. Each channel was asked to hang up with the shutdown flag
    // (soft hangup 4, as Asterisk) and left Stasis; `shut` stays subscribed to the channel it originated (and so
    // gets its ChannelDestroyed), not to those that came in through the dialplan: as in Asterisk 22.10.1, whose
    // apps never get those after StasisEnd, shutdown or not.
    for (const id of [...sipIds, 'loc1']) {
      const types = app.events.filter((e) => e.channel?.id === id).map((e) => e.type);
      assert.ok(types.includes('StasisEnd'), `${id}: ${types.join(',')}`);
      const request = app.events.find((e) => e.type === 'ChannelHangupRequest' && e.channel.id === id);
      assert.deepEqual([request?.cause, request?.soft], [4, true], id);
    }
    const loc1 = app.events.filter((e) => e.channel?.id === 'loc1').map((e) => e.type);
    assert.ok(loc1.indexOf('StasisEnd') < loc1.indexOf('ChannelDestroyed'), loc1.join(','));
    assert.ok(app.events.some((e) => e.type === 'ChannelLeftBridge' && e.channel.id === 'loc1'));
    assert.ok(app.events.some((e) => e.type === 'BridgeDestroyed' && e.bridge.id === 'br1'));
    // Every channel, the SIP ones included, ends with cause 16; the bridge goes after its last member.
    const destroyed = watch.events.filter((e) => e.type === 'ChannelDestroyed');
    assert.equal(destroyed.length, 5, destroyed.map((e) => e.channel.name).join(', ')); // 3 SIP calls, loc1;1 and ;2
    for (const e of destroyed) assert.equal(e.cause, 16, e.channel.name);
    for (const id of sipIds)
      assert.ok(
        destroyed.some((e) => e.channel.id === id),
        id,
      );
    assert.ok(watch.events.some((e) => e.type === 'BridgeDestroyed' && e.bridge.id === 'br1'));
    assert.ok(
      rtpCall.sipInbox.some((m) => m.startsWith('BYE ')),
      'the RTP call got its BYE',
    );
  } finally {
    rtpCall?.sip.close();
    rtpCall?.rtp.close();
    peer.close();
    server.cleanup();
  }
});

test('a second SIGTERM ends the shutdown at once', async () => {
  const server = await startServer();
  const peer = await ShutdownPeer.open(server.sipPort);
  try {
    const call = await peer.call('echo');
    assert.equal(call.status, 200);
    server.signal('SIGTERM');
    await peer.bye(call.callId); // left unanswered: the server would wait for it
    const second = Date.now();
    server.signal('SIGTERM');
    assert.notEqual(await server.exited, 0);
    assert.ok(Date.now() - second < 1000, `exited ${Date.now() - second} ms after the second SIGTERM`);
  } finally {
    peer.close();
    server.cleanup();
  }
});
