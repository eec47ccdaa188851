// The registrar against real sipp and a raw UDP peer (sip-reference §4.10): digest challenge, expiry clamping,
// un-REGISTER, AOR checks.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ClientAuth } from '../../src/sip/auth/client-auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { freeUdpPort, killAllSipp, runSipp, sipStartLines, sippAvailable } from '../helpers/sipp.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

interface Msg {
  start: string;
  status: number;
  headers: [string, string][];
  body: string;
  header(name: string): string | undefined;
  all(name: string): string[];
}

function parse(text: string): Msg {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  const [start = '', ...lines] = head.split('\r\n');
  const headers = lines.map((l): [string, string] => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
  const all = (name: string): string[] =>
    headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  const m = /^SIP\/2\.0 (\d{3})/.exec(start);
  return { start, status: m ? Number(m[1]) : 0, headers, body, header: (n) => all(n)[0], all };
}

/** A SIP UA on a raw UDP socket: sends requests, answers 401 with digest, collects what it receives. */
class Peer {
  readonly inbox: Msg[] = [];
  #waiters: { pred: (m: Msg) => boolean; resolve: (m: Msg) => void }[] = [];
  #cseq = 1;

  private constructor(
    readonly sock: Socket,
    readonly port: number,
    readonly server: TestServer,
  ) {
    sock.on('message', (buf) => {
      const m = parse(buf.toString('latin1'));
      this.inbox.push(m);
      this.#waiters = this.#waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
  }

  static async open(server: TestServer): Promise<Peer> {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    return new Peer(sock, sock.address().port, server);
  }

  next(pred: (m: Msg) => boolean, ms = 3000): Promise<Msg> {
    const seen = this.inbox.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no matching SIP message in ${ms} ms`)), ms);
      this.#waiters.push({ pred, resolve: (m) => (clearTimeout(t), resolve(m)) });
    });
  }

  send(text: string): void {
    this.sock.send(Buffer.from(text, 'latin1'), this.server.sip.port, '127.0.0.1');
  }

  /** One out-of-dialog request; a 401 is answered once with `auth`'s credentials. Resolves to the final response. */
  async request(
    method: string,
    opts: { user: string; toUser?: string; headers?: string[]; auth?: { user: string; pass: string } },
  ): Promise<Msg> {
    const uri = `sip:127.0.0.1:${this.server.sip.port}`;
    const callId = randomUUID();
    const client = opts.auth && new ClientAuth([{ username: opts.auth.user, secret: { password: opts.auth.pass } }]);
    let authHeaders: string[] = [];
    for (let round = 0; round < 2; round++) {
      const cseq = this.#cseq++;
      const lines = [
        `${method} ${uri} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=z9hG4bK${randomUUID()};rport`,
        `From: <sip:${opts.user}@127.0.0.1>;tag=${callId.slice(0, 8)}`,
        `To: <sip:${opts.toUser ?? opts.user}@127.0.0.1>`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ${method}`,
        'Max-Forwards: 70',
        ...(opts.headers ?? []),
        ...authHeaders,
        'Content-Length: 0',
      ];
      this.send(lines.join('\r\n') + '\r\n\r\n');
      const res = await this.next(
        (m) => m.status >= 200 && m.header('Call-ID') === callId && m.header('CSeq') === `${cseq} ${method}`,
      );
      if (res.status !== 401 || client === undefined || round === 1) return res;
      const answer = client.answer(401, res.all('WWW-Authenticate'), { method, uri });
      if (!answer.ok) return res;
      authHeaders = answer.headers.map((h) => `${h.name}: ${h.value}`);
    }
    throw new Error('unreachable');
  }

  close(): void {
    this.sock.close();
  }
}

let server: TestServer;

before(async () => {
  if (skip) return;
  server = await startTestServer({
    'ari.conf': '[general]\nenabled=yes\n[asterisk]\ntype=user\npassword=asterisk\n',
    'extensions.conf': '[default]\nexten => 100,1,Answer()\n',
    'pjsip.conf': readFileSync(new URL('../../config/pjsip.conf', import.meta.url), 'utf8'),
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
    const peer = await Peer.open(server);
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
    const peer = await Peer.open(server);
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
    const peer = await Peer.open(server);
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
    const peer = await Peer.open(server);
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
    const peer = await Peer.open(server);
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
    const a = await Peer.open(server);
    const b = await Peer.open(server);
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
    const peer = await Peer.open(server);
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
