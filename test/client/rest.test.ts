import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OPERATIONS } from '../../src/ari/operations/index.js';
import { buildRequest, callOperation } from '../../src/client/rest.js';
import { AriClientError, createAriClient } from '../../src/client/index.js';

const { channels, bridges, recordings, applications, asterisk, events } = OPERATIONS;

test('path parameters are URL-encoded one segment at a time', () => {
  assert.equal(buildRequest(channels.answer, { channelId: 'c1' }).path, '/channels/c1/answer');
  // semantics.md §1.1: %2F inside a segment stays part of it (the recording `sub/name`).
  assert.equal(
    buildRequest(recordings.getStored, { recordingName: 'sub/name x' }).path,
    '/recordings/stored/sub%2Fname%20x',
  );
  assert.equal(buildRequest(channels.get, { channelId: 'a?b#c' }).path, '/channels/a%3Fb%23c');
  assert.throws(() => buildRequest(channels.answer, {}), /needs the path parameter channelId/);
  assert.throws(() => buildRequest(channels.answer, { channelId: '' }), TypeError);
});

test('query parameters follow the declaration order; numbers and booleans are written out', () => {
  const r = buildRequest(channels.originate, {
    timeout: 15,
    app: 'demo app',
    endpoint: 'Local/echo@default',
    appArgs: 'a,b',
  });
  assert.equal(r.method, 'POST');
  assert.equal(r.path, '/channels?endpoint=Local%2Fecho%40default&app=demo%20app&appArgs=a,b&timeout=15');
  assert.equal(r.body, undefined);
  assert.equal(buildRequest(channels.list).path, '/channels');
  const d = buildRequest(bridges.addChannel, { bridgeId: 'b', channel: 'c', inhibitConnectedLineUpdates: true });
  assert.equal(d.path, '/bridges/b/addChannel?channel=c&inhibitConnectedLineUpdates=true');
  assert.equal(buildRequest(channels.hangup, { channelId: 'c', reason: undefined }).path, '/channels/c');
});

test('allowMultiple parameters are one comma-separated value, a list or a string alike', () => {
  const list = buildRequest(channels.play, { channelId: 'c', media: ['sound:hello', 'sound:bye'] });
  assert.equal(list.path, '/channels/c/play?media=sound%3Ahello,sound%3Abye');
  const one = buildRequest(channels.play, { channelId: 'c', media: 'sound:hello,sound:bye' });
  assert.equal(one.path, list.path);
  const sources = buildRequest(events.userEvent, {
    eventName: 'e',
    application: 'a',
    source: ['channel:1', 'bridge:2'],
  });
  assert.equal(sources.path, '/events/user/e?application=a&source=channel%3A1,bridge%3A2');
});

test('body parameters: variables and fields are keys of the JSON body, the event filter is the whole body', () => {
  const vars = { A: '1', B: { value: '2', report_events: true } };
  const o = buildRequest(channels.originate, { endpoint: 'Local/1@default', app: 'a', variables: vars });
  assert.deepEqual(JSON.parse(o.body ?? ''), { variables: vars });
  assert.equal(o.path, '/channels?endpoint=Local%2F1%40default&app=a');
  const fields = [{ attribute: 'max_contacts', value: '1' }];
  const u = buildRequest(asterisk.updateObject, { configClass: 'res_pjsip', objectType: 'aor', id: 'x', fields });
  assert.deepEqual(JSON.parse(u.body ?? ''), { fields });
  const filter = { allowed: [{ type: 'StasisStart' }] };
  assert.deepEqual(JSON.parse(buildRequest(applications.filter, { applicationName: 'a', filter }).body ?? ''), filter);
});

test('a parameter the operation does not declare is refused before anything is sent', () => {
  assert.throws(() => buildRequest(channels.hangup, { channelId: 'c', reasn: 'busy' }), /has no parameter reasn/);
  assert.throws(() => buildRequest(channels.hangup, { channelId: 'c', reason: { x: 1 } }), /must be a string/);
});

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A one-answer HTTP server on 127.0.0.1 that records what it was sent. */
async function withServer(
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
  run: (url: string, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('requests carry Basic auth and a JSON content type only with a body; results are decoded', async () => {
  const json = { 'Content-Type': 'application/json' };
  await withServer(200, json, '{"id":"c1"}', async (url, seen) => {
    const client = createAriClient({ url: `${url}/`, username: 'asterisk', password: 's:cret' });
    const ch = await client.channels.originate({ endpoint: 'Local/1@d', app: 'a', variables: { V: 'x' } });
    assert.equal(ch.id, 'c1');
    assert.equal(seen[0]?.url, '/ari/channels?endpoint=Local%2F1%40d&app=a');
    assert.equal(seen[0]?.headers.authorization, 'Basic ' + Buffer.from('asterisk:s:cret').toString('base64'));
    assert.equal(seen[0]?.headers['content-type'], 'application/json');
    assert.equal(seen[0]?.body, '{"variables":{"V":"x"}}');
  });
  await withServer(204, {}, '', async (url, seen) => {
    const client = createAriClient({ url: `${url}/ari`, username: 'u', password: 'p' });
    assert.equal(await client.channels.answer({ channelId: 'c1' }), undefined);
    assert.equal(seen[0]?.url, '/ari/channels/c1/answer');
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.headers['content-type'], undefined);
  });
});

test('a stored recording comes back as bytes', async () => {
  const wav = Buffer.from([0x52, 0x49, 0x46, 0x46, 0, 1, 2, 255]);
  await withServer(200, { 'Content-Type': 'audio/wav' }, wav, async (url) => {
    const client = createAriClient({ url, username: 'u', password: 'p' });
    const file = await client.recordings.getStoredFile({ recordingName: 'r' });
    assert.ok(file instanceof Uint8Array);
    assert.deepEqual(Buffer.from(file), wav);
  });
});

test('errors become AriClientError with the status, the message and the body', async () => {
  await withServer(404, { 'Content-Type': 'application/json' }, '{"message":"Channel not found"}', async (url) => {
    const target = { ariUrl: `${url}/ari`, authorization: 'Basic x' };
    const err = await callOperation(target, channels.get, { channelId: 'nope' }).then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof AriClientError);
    assert.equal(err.status, 404);
    assert.equal(err.message, 'Channel not found');
    assert.deepEqual(err.body, { message: 'Channel not found' });
    assert.equal(err.operation, 'channels.get');
  });
  // semantics.md §1.5: allocation failures answer {"error": ...} instead of {"message": ...}.
  await withServer(500, { 'Content-Type': 'application/json' }, '{"error":"Allocation failed"}', async (url) => {
    const client = createAriClient({ url, username: 'u', password: 'p' });
    await assert.rejects(client.channels.originate({ endpoint: 'Bogus/x', app: 'a' }), {
      name: 'AriClientError',
      status: 500,
      message: 'Allocation failed',
    });
  });
  await withServer(503, {}, 'not json', async (url) => {
    const client = createAriClient({ url, username: 'u', password: 'p' });
    await assert.rejects(client.asterisk.ping(), { status: 503, message: 'Service Unavailable', body: 'not json' });
  });
});
