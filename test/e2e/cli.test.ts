/**
 * The `switchyard` command as a user runs it: a child process on a free loopback port, driven with raw
 * HTTP and `ws`; SIGTERM hangs channels up (StasisEnd reaches the app) and exits 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');
const AUTH = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function configDir(http: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
  writeFileSync(join(dir, 'http.conf'), http);
  writeFileSync(join(dir, 'ari.conf'), readFileSync(join(import.meta.dirname, '../../config/ari.conf')));
  writeFileSync(join(dir, 'extensions.conf'), readFileSync(join(import.meta.dirname, '../../config/extensions.conf')));
  return dir;
}

function run(dir: string): { child: ReturnType<typeof spawn>; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--config-dir', dir, '--log-level', 'info'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

async function waitForPing(base: string, ms = 20000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(`${base}/asterisk/ping`, { headers: { Authorization: AUTH } });
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

test('SIGTERM hangs up channels in Stasis (the app gets StasisEnd) and the process exits 0', async () => {
  const port = await freePort();
  const proc = run(configDir(`[general]\nenabled=yes\nbindaddr=127.0.0.1\nbindport=${port}\n`));
  const base = `http://127.0.0.1:${port}/ari`;
  try {
    await waitForPing(base);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ari/events?app=cli&api_key=asterisk:asterisk`);
    const events: any[] = [];
    ws.on('message', (data: Buffer) => events.push(JSON.parse(data.toString())));
    await new Promise((resolve) => ws.once('open', resolve));
    const r = await fetch(`${base}/channels?endpoint=Local/park@default&app=cli&channelId=t1`, {
      method: 'POST',
      headers: { Authorization: AUTH },
    });
    assert.equal(r.status, 200);
    const until = Date.now() + 5000;
    while (!events.some((e) => e.type === 'StasisStart') && Date.now() < until)
      await new Promise((x) => setTimeout(x, 20));
    assert.ok(events.some((e) => e.type === 'StasisStart' && e.channel.id === 't1'));
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0);
    const types = events.filter((e) => e.channel?.id === 't1').map((e) => e.type);
    assert.ok(types.includes('StasisEnd'), `events: ${types.join(',')}`);
    assert.ok(types.indexOf('ChannelHangupRequest') < types.indexOf('StasisEnd'));
    ws.terminate();
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('the server refuses a non-loopback address while the default password is configured', async () => {
  const port = await freePort();
  const proc = run(configDir(`[general]\nenabled=yes\nbindaddr=0.0.0.0\nbindport=${port}\n`));
  const code = await proc.exited;
  assert.notEqual(code, 0);
  assert.match(proc.output(), /loopback|default password/i);
});

test('a log level pino does not know: one line naming the levels, exit 1, no stack trace', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'start', '--log-level', 'garbage'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 1);
  assert.match(out, /^switchyard: --log-level garbage: expected one of .*info.*silent\n$/);
});
