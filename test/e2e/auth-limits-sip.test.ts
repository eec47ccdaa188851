/**
 * The SIP brake on digest guessing (sip/auth/auth-limiter.ts) with real UDP peers on different loopback
 * addresses: after ten wrong answers to the challenge the guessing source gets 403 Forbidden to every
 * out-of-dialog request, the right password included, while a peer at another address registers as usual.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { ClientAuth } from '../../src/sip/auth/client-auth.js';
import { DEFAULT_AUTH_FAILURE_LIMITS } from '../../src/util/auth-failure-limiter.js';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => 100,1,Answer()\n same => n,Wait(10)\n',
    'pjsip.conf': EMBEDDED_PJSIP,
  });
});
after(() => server.close());

/** A UDP peer bound to one loopback address, sending REGISTER/INVITE as alice and answering one 401. */
class Peer {
  readonly #waiters = new Map<string, (status: number, text: string) => void>();

  private constructor(
    readonly sock: Socket,
    readonly host: string,
  ) {
    sock.on('message', (buf) => {
      const text = buf.toString('latin1');
      const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 0);
      const key = /^CSeq:\s*(.+)$/im.exec(text)?.[1]?.trim() + '|' + /^Call-ID:\s*(.+)$/im.exec(text)?.[1]?.trim();
      if (status >= 200) this.#waiters.get(key)?.(status, text);
    });
  }

  static async open(host: string): Promise<Peer> {
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, host, resolve));
    return new Peer(sock, host);
  }

  #send(method: string, cseq: number, callId: string, extra: string[]): Promise<{ status: number; text: string }> {
    const port = this.sock.address().port;
    const body =
      method === 'INVITE'
        ? `v=0\r\no=- 1 1 IN IP4 ${this.host}\r\ns=-\r\nc=IN IP4 ${this.host}\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n`
        : '';
    const lines = [
      `${method} ${this.#uri(method)} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.host}:${port};branch=z9hG4bK${randomUUID()};rport`,
      `From: <sip:alice@127.0.0.1>;tag=${callId.slice(0, 8)}`,
      `To: <sip:${method === 'INVITE' ? '100' : 'alice'}@127.0.0.1>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:alice@${this.host}:${port}>`,
      'Max-Forwards: 70',
      ...extra,
      ...(body ? ['Content-Type: application/sdp'] : []),
      `Content-Length: ${body.length}`,
    ];
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} ${cseq}`)), 5000);
      this.#waiters.set(`${cseq} ${method}|${callId}`, (status, text) => {
        clearTimeout(timer);
        resolve({ status, text });
      });
    });
    this.sock.send(lines.join('\r\n') + '\r\n\r\n' + body, server.sip.port, '127.0.0.1');
    return answered;
  }

  #uri(method: string): string {
    return method === 'INVITE' ? `sip:100@127.0.0.1:${server.sip.port}` : `sip:127.0.0.1:${server.sip.port}`;
  }

  /** The request, then its 401 answered with `password` (when given): the final statuses, in order. */
  async attempt(method: 'REGISTER' | 'INVITE', password?: string): Promise<number[]> {
    const callId = randomUUID();
    const first = await this.#send(method, 1, callId, []);
    if (first.status !== 401 || password === undefined) return [first.status];
    const client = new ClientAuth([{ username: 'alice', secret: { password } }]);
    const challenges = first.text
      .split('\r\n')
      .filter((l) => /^WWW-Authenticate:/i.test(l))
      .map((l) => l.slice(l.indexOf(':') + 1).trim());
    const answer = client.answer(401, challenges, { method, uri: this.#uri(method), body: '' });
    assert.ok(answer.ok);
    const headers = answer.headers.map((h) => `${h.name}: ${h.value}`);
    const second = await this.#send(method, 2, callId, [...headers, ...(method === 'REGISTER' ? ['Expires: 0'] : [])]);
    return [first.status, second.status];
  }

  close(): void {
    this.sock.close();
  }
}

test('ten wrong digests get the source refused with 403; another address registers with the right password', async () => {
  const guesser = await Peer.open('127.0.0.1');
  const neighbour = await Peer.open('127.0.0.2');
  try {
    const limit = DEFAULT_AUTH_FAILURE_LIMITS.maxFailures;
    // In parallel: the held-back 401s overlap instead of adding up.
    const tries = await Promise.all(Array.from({ length: limit }, (_, i) => guesser.attempt('REGISTER', `guess-${i}`)));
    const finals = tries.map((t) => t.at(-1)).sort();
    assert.deepEqual(finals, [...Array<number>(limit - 1).fill(401), 403]);
    assert.ok(
      tries.every((t) => t[0] === 401),
      'each first went through the challenge',
    );

    // Refused now: no challenge any more, whatever is sent; the right password does not help.
    assert.deepEqual(await guesser.attempt('REGISTER', 'alice-secret'), [403]);
    assert.deepEqual(await guesser.attempt('INVITE', 'alice-secret'), [403]);

    // Another source: challenged once, then registered (and unregistered, Expires: 0).
    assert.deepEqual(await neighbour.attempt('REGISTER', 'alice-secret'), [401, 200]);
    assert.deepEqual(await neighbour.attempt('REGISTER', 'wrong'), [401, 401]);
  } finally {
    guesser.close();
    neighbour.close();
  }
});

test('requests without credentials never count against a source', async () => {
  const prober = await Peer.open('127.0.0.3');
  try {
    for (let i = 0; i < 25; i++) assert.deepEqual(await prober.attempt('REGISTER'), [401]);
    assert.deepEqual(await prober.attempt('REGISTER', 'alice-secret'), [401, 200]);
  } finally {
    prober.close();
  }
});
