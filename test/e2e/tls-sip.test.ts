// SIP over TLS into the whole server (pjsip.conf protocol=tls): a TLS UAC trusting the test CA sends OPTIONS and
// an INVITE to a dialplan extension and gets every answer on the same connection, with Via SIP/2.0/TLS and a
// Contact that asks for TLS back. A UAC trusting another CA never gets to send. (Debian's sipp is built without
// TLS, so the test's own UAC plays the phone.)
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import tls from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { startApp, type RunningApp } from '../../src/app.js';
import { SipStreamFramer } from '../../src/sip/message/stream-framer.js';
import { ARI_CONF } from '../helpers/server.js';
import { connectTlsSip, tlsRequest } from '../sip/tls-client.js';
import { hasOpenssl, makeTestCerts, type TestCerts } from './tls-certs.js';

const skip = hasOpenssl ? false : 'openssl not installed (needed to make the test certificates)';

const SDP = [
  'v=0',
  'o=tls 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  '',
].join('\r\n');

let certs: TestCerts;
let app: RunningApp;
let dir: string;
let port: number;

before(async () => {
  if (skip) return;
  certs = makeTestCerts();
  dir = mkdtempSync(join(tmpdir(), 'switchyard-tls-sip-'));
  const pjsip = [
    '[transport-tls]',
    'type=transport',
    'protocol=tls',
    'bind=127.0.0.1:5061',
    `cert_file=${certs.certFile}`,
    `priv_key_file=${certs.keyFile}`,
    `ca_list_file=${certs.caFile}`,
    'method=tlsv1_2',
    'verify_server=yes',
    '',
    '[anonymous]',
    'type=endpoint',
    'context=default',
    'disallow=all',
    'allow=ulaw',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'pjsip.conf'), pjsip);
  writeFileSync(join(dir, 'ari.conf'), ARI_CONF);
  writeFileSync(join(dir, 'http.conf'), '[general]\nbindaddr=127.0.0.1\n');
  writeFileSync(join(dir, 'extensions.conf'), '[default]\nexten => 100,1,Answer()\n same => n,Wait(30)\n');
  app = await startApp({
    configDir: dir,
    host: '127.0.0.1',
    port: 0,
    sipPort: 0,
    mediaWorkers: 0,
    logger: pino({ level: 'silent' }),
  });
  const tls = app.sip.find((t) => t.protocol === 'tls');
  assert.ok(tls, 'a TLS transport is listening');
  port = tls.port;
});

after(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  certs?.cleanup();
});

/** The first message for which `pred` holds, skipping provisional ones it does not want. */
async function until(next: () => Promise<string>, pred: (m: string) => boolean): Promise<string> {
  for (;;) {
    const m = await next();
    if (pred(m)) return m;
  }
}

describe('SIP over TLS into the server', { skip }, () => {
  test('OPTIONS and an INVITE to extension 100 are answered on the same TLS connection', async () => {
    const c = await connectTlsSip(port, { ca: certs.ca });
    assert.equal(c.socket.getProtocol(), 'TLSv1.2', 'method=tlsv1_2 pins the version');
    const local = `127.0.0.1:${c.socket.localPort}`;
    const target = `sip:100@127.0.0.1:${port};transport=tls`;
    try {
      c.write(tlsRequest('OPTIONS', target, { local, callId: 'tls-opt', cseq: 1, branch: 'z9hG4bK-tls-o' }));
      const opt = await c.next();
      assert.match(opt, /^SIP\/2\.0 200 OK\r\n/);
      assert.match(opt, /\r\nVia: SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;rport=\d+;branch=z9hG4bK-tls-o/);

      c.write(tlsRequest('INVITE', target, { local, callId: 'tls-inv', cseq: 1, branch: 'z9hG4bK-tls-i', body: SDP }));
      const ok = await until(
        () => c.next(),
        (m) => !/^SIP\/2\.0 1\d\d /.test(m),
      );
      assert.match(ok, /^SIP\/2\.0 200 OK\r\n/);
      assert.match(ok, /\r\nCSeq: 1 INVITE\r\n/);
      assert.match(ok, /\r\nContact: <sip:[^>]*;transport=tls>/i);
      assert.match(ok, /m=audio \d+ RTP\/AVP 0/);
      const toTag = /\r\nTo: [^\r]*;tag=([^;\r]+)/.exec(ok)?.[1];
      assert.ok(toTag, ok);

      const inDialog = { local, callId: 'tls-inv', toTag };
      c.write(tlsRequest('ACK', target, { ...inDialog, cseq: 1, branch: 'z9hG4bK-tls-a' }));
      c.write(tlsRequest('BYE', target, { ...inDialog, cseq: 2, branch: 'z9hG4bK-tls-b' }));
      const bye = await c.next();
      assert.match(bye, /^SIP\/2\.0 200 OK\r\n/);
      assert.match(bye, /\r\nCSeq: 2 BYE\r\n/);
    } finally {
      c.close();
    }
  });

  test('a UAC trusting another CA refuses the server certificate', async () => {
    await assert.rejects(connectTlsSip(port, { ca: certs.otherCa }), (err: NodeJS.ErrnoException) => {
      assert.match(err.code ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
      return true;
    });
  });

  test('outbound: an originate to a URI with ;transport=tls goes over TLS, verifying the server', async () => {
    // The phone: a TLS server presenting the CA-signed certificate, answering every INVITE 486 Busy Here.
    const invites: string[] = [];
    const sockets: tls.TLSSocket[] = [];
    const phone = tls.createServer({ cert: readFileSync(certs.certFile), key: readFileSync(certs.keyFile) }, (sock) => {
      const framer = new SipStreamFramer();
      sockets.push(sock);
      sock.on('error', () => undefined);
      sock.on('data', (chunk: Buffer) => {
        for (const raw of framer.push(chunk).messages) {
          const m = raw.toString('latin1');
          if (!m.startsWith('INVITE ')) continue;
          invites.push(m);
          const copy = (name: string): string[] =>
            m.split('\r\n').filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
          const to = copy('To').map((l) => `${l};tag=phone`);
          const head = ['SIP/2.0 486 Busy Here', ...copy('Via'), ...copy('From'), ...to, ...copy('Call-ID')];
          sock.write([...head, ...copy('CSeq'), 'Content-Length: 0', '', ''].join('\r\n'));
        }
      });
    });
    await new Promise<void>((resolve) => phone.listen(0, '127.0.0.1', resolve));
    const phonePort = (phone.address() as { port: number }).port;
    try {
      const endpoint = encodeURIComponent(`PJSIP/anonymous/sip:phone@127.0.0.1:${phonePort};transport=tls`);
      const auth = 'Basic ' + Buffer.from('asterisk:asterisk').toString('base64');
      const r = await fetch(`${app.url}/ari/channels?endpoint=${endpoint}&app=tlsout`, {
        method: 'POST',
        headers: { Authorization: auth },
      });
      const text = await r.text();
      assert.equal(r.status, 200, text);
      const id = (JSON.parse(text) as { id: string }).id;
      // The 486 ends the channel: poll until it is gone (each poll is a real round trip, no fixed sleep).
      for (let i = 0; i < 200; i++) {
        const got = await fetch(`${app.url}/ari/channels/${id}`, { headers: { Authorization: auth } });
        await got.text();
        if (got.status === 404) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(invites.length, 1);
      assert.match(invites[0]!, /^INVITE sip:phone@127\.0\.0\.1:\d+;transport=tls SIP\/2\.0\r\n/);
      assert.match(invites[0]!, /\r\nVia: SIP\/2\.0\/TLS /);
      assert.match(invites[0]!, /\r\nContact: <sip:[^>]*;transport=tls>/i);
    } finally {
      for (const sock of sockets) sock.destroy(); // the server keeps its connection open for reuse
      await new Promise<void>((resolve) => phone.close(() => resolve()));
    }
  });
});
