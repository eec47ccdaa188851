import assert from 'node:assert/strict';
import test from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';

import { NonInviteClientTransaction } from '../../../src/sip/transaction/non-invite-client-transaction.js';
import type { ClientTransactionUser } from '../../../src/sip/transaction/transaction-ports.js';
import { TCP, UDP, recordingUser, request, response, setup } from './harness.js';

const options = () => request({ method: 'OPTIONS' });
const ok = () => response(200, 'OK', { method: 'OPTIONS' });

test('Timer E doubles from T1 and caps at T2 (4 s); Timer F times out at 32 s', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  const tx = new NonInviteClientTransaction(options(), UDP, ctx, user);
  tx.start();
  clock.advance(31_999);
  assert.deepEqual(transport.times('OPTIONS'), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  assert.equal(user.timeouts, 0);
  clock.advance(1);
  assert.equal(user.timeouts, 1);
  assert.equal(tx.state, 'terminated');
  assert.equal(ctx.wheel.size, 0);
});

test('after a provisional response Timer E fires every T2', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  const tx = new NonInviteClientTransaction(options(), UDP, ctx, user);
  tx.start();
  clock.advance(100);
  tx.receiveResponse(response(100, 'Trying', { method: 'OPTIONS' }));
  assert.equal(tx.state, 'proceeding');
  clock.advance(12_000);
  // the pending E (due at 500) fires, then every 4 s
  assert.deepEqual(
    transport.times('OPTIONS'),
    [0, 500, 4500, 8500, 12500].filter((t) => t <= 12_100),
  );
  assert.deepEqual(user.responses, [100]);
});

test('over TCP the request is sent once, and a final response terminates at once (Timer K is 0)', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  const tx = new NonInviteClientTransaction(request({ method: 'OPTIONS', transport: 'TCP' }), TCP, ctx, user);
  tx.start();
  clock.advance(20_000);
  assert.deepEqual(transport.times('OPTIONS'), [0]);
  tx.receiveResponse(ok());
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(user.responses, [200]);
});

test('a final response stops retransmission; retransmitted responses are absorbed until Timer K (T4)', () => {
  const { clock, transport, ctx } = setup();
  const user = recordingUser();
  const tx = new NonInviteClientTransaction(options(), UDP, ctx, user);
  tx.start();
  clock.advance(600);
  tx.receiveResponse(ok());
  tx.receiveResponse(ok());
  assert.deepEqual(user.responses, [200]);
  assert.equal(tx.state, 'completed');
  clock.advance(4990);
  assert.equal(tx.state, 'completed');
  clock.advance(10);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(transport.times('OPTIONS'), [0, 500]);
  assert.equal(user.timeouts, 0);
});

test('INVITE and ACK are refused', () => {
  const { ctx } = setup();
  assert.throws(() => new NonInviteClientTransaction(request(), UDP, ctx, recordingUser()), TypeError);
  assert.throws(() => new NonInviteClientTransaction(request({ method: 'ACK' }), UDP, ctx, recordingUser()), TypeError);
});

/** A transaction whose TU's callbacks hold a large object, as a call's session would; only a WeakRef to it is kept. */
function startedWithSession(
  ctx: ReturnType<typeof setup>['ctx'],
  log: number[],
): { tx: NonInviteClientTransaction; session: WeakRef<object> } {
  const session = { media: new Uint8Array(1024) };
  const user: ClientTransactionUser = {
    onResponse: (res) => log.push(session.media.length > 0 ? res.status : 0),
    onTimeout: () => {},
  };
  const tx = new NonInviteClientTransaction(options(), UDP, ctx, user);
  tx.start();
  return { tx, session: new WeakRef(session) };
}

test('the TU is let go once it has the final response, not kept for Timer K', async () => {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const { clock, ctx } = setup();
  const log: number[] = [];
  const { tx, session } = startedWithSession(ctx, log);
  clock.advance(100);
  tx.receiveResponse(ok());
  assert.deepEqual(log, [200]);
  assert.equal(tx.state, 'completed');
  // A WeakRef's target is kept alive until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  assert.equal(session.deref(), undefined, 'the TU is still referenced during Timer K');
  tx.receiveResponse(ok());
  assert.deepEqual(log, [200]);
});
