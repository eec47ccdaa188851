// Hostile and broken SIP against the running server over real loopback UDP: answered with 400 where it can be,
// dropped where it cannot, never a crash; floods from one address stay bounded (the issue's "Bad input").
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { ARI_CONF, EMBEDDED_PJSIP, startTestServer, type TestServer } from '../helpers/server.js';

let server: TestServer;
let sock: Socket;
const inbox: string[] = [];

before(async () => {
  server = await startTestServer({
    'ari.conf': ARI_CONF,
    'extensions.conf': '[default]\nexten => s,1,Hangup()\n',
    'pjsip.conf': EMBEDDED_PJSIP,
    'rtp.conf': '[general]\nrtpstart=26000\nrtpend=26999\n',
  });
  sock = createSocket('udp4');
  sock.on('message', (b) => inbox.push(b.toString('latin1')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
});

after(async () => {
  sock.close();
  await server.close();
});

const send = (text: string | Buffer): void => sock.send(text, server.sip.port, '127.0.0.1');

let seq = 0;
function request(method: string, user: string, extra = '', cseqMethod = method): string {
  seq++;
  const port = sock.address().port;
  return (
    `${method} sip:${user === '' ? '' : `${user}@`}127.0.0.1:${server.sip.port} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK-bad-${seq};rport\r\n` +
    `From: <sip:sipp@127.0.0.1:${port}>;tag=t${seq}\r\n` +
    `To: <sip:${user === '' ? '' : `${user}@`}127.0.0.1>\r\n` +
    `Call-ID: bad-${seq}@127.0.0.1\r\n` +
    `CSeq: 1 ${cseqMethod}\r\n` +
    `Max-Forwards: 70\r\n${extra}` +
    `Content-Length: 0\r\n\r\n`
  );
}

/** Responses to requests numbered (from, to]. */
function answersBetween(from: number, to: number): string[] {
  return inbox.filter((m) => {
    const n = Number(/Call-ID: bad-(\d+)@/.exec(m)?.[1] ?? -1);
    return n > from && n <= to;
  });
}

async function waitFor(pred: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

/** The server still answers: an OPTIONS gets its 200. */
async function assertAlive(): Promise<void> {
  const before = inbox.length;
  const callId = `bad-${seq + 1}@127.0.0.1`;
  send(request('OPTIONS', ''));
  await waitFor(() => inbox.slice(before).some((m) => m.includes(callId) && m.startsWith('SIP/2.0 200')));
  assert.ok(
    inbox.slice(before).some((m) => m.includes(callId) && m.startsWith('SIP/2.0 200')),
    'OPTIONS answered',
  );
}

test('a request with an out-of-range scalar is answered 400; garbage and oversize datagrams are dropped', async () => {
  const before = inbox.length;
  send(request('INVITE', 's').replace('Max-Forwards: 70', 'Max-Forwards: 999'));
  await waitFor(() => inbox.length > before);
  assert.match(inbox[before] ?? '', /^SIP\/2\.0 400 /);
  send(Buffer.from([0, 1, 2, 3, 255, 254]));
  send('NOT SIP AT ALL\r\n\r\n');
  send(Buffer.alloc(60_000, 0x41));
  await assertAlive();
});

test('method ≠ CSeq method is refused; unknown methods get 501', async () => {
  let before = inbox.length;
  send(request('OPTIONS', '', '', 'INVITE'));
  await waitFor(() => inbox.length > before);
  assert.match(inbox[before] ?? '', /^SIP\/2\.0 400 /);
  before = inbox.length;
  send(request('FROBNICATE', ''));
  await waitFor(() => inbox.length > before);
  assert.match(inbox[before] ?? '', /^SIP\/2\.0 501 /);
});

test('the RFC 4475 torture messages never crash the server', async () => {
  const dir = new URL('../sip/message/fixtures/rfc4475/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.sip') || f.endsWith('.dat'));
  assert.ok(files.length > 20, `fixtures: ${files.length}`);
  for (const f of files) send(readFileSync(new URL(f, dir)));
  await new Promise((r) => setTimeout(r, 300));
  await assertAlive();
});

test('an INVITE flood from one address is answered and stays bounded', async () => {
  const heapBefore = process.memoryUsage().heapUsed;
  const first = seq;
  const N = 2000;
  for (let i = 0; i < N; i++) {
    send(request('INVITE', 'nosuchexten'));
    // Paced a little: the point is the server's bound, not the loopback socket buffer.
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 2));
  }
  await waitFor(() => answersBetween(first, first + N).length >= N * 0.95, 8000);
  const answers = answersBetween(first, first + N);
  assert.ok(answers.length >= N * 0.95, `answers ${answers.length}/${N}`);
  const odd = answers.find((m) => !/^SIP\/2\.0 (404|503) /.test(m));
  assert.equal(odd, undefined);
  // No channel was made for any of them.
  const channels = await fetch(`${server.ariBase}/channels`, { headers: { Authorization: server.auth } });
  assert.deepEqual(await channels.json(), []);
  const grown = process.memoryUsage().heapUsed - heapBefore;
  assert.ok(grown < 64 * 1024 * 1024, `heap grew ${Math.round(grown / 1048576)} MB`);
  await assertAlive();
});

test('a REGISTER flood with bad credentials only earns 401 challenges', async () => {
  const first = seq;
  const N = 500;
  for (let i = 0; i < N; i++) {
    send(
      request('REGISTER', 'alice', 'Contact: <sip:alice@127.0.0.1:9>\r\n').replace(
        /From: <sip:sipp/,
        'From: <sip:alice',
      ),
    );
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 2));
  }
  await waitFor(() => answersBetween(first, first + N).length >= N, 8000);
  const answers = answersBetween(first, first + N);
  assert.ok(answers.length >= N * 0.95, `answers ${answers.length}/${N}`);
  const odd = answers.find((m) => !/^SIP\/2\.0 (401|503) /.test(m));
  assert.equal(odd, undefined);
  await assertAlive();
});
