// The operator subcommands run as a user runs them: `switchyard <command>` in a child process against a running
// server, checking what they print and their exit codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ari, EventSocket } from '../helpers/ari.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CLI = join(import.meta.dirname, '../../src/cli/main.ts');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function switchyard(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CLI, ...args],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

let server: TestServer;
let events: EventSocket;
const channelId = randomUUID();

before(async () => {
  server = await startTestServer();
  events = await EventSocket.open(server, 'cliapp');
  const r = await ari(server, 'POST', `/channels?endpoint=Local/park@default&app=cliapp&channelId=${channelId}`);
  assert.equal(r.status, 200, r.text);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === channelId);
});

after(async () => {
  events?.close();
  await server?.close();
});

describe('switchyard operator commands', () => {
  test('status, channels and apps print readable tables (exit 0)', async () => {
    const url = ['--url', server.url];
    const [status, channels, apps, json] = await Promise.all([
      switchyard(['status', ...url]),
      switchyard(['channels', ...url]),
      switchyard(['apps', ...url]),
      switchyard(['channels', '--json', ...url]),
    ]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^Server +22\.10\.1-switchyard-\S+$/m, 'no system name unless asterisk.conf sets one');
    assert.match(status.stdout, /^Uptime +\d+ seconds?|^Uptime +\d+ minutes?/m);
    assert.match(status.stdout, /^Channels +2 \(Up 2\)$/m);
    assert.match(status.stdout, /^Applications +1 \(cliapp\)$/m);
    assert.match(status.stdout, new RegExp(`^URL +${server.url}$`, 'm'));

    assert.equal(channels.code, 0, channels.stderr);
    const lines = channels.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^Channel +Id +Location +State +Application\(Data\) +CallerID +Duration$/);
    const row = lines.find((l) => l.includes(channelId));
    assert.ok(row, channels.stdout);
    assert.match(row, /^Local\/park@default-[0-9a-f]{8};1 +\S+ +\S+ +Up +/);
    assert.match(row, /\d\d:\d\d:\d\d$/);
    assert.ok(lines.some((l) => /^Local\/park@default-[0-9a-f]{8};2 .* park@default:\d+ +Up +(Answer|Wait)\(/.test(l)));
    assert.equal(lines.at(-1), '2 active channels');

    assert.equal(json.code, 0, json.stderr);
    const list = JSON.parse(json.stdout) as Array<{ id: string }>;
    assert.ok(list.some((c) => c.id === channelId));

    assert.equal(apps.code, 0, apps.stderr);
    assert.match(apps.stdout, /^Application +Channel subs +Bridge subs +Endpoint subs +Device subs +Event filter$/m);
    assert.match(apps.stdout, /^cliapp +2 +0 +0 +0 +-$/m); // the originated channel and its Local peer
    assert.match(apps.stdout, /^1 registered application$/m);
  });

  test('the URL comes from http.conf of --config-dir when not given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-cli-'));
    try {
      writeFileSync(join(dir, 'http.conf'), `[general]\nbindaddr = 0.0.0.0\nbindport = ${server.app.port}\n`);
      const r = await switchyard(['channels', '--config-dir', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /2 active channels/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('hangup ends the channel (the app sees it destroyed with the cause asked for)', async () => {
    const r = await switchyard(['hangup', channelId, '--reason', 'busy', '--url', server.url]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Hangup requested for ${channelId}\n`);
    const destroyed = await events.wait((e) => e.type === 'ChannelDestroyed' && e.channel?.id === channelId);
    assert.equal(destroyed.cause, 17);
  });

  test('failures print one line on stderr and exit 1', async () => {
    const port = await closedPort();
    const [unknown, badPassword, envPassword, unreachable, both] = await Promise.all([
      switchyard(['hangup', 'no-such-channel', '--url', server.url]),
      switchyard(['status', '--url', server.url, '--password', 'wrong']),
      switchyard(['status', '--url', server.url], { SWITCHYARD_ARI_PASSWORD: 'also-wrong' }),
      switchyard(['channels', '--url', `http://127.0.0.1:${port}`]),
      switchyard(['hangup', 'x', '--reason', 'busy', '--cause', '17', '--url', server.url]),
    ]);
    for (const r of [unknown, badPassword, envPassword, unreachable, both]) {
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.split('\n').length, 2, r.stderr); // one line and its newline
      assert.match(r.stderr, /^switchyard: /);
    }
    assert.equal(unknown.stderr, 'switchyard: no channel "no-such-channel"\n');
    assert.match(badPassword.stderr, /authentication failed for user "asterisk"/);
    assert.match(envPassword.stderr, /authentication failed for user "asterisk"/);
    assert.match(
      unreachable.stderr,
      new RegExp(`cannot reach Switchyard at http://127.0.0.1:${port}: connection refused`),
    );
    assert.match(both.stderr, /--reason or --cause, not both/);
  });

  test('reload reloads what the server can reload, or says plainly that it cannot', async () => {
    const url = ['--url', server.url];
    // Servers without module support answer 501 on /asterisk/modules; the command must say so and fail.
    if ((await ari(server, 'GET', '/asterisk/modules')).status === 501) {
      const [all, one] = [await switchyard(['reload', ...url]), await switchyard(['reload', 'res_pjsip.so', ...url])];
      for (const r of [all, one]) assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(all.stderr, /^switchyard: reload is not available yet: .*GET \/ari\/asterisk\/modules.*501/);
      assert.match(one.stderr, /reload is not available yet: .*PUT \/ari\/asterisk\/modules\/res_pjsip\.so.*501/);
      return;
    }
    const all = await switchyard(['reload', ...url]);
    assert.equal(all.code, 0, all.stderr);
    assert.match(all.stdout, /^\d+ modules reloaded, \d+ without a reload$/m);
    const first = /^Module (\S+) reloaded$/m.exec(all.stdout)?.[1];
    assert.ok(first, all.stdout);
    const one = await switchyard(['reload', first, ...url]);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, `Module ${first} reloaded\n`);
    const unknown = await switchyard(['reload', 'no_such_module.so', ...url]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'switchyard: module "no_such_module.so" is not loaded\n');
  });
});
