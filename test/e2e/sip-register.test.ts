// The registrar against real sipp and a raw UDP peer (sip-reference §4.10): digest challenge, expiry clamping,
// un-REGISTER, AOR checks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';
import { SipPeer } from '../helpers/sip-peer.js';
import { freeUdpPort, killAllSipp, runSipp, sipStartLines, sippAvailable } from '../helpers/sipp.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

let server: TestServer;

before(async () => {
  if (skip) return;
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => 100,1,Answer()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=23000\nrtpend=23999\n',
  });
});

after(async () => {
  killAllSipp();
  await server?.close();
});

const remote = (): string => `127.0.0.1:${server.sip.port}`;
const ALICE = { user: 'alice', pass: 'alice-secret' };

describe('REGISTER (registrar)', { skip, timeout: 60_000 }, () => {
  test('sipp registers alice: 401 with a digest challenge, then 200 with Contact;expires and Date', async () => {
    const localPort = await freeUdpPort();
    const r = await runSipp({
      localPort,
      scenario: 'uac-register',
      remote: remote(),
      service: 'alice',
      authUser: 'alice',
      authPass: 'alice-secret',
      vars: { expires: '120' },
      timeoutS: 15,
    });
    assert.equal(r.code, 0, r.errors || r.stderr);
    assert.deepEqual(sipStartLines(r.messages), ['REGISTER', '401', 'REGISTER', '200']);
    assert.match(r.messages, /WWW-Authenticate: Digest realm="asterisk",nonce="[^"]+",opaque="[0-9a-f]+"/);
    assert.match(r.messages, /algorithm=MD5/);
    assert.match(r.messages, /qop="auth"/);
    const ok = r.messages.slice(r.messages.lastIndexOf('SIP/2.0 200'));
    assert.match(ok, /Contact: <sip:alice@127\.0\.0\.1:\d+>;expires=(119|120)\r?\n/);
    assert.match(ok, /Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT/);
    assert.match(ok, /Expires: 120/);
    // and it removes itself again, from the same port
    const un = await runSipp({
      localPort,
      scenario: 'uac-register',
      remote: remote(),
      service: 'alice',
      authUser: 'alice',
      authPass: 'alice-secret',
      vars: { expires: '0' },
      timeoutS: 15,
    });
    assert.equal(un.code, 0, un.errors || un.stderr);
    const unOk = un.messages.slice(un.messages.lastIndexOf('SIP/2.0 200'));
    assert.doesNotMatch(unOk, /Contact:/);
  });

  test('sipp with the wrong password gets a fresh 401', async () => {
    const r = await runSipp({
      scenario: 'uac-register',
      remote: remote(),
      service: 'alice',
      authUser: 'alice',
      authPass: 'wrong',
      vars: { expect: '401' },
      timeoutS: 15,
    });
    assert.equal(r.code, 0, r.errors || r.stderr);
    assert.deepEqual(sipStartLines(r.messages), ['REGISTER', '401', 'REGISTER', '401']);
  });

  test('wrong auth user name for alice → 401 again', async () => {
    const peer = await SipPeer.open(() => server.sip.port);
    try {
      const res = await peer.request('REGISTER', {
        user: 'alice',
        headers: [`Contact: <sip:alice@127.0.0.1:${peer.port}>`],
        auth: { user: 'bob', pass: 'bob-secret' },
      });
      assert.equal(res.status, 401);
    } finally {
      peer.close();
    }
  });

  test('an unknown user lands on the anonymous endpoint (no aors → 403); alice without credentials → 401', async () => {
    const peer = await SipPeer.open(() => server.sip.port);
    try {
      // With the embedded config the `anonymous` endpoint takes unknown users (no auth, no aors) → 403.
      const res = await peer.request('REGISTER', { user: 'nosuch', headers: [`Contact: <sip:nosuch@127.0.0.1:1>`] });
      assert.equal(res.status, 403);
      // The To-tag of a challenge is the request's branch.
      const ch = await peer.request('REGISTER', { user: 'alice', headers: [`Contact: <sip:alice@127.0.0.1:1>`] });
      assert.equal(ch.status, 401);
      assert.match(ch.header('To') ?? '', /;tag=z9hG4bK/);
    } finally {
      peer.close();
    }
  });

  test('Expires is clamped: 30 → 60, 100000 → 7200; Expires: 0 removes', async () => {
    const peer = await SipPeer.open(() => server.sip.port);
    const contact = `Contact: <sip:alice@127.0.0.1:${peer.port}>`;
    try {
      let res = await peer.request('REGISTER', { user: 'alice', headers: [contact, 'Expires: 30'], auth: ALICE });
      assert.equal(res.status, 200, res.start);
      assert.equal(res.header('Expires'), '60');
      assert.match(
        res.header('Contact') ?? '',
        new RegExp(`^<sip:alice@127\\.0\\.0\\.1:${peer.port}>;expires=(59|60)$`),
      );
      assert.ok(res.header('Date'));
      res = await peer.request('REGISTER', { user: 'alice', headers: [contact, 'Expires: 100000'], auth: ALICE });
      assert.equal(res.status, 200);
      assert.equal(res.header('Expires'), '7200');
      assert.match(res.header('Contact') ?? '', /;expires=(7199|7200)$/);
      // Contact expires param wins over the header, and is clamped too.
      res = await peer.request('REGISTER', {
        user: 'alice',
        headers: [`${contact};expires=10`],
        auth: ALICE,
      });
      assert.equal(res.status, 200);
      assert.equal(res.header('Expires'), undefined, 'Expires only when the request had one');
      assert.match(res.header('Contact') ?? '', /;expires=(59|60)$/);
      // A query (no Contact) lists the binding.
      res = await peer.request('REGISTER', { user: 'alice', auth: ALICE });
      assert.equal(res.status, 200);
      assert.equal(res.all('Contact').length, 1);
      res = await peer.request('REGISTER', { user: 'alice', headers: [contact, 'Expires: 0'], auth: ALICE });
      assert.equal(res.status, 200);
      assert.deepEqual(res.all('Contact'), []);
      assert.equal(res.header('Expires'), '0');
    } finally {
      peer.close();
    }
  });

  test('Contact: * with Expires: 0 removes every binding', async () => {
    const peer = await SipPeer.open(() => server.sip.port);
    try {
      let res = await peer.request('REGISTER', {
        user: 'alice',
        headers: [`Contact: <sip:alice@127.0.0.1:${peer.port}>`],
        auth: ALICE,
      });
      assert.equal(res.status, 200);
      res = await peer.request('REGISTER', { user: 'alice', headers: ['Contact: *', 'Expires: 0'], auth: ALICE });
      assert.equal(res.status, 200);
      assert.deepEqual(res.all('Contact'), []);
    } finally {
      peer.close();
    }
  });

  test("alice registering bob's AOR → 404", async () => {
    const peer = await SipPeer.open(() => server.sip.port);
    try {
      const res = await peer.request('REGISTER', {
        user: 'alice',
        toUser: 'bob',
        headers: [`Contact: <sip:bob@127.0.0.1:${peer.port}>`],
        auth: ALICE,
      });
      assert.equal(res.status, 404);
    } finally {
      peer.close();
    }
  });

  test('a second device for alice replaces the first (max_contacts=1, remove_existing=yes)', async () => {
    const a = await SipPeer.open(() => server.sip.port);
    const b = await SipPeer.open(() => server.sip.port);
    try {
      let res = await a.request('REGISTER', {
        user: 'alice',
        headers: [`Contact: <sip:alice@127.0.0.1:${a.port}>`],
        auth: ALICE,
      });
      assert.equal(res.status, 200);
      res = await b.request('REGISTER', {
        user: 'alice',
        headers: [`Contact: <sip:alice@127.0.0.1:${b.port}>`],
        auth: ALICE,
      });
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.all('Contact').map((c) => c.replace(/;expires=\d+$/, '')),
        [`<sip:alice@127.0.0.1:${b.port}>`],
      );
      res = await b.request('REGISTER', { user: 'alice', headers: ['Contact: *', 'Expires: 0'], auth: ALICE });
      assert.equal(res.status, 200);
    } finally {
      a.close();
      b.close();
    }
  });
  test('no expiry anywhere → default_expiration 3600 and no Expires header; a bad Contact → 400', async () => {
    const peer = await SipPeer.open(() => server.sip.port);
    try {
      const contact = `Contact: <sip:alice@127.0.0.1:${peer.port}>`;
      let res = await peer.request('REGISTER', { user: 'alice', headers: [contact], auth: ALICE });
      assert.equal(res.status, 200);
      assert.equal(res.header('Expires'), undefined);
      assert.match(res.header('Contact') ?? '', /;expires=(3599|3600)$/);
      res = await peer.request('REGISTER', { user: 'alice', headers: ['Contact: <not a uri'], auth: ALICE });
      assert.equal(res.status, 400);
      res = await peer.request('REGISTER', { user: 'alice', headers: [contact, 'Expires: 0'], auth: ALICE });
      assert.equal(res.status, 200);
      assert.deepEqual(res.all('Contact'), []);
    } finally {
      peer.close();
    }
  });
});
