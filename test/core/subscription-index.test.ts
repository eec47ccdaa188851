import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SubscriptionIndex } from '../../src/core/stasis/subscription-index.js';
import { StasisApp } from '../../src/core/stasis/stasis-app.js';

test('subscriptions are counted: two subscribes need two unsubscribes', () => {
  const index = new SubscriptionIndex();
  const app = new StasisApp('a');
  index.subscribe(app, 'channel:c1');
  index.subscribe(app, 'channel:c1');
  assert.equal(index.unsubscribe(app, 'channel:c1'), true);
  const into = new Set<StasisApp>();
  index.addSubscribers('channel:c1', into);
  assert.equal(into.size, 1);
  assert.equal(index.unsubscribe(app, 'channel:c1'), true);
  into.clear();
  index.addSubscribers('channel:c1', into);
  assert.equal(into.size, 0);
  assert.equal(index.unsubscribe(app, 'channel:c1'), false);
});

test('dropping a key removes it from every app', () => {
  const index = new SubscriptionIndex();
  const a = new StasisApp('a');
  const b = new StasisApp('b');
  index.subscribe(a, 'bridge:b1');
  index.subscribe(b, 'bridge:b1');
  index.drop('bridge:b1');
  assert.equal(a.subscriptions.size, 0);
  assert.equal(b.subscriptions.size, 0);
  assert.deepEqual((a.toJSON() as { bridge_ids: string[] }).bridge_ids, []);
});
