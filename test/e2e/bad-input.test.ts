/**
 * Garbage in: every declared operation is called with random ids, parameters and bodies. Each answer must
 * be an ARI status with a `{"message"}` (or Asterisk's one `{"error"}`) body — never an unexpected 500 —
 * and the server must keep serving the channel that lives through it all.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ari, EventSocket } from '../helpers/ari.js';
import { ALL_OPERATIONS } from '../../src/ari/operations/index.js';

let server: TestServer;
let events: EventSocket;

before(async () => {
  server = await startTestServer();
  events = await EventSocket.open(server, 'fuzz');
});
after(async () => {
  events.close();
  await server.close();
});

/** A small deterministic generator so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

const WORDS = [
  '',
  'x',
  'survivor',
  'nope',
  '%2F',
  'Local/echo@default',
  'Bogus/x',
  '-1',
  '0',
  '99999999999',
  'true',
  'a,b,,c',
  '"q"',
  '${X}',
  'CALLERID(name)',
  '../..',
  'ü',
  '\u0000',
];
const BODIES: unknown[] = [
  undefined,
  '{',
  '[]',
  'null',
  '"s"',
  '{"variables":5}',
  '{"variables":{"A":[1]}}',
  '{"allowed":"x"}',
  '{"fields":[{"attribute":1}]}',
  '{"media":["sound:x"]}',
  'x'.repeat(50000),
];

test('random calls to every operation get ARI errors, never a crash or an unexpected 500', async () => {
  const keep = await ari(server, 'POST', '/channels?endpoint=Local/park@default&app=fuzz&channelId=survivor');
  assert.equal(keep.status, 200);
  await events.wait((e) => e.type === 'StasisStart' && e.channel?.id === 'survivor');
  const next = rng(20261201);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const allowed = new Set([200, 201, 202, 204, 400, 403, 404, 405, 409, 412, 413, 422, 500, 501]);
  for (let i = 0; i < 600; i++) {
    const op = pick(ALL_OPERATIONS);
    if (op.upgrade) continue;
    const path = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(pick(WORDS)));
    const query = op.params
      .filter((p) => p.in === 'query' && next() < 0.6)
      .map((p) => `${p.name}=${encodeURIComponent(pick(WORDS))}`)
      .join('&');
    // Never hang up the survivor: its life proves other channels are unaffected.
    if (op.method === 'DELETE' && path.startsWith('/channels/survivor')) continue;
    if (op.nickname === 'continueInDialplan' || op.nickname === 'move' || op.nickname === 'redirect') continue;
    const body = op.method === 'GET' ? undefined : pick(BODIES);
    const r = await ari(
      server,
      op.method,
      path + (query ? `?${query}` : ''),
      body,
      body === undefined ? {} : { 'Content-Type': 'application/json' },
    );
    assert.ok(allowed.has(r.status), `${op.method} ${path}?${query} -> ${r.status} ${r.text.slice(0, 200)}`);
    if (r.status >= 400) {
      assert.ok(
        r.json && (typeof r.json.message === 'string' || r.json.error === 'Allocation failed'),
        `${op.method} ${path} body ${r.text.slice(0, 200)}`,
      );
      if (r.status === 500) assert.notEqual(r.json.message, 'Internal Server Error', `${op.method} ${path}?${query}`);
    }
  }
  const alive = await ari(server, 'GET', '/channels/survivor');
  assert.equal(alive.status, 200);
  assert.equal((await ari(server, 'GET', '/asterisk/ping')).status, 200);
  await ari(server, 'DELETE', '/channels/survivor');
});
