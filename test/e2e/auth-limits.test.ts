/**
 * The ARI brake on password guessing (ari.conf auth_failure_*), with real HTTP and WebSocket clients bound to
 * different loopback addresses: failures from one address are answered later and later, then that address is
 * refused with 429 + Retry-After (the right password included) while other addresses are served as usual.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../helpers/server.js';

const ARI_CONF = `[general]
enabled=yes
auth_failure_limit=6
auth_failure_window=60
auth_failure_block=120
auth_failure_delay=100
[asterisk]
type=user
password=asterisk
`;

/** Loopback addresses the clients bind to: the server sees three different sources. */
const GUESSER = '127.0.0.1';
const NEIGHBOUR = '127.0.0.2';
const PROBER = '127.0.0.3';

let server: TestServer;
before(async () => {
  server = await startTestServer({ 'ari.conf': ARI_CONF, 'extensions.conf': '[default]\n' });
});
after(() => server.close());

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

function get(from: string, path: string, credentials?: string, base = server.ariBase): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      {
        localAddress: from,
        agent: false,
        headers: credentials ? { Authorization: 'Basic ' + Buffer.from(credentials).toString('base64') } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body, ms: performance.now() - started }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The status the events WebSocket handshake is answered with (101 when it opens). */
function upgrade(from: string, apiKey: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ari/events?app=lim&api_key=${apiKey}`, {
      localAddress: from,
    });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

test('requests without credentials are answered 401 however many there are, and never count', async () => {
  for (let i = 0; i < 12; i++) assert.equal((await get(PROBER, '/asterisk/ping')).status, 401);
  assert.equal((await get(PROBER, '/asterisk/ping', 'asterisk:asterisk')).status, 200);
});

test('failures slow down, then refuse the guessing address; other addresses are served as usual', async () => {
  const answers: Answer[] = [];
  for (let i = 0; i < 6; i++) answers.push(await get(GUESSER, '/asterisk/ping', `asterisk:guess${i}`));
  assert.deepEqual(
    answers.map((a) => a.status),
    [401, 401, 401, 401, 401, 401],
  );
  // The 4th and 5th failures are held back 100 and 200 ms (auth_failure_delay=100, after the first three).
  assert.ok(answers[3]!.ms >= 95, `4th failure answered in ${answers[3]!.ms} ms`);
  assert.ok(answers[4]!.ms >= 195, `5th failure answered in ${answers[4]!.ms} ms`);

  // The 6th failure got the address refused: the right password no longer helps, nor does a WebSocket.
  const refused = await get(GUESSER, '/asterisk/ping', 'asterisk:asterisk');
  assert.equal(refused.status, 429);
  const retryAfter = Number(refused.headers['retry-after']);
  assert.ok(retryAfter > 100 && retryAfter <= 120, `Retry-After: ${String(refused.headers['retry-after'])}`);
  assert.deepEqual(JSON.parse(refused.body), { message: 'Too many failed authentication attempts' });
  assert.equal((await get(GUESSER, '/asterisk/ping')).status, 429);
  assert.equal(await upgrade(GUESSER, 'asterisk:asterisk'), 429);

  // Another address: the right password works, over HTTP and for the events WebSocket; a wrong one is a 401.
  assert.equal((await get(NEIGHBOUR, '/asterisk/ping', 'asterisk:asterisk')).status, 200);
  assert.equal(await upgrade(NEIGHBOUR, 'asterisk:asterisk'), 101);
  assert.equal(await upgrade(NEIGHBOUR, 'asterisk:wrong'), 401);
  assert.equal((await get(NEIGHBOUR, '/asterisk/ping', 'asterisk:asterisk')).status, 200);
});

test('guesses against /metrics count like any other and get the same refusal', async () => {
  const METRICS_GUESSER = '127.0.0.4';
  for (let i = 0; i < 6; i++) {
    assert.equal((await get(METRICS_GUESSER, '/metrics', `asterisk:guess${i}`, server.url)).status, 401);
  }
  assert.equal((await get(METRICS_GUESSER, '/metrics', 'asterisk:asterisk', server.url)).status, 429);
  assert.equal((await get(METRICS_GUESSER, '/asterisk/ping', 'asterisk:asterisk')).status, 429);
  assert.equal((await get(PROBER, '/metrics', 'asterisk:asterisk', server.url)).status, 200);
});
