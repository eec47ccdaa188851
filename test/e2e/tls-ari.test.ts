// ARI over HTTPS and WSS (http.conf tlsenable): a REST call with Node's https client and the events WebSocket
// over wss, both trusting only the test's own CA; a client trusting another CA is refused; plain HTTP still serves.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import WebSocket from 'ws';
import { startApp, type RunningApp } from '../../src/app.js';
import { ARI_CONF } from '../helpers/server.js';
import { hasOpenssl, makeTestCerts, type TestCerts } from './tls-certs.js';

const skip = hasOpenssl ? false : 'openssl not installed (needed to make the test certificates)';
const AUTH = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');

let certs: TestCerts;
let app: RunningApp;
let dir: string;

before(async () => {
  if (skip) return;
  certs = makeTestCerts();
  dir = mkdtempSync(join(tmpdir(), 'switchyard-tls-ari-'));
  // No tlsprivatekey: the key is read from the certificate file, as Asterisk does.
  const http = `[general]\nbindaddr=127.0.0.1\ntlsenable=yes\ntlsbindaddr=127.0.0.1:8089\ntlscertfile=${certs.combinedFile}\n`;
  writeFileSync(join(dir, 'http.conf'), http);
  writeFileSync(join(dir, 'ari.conf'), ARI_CONF);
  writeFileSync(join(dir, 'extensions.conf'), '[default]\nexten => echo,1,Answer()\n same => n,Echo()\n');
  app = await startApp({
    configDir: dir,
    host: '127.0.0.1',
    port: 0,
    tlsPort: 0,
    sipPort: 0,
    mediaWorkers: 0,
    logger: pino({ level: 'silent' }),
  });
});

after(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  certs?.cleanup();
});

function httpsGet(path: string, ca: Buffer): Promise<{ status: number; body: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${app.tlsUrl}${path}`, { ca, headers: { Authorization: AUTH } }, (res) => {
      const chunks: Buffer[] = [];
      const protocol = (res.socket as TLSSocket).getProtocol() ?? ''; // the socket is released at 'end'
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), protocol }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('ARI over TLS', { skip }, () => {
  test('HTTPS: a REST call answers 200 with the same JSON as plain HTTP, over TLSv1.2 or later', async () => {
    assert.match(app.tlsUrl ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await httpsGet('/ari/asterisk/info', certs.ca);
    assert.equal(r.status, 200, r.body);
    assert.match(r.protocol, /^TLSv1\.[23]$/);
    const info = JSON.parse(r.body) as { system: { version: string } };
    assert.match(info.system.version, /switchyard/);
    const plain = await fetch(`${app.url}/ari/asterisk/info`, { headers: { Authorization: AUTH } });
    assert.equal(plain.status, 200);
    const unauth = await new Promise<number>((resolve, reject) => {
      https
        .get(`${app.tlsUrl}/ari/asterisk/info`, { ca: certs.ca }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    assert.equal(unauth, 401);
  });

  test('a client trusting another CA refuses the server certificate', async () => {
    await assert.rejects(httpsGet('/ari/asterisk/info', certs.otherCa), (err: NodeJS.ErrnoException) => {
      assert.match(err.code ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
      return true;
    });
  });

  test('WSS: the events WebSocket receives StasisStart for a channel originated into the app', async () => {
    const wssUrl = `${app.tlsUrl!.replace('https', 'wss')}/ari/events?app=tlsapp&api_key=asterisk:asterisk`;
    const ws = new WebSocket(wssUrl, { ca: certs.ca });
    const events: Array<{ type: string; channel?: { id: string } }> = [];
    const started = new Promise<{ type: string; channel?: { id: string } }>((resolve) =>
      ws.on('message', (data: Buffer) => {
        const e = JSON.parse(data.toString()) as { type: string; channel?: { id: string } };
        events.push(e);
        if (e.type === 'StasisStart') resolve(e);
      }),
    );
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    try {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.request(
          `${app.tlsUrl}/ari/channels?endpoint=Local/echo@default&app=tlsapp`,
          { method: 'POST', ca: certs.ca, headers: { Authorization: AUTH } },
          (r) => {
            let body = '';
            r.on('data', (c: Buffer) => (body += c.toString()));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.equal(res.status, 200, res.body);
      const id = (JSON.parse(res.body) as { id: string }).id;
      const start = await started;
      assert.equal(start.channel?.id, id);
    } finally {
      ws.terminate();
    }
  });

  test('WSS with the wrong CA is refused before any upgrade', async () => {
    const ws = new WebSocket(`${app.tlsUrl!.replace('https', 'wss')}/ari/events?app=x&api_key=asterisk:asterisk`, {
      ca: certs.otherCa,
    });
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => ws.once('error', resolve));
    assert.match(err.code ?? err.message, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
  });
});
