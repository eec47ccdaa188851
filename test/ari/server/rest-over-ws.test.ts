import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type WebSocket from 'ws';
import { openEvents, startHarness, until, type Harness } from './harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

type Msg = Record<string, unknown>;

/** Send frames and wait for `n` RESTResponse events. */
async function exchange(ws: WebSocket, messages: Msg[], frames: (string | Msg)[], n = frames.length): Promise<Msg[]> {
  const start = messages.length;
  for (const f of frames) ws.send(typeof f === 'string' ? f : JSON.stringify(f));
  await until(() => messages.slice(start).filter((m) => m['type'] === 'RESTResponse').length >= n);
  return messages.slice(start).filter((m) => m['type'] === 'RESTResponse');
}

test('a RESTResponse carries the trace fields in order, to the first app of the socket', async () => {
  const { ws, messages } = await openEvents(h, 'app=appA,appB&api_key=asterisk:asterisk');
  const [r] = await exchange(ws, messages, [
    { type: 'RESTRequest', request_id: 'r1', transaction_id: 't1', method: 'GET', uri: 'asterisk/ping' },
  ]);
  assert.deepEqual(Object.keys(r!), [
    'type',
    'transaction_id',
    'request_id',
    'status_code',
    'reason_phrase',
    'uri',
    'content_type',
    'message_body',
    'application',
    'timestamp',
    'asterisk_id',
  ]);
  assert.equal(r!['transaction_id'], 't1');
  assert.equal(r!['request_id'], 'r1');
  assert.equal(r!['status_code'], 200);
  assert.equal(r!['reason_phrase'], 'OK');
  assert.equal(r!['uri'], 'asterisk/ping');
  assert.equal(r!['content_type'], 'application/json');
  assert.equal(r!['message_body'], '{"ping":"pong"}');
  assert.equal(r!['application'], 'appA');
  ws.close();
});

test('requests are answered strictly in arrival order, a slow one holding the next back', async () => {
  const { ws, messages } = await openEvents(h, 'app=ord&api_key=asterisk:asterisk');
  const out = await exchange(ws, messages, [
    { type: 'RESTRequest', request_id: 'slow', method: 'DELETE', uri: 'bridges/b1' },
    { type: 'RESTRequest', request_id: 'r2', method: 'POST', uri: 'bridges/wsb?type=holding' },
    {
      type: 'RESTRequest',
      request_id: 'r3',
      method: 'POST',
      uri: 'bridges/wsb2',
      content_type: 'application/json',
      message_body: '{"name":"viaBody"}',
    },
    { type: 'RESTRequest', request_id: 'r4', method: 'DELETE', uri: '/bridges/wsb' },
    { type: 'RESTRequest', request_id: 'r5', method: 'GET', uri: 'channels/nope' },
    'not json',
    {
      type: 'RESTRequest',
      request_id: 'r6',
      method: 'GET',
      uri: 'recordings/stored',
      query_strings: [{ name: 'x', value: 'y' }],
    },
  ]);
  assert.deepEqual(
    out.map((m) => [m['request_id'], m['status_code'], m['reason_phrase'], m['uri']]),
    [
      ['slow', 204, 'No Content', 'bridges/b1'],
      ['r2', 200, 'OK', 'bridges/wsb'],
      ['r3', 200, 'OK', 'bridges/wsb2'],
      ['r4', 405, 'Method Not Allowed', '/bridges/wsb'],
      ['r5', 404, 'Not Found', 'channels/nope'],
      ['', 400, 'Failed to parse request message JSON', ''],
      ['r6', 200, 'OK', 'recordings/stored'],
    ],
  );
  assert.equal('message_body' in out[0]!, false); // 204: no content_type/message_body
  assert.deepEqual(JSON.parse(out[1]!['message_body'] as string).args, { bridgeId: 'wsb', type: 'holding' });
  assert.equal(JSON.parse(out[2]!['message_body'] as string).args.name, 'viaBody');
  assert.equal(out[3]!['message_body'], '{"message":"Invalid method"}');
  assert.equal(out[5]!['transaction_id'], '');
  assert.equal('content_type' in out[5]!, false);
  assert.equal(out[6]!['message_body'], '[{"name":"r1","format":"wav"}]');
  ws.close();
});

test('every malformed RESTRequest gets its 400 with the message of parse_rest_request_msg', async () => {
  const { ws, messages } = await openEvents(h, 'app=bad&api_key=asterisk:asterisk');
  const ids = { request_id: 'i', transaction_id: 't' };
  const cases: [Msg | string, string, string][] = [
    [{ ...ids }, "No 'type' property.", ''],
    [{ ...ids, type: 5 }, "No 'type' property.", ''],
    [{ ...ids, type: 'Other' }, 'Unknown request type.', ''],
    [{ ...ids, type: 'RESTRequest', method: 'GET' }, "Empty or missing 'uri' property.", ''],
    [{ ...ids, type: 'RESTRequest', uri: '', method: 'GET' }, "Empty or missing 'uri' property.", ''],
    [{ ...ids, type: 'RESTRequest', uri: 'channels?x=1' }, "Unknown or missing 'method' property.", 'channels'],
    [
      { ...ids, type: 'RESTRequest', uri: 'channels', method: 'get' },
      "Unknown or missing 'method' property.",
      'channels',
    ],
    [
      { ...ids, type: 'RESTRequest', uri: 'channels', method: 'PATCH' },
      "Unknown or missing 'method' property.",
      'channels',
    ],
    [
      { ...ids, type: 'RESTRequest', uri: 'c', method: 'GET', query_strings: {} },
      "Unable to parse 'query_strings' array.",
      'c',
    ],
    [
      { ...ids, type: 'RESTRequest', uri: 'c', method: 'GET', query_strings: [{ name: 'a' }] },
      "Unable to parse 'query_strings' array.",
      'c',
    ],
    [
      { ...ids, type: 'RESTRequest', uri: 'c', method: 'POST', message_body: '{}' },
      "No 'content_type' for 'message_body'.",
      'c',
    ],
    [
      { ...ids, type: 'RESTRequest', uri: 'c', method: 'POST', message_body: 'x', content_type: 'text/plain' },
      'Unknown content type.',
      'c',
    ],
    [
      { ...ids, type: 'RESTRequest', uri: 'c', method: 'POST', message_body: '{bad', content_type: 'application/json' },
      "Unable to parse 'message_body' as 'application/json'.",
      'c',
    ],
    [
      {
        ...ids,
        type: 'RESTRequest',
        uri: 'c',
        method: 'POST',
        message_body: '&&',
        content_type: 'application/x-www-form-urlencoded',
      },
      "Unable to parse 'message_body' as 'application/x-www-form-urlencoded'.",
      'c',
    ],
    ['[1,2]', "No 'type' property.", ''],
  ];
  const out = await exchange(
    ws,
    messages,
    cases.map((c) => c[0]),
  );
  for (let i = 0; i < cases.length; i++) {
    const [, message, uri] = cases[i]!;
    const r = out[i]!;
    assert.equal(r['status_code'], 400, message);
    assert.equal(r['reason_phrase'], 'Bad request', message);
    assert.equal(r['message_body'], JSON.stringify({ message }), message);
    assert.equal(r['content_type'], 'application/json');
    assert.equal(r['uri'], uri, message);
    if (typeof cases[i]![0] !== 'string') assert.equal(r['request_id'], 'i');
  }
  ws.close();
});

test('GET events over the socket is 400; a binary result is 406; non-text frames are ignored', async () => {
  const { ws, messages } = await openEvents(h, 'app=w&api_key=asterisk:asterisk');
  ws.send(Buffer.from('{"type":"RESTRequest","method":"GET","uri":"asterisk/ping"}'), { binary: true });
  const out = await exchange(ws, messages, [
    { type: 'RESTRequest', request_id: 'e', method: 'GET', uri: 'events?app=x' },
    { type: 'RESTRequest', request_id: 'f', method: 'GET', uri: 'recordings/stored/r1/file' },
  ]);
  assert.equal(out.length, 2);
  assert.equal(out[0]!['status_code'], 400);
  assert.equal(out[0]!['message_body'], `{"message":"Can't upgrade to websocket from a websocket"}`);
  assert.equal(out[1]!['status_code'], 406);
  assert.equal(out[1]!['reason_phrase'], 'Not Acceptable.  Use HTTP GET');
  assert.equal('message_body' in out[1]!, false);
  ws.close();
});

test("the upgrade's credentials authorize every request: read-only gets 403; form bodies become parameters", async () => {
  const ro = await openEvents(h, 'app=ro&api_key=ro:ro');
  const [denied, allowed] = await exchange(ro.ws, ro.messages, [
    { type: 'RESTRequest', request_id: 'w', method: 'POST', uri: 'bridges' },
    { type: 'RESTRequest', request_id: 'r', method: 'GET', uri: 'asterisk/ping' },
  ]);
  assert.equal(denied!['status_code'], 403);
  assert.equal(denied!['message_body'], '{"message":"Write access denied"}');
  assert.equal(allowed!['status_code'], 200);
  ro.ws.close();

  const rw = await openEvents(h, 'app=rw&api_key=asterisk:asterisk');
  const [form] = await exchange(rw.ws, rw.messages, [
    {
      type: 'RESTRequest',
      method: 'POST',
      uri: 'bridges?name=q',
      query_strings: [{ name: 'type', value: 'mixing' }],
      content_type: 'application/x-www-form-urlencoded',
      message_body: 'name=f&bridgeId=b9',
    },
  ]);
  assert.deepEqual(JSON.parse(form!['message_body'] as string).args, { name: 'f', type: 'mixing', bridgeId: 'b9' });
  rw.ws.close();
});
