/**
 * The AsyncAPI document of the events WebSocket, checked by the AsyncAPI project's own parser (its JSON
 * Schema of the 3.0 specification plus its Spectral rules), as served at GET /ari/asyncapi.json.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser, DiagnosticSeverity, type Diagnostic } from '@asyncapi/parser';
import { asyncApiDocument } from '../../src/ari/docs/asyncapi.js';
import { EVENT_SCHEMAS } from '../../src/ari/models/wire.js';
import { call, startHarness, type Harness } from './server/harness.js';

const parser = new Parser();
const EVENT_TYPES = Object.keys(EVENT_SCHEMAS).sort();

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

const errorsOf = (diagnostics: Diagnostic[]): string[] =>
  diagnostics
    .filter((d) => Number(d.severity) === Number(DiagnosticSeverity.Error))
    .map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`);

type Doc = {
  asyncapi: string;
  servers?: Record<string, { host: string; protocol: string; pathname?: string }>;
  channels: Record<string, { address: string; bindings: { ws: { query: { required: string[] } } } }>;
  components: { schemas: Record<string, Record<string, unknown>>; messages: Record<string, { payload: unknown }> };
};

test('GET /ari/asyncapi.json needs credentials and is a valid AsyncAPI 3.0 document', async () => {
  assert.equal((await call(h, 'GET', '/asyncapi.json', { auth: null })).status, 401);
  assert.equal((await call(h, 'POST', '/asyncapi.json')).status, 405);
  const r = await call(h, 'GET', '/asyncapi.json');
  assert.equal(r.status, 200);
  const served = JSON.parse(r.text) as Doc;
  assert.equal(served.asyncapi, '3.0.0');
  assert.deepEqual(served.servers?.['ari']?.host, `127.0.0.1:${h.port}`);
  assert.equal(served.servers?.['ari']?.protocol, 'ws');

  const { document, diagnostics } = await parser.parse(r.text);
  assert.deepEqual(errorsOf(diagnostics), []);
  assert.ok(document, 'the parser returned no document');
  const messageIds = document
    .allMessages()
    .all()
    .map((m) => m.id());
  // One message per event type, plus the RESTRequest the client may send (semantics.md §3.4).
  assert.deepEqual(messageIds.sort(), [...EVENT_TYPES, 'RESTRequest'].sort());
  assert.equal(EVENT_TYPES.length, 46);
  const channel = document.channels().get('events');
  assert.equal(channel?.address(), '/ari/events');
  const ops = document.operations().all();
  assert.deepEqual(ops.map((o) => o.action()).sort(), ['receive', 'send']);
  const receive = ops.find((o) => o.action() === 'receive');
  assert.deepEqual(
    receive
      ?.reply()
      ?.messages()
      .all()
      .map((m) => m.id()),
    ['RESTResponse'],
  );
});

test('the handshake binding names app (required), subscribeAll and api_key, and the ari sub-protocol', () => {
  const doc = asyncApiDocument('https://pbx.example:8089/pfx') as any;
  const { description, ...server } = doc.servers.ari;
  assert.equal(typeof description, 'string');
  assert.deepEqual(server, {
    host: 'pbx.example:8089',
    protocol: 'wss',
    pathname: '/pfx',
    security: [{ $ref: '#/components/securitySchemes/basicAuth' }, { $ref: '#/components/securitySchemes/apiKey' }],
  });
  const ws = doc.channels.events.bindings.ws;
  assert.deepEqual(Object.keys(ws.query.properties), ['app', 'subscribeAll', 'api_key']);
  assert.deepEqual(ws.query.required, ['app']);
  assert.deepEqual(ws.headers.properties['Sec-WebSocket-Protocol'].enum, ['ari']);
  // Without a Host header only the prefix is known: no server is named.
  assert.equal(asyncApiDocument('/pfx')['servers'], undefined);
});

test('payloads are the wire schemas, nested models as references, without TypeBox markers', () => {
  const doc = asyncApiDocument('http://127.0.0.1:8088') as unknown as Doc;
  const { schemas, messages } = doc.components;
  assert.deepEqual(messages['StasisStart']?.payload, { $ref: '#/components/schemas/StasisStart' });
  const start = schemas['StasisStart'] as { properties: Record<string, unknown>; required: string[] };
  assert.deepEqual(start.properties['channel'], { $ref: '#/components/schemas/Channel' });
  assert.deepEqual(start.properties['replace_channel'], { $ref: '#/components/schemas/Channel' });
  assert.deepEqual(start.properties['type'], { type: 'string', const: 'StasisStart' });
  assert.ok(!start.required.includes('replace_channel'));
  const channel = schemas['Channel'] as { properties: Record<string, unknown> };
  assert.deepEqual(channel.properties['caller'], { $ref: '#/components/schemas/CallerID' });
  assert.ok(!JSON.stringify(doc).includes('~'));
  // Every reference resolves inside the document.
  for (const [, name] of JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)) {
    assert.ok(name! in schemas, name);
  }
});

test('the parser does report a broken document (so the check above can fail)', async () => {
  const doc = structuredClone(asyncApiDocument('http://127.0.0.1:8088')) as Record<string, any>;
  doc['operations'].sendEvents.messages.push({ $ref: '#/channels/events/messages/NoSuchEvent' });
  doc['operations'].receiveRestRequest.action = 'publish'; // 2.x wording, not 3.0
  const errors = errorsOf(await parser.validate(JSON.stringify(doc)));
  assert.ok(errors.length >= 2, errors.join('\n'));
});
