import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TurnBudget } from '../../../src/ari/server/turn-budget.js';

test('turn budget: N entries per event-loop turn, the rest on later turns in arrival order', async () => {
  const budget = new TurnBudget(3);
  const order: string[] = [];
  const entered = Array.from({ length: 7 }, (_, i) => {
    const wait = budget.enter();
    if (wait === undefined) {
      order.push(`now ${i}`);
      return Promise.resolve();
    }
    return wait.then(() => order.push(`later ${i}`));
  });
  assert.deepEqual(order, ['now 0', 'now 1', 'now 2']);
  // Seen from a callback queued after the budget's own: one turn lets exactly three more in.
  const afterFirstTurn = new Promise<number>((r) => setImmediate(() => r(order.length)));
  assert.equal(await afterFirstTurn, 6);
  await Promise.all(entered);
  assert.deepEqual(order, ['now 0', 'now 1', 'now 2', 'later 3', 'later 4', 'later 5', 'later 6']);
  // A fresh turn starts with the whole budget again.
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.equal(budget.enter(), undefined);
});
