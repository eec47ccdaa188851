// Crash safety of recordings with a real server process: a SIP caller sends a tone while ARI records it, the
// server is killed with SIGKILL mid-recording, and the file left behind plays (our loader and sox both read the
// tone in it). A recorder that only writes the wav sizes on close (Asterisk) leaves them 0; the restarted server
// repairs such a file at start-up, and serves the whole recording.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import { loadAudioFile } from '../../src/media/formats/load-audio-file.js';
import { parseWavLayout } from '../../src/media/formats/wav.js';
import { hasSox, sine, soxSamples, toneRatio } from '../helpers/audio.js';
import { RtpCall } from '../helpers/rtp-call.js';
import { ARI_CONF, EMBEDDED_PJSIP, type TestServer } from '../helpers/server.js';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
const AUTH = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');
const APP = 'crash';

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

interface Server {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  output(): string;
}

function startServer(configDir: string): Server {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--config-dir', configDir, '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited, output: () => out };
}

async function waitForPing(base: string, server: Server): Promise<void> {
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    try {
      if ((await fetch(`${base}/asterisk/ping`, { headers: { Authorization: AUTH } })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not start:\n${server.output()}`);
}

test(
  'a recording cut by SIGKILL plays, and the restarted server repairs a file whose sizes were never written',
  { skip: !hasSox && 'sox not installed', timeout: 120_000 },
  async () => {
    const root = mkdtempSync(join(tmpdir(), 'switchyard-crash-'));
    const config = join(root, 'etc');
    const spool = join(root, 'spool');
    const [httpPort, sipPort] = await Promise.all([freeTcpPort(), freeUdpPort()]);
    mkdirSync(config);
    writeFileSync(join(config, 'http.conf'), `[general]\nenabled=yes\nbindaddr=127.0.0.1\nbindport=${httpPort}\n`);
    writeFileSync(join(config, 'ari.conf'), ARI_CONF);
    writeFileSync(join(config, 'extensions.conf'), `[default]\nexten => app,1,Answer()\n same => n,Stasis(${APP})\n`);
    writeFileSync(
      join(config, 'pjsip.conf'),
      EMBEDDED_PJSIP.replace('bind = 127.0.0.1:5060', `bind = 127.0.0.1:${sipPort}`),
    );
    writeFileSync(join(config, 'rtp.conf'), '[general]\nrtpstart=33000\nrtpend=33999\n');
    writeFileSync(join(config, 'asterisk.conf'), `[directories]\nastspooldir=${spool}\n`);
    const base = `http://127.0.0.1:${httpPort}/ari`;
    const file = join(spool, 'recording', 'calls', 'crash.wav');
    // RtpCall needs only where SIP listens.
    const target = { sip: { host: '127.0.0.1', port: sipPort } } as unknown as TestServer;

    let server = startServer(config);
    let call: RtpCall | undefined;
    try {
      await waitForPing(base, server);
      const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/ari/events?app=${APP}&api_key=asterisk:asterisk`);
      const events: any[] = [];
      ws.on('message', (d: Buffer) => events.push(JSON.parse(d.toString())));
      await new Promise((r) => ws.once('open', r));
      call = await RtpCall.dial(target, 'app');
      const until = async (pred: (e: any) => boolean): Promise<any> => {
        const end = Date.now() + 10_000;
        while (Date.now() < end) {
          const found = events.find(pred);
          if (found) return found;
          await new Promise((r) => setTimeout(r, 10));
        }
        throw new Error('event not received');
      };
      const start = await until((e) => e.type === 'StasisStart');
      const id = start.channel.id as string;
      const r = await fetch(`${base}/channels/${id}/record?name=calls%2Fcrash&format=wav`, {
        method: 'POST',
        headers: { Authorization: AUTH },
      });
      assert.equal(r.status, 201);
      await until((e) => e.type === 'RecordingStarted');
      await new Promise((res) => setTimeout(res, 150));
      // 1.6 s of a tone, then the server dies while the caller goes on talking.
      const sending = call.sendAudio(sine(1000, 8000 * 3));
      await new Promise((res) => setTimeout(res, 1600));
      server.child.kill('SIGKILL');
      await server.exited;
      await sending;
      ws.terminate();

      // The file as the killed process left it: a valid wav holding at least the batches written before.
      const head = readFileSync(file);
      const layout = parseWavLayout(head);
      assert.ok(!('error' in layout), 'a valid wav header');
      assert.ok(layout.declaredDataBytes >= 2 * 8000, `the header states ${layout.declaredDataBytes} data bytes`);
      const ours = await loadAudioFile(file, 'wav');
      assert.ok(!('error' in ours));
      assert.ok(ours.samples.length >= 8000 && ours.samples.length <= 8000 * 1.9, `${ours.samples.length} samples`);
      assert.ok(toneRatio(ours.samples, 1000) > 0.9, 'our loader hears the tone');
      const bySox = soxSamples(file);
      assert.deepEqual(bySox, ours.samples, 'sox reads the same audio');

      // As Asterisk would have left it: RIFF and data sizes never written (0).
      const fd = openSync(file, 'r+');
      writeSync(fd, Buffer.alloc(4), 0, 4, 4);
      writeSync(fd, Buffer.alloc(4), 0, 4, 40);
      closeSync(fd);
      const size = statSync(file).size;

      server = startServer(config);
      await waitForPing(base, server);
      const repairedLine = server
        .output()
        .split('\n')
        .find((l) => l.includes('recordings checked'));
      assert.ok(repairedLine?.includes(file), `start-up repaired it: ${repairedLine}`);
      const fixed = parseWavLayout(readFileSync(file));
      assert.ok(!('error' in fixed));
      assert.equal(fixed.declaredDataBytes, size - 44, 'the data size now covers every sample in the file');
      assert.equal(fixed.declaredRiffBytes, size - 8);
      const served = await fetch(`${base}/recordings/stored/calls%2Fcrash/file`, { headers: { Authorization: AUTH } });
      assert.equal(served.status, 200);
      assert.equal(served.headers.get('content-type'), 'audio/wav');
      const bytes = Buffer.from(await served.arrayBuffer());
      assert.equal(bytes.length, size);
      const again = soxSamples(file);
      assert.equal(again.length, (size - 44) / 2, 'sox plays all of it');
      assert.ok(toneRatio(again, 1000) > 0.9);
    } finally {
      call?.close();
      server.child.kill('SIGKILL');
      await server.exited;
      rmSync(root, { recursive: true, force: true });
    }
  },
);
