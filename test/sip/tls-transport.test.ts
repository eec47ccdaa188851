// SIP over TLS (RFC 3261 §26.3.1): the TCP transport over node:tls, with certificates made by openssl for the
// test. A client trusting the CA gets its answer on the same connection; one trusting another CA is refused;
// require_client_cert / verify_client / verify_server behave as pjsip.conf documents them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import type { TcpTransport } from '../../src/sip/transport/tcp-transport.js';
import { openTlsTransport, type SipTlsOptions } from '../../src/sip/transport/tls-transport.js';
import { hasOpenssl, makeTestCerts, type TestCerts } from '../e2e/tls-certs.js';
import { answer, Inbox, options } from './transport/helpers.js';
import { connectTlsSip } from './tls-client.js';

const skip = hasOpenssl ? false : 'openssl not installed (needed to make the test certificates)';
const TLS_OPTIONS = options({ transport: 'TLS', via: 'client.invalid:5061;rport;branch=z9hG4bK-tls-1' });

let certs: TestCerts;
const open: TcpTransport[] = [];

before(() => {
  if (!skip) certs = makeTestCerts();
});
after(async () => {
  await Promise.all(open.map((t) => t.close()));
  certs?.cleanup();
});

const readCert = (): Buffer => readFileSync(certs.certFile);
const readKey = (): Buffer => readFileSync(certs.keyFile);

async function server(extra: Partial<SipTlsOptions> = {}): Promise<{ t: TcpTransport; inbox: Inbox }> {
  const inbox = new Inbox();
  const tls: SipTlsOptions = { cert: readCert(), key: readKey(), ca: certs.ca, ...extra };
  const t = await openTlsTransport({ host: '127.0.0.1', port: 0, tls }, inbox);
  open.push(t);
  // Answer every request on the connection it came in on (RFC 3261 §18.2.2).
  inbox.onEach = ({ msg, source }) => {
    if (msg.kind === 'request') t.send(answer(msg, 200, 'OK'), source);
  };
  return { t, inbox };
}

describe('SIP over TLS transport', { skip }, () => {
  test('OPTIONS over TLS: delivered with protocol tls, the 200 comes back on the same connection', async () => {
    const { t, inbox } = await server();
    assert.equal(t.protocol, 'tls');
    assert.equal(t.isReliable, true);
    const c = await connectTlsSip(t.local.port, { ca: certs.ca });
    c.write(TLS_OPTIONS);
    const res = await c.next();
    assert.match(res, /^SIP\/2\.0 200 OK\r\n/);
    assert.match(res, /Via: SIP\/2\.0\/TLS client\.invalid:5061;rport=\d+;branch=z9hG4bK-tls-1;received=127\.0\.0\.1/);
    const got = inbox.messages[0]!;
    assert.equal(got.source.protocol, 'tls');
    assert.match(got.source.connectionId ?? '', /^tls-\d+$/);
    c.close();
  });

  test('a client trusting another CA refuses the server; nothing is delivered', async () => {
    const { t, inbox } = await server();
    await assert.rejects(connectTlsSip(t.local.port, { ca: certs.otherCa }), (err: NodeJS.ErrnoException) => {
      assert.match(err.code ?? '', /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
      return true;
    });
    assert.equal(inbox.messages.length, 0);
  });

  test('require_client_cert: a client without a certificate is refused, one with a CA-signed one is served', async () => {
    const { t, inbox } = await server({ requireClientCert: true });
    // TLS 1.3 finishes the client's side of the handshake before the server checks: the refusal shows as a
    // closed connection and a counted handshake failure.
    const anon = await connectTlsSip(t.local.port, { ca: certs.ca }).catch((e: Error) => e);
    if (!(anon instanceof Error)) {
      anon.write(TLS_OPTIONS);
      await assert.rejects(anon.next());
    }
    const drop = await inbox.error('SOCKET_ERROR');
    assert.match(drop.detail, /TLS handshake/);
    assert.equal(inbox.messages.length, 0);
    const c = await connectTlsSip(t.local.port, { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey });
    c.write(TLS_OPTIONS);
    assert.match(await c.next(), /^SIP\/2\.0 200 OK/);
    c.close();
  });

  test('verify_client alone: no certificate is accepted, a certificate from another CA is refused', async () => {
    const { t, inbox } = await server({ verifyClient: true, ca: certs.ca });
    const c = await connectTlsSip(t.local.port, { ca: certs.ca });
    c.write(TLS_OPTIONS);
    assert.match(await c.next(), /^SIP\/2\.0 200 OK/);
    c.close();
    // A self-signed client certificate (the other CA's own) does not verify against our CA.
    const stranger = await connectTlsSip(t.local.port, {
      ca: certs.ca,
      cert: certs.otherCa,
      key: readFileSync(`${certs.dir}/other-ca.key`),
    }).catch((e: Error) => e);
    if (!(stranger instanceof Error)) {
      stranger.write(TLS_OPTIONS);
      await assert.rejects(stranger.next());
    }
    const drop = await inbox.error('SOCKET_ERROR');
    assert.match(drop.detail, /client certificate refused/);
    assert.equal(inbox.messages.length, 1);
  });

  test('outbound: verify_server connects to a server the CA signed, and refuses one it did not', async () => {
    const { t: b, inbox: atB } = await server();
    const aInbox = new Inbox();
    const a = await openTlsTransport(
      { host: '127.0.0.1', port: 0, tls: { cert: readCert(), key: readKey(), ca: certs.ca, verifyServer: true } },
      aInbox,
    );
    open.push(a);
    a.send(Buffer.from(TLS_OPTIONS, 'latin1'), { host: '127.0.0.1', port: b.local.port });
    const reply = await aInbox.message(0);
    assert.equal(reply.msg.kind, 'response');
    assert.equal(reply.source.protocol, 'tls');
    assert.equal(atB.messages.length, 1);

    const wrongInbox = new Inbox();
    const wrong = await openTlsTransport(
      { host: '127.0.0.1', port: 0, tls: { cert: readCert(), key: readKey(), ca: certs.otherCa, verifyServer: true } },
      wrongInbox,
    );
    open.push(wrong);
    wrong.send(Buffer.from(TLS_OPTIONS, 'latin1'), { host: '127.0.0.1', port: b.local.port });
    const failed = await wrongInbox.error('SOCKET_ERROR');
    assert.match(failed.detail, /certificate/i);
    assert.equal(atB.messages.length, 1);
  });
});
