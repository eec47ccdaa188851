/**
 * The OpenAPI document served at GET /ari/openapi.json, checked by an independent validator
 * (@readme/openapi-parser: the OpenAPI 3.0 JSON Schema plus its own checks of references, parameters and
 * operation ids).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { validate } from '@readme/openapi-parser';
import { call, startHarness, type Harness } from './server/harness.js';
import { ALL_OPERATIONS } from '../../src/ari/operations/index.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

async function served(): Promise<Record<string, any>> {
  const r = await call(h, 'GET', '/openapi.json');
  assert.equal(r.status, 200);
  return JSON.parse(r.text) as Record<string, any>;
}

test('GET /ari/openapi.json validates as OpenAPI 3.0 without warnings', async () => {
  const doc = await served();
  const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
  assert.deepEqual(result.valid ? [] : result.errors, []);
  assert.deepEqual(result.warnings, []);
  assert.equal(result.specification, 'OpenAPI');
  let count = 0;
  for (const methods of Object.values(doc['paths'] as Record<string, object>)) count += Object.keys(methods).length;
  assert.equal(count, ALL_OPERATIONS.length);
});

test('the validator does reject broken copies (so the check above can fail)', async () => {
  const noPathParam = await served();
  const answer = noPathParam['paths']['/ari/channels/{channelId}/answer'].post;
  answer.parameters = answer.parameters.filter((p: { in: string }) => p.in !== 'path');
  const r1 = await validate(noPathParam as Parameters<typeof validate>[0]);
  assert.equal(r1.valid, false);
  assert.match(JSON.stringify(r1.errors), /channelId/);

  const danglingRef = await served();
  danglingRef['paths']['/ari/channels'].get.responses['200'].content['application/json'].schema = {
    $ref: '#/components/schemas/NoSuchModel',
  };
  const r2 = await validate(danglingRef as Parameters<typeof validate>[0]);
  assert.equal(r2.valid, false);
  assert.match(JSON.stringify(r2.errors), /NoSuchModel/);
});
