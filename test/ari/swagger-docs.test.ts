import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { RESOURCE_NAMES } from '../../src/ari/operation.js';
import {
  apiDeclaration,
  resourcesListing,
  type SwaggerApiDeclaration,
  type SwaggerOperation,
} from '../../src/ari/docs/swagger.js';

const BASE = 'http://127.0.0.1:8088/ari';

function declaration(name: string): SwaggerApiDeclaration {
  const doc = apiDeclaration(name, BASE);
  assert.ok(doc, `no declaration for ${name}`);
  return doc;
}

function operation(resource: string, nickname: string): SwaggerOperation & { path: string } {
  for (const api of declaration(resource).apis) {
    const op = api.operations.find((o) => o.nickname === nickname);
    if (op) return { ...op, path: api.path };
  }
  assert.fail(`${resource}.${nickname} not declared`);
}

test('resources.json lists the 11 resources in Asterisk order', () => {
  const listing = resourcesListing(BASE);
  assert.deepEqual(Object.keys(listing), ['apiVersion', 'swaggerVersion', 'basePath', 'apis']);
  assert.equal(listing.apiVersion, '10.0.0');
  assert.equal(listing.swaggerVersion, '1.1');
  assert.equal(listing.basePath, BASE);
  assert.deepEqual(
    listing.apis.map((a) => a.path),
    RESOURCE_NAMES.map((n) => `/api-docs/${n}.{format}`),
  );
  assert.deepEqual(listing.apis[7], { path: '/api-docs/deviceStates.{format}', description: 'Device state resources' });
  assert.deepEqual(listing.apis[9], { path: '/api-docs/events.{format}', description: 'WebSocket resource' });
});

test('basePath is left out when there is no Host header to build it from', () => {
  assert.equal('basePath' in resourcesListing(undefined), false);
  assert.equal('basePath' in declaration('channels'), true);
  assert.equal('basePath' in (apiDeclaration('channels', undefined) ?? {}), false);
});

test('only the 11 resource names have a declaration', () => {
  for (const name of ['resources', 'toString', '__proto__', 'Channels', 'channels.json', '']) {
    assert.equal(apiDeclaration(name, BASE), undefined, name);
  }
});

test('each declaration carries its own basePath although the rest is cached', () => {
  const a = apiDeclaration('bridges', 'http://a/ari');
  const b = apiDeclaration('bridges', 'http://b:1/x/ari');
  assert.equal(a?.basePath, 'http://a/ari');
  assert.equal(b?.basePath, 'http://b:1/x/ari');
  assert.equal(a?.apis, b?.apis);
  assert.deepEqual(Object.keys(a ?? {}), [
    'apiVersion',
    'swaggerVersion',
    'basePath',
    'resourcePath',
    'since',
    'requiresModules',
    'apis',
    'models',
  ]);
  assert.throws(() => (a?.apis as unknown[]).push({}), TypeError);
});

test('declarations use version 2.0.0, Swagger 1.1 except events.json (1.2), and their resourcePath', () => {
  for (const name of RESOURCE_NAMES) {
    const doc = declaration(name);
    assert.equal(doc.apiVersion, '2.0.0');
    assert.equal(doc.swaggerVersion, name === 'events' ? '1.2' : '1.1');
    assert.equal(doc.resourcePath, `/api-docs/${name}.{format}`);
  }
  assert.deepEqual(declaration('channels').requiresModules, [
    'res_stasis_answer',
    'res_stasis_playback',
    'res_stasis_recording',
    'res_stasis_snoop',
  ]);
  assert.equal('requiresModules' in declaration('asterisk'), false);
  assert.deepEqual(declaration('applications').since, ['13.0.0']);
});

test('all 109 operations and 275 parameters appear once, grouped by path', () => {
  let ops = 0;
  let params = 0;
  for (const name of RESOURCE_NAMES) {
    const paths = declaration(name).apis.map((a) => a.path);
    assert.equal(new Set(paths).size, paths.length, `${name} repeats a path`);
    for (const api of declaration(name).apis) {
      assert.ok(api.operations.length > 0);
      const methods = api.operations.map((o) => o.httpMethod);
      assert.equal(new Set(methods).size, methods.length, `${api.path} repeats a method`);
      ops += api.operations.length;
      params += api.operations.reduce((n, o) => n + o.parameters.length, 0);
    }
  }
  assert.equal(ops, 109);
  assert.equal(params, 275);
  const channels = declaration('channels').apis.find((a) => a.path === '/channels/{channelId}');
  assert.deepEqual(
    channels?.operations.map((o) => `${o.httpMethod} ${o.nickname}`),
    ['GET get', 'POST originateWithId', 'DELETE hangup'],
  );
});

test('channels.json declares originate with its parameters', () => {
  const originate = operation('channels', 'originate');
  assert.equal(originate.path, '/channels');
  assert.equal(originate.httpMethod, 'POST');
  assert.equal(originate.responseClass, 'Channel');
  assert.deepEqual(
    originate.parameters.map((p) => `${p.name}:${p.paramType}:${p.dataType}${p.required ? '!' : ''}`),
    [
      'endpoint:query:string!',
      'extension:query:string',
      'context:query:string',
      'priority:query:long',
      'label:query:string',
      'app:query:string',
      'appArgs:query:string',
      'callerId:query:string',
      'timeout:query:int',
      'variables:body:containers',
      'channelId:query:string',
      'otherChannelId:query:string',
      'originator:query:string',
      'formats:query:string',
    ],
  );
  const timeout = originate.parameters.find((p) => p.name === 'timeout');
  assert.deepEqual(timeout, {
    name: 'timeout',
    description: timeout?.description,
    paramType: 'query',
    required: false,
    allowMultiple: false,
    dataType: 'int',
    defaultValue: 30,
  });
  assert.deepEqual(
    originate.errorResponses.map((e) => e.code),
    [400, 409],
  );
  assert.equal(typeof originate.errorResponses[0]?.reason, 'string');
});

test('allowable values come out as LIST and RANGE', () => {
  const reason = operation('channels', 'hangup').parameters.find((p) => p.name === 'reason');
  assert.equal(reason?.allowableValues?.valueType, 'LIST');
  assert.ok(reason?.allowableValues?.valueType === 'LIST');
  assert.equal(reason.allowableValues.values.length, 13);
  assert.ok(reason.allowableValues.values.includes('answered_elsewhere'));
  assert.ok(reason.allowableValues.values.every((v) => /^[a-z_]+$/.test(v)));
  const maxDuration = operation('channels', 'record').parameters.find((p) => p.name === 'maxDurationSeconds');
  assert.deepEqual(maxDuration?.allowableValues, { valueType: 'RANGE', min: 0 });
  const media = operation('bridges', 'play').parameters.find((p) => p.name === 'media');
  assert.equal(media?.allowMultiple, true);
  assert.equal(media?.required, true);
  const beep = operation('bridges', 'record').parameters.find((p) => p.name === 'beep');
  assert.equal(beep?.defaultValue, false);
});

test('events.json declares the WebSocket upgrade', () => {
  const ws = operation('events', 'eventWebsocket');
  assert.equal(ws.path, '/events');
  assert.equal(ws.httpMethod, 'GET');
  assert.equal(ws.responseClass, 'Message');
  assert.equal(ws.upgrade, 'websocket');
  assert.equal(ws.websocketProtocol, 'ari');
  assert.equal(operation('events', 'userEvent').upgrade, undefined);
  assert.deepEqual(
    ws.parameters.map((p) => [p.name, p.allowMultiple]),
    [
      ['app', true],
      ['subscribeAll', false],
    ],
  );
});

test('events.json has a model for every event type Event names (ari-client looks each message up)', () => {
  const models = declaration('events').models;
  assert.equal(models.Message?.discriminator, 'type');
  assert.deepEqual(models.Message?.subTypes, ['MissingParams', 'Event']);
  const subTypes = models.Event?.subTypes ?? [];
  assert.equal(subTypes.length, 45);
  for (const type of [...subTypes, 'Message', 'MissingParams']) {
    assert.equal(models[type]?.id, type, type);
  }
  assert.deepEqual(models.StasisStart?.properties.channel, { type: 'Channel', required: true, description: '' });
  assert.equal(models.StasisStart?.properties.args?.type, 'List[string]');
});

test('a declaration holds only the models its resource file defines', () => {
  const seen = new Map<string, string>();
  for (const name of RESOURCE_NAMES) {
    for (const id of Object.keys(declaration(name).models)) {
      assert.equal(seen.get(id), undefined, `${id} in ${name} and ${seen.get(id)}`);
      seen.set(id, name);
    }
  }
  assert.equal(seen.size, 85);
  assert.equal(seen.get('Channel'), 'channels');
  assert.equal(seen.get('Playback'), 'playbacks');
  assert.equal(seen.get('ConfigTuple'), 'asterisk');
  const state = declaration('channels').models.Channel?.properties.state;
  assert.equal(state?.allowableValues?.valueType, 'LIST');
});

// ---------------------------------------------------------------------------------------------------------
// A real peer: swagger-client 2.0.26 (what node ari-client uses) and ari-client itself load the documents.

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly contentType: string | undefined;
  readonly body: string;
}

/** Serves the docs the way Asterisk does (Basic auth, basePath from Host) and records every request. */
async function docsServer(): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const url = req.url ?? '';
      requests.push({
        method: req.method ?? '',
        url,
        authorization: req.headers.authorization,
        contentType: req.headers['content-type'],
        body,
      });
      if (req.headers.authorization !== 'Basic ' + Buffer.from('asterisk:secret').toString('base64')) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Authentication required"}');
        return;
      }
      const base = req.headers.host ? `http://${req.headers.host}/ari` : undefined;
      const doc = /^\/ari\/api-docs\/(\w+)\.json$/.exec(url);
      if (doc?.[1]) {
        const json = doc[1] === 'resources' ? resourcesListing(base) : apiDeclaration(doc[1], base);
        if (json) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
        else res.writeHead(404, { 'content-type': 'application/json' }).end('{"message":"Resource not found"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"c1","name":"Local/100@default-1;1"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const require = createRequire(import.meta.url);

interface SwaggerModelLike {
  readonly properties: readonly { readonly name: string; readonly dataType: string }[];
}
interface SwaggerResourceLike {
  readonly operations: Record<string, unknown>;
  readonly models: Record<string, SwaggerModelLike>;
  readonly [nickname: string]: unknown;
}
interface SwaggerApiLike {
  ready?: boolean;
  readonly apis: Record<string, SwaggerResourceLike>;
}
interface SwaggerClientModule {
  readonly SwaggerApi: new (options: { url: string; success(): void; failure(e: unknown): void }) => SwaggerApiLike;
  readonly PasswordAuthorization: new (host: string, user: string, pass: string) => unknown;
  readonly authorizations: { add(name: string, auth: unknown): void };
}

/** Load the docs exactly as ari-client's `_attachApi` does. */
function loadWithSwaggerClient(url: string): Promise<SwaggerApiLike> {
  const swagger = require('swagger-client') as SwaggerClientModule;
  swagger.authorizations.add('basic-auth', new swagger.PasswordAuthorization('127.0.0.1', 'asterisk', 'secret'));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('swagger-client did not finish loading')), 5000);
    const api: SwaggerApiLike = new swagger.SwaggerApi({
      url: `${url}/ari/api-docs/resources.json`,
      success() {
        if (api.ready === true) {
          clearTimeout(timer);
          resolve(api);
        }
      },
      failure(e) {
        clearTimeout(timer);
        reject(new Error(`swagger-client failed: ${String(e)}`));
      },
    });
  });
}

test('swagger-client 2.0.26 loads every document and exposes the operations by nickname', async () => {
  const server = await docsServer();
  try {
    const api = await loadWithSwaggerClient(server.url);
    assert.deepEqual(Object.keys(api.apis), [...RESOURCE_NAMES]);
    assert.deepEqual(
      server.requests.map((r) => r.url),
      ['/ari/api-docs/resources.json', ...RESOURCE_NAMES.map((n) => `/ari/api-docs/${n}.json`)],
    );
    assert.ok(server.requests.every((r) => r.authorization?.startsWith('Basic ')));
    assert.equal(typeof api.apis.channels?.originate, 'function');
    assert.equal(typeof api.apis.bridges?.create, 'function');
    assert.equal(typeof api.apis.events?.eventWebsocket, 'function');
    assert.equal(typeof api.apis.channels?.transfer_progress, 'function');
    assert.equal(Object.keys(api.apis.channels?.operations ?? {}).length, 35);
    const total = Object.values(api.apis).reduce((n, r) => n + Object.keys(r.operations).length, 0);
    assert.equal(total, 109);
    const stasisStart = api.apis.events?.models.StasisStart;
    assert.ok(stasisStart, 'events models lack StasisStart');
    assert.deepEqual(
      stasisStart.properties.map((p) => `${p.name}:${p.dataType}`),
      ['args:List[string]', 'channel:Channel', 'replace_channel:Channel'],
    );
  } finally {
    await server.close();
  }
});

test('swagger-client builds ARI requests from basePath, path, query and body parameters', async () => {
  const server = await docsServer();
  try {
    const api = await loadWithSwaggerClient(server.url);
    const originate = api.apis.channels?.originate as (args: object, ok: () => void, err: (e: unknown) => void) => void;
    await new Promise<void>((resolve, reject) => {
      originate(
        { endpoint: 'Local/100@default', app: 'demo', body: JSON.stringify({ variables: { A: '1' } }) },
        resolve,
        reject,
      );
    });
    const last = server.requests.at(-1);
    assert.equal(last?.method, 'POST');
    assert.equal(last?.url, '/ari/channels?endpoint=Local%2F100%40default&app=demo');
    assert.equal(last?.contentType, 'application/json');
    assert.deepEqual(JSON.parse(last?.body ?? ''), { variables: { A: '1' } });
  } finally {
    await server.close();
  }
});

test('ari-client 2.2.0 connects and attaches resources and operations', async () => {
  const server = await docsServer();
  try {
    const ari = require('ari-client') as { connect(url: string, user: string, pass: string): Promise<unknown> };
    const client = (await ari.connect(server.url, 'asterisk', 'secret')) as Record<string, Record<string, unknown>>;
    assert.equal(typeof client.channels?.originate, 'function');
    assert.equal(typeof client.bridges?.addChannel, 'function');
    assert.equal(typeof client.applications?.filter, 'function');
    assert.equal(typeof client.asterisk?.ping, 'function');
  } finally {
    await server.close();
  }
});
