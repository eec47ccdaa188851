import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApiDocument, type Schema } from '../../src/ari/docs/openapi.js';
import { ALL_OPERATIONS } from '../../src/ari/operations/index.js';
import { ALL_MODELS } from '../../src/ari/models/index.js';

const doc = openApiDocument('http://127.0.0.1:8088');
type Op = {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean; schema: Schema; style?: string; explode?: boolean }[];
  requestBody?: { required: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
  tags: string[];
};
const op = (path: string, method: string): Op => {
  const found = doc.paths[path]?.[method];
  assert.ok(found, `${method} ${path} missing`);
  return found as unknown as Op;
};

test('the document is OpenAPI 3.0.3 for the given server, with ARI under /ari', () => {
  assert.equal(doc.openapi, '3.0.3');
  assert.deepEqual(doc.servers, [{ url: 'http://127.0.0.1:8088' }]);
  assert.equal(doc.info.version, '10.0.0');
  assert.equal(doc.tags.length, 11);
  assert.ok(Object.keys(doc.paths).every((p) => p.startsWith('/ari/')));
  assert.deepEqual(openApiDocument('http://h:1/pfx').servers, [{ url: 'http://h:1/pfx' }]);
  assert.equal(openApiDocument('http://h:1').paths, doc.paths);
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc);
});

test('every operation appears once under its method and path, with a unique operationId', () => {
  const ids = new Set<string>();
  let count = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, value] of Object.entries(methods)) {
      const o = value as unknown as Op;
      assert.ok(['get', 'post', 'put', 'delete'].includes(method), method);
      assert.ok(!ids.has(o.operationId), o.operationId);
      ids.add(o.operationId);
      count++;
      const segments = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const pathParams = (o.parameters ?? []).filter((p) => p.in === 'path');
      assert.deepEqual(pathParams.map((p) => p.name).sort(), segments, `${method} ${path}`);
      assert.ok(
        pathParams.every((p) => p.required),
        `${method} ${path}: path params must be required`,
      );
    }
  }
  assert.equal(count, ALL_OPERATIONS.length);
  assert.equal(count, 109);
  assert.ok(ids.has('channels_originate'));
});

test('parameters carry types, enums, ranges, defaults and comma-separated arrays', () => {
  const hangup = op('/ari/channels/{channelId}', 'delete');
  const reason = hangup.parameters?.find((p) => p.name === 'reason');
  assert.equal(reason?.in, 'query');
  assert.equal((reason?.schema.enum as string[]).length, 13);
  const record = op('/ari/channels/{channelId}/record', 'post');
  assert.deepEqual(record.parameters?.find((p) => p.name === 'maxDurationSeconds')?.schema, {
    type: 'integer',
    format: 'int32',
    minimum: 0,
    default: 0,
  });
  const addChannel = op('/ari/bridges/{bridgeId}/addChannel', 'post');
  const channel = addChannel.parameters?.find((p) => p.name === 'channel');
  assert.deepEqual(channel?.schema, { type: 'array', items: { type: 'string' } });
  assert.equal(channel?.style, 'form');
  assert.equal(channel?.explode, false);
  assert.equal(channel?.required, true);
});

test('body parameters become a JSON request body', () => {
  const originate = op('/ari/channels', 'post');
  assert.equal(
    originate.parameters?.some((p) => p.name === 'variables'),
    false,
  );
  assert.equal(originate.requestBody?.required, false);
  const schema = originate.requestBody?.content['application/json']?.schema;
  assert.ok(schema && typeof schema.properties === 'object' && 'variables' in (schema.properties as object));
  const setVars = op('/ari/channels/{channelId}/variables', 'post');
  assert.equal(setVars.requestBody?.required, true);
  const filter = op('/ari/applications/{applicationName}/eventFilter', 'put');
  assert.equal(filter.requestBody?.content['application/json']?.schema.additionalProperties, true);
  assert.equal(op('/ari/channels/{channelId}/answer', 'post').requestBody, undefined);
});

test('responses list the success status, 401 and the documented errors', () => {
  const originate = op('/ari/channels', 'post');
  assert.deepEqual(Object.keys(originate.responses).sort(), ['200', '400', '401', '409']);
  assert.deepEqual(originate.responses['200']?.content?.['application/json']?.schema, {
    $ref: '#/components/schemas/Channel',
  });
  assert.deepEqual(op('/ari/channels', 'get').responses['200']?.content?.['application/json']?.schema, {
    type: 'array',
    items: { $ref: '#/components/schemas/Channel' },
  });
  assert.equal(op('/ari/channels/{channelId}/answer', 'post').responses['204']?.content, undefined);
  assert.ok(op('/ari/channels/{channelId}/play', 'post').responses['201']);
  assert.ok(op('/ari/endpoints/sendMessage', 'put').responses['202']);
  assert.ok(op('/ari/events', 'get').responses['101']);
  assert.ok(op('/ari/recordings/stored/{recordingName}/file', 'get').responses['200']?.content?.['*/*']);
});

test('every model is a schema, events extend Event and Message keeps the discriminator', () => {
  const schemas = doc.components.schemas;
  for (const m of ALL_MODELS) assert.ok(schemas[m.id], m.id);
  assert.deepEqual(schemas.Message?.discriminator, { propertyName: 'type' });
  assert.deepEqual((schemas.StasisStart?.allOf as Schema[])[0], { $ref: '#/components/schemas/Event' });
  assert.deepEqual((schemas.Event?.allOf as Schema[])[0], { $ref: '#/components/schemas/Message' });
  const channel = schemas.Channel as { required: string[]; properties: Record<string, Schema> };
  assert.ok(channel.required.includes('id'));
  assert.ok(!channel.required.includes('tenantid'));
  assert.deepEqual(channel.properties.caller, { $ref: '#/components/schemas/CallerID' });
  assert.equal(channel.properties.creationtime?.type, 'string');
  assert.ok((channel.properties.state?.enum as string[]).includes('Up'));
});

test('every $ref resolves and security offers basic auth or the api_key query parameter', () => {
  const refs: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === '$ref' && typeof x === 'string') refs.push(x);
        else walk(x);
      }
    }
  };
  walk(doc);
  assert.ok(refs.length > 100);
  for (const r of refs) {
    const id = r.replace('#/components/schemas/', '');
    assert.ok(doc.components.schemas[id], `dangling ${r}`);
  }
  assert.deepEqual(doc.components.securitySchemes.basicAuth, { type: 'http', scheme: 'basic' });
  assert.deepEqual(doc.components.securitySchemes.apiKey, { type: 'apiKey', in: 'query', name: 'api_key' });
  assert.deepEqual(doc.security, [{ basicAuth: [] }, { apiKey: [] }]);
});
