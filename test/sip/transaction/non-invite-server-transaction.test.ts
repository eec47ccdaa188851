import assert from 'node:assert/strict';
import test from 'node:test';

import { NonInviteServerTransaction } from '../../../src/sip/transaction/non-invite-server-transaction.js';
import { TCP, UDP, request, response, setup } from './harness.js';

function started(dest = UDP) {
  const s = setup();
  const tx = new NonInviteServerTransaction(request({ method: 'BYE', transport: dest.transport }), dest, s.ctx);
  tx.start();
  return { ...s, tx };
}

const bye200 = () => response(200, 'OK', { method: 'BYE' });

test('a retransmitted request is absorbed in Trying and answered with the last 1xx in Proceeding', () => {
  const { transport, tx } = started();
  tx.receiveRequest(request({ method: 'BYE' }));
  assert.equal(transport.sent.length, 0);
  tx.respond(response(100, 'Trying', { method: 'BYE' }));
  assert.equal(tx.state, 'proceeding');
  tx.receiveRequest(request({ method: 'BYE' }));
  assert.deepEqual(transport.times('SIP/2.0 100'), [0, 0]);
});

test('the final response is resent for each retransmitted request until Timer J (64*T1)', () => {
  const { clock, transport, tx } = started();
  tx.respond(bye200());
  clock.advance(1000);
  tx.receiveRequest(request({ method: 'BYE' }));
  assert.deepEqual(transport.times('SIP/2.0 200'), [0, 1000]);
  clock.advance(30_990);
  assert.equal(tx.state, 'completed');
  clock.advance(10);
  assert.equal(tx.state, 'terminated');
  tx.receiveRequest(request({ method: 'BYE' }));
  assert.equal(transport.sent.length, 2);
});

test('the server never retransmits a non-INVITE final response on its own', () => {
  const { clock, transport, tx } = started();
  tx.respond(bye200());
  clock.advance(40_000);
  assert.equal(transport.sent.length, 1);
});

test('over TCP the final response terminates at once (Timer J is 0)', () => {
  const { tx } = started(TCP);
  tx.respond(bye200());
  assert.equal(tx.state, 'terminated');
  assert.throws(() => tx.respond(bye200()), /cannot send/);
});
