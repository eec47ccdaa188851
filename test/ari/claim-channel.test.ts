import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
before(async () => (s = await startTestServer()));
after(async () => s.close());

async function claim(query: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${s.ariBase}/events/claim${query}`, { method: 'POST', headers: { authorization: s.auth } });
  return { status: res.status, json: await res.json() };
}

test('claim checks channelId, then application, with Asterisk 22 messages', async () => {
  assert.deepEqual(await claim(''), { status: 400, json: { message: 'channelId parameter is required' } });
  assert.deepEqual(await claim('?application=a'), { status: 400, json: { message: 'channelId parameter is required' } }); // prettier-ignore
  assert.deepEqual(await claim('?channelId=&application=a'), { status: 400, json: { message: 'channelId parameter is required' } }); // prettier-ignore
  assert.deepEqual(await claim('?channelId=x'), { status: 400, json: { message: 'application parameter is required' } }); // prettier-ignore
});

test('a complete claim answers as Asterisk does without res_stasis_broadcast (501)', async () => {
  assert.deepEqual(await claim('?channelId=x&application=a'), {
    status: 501,
    json: { message: 'Broadcast functionality not available (res_stasis_broadcast not loaded)' },
  });
});
